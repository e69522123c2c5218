import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { CheckFailed, CommandSpec, ParsedCommand, runCommand, UsageError } from "../tools/cli";
import { diffOutdirs, readOutdir, selectStacks, StackDiff } from "../tools/stack-diff";

export const spec: CommandSpec = {
  name: "changed-stacks",
  summary:
    "Print the stacks whose synthesized cdk.tf.json differs between a base and the head (new stacks included), one per line, producers first. " +
    "If the base cannot be synthesized, every stack is printed: planning too much is safe, planning too little is not.",
  usage: ["(--base-ref REF | --base-dir DIR | --all) [--head-dir DIR] [--with-dependencies] [--with-dependents] [--json]"],
  flags: {
    "base-ref": { type: "string", valueName: "REF", description: "git ref to compare with (synthesized from a git archive of it)" },
    "base-dir": { type: "string", valueName: "DIR", description: "an outdir already synthesized from the base" },
    all: { type: "boolean", description: "no base: select every stack" },
    "head-dir": {
      type: "string",
      valueName: "DIR",
      description: "an outdir already synthesized from the head (default: synthesize this checkout)",
    },
    "with-dependencies": { type: "boolean", description: "add the stacks the selected ones read from (cdktf deploy needs them)" },
    "with-dependents": { type: "boolean", description: "add the stacks that read from the selected ones" },
    json: { type: "boolean", description: "print the whole diff as JSON" },
  },
  epilog: ["Use npm run -s changed-stacks so that npm's own lines stay out of the list."],
};

/** An outdir named on the command line: a directory with a manifest.json, else exit 2. */
function outdirFlag(flag: string, dir: string): string {
  if (!fs.existsSync(dir))
    throw new UsageError(
      `--${flag}: ${dir} does not exist. Fix: synthesize first (CDKTF_OUTDIR=${dir} npm run synth) or pass the right directory`,
    );
  if (!fs.statSync(dir).isDirectory())
    throw new UsageError(`--${flag}: ${dir} is not a directory. Fix: pass the synth output directory (the one holding manifest.json)`);
  if (!fs.existsSync(path.join(dir, "manifest.json")))
    throw new UsageError(
      `--${flag}: ${dir} has no manifest.json, so it is not a complete synth output. Fix: synthesize into it (CDKTF_OUTDIR=${dir} npm run synth)`,
    );
  return dir;
}

export function main({ flags }: ParsedCommand): number {
  const sources = ["base-ref", "base-dir", "all"].filter((f) => flags[f] !== undefined && flags[f] !== false);
  if (sources.length !== 1) {
    throw new UsageError(
      `${sources.length === 0 ? "no base given" : `${sources.map((s) => `--${s}`).join(" and ")}: choose one`}. Fix: pass exactly one of --base-ref REF, --base-dir DIR or --all (npm run changed-stacks -- --help)`,
    );
  }
  const baseDirFlag = flags["base-dir"] === undefined ? undefined : outdirFlag("base-dir", flags["base-dir"] as string);
  const headDirFlag = flags["head-dir"] === undefined ? undefined : outdirFlag("head-dir", flags["head-dir"] as string);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "changed-stacks-"));
  try {
    const headDir = headDirFlag ?? synthHead(path.join(scratch, "head"));
    const head = readOutdir(headDir);
    let diff: StackDiff;
    let baseNote: string | undefined;
    if (baseDirFlag !== undefined) {
      diff = diffOutdirs(baseDirFlag, headDir);
    } else if (typeof flags["base-ref"] === "string") {
      const base = synthRef(flags["base-ref"], scratch);
      if ("error" in base) baseNote = base.error;
      diff = "error" in base ? everything(head.map((s) => s.name)) : diffOutdirs(base.dir, headDir);
    } else {
      baseNote = "--all: no base";
      diff = everything(head.map((s) => s.name));
    }
    const selected = selectStacks([...diff.changed, ...diff.added], head, {
      dependencies: flags["with-dependencies"] === true,
      dependents: flags["with-dependents"] === true,
    });
    if (baseNote) console.error(`changed-stacks: every stack selected (${baseNote})`);
    if (diff.removed.length) {
      console.error(
        `changed-stacks: stacks no longer synthesized: ${diff.removed.join(", ")}. Nothing destroys them automatically; run cdktf destroy on them from the base if they must go.`,
      );
    }
    console.log(flags.json === true ? JSON.stringify({ ...diff, selected, baseNote: baseNote ?? null }, null, 2) : selected.join("\n"));
    return 0;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const everything = (names: string[]): StackDiff => ({ changed: [], added: [...names].sort(), removed: [], unchanged: [] });

/** Synthesizes this checkout with the same entry point cdktf uses (cdktf.json "app"). */
function synthHead(outdir: string): string {
  if (!run("npm", ["run", "-s", "synth"], ROOT, outdir)) throw new CheckFailed("synth of the head failed (see above)");
  return outdir;
}

/**
 * Synthesizes another commit: its tracked files are exported with `git archive` into a scratch
 * directory (no worktree to register or clean up, the checkout is not touched), then that tree's
 * own `npm run synth` runs there, with the same deployment inputs and environment as the head.
 */
function synthRef(ref: string, scratch: string): { dir: string } | { error: string } {
  // A ref that starts with "-" would be read by git as an option.
  if (ref.startsWith("-")) return { error: `base ref ${JSON.stringify(ref)} is not a ref` };
  let commit: string;
  try {
    commit = execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return { error: `base ref ${ref} not found (in CI, check out with fetch-depth: 0)` };
  }
  const tree = path.join(scratch, "base");
  const outdir = path.join(scratch, "base.out");
  fs.mkdirSync(tree);
  const tar = execFileSync("git", ["archive", "--format=tar", commit], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", tree], { input: tar });
  const lock = (dir: string) =>
    fs.existsSync(path.join(dir, "package-lock.json")) ? fs.readFileSync(path.join(dir, "package-lock.json"), "utf8") : "";
  if (lock(tree) === lock(ROOT) && fs.existsSync(path.join(ROOT, "node_modules"))) {
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"), "dir");
  } else if (!run("npm", ["ci", "--no-audit", "--no-fund"], tree)) {
    return { error: `npm ci failed for ${ref} (${commit.slice(0, 12)})` };
  }
  // Deployment inputs are git-ignored: the base must see the same ones as the head.
  for (const name of ["deployment.tfvars", "deployment.tfvars"]) {
    const tfvars = path.join(ROOT, name);
    if (fs.existsSync(tfvars)) fs.copyFileSync(tfvars, path.join(tree, name));
  }
  if (!run("npm", ["run", "-s", "synth"], tree, outdir)) return { error: `synth failed for ${ref} (${commit.slice(0, 12)})` };
  // An older main.ts may ignore CDKTF_OUTDIR and write its default outdir.
  const dir = [outdir, path.join(tree, "cdktf.out")].find((d) => fs.existsSync(path.join(d, "manifest.json")));
  return dir ? { dir } : { error: `synth of ${ref} wrote no manifest.json` };
}

/** Runs a command with its output on stderr, so stdout carries only the stack names. */
function run(cmd: string, args: string[], cwd: string, outdir?: string): boolean {
  const env = outdir ? { ...process.env, CDKTF_OUTDIR: outdir } : process.env;
  return spawnSync(cmd, args, { cwd, env, stdio: ["ignore", 2, 2] }).status === 0;
}

if (require.main === module) runCommand(spec, main);
