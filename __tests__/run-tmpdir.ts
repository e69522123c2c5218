import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * One private TMPDIR per jest run: global-setup.ts points TMPDIR at a new directory before jest
 * starts its workers (they inherit it, and so does every process a test spawns: scripts, terraform,
 * cdktf's Testing.app), and global-teardown.ts removes it. Whatever a test or a tool forgets to
 * remove is then gone after the run instead of piling up in /tmp, and is listed, so the leak is seen
 * and fixed where it is made (tempDir in __tests__/temp-dirs.ts, a `finally` in the tool).
 */
export const RUN_TMPDIR_ENV = "RESTARTIX_TEST_TMPDIR";
/** The temporary directory outside every run's own one: the synth cache lives there across runs. */
const OUTER_ENV = "RESTARTIX_OUTER_TMPDIR";
const PREFIX = "restartix-jest-";
const DAY = 24 * 3600 * 1000;

/** The system temporary directory, also while a run's private one is TMPDIR. */
export const outerTmpdir = (): string => process.env[OUTER_ENV] ?? os.tmpdir();

/** Creates this run's TMPDIR and makes it the process's (a run nested in a test gets its own, inside). */
export function startRunTmpdir(): string {
  const outer = os.tmpdir();
  process.env[OUTER_ENV] ??= outer;
  // Directories kept by runs that ended with leftovers (or were killed) go after a day.
  for (const e of fs.readdirSync(outer)) {
    const p = path.join(outer, e);
    if (e.startsWith(PREFIX) && (fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < Date.now() - DAY)
      fs.rmSync(p, { recursive: true, force: true });
  }
  const dir = fs.mkdtempSync(path.join(outer, PREFIX));
  // The outer directory's mode (1777 for /tmp), not mkdtemp's 0700: tests run PostgreSQL as another
  // user (nobody, postgres) in directories under TMPDIR, which that user must be able to reach.
  fs.chmodSync(dir, fs.statSync(outer).mode & 0o7777);
  process.env[RUN_TMPDIR_ENV] = dir;
  process.env.TMPDIR = dir;
  return dir;
}

/**
 * Ends the run's TMPDIR: removed when empty; otherwise kept (a tool may have kept a scratch directory
 * of a failed step on purpose) and the entries returned, for the caller to report.
 */
export function finishRunTmpdir(): { dir: string; left: string[] } | undefined {
  const dir = process.env[RUN_TMPDIR_ENV];
  if (!dir) return undefined;
  const outer = path.dirname(dir);
  process.env.TMPDIR = outer;
  delete process.env[RUN_TMPDIR_ENV];
  if (!fs.existsSync(dir)) return { dir, left: [] };
  const left = fs.readdirSync(dir).sort();
  if (left.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  return { dir, left };
}
