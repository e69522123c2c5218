import * as path from "path";
import { CACHE_ENV, prepareCache } from "./synth-cache";

/**
 * Runs once per jest run, in the parent process: the workers it starts afterwards inherit the
 * cache directory through the environment.
 */
export default function globalSetup(): void {
  if (!process.env[CACHE_ENV]) process.env[CACHE_ENV] = prepareCache(path.join(__dirname, ".."));
}
