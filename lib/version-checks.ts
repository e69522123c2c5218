/**
 * cdktf adds a "terraform version" check to every element that needs a minimum Terraform (import
 * blocks, moved blocks, terraform_data, the cloud block) and runs it through a shell each time it
 * validates: one `terraform version` process per element, twice per synth (the stack's validation
 * and the app's). That was 0.15-0.25 s of every synth here. The answer cannot change while one
 * process runs, so each distinct command runs once; the check itself (the version against each
 * element's constraint, the error when terraform is missing) is cdktf's own, unchanged.
 *
 * A passing check is also kept on disk (node_modules/.cache/restartix-terraform-version), by the
 * constraint and the identity of the binary the shell would run (its path on PATH, size,
 * modification time and inode): the one process a synth still started cost 0.12 s of a 2 s synth.
 * Another terraform on PATH, the same path replaced by an upgrade, or TERRAFORM_BINARY_NAME naming
 * another binary is a new key, so the check runs again; a failing check is never kept (it runs
 * each time, and passes once terraform is fixed). RESTARTIX_VERSION_CACHE=0 turns the disk off.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const binaryVersion = require("cdktf/lib/validations/validate-binary-version") as {
  ValidateBinaryVersion: { prototype: { validate(this: VersionCheck): string[] } };
};

interface VersionCheck {
  readonly binary: string;
  readonly versionConstraint: string;
  readonly versionCommand: string;
  readonly hint?: string;
}

const original = binaryVersion.ValidateBinaryVersion.prototype.validate;
const answers = new Map<string, readonly string[]>();

/** Runs each distinct version check once per process; returns false when it was already so. */
export function runVersionChecksOnce(): boolean {
  const proto = binaryVersion.ValidateBinaryVersion.prototype;
  if (proto.validate !== original) return false;
  proto.validate = function (this: VersionCheck): string[] {
    const key = [this.binary, this.versionConstraint, this.versionCommand, this.hint ?? ""].join("\0");
    let answer = answers.get(key);
    if (answer === undefined) {
      const onDisk = versionCacheFile(this);
      answer = onDisk !== undefined && fs.existsSync(onDisk) ? [] : original.call(this);
      if (onDisk !== undefined && answer.length === 0) keep(onDisk);
      answers.set(key, answer);
    }
    return [...answer];
  };
  return true;
}

/**
 * Where a passing answer of this check is kept, or undefined when it cannot be (the disk is off,
 * the command is not `<binary> version`, or the binary is not an executable file the shell would find).
 */
export function versionCacheFile(validation: object, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const check = validation as VersionCheck;
  if (env.RESTARTIX_VERSION_CACHE === "0" || check.versionCommand !== `${check.binary} version`) return undefined;
  const binary = whichBinary(check.binary, env);
  if (binary === undefined) return undefined;
  const stat = fs.statSync(binary);
  const identity = [binary, stat.size, stat.mtimeMs, stat.ino, check.versionConstraint, check.versionCommand, check.hint ?? ""].join("\0");
  const digest = crypto.createHash("sha256").update(identity).digest("hex");
  // <node_modules>/.cache/: the conventional home of tools' caches, removed with node_modules.
  const nodeModules = path.dirname(path.dirname(require.resolve("cdktf/package.json")));
  return path.join(nodeModules, ".cache", "restartix-terraform-version", `${digest}.pass`);
}

/** The file `sh -c "<name> ..."` would run: the name itself when it has a slash, else the first executable on PATH. */
function whichBinary(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = name.includes("/") ? [path.resolve(name)] : (env.PATH ?? "").split(":").map((dir) => path.join(dir || ".", name));
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return fs.realpathSync(file);
    } catch {
      // not here: the next directory
    }
  }
  return undefined;
}

function keep(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "");
  } catch {
    // A read-only node_modules: the check runs in each process.
  }
}

/** Forgets the answers of this process (tests: a second process). */
export function forgetVersionAnswers(): void {
  answers.clear();
}
