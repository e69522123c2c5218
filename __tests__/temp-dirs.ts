import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Temporary directories of one test file, removed when the file ends (the test environment,
 * __tests__/environment.ts, runs removeTempDirs after the file's last afterAll hook). Before, each run of the suite left some 300 of them
 * (about 180 MB) in /tmp; a few runs on a CI runner or a laptop filled the disk.
 *
 * The list lives on the test file's global object, not in this module: a file that calls
 * jest.resetModules() gets a fresh copy of this module, and its directories must still be removed.
 */
const KEY = Symbol.for("restartix.tempDirs");
type Holder = Record<symbol, string[] | undefined>;
const registry = (global: object = globalThis): string[] => ((global as Holder)[KEY] ??= []);

/** A new empty directory under the system temporary directory, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  registry().push(dir);
  return dir;
}

/** The directories tempDir made that are still to be removed. */
export const pendingTempDirs = (): readonly string[] => [...registry()];

/** Removes every directory tempDir made in `global`'s test file (a directory a test already removed is fine). */
export function removeTempDirs(global: object = globalThis): void {
  const dirs = registry(global);
  for (const dir of dirs.splice(0)) {
    try {
      // Retries: a process a test started may still be writing its last log line into the directory.
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (e) {
      // Never fails the file: the run's private TMPDIR still goes, and the end of the run names it.
      process.stderr.write(`warning: could not remove ${dir}: ${(e as Error).message}\n`);
    }
  }
}
