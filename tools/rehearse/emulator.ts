import { ChildProcess, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { ROOT } from "../../config/deployment";
import { EmulatorGaps } from "./gaps";
import { startProcess, stopAndWait } from "./processes";

/**
 * moto_server on a free loopback port, started through tools/rehearse/emulator/moto_server.py (moto with the
 * reviewed patches), stopped by its pid.
 */
export const PYTHON = process.env.REHEARSAL_PYTHON ?? "python3";
const MOTO_LAUNCHER = path.join(ROOT, "tools", "rehearse", "emulator", "moto_server.py");
/** moto's default account: every request without a known access key acts in it. */
export const MOTO_ACCOUNT_ID = "123456789012";

export type Availability = { ok: true; version: string } | { ok: false; reason: string };

/** Whether python3 with moto (and the server extras) is installed; the reason when not. */
export function emulatorAvailability(expected?: string): Availability {
  const probe = spawnSync(PYTHON, ["-c", "import moto, flask, werkzeug; from moto.server import main; print(moto.__version__)"], {
    encoding: "utf8",
  });
  if (probe.error)
    return {
      ok: false,
      reason: `${PYTHON} not found; install Python 3 and moto[server] (pip install "moto[server]==${expected ?? "5.2.1"}")`,
    };
  if (probe.status !== 0) {
    return {
      ok: false,
      reason: `moto is not importable by ${PYTHON} (${probe.stderr.trim().split("\n").pop()}); pip install "moto[server]==${expected ?? "5.2.1"}"`,
    };
  }
  const version = probe.stdout.trim();
  if (expected && version !== expected) {
    return {
      ok: false,
      reason: `moto ${version} is installed; the emulator gaps and patches were verified on ${expected} (pip install "moto[server]==${expected}")`,
    };
  }
  return { ok: true, version };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** The environment moto runs with: the settings listed (and justified) in the gaps file. */
function emulatorEnv(gaps: EmulatorGaps): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const s of gaps.settings) env[s.name] = s.value;
  return env;
}

export interface Emulator {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

function ping(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/moto-api/`, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on("error", () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Starts the patched moto_server; resolves once it answers. Its output goes to `logFile`. */
export async function startEmulator(gaps: EmulatorGaps, logFile: string, timeoutMs = 60_000): Promise<Emulator> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, "a");
  const child: ChildProcess = startProcess(PYTHON, [MOTO_LAUNCHER, "-H", "127.0.0.1", "-p", String(port)], {
    env: emulatorEnv(gaps),
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  const stop = () => stopAndWait(child, 5000);
  const started = Date.now();
  let exited = false;
  child.once("exit", () => (exited = true));
  while (!(await ping(endpoint))) {
    if (exited || Date.now() - started > timeoutMs) {
      await stop();
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n") : "";
      throw new Error(`moto_server did not start on ${endpoint} within ${timeoutMs / 1000} s${exited ? " (it exited)" : ""}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { endpoint, port, pid: child.pid!, logFile, stop };
}
