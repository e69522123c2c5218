import { spawn } from "child_process";
import * as fs from "fs";

/** Runs a command as a fresh process and measures its wall time and peak memory. */

export interface Measurement {
  readonly seconds: number;
  /** Peak resident set size of the process, MB; undefined when it could not be read. @default - absent: the peak could not be read */
  readonly peakMb?: number;
  /** User + system CPU seconds (GNU time only): steadier than wall time on a busy machine. @default - absent: no GNU time on the machine */
  readonly cpuSeconds?: number;
  readonly code: number;
  readonly output: string;
}

const TIME_BIN = "/usr/bin/time";
const hasGnuTime = (): boolean => fs.existsSync(TIME_BIN);

export function peakMethod(): string {
  return hasGnuTime() ? "/usr/bin/time -v (maximum resident set size)" : "/proc/<pid>/status VmHWM, polled every 20 ms";
}

/**
 * Wall time from spawn to exit. Peak memory: GNU time's maximum resident set size when
 * /usr/bin/time exists (it reads the kernel's own accounting of the finished process), else the
 * process's VmHWM high-water mark polled while it runs.
 */
export function measure(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Measurement> {
  const gnu = hasGnuTime();
  const [bin, argv] = gnu ? [TIME_BIN, ["-v", cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(bin, argv, { cwd: opts.cwd, env: opts.env ?? process.env });
    let out = "";
    let err = "";
    let hwmKb = 0;
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const poll = gnu
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
            if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
          } catch {
            // The process has exited between two polls.
          }
        }, 20);
    const timer = opts.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs) : undefined;
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (poll) clearInterval(poll);
      if (timer) clearTimeout(timer);
      let peakKb = hwmKb;
      let cpuSeconds: number | undefined;
      if (gnu) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
        peakKb = m ? Number(m[1]) : 0;
        const user = /User time \(seconds\): ([\d.]+)/.exec(err);
        const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
        cpuSeconds = user && sys ? Number(user[1]) + Number(sys[1]) : undefined;
        err = err.replace(/\n?\s*Command being timed:[\s\S]*$/, "");
      }
      resolve({ seconds, peakMb: peakKb ? peakKb / 1024 : undefined, cpuSeconds, code: code ?? 1, output: out + err });
    });
  });
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
