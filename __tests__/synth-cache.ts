import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { outerTmpdir } from "./run-tmpdir";

/**
 * A synthesized phase shared by every test file of one jest run (and of later runs while the
 * sources are unchanged): before it, each of some 40 test files synthesized phase 1 and phase 4 again
 * in its own worker. The directory is named for a hash of everything a synth reads, so an edit to
 * any source file, phase, input example or dependency version starts a fresh cache.
 */
export const CACHE_ENV = "RESTARTIX_SYNTH_CACHE";
/** Outside the run's private TMPDIR (run-tmpdir.ts), which goes at the end of each run. */
const parent = (): string => path.join(outerTmpdir(), "restartix-synth-cache");

/** Folders and files that are not synth inputs (tests, docs, build output, caches). */
const NOT_INPUTS = new Set([
  ".git",
  "node_modules",
  "dist",
  "cdktf.out",
  "__tests__",
  "docs",
  ".github",
  ".ci",
  ".bench",
  ".plan",
  ".check",
  "coverage",
  ".cache",
]);

function files(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (NOT_INPUTS.has(e.name) || e.name.startsWith(".terraform") || e.name.endsWith(".tfstate")) continue;
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...files(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** A hash of every file a synth may read (the repository minus tests, docs and build output). */
export function sourceHash(root: string): string {
  const h = createHash("sha256");
  for (const f of files(root).sort()) {
    h.update(f)
      .update("\0")
      .update(fs.readFileSync(path.join(root, f)))
      .update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

/** Creates this run's cache directory and removes the ones older than a day (other checkouts' are left alone). */
export function prepareCache(root: string): string {
  const PARENT = parent();
  const dir = path.join(PARENT, sourceHash(root));
  fs.mkdirSync(dir, { recursive: true });
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const e of fs.readdirSync(PARENT)) {
    const p = path.join(PARENT, e);
    if (p !== dir && fs.statSync(p).mtimeMs < dayAgo) fs.rmSync(p, { recursive: true, force: true });
  }
  fs.utimesSync(dir, new Date(), new Date());
  return dir;
}

/** The cached value under `key`, or `make()` written there atomically (two workers may race: both write the same). */
export function cached<T>(key: string, make: () => T): T {
  const dir = process.env[CACHE_ENV];
  if (!dir || !fs.existsSync(dir)) return make();
  const file = path.join(dir, `${createHash("sha256").update(key).digest("hex").slice(0, 24)}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  const value = make();
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
  return value;
}
