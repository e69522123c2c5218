import * as path from "path";
import { startRunTmpdir } from "./run-tmpdir";
import { CACHE_ENV, prepareCache } from "./synth-cache";

const OWNED = `${CACHE_ENV}_SET_BY_SETUP`;

/**
 * Runs once per jest run (each run of `jest --watch` too, so an edit between runs gets a fresh hash),
 * in the parent process: the workers it starts afterwards inherit the cache directory and the run's
 * private TMPDIR (run-tmpdir.ts) through the environment. A cache directory given from outside is
 * used as it is.
 */
export default function globalSetup(): void {
  startRunTmpdir();
  if (process.env[CACHE_ENV] && !process.env[OWNED]) return;
  process.env[CACHE_ENV] = prepareCache(path.join(__dirname, ".."));
  process.env[OWNED] = "1";
}
