import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";

/**
 * The committed provider lock file (terraform-cli/lock/.terraform.lock.hcl) cut to what one stack
 * requires. Every init (CI's .ci/tf-stacks, the offline plans, the rehearsal) runs with
 * `-lockfile=readonly` on it, so a provider release cannot change what is planned or applied.
 *
 * Cut, because terraform 1.11 refuses `init -lockfile=readonly` when the lock file pins a provider
 * the configuration does not require ("Provider dependency changes detected": it would remove it),
 * and the lock file pins aws, cloudflare and github while most stacks need one of them.
 */
export const LOCK_FILE = path.join(ROOT, "terraform-cli", "lock", ".terraform.lock.hcl");
const LOCK_WORKFLOW = ".github/workflows/provider-lock.yml";

/** `aws` -> registry.terraform.io/hashicorp/aws; `cloudflare/cloudflare` -> registry.terraform.io/cloudflare/cloudflare. */
export function providerAddress(source: string): string {
  const parts = source.toLowerCase().split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts.join("/")}`;
  return parts.join("/");
}

/** The `provider "<address>" { ... }` blocks of a lock file, by address. */
export function lockBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of text.matchAll(/^provider "([^"]+)" \{\n[\s\S]*?^\}\n?/gm)) blocks.set(m[1], m[0].endsWith("\n") ? m[0] : `${m[0]}\n`);
  return blocks;
}

/** The sources a synthesized stack requires (terraform.required_providers), as registry addresses. */
export function requiredProviders(stackJson: unknown): string[] {
  const required = ((stackJson as { terraform?: { required_providers?: Record<string, { source?: string }> } }).terraform
    ?.required_providers ?? {}) as Record<string, { source?: string }>;
  return [...new Set(Object.entries(required).map(([name, p]) => providerAddress(p.source ?? name)))].sort();
}

/**
 * The lock file text for a stack: the committed blocks of the providers it requires, nothing else.
 * Throws, naming the provider and the fix, when the committed file does not pin one of them.
 */
export function lockFileFor(lockText: string, stackJson: unknown, stackName = "the stack"): string {
  const blocks = lockBlocks(lockText);
  const missing = requiredProviders(stackJson).filter((a) => !blocks.has(a));
  if (missing.length > 0) {
    throw new Error(
      `${stackName} requires ${missing.join(", ")}, which ${path.relative(ROOT, LOCK_FILE)} does not pin. ` +
        `Fix: run the "Provider lock" workflow (${LOCK_WORKFLOW}) and merge its pull request, or where the registry is reachable: ` +
        `terraform -chdir=terraform-cli/lock providers lock -platform=linux_amd64 -platform=darwin_arm64`,
    );
  }
  const header = "# Cut from terraform-cli/lock/.terraform.lock.hcl (tools/provider-lock.ts): the providers this stack requires.\n";
  return (
    header +
    requiredProviders(stackJson)
      .map((a) => `\n${blocks.get(a)}`)
      .join("")
  );
}

/** Writes `<dir>/.terraform.lock.hcl` for the stack JSON in `dir` (cdk.tf.json or main.tf.json). */
export function writeLockFor(dir: string, lockFile = LOCK_FILE, lockText?: string, stackJson?: unknown): void {
  const json = ["cdk.tf.json", "main.tf.json"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!json) throw new Error(`${dir}: no cdk.tf.json or main.tf.json to read the required providers from`);
  const parsed = stackJson ?? JSON.parse(fs.readFileSync(json, "utf8"));
  const text = lockFileFor(lockText ?? fs.readFileSync(lockFile, "utf8"), parsed, path.basename(dir));
  fs.writeFileSync(path.join(dir, ".terraform.lock.hcl"), text);
}

/**
 * Writes the cut lock file into every stack directory of a synth output; returns why a stack was
 * left without one (a provider the committed file does not pin yet).
 */
export function writeStackLocks(
  outdir: string,
  lockFile = LOCK_FILE,
  /** The stack's JSON as the synth already parsed it (the policy pack's), so it is not read again. @default - each stack's cdk.tf.json is read */
  parsedJson: (stackName: string) => unknown = () => undefined,
): string[] {
  const stacks = path.join(outdir, "stacks");
  if (!fs.existsSync(stacks)) return [];
  const problems: string[] = [];
  const lockText = fs.readFileSync(lockFile, "utf8");
  for (const name of fs.readdirSync(stacks).sort()) {
    const dir = path.join(stacks, name);
    if (!fs.existsSync(path.join(dir, "cdk.tf.json"))) continue;
    try {
      writeLockFor(dir, lockFile, lockText, parsedJson(name));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return problems;
}

// node dist/tools/provider-lock.js LOCKFILE STACKDIR...: what .ci/tf-stacks runs before each init.
if (require.main === module) {
  const [lockFile, ...dirs] = process.argv.slice(2);
  try {
    for (const dir of dirs) writeLockFor(dir, lockFile);
  } catch (e) {
    process.stderr.write(`provider-lock: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
