import { ChildProcess, spawn, SpawnOptions } from "child_process";

/**
 * Child processes of the rehearsal (moto, terraform), each started in its own process group so that
 * a Ctrl-C in the terminal reaches only this process, which then stops them by their pid: at the
 * end, on failure and on SIGINT/SIGTERM. Nothing is ever stopped by name.
 */
const running = new Set<ChildProcess>();
let handlersInstalled = false;

/** Sends `signal` to the child's process group (its pid, negated), falling back to the pid alone. */
function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Stops every child still running (SIGTERM, then SIGKILL after `graceMs`); resolves when all exited. */
export async function stopAll(graceMs = 5000): Promise<void> {
  const children = [...running];
  await Promise.all(children.map((c) => stopAndWait(c, graceMs)));
}

export function stopAndWait(child: ChildProcess, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      resolve();
      return;
    }
    const timer = setTimeout(() => stopProcess(child, "SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    stopProcess(child, "SIGTERM");
  });
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nrehearse: ${signal}: stopping ${running.size} child process(es) by pid\n`);
    void stopAll(3000).then(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // A crash or process.exit: last-chance synchronous kill of whatever is left.
  process.once("exit", () => {
    for (const c of running) stopProcess(c, "SIGKILL");
  });
}

/** Spawns a tracked child in its own process group. */
export function startProcess(cmd: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  installHandlers();
  const child = spawn(cmd, [...args], { ...options, detached: true });
  running.add(child);
  child.once("exit", () => running.delete(child));
  child.once("error", () => running.delete(child));
  return child;
}

/** Pids of the tracked children still running (tests check that none is left behind). */
export function runningPids(): number[] {
  return [...running].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly seconds: number;
  readonly timedOut: boolean;
}

/** Runs a command to completion, capturing stdout and stderr together; killed after `timeoutMs`. */
export function runProcess(
  cmd: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number; input?: string },
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = startProcess(cmd, args, { ...options, stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let out = "";
    let timedOut = false;
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          void stopAndWait(child, 10_000);
        }, options.timeoutMs)
      : undefined;
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: 127, out: out + String(e), seconds: (Date.now() - started) / 1000, timedOut });
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), out, seconds: (Date.now() - started) / 1000, timedOut });
    });
  });
}
