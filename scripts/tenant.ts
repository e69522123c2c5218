import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { ROOT } from "../config/deployment";
import { ConfigError } from "../config/errors";
import { parseFlags, readOptions, resolveSettings, Settings, TENANTS_DIR } from "../config/settings";
import { TenantEntry } from "../config/validate";
import { cellStackName } from "../lib/naming";
import { offlinePlanAvailability, planStack } from "../tools/offline-plan";
import { synthesize } from "../tools/synth";

/**
 * Enterprise tenant provisioning (the document's "automated enterprise provisioning"):
 *   npm run tenant -- add <id> --region <region> [--size standard|large] [--name "Clinic"] [--phase N]
 *   npm run tenant -- remove <id> [--confirm <id>]   (protection off, final snapshot kept)
 *   npm run tenant -- forget <id> [--confirm <id>]   (drop the entry once its stack is destroyed)
 *   npm run tenant -- list
 * Every change is validated against the whole configuration and planned before the registry file
 * is written: a failed add leaves the registry as it was.
 */

export class TenantCommandError extends Error {}

export interface TenantCommand {
  readonly action: "add" | "remove" | "forget" | "list";
  readonly id?: string;
  readonly flags: Readonly<Record<string, string | undefined>>;
}

export function parseCommand(argv: readonly string[]): TenantCommand {
  const positional = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--") && !argv[i - 1].includes("=")));
  const [action, id] = positional;
  if (!["add", "remove", "forget", "list"].includes(action ?? "")) {
    throw new TenantCommandError(`tenant: expected add, remove, forget or list; got ${JSON.stringify(action ?? "")}. Usage: npm run tenant -- add org-123 --region eu-central-1`);
  }
  if (action !== "list" && !id) throw new TenantCommandError(`tenant ${action}: give the tenant id, e.g. npm run tenant -- ${action} org-123`);
  return { action: action as TenantCommand["action"], id, flags: parseFlags(argv) };
}

function registryPath(settings: Settings, flags: TenantCommand["flags"]): string {
  if (!settings.phase.enterprise) {
    throw new TenantCommandError(`tenant: phase ${settings.phase.phase} has no enterprise tier (it starts in phase 3); pass --phase 3 or 4, or set phase in terraform.tfvars`);
  }
  return flags.tenants ?? process.env.RESTARTIX_TENANTS ?? path.join(TENANTS_DIR, settings.phase.enterprise.registryFile);
}

function readRegistry(file: string): TenantEntry[] {
  return JSON.parse(fs.readFileSync(file, "utf8")) as TenantEntry[];
}

/** The registry entry `add` writes: the size preset's values, copied, so later preset changes never move a tenant. */
export function newEntry(settings: Settings, id: string, flags: TenantCommand["flags"]): TenantEntry {
  const enterprise = settings.phase.enterprise!;
  const sizeName = flags.size ?? enterprise.defaultSize;
  const size = enterprise.sizes[sizeName];
  if (!size) {
    throw new TenantCommandError(`tenant add: --size ${JSON.stringify(sizeName)} is not a size of phase ${settings.phase.phase}; use one of ${Object.keys(enterprise.sizes).join(", ")}`);
  }
  const primary = settings.phase.regions.find((r) => r.primary)!.region;
  return {
    id,
    name: flags.name ?? `Enterprise clinic ${id}`,
    region: flags.region ?? primary,
    size: sizeName,
    instanceClass: size.instanceClass,
    allocatedStorageGb: size.allocatedStorageGb,
    maxAllocatedStorageGb: size.maxAllocatedStorageGb,
    service: size.service,
  };
}

async function confirm(id: string, flags: TenantCommand["flags"], what: string): Promise<void> {
  if (flags.confirm !== undefined) {
    if (flags.confirm !== id) throw new TenantCommandError(`tenant: --confirm ${JSON.stringify(flags.confirm)} does not match ${JSON.stringify(id)}; nothing changed`);
    return;
  }
  if (!process.stdin.isTTY) throw new TenantCommandError(`tenant: ${what} needs confirmation: pass --confirm ${id}`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question(`${what}. Type the tenant id (${id}) to confirm: `, resolve));
  rl.close();
  if (answer.trim() !== id) throw new TenantCommandError("tenant: confirmation did not match; nothing changed");
}

/** Validates the whole configuration with the new registry and plans the one stack that changes. */
async function checkAndPlan(tenants: TenantEntry[], id: string, flags: TenantCommand["flags"]): Promise<void> {
  const options = { ...readOptions([], process.env), phase: flags.phase ?? process.env.PHASE, varsFile: flags.vars, tenants };
  const settings = resolveSettings(options); // throws ConfigError naming every problem
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-tenant-"));
  const result = synthesize(options, outdir, settings);
  const name = cellStackName("tenant", id);
  const stack = result.stacks.find((s) => s.name === name);
  if (!stack) throw new TenantCommandError(`tenant: no stack ${name} after synth`);
  const availability = offlinePlanAvailability();
  if (!availability.ok) {
    console.log(`plan skipped: ${availability.reason}`);
    return;
  }
  const all = new Map(result.stacks.map((s) => [s.name, s]));
  const plan = await planStack(stack, all, { workdir: path.join(ROOT, ".plan", "tenant"), accountId: settings.deployment.accountId });
  console.log(`offline plan of ${name}: ${plan.summary}`);
  if (!plan.ok) throw new TenantCommandError(`tenant: the offline plan of ${name} failed; nothing written\n${plan.output.slice(-3000)}`);
}

function write(file: string, tenants: TenantEntry[]): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(tenants, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

export async function runTenant(argv: readonly string[]): Promise<void> {
  const cmd = parseCommand(argv);
  // The registry is validated when the settings resolve: a broken file stops every action.
  const settings = resolveSettings({ ...readOptions([], process.env), phase: cmd.flags.phase ?? process.env.PHASE, varsFile: cmd.flags.vars, tenantsFile: cmd.flags.tenants });
  const file = registryPath(settings, cmd.flags);
  const tenants = readRegistry(file);
  const phaseEnv = `PHASE=${settings.phase.phase}`;
  const id = cmd.id!;
  const stack = cellStackName("tenant", id);

  switch (cmd.action) {
    case "list":
      for (const t of tenants) console.log(`${t.id.padEnd(22)} ${t.region.padEnd(14)} ${(t.size ?? "").padEnd(9)} ${t.decommission ? "decommissioning" : ""}`);
      return;
    case "add": {
      if (tenants.some((t) => t.id === id)) throw new TenantCommandError(`tenant add: ${id} is already in ${path.basename(file)}; choose another id`);
      const next = [...tenants, newEntry(settings, id, cmd.flags)];
      await checkAndPlan(next, id, cmd.flags);
      write(file, next);
      console.log(`added ${id} to ${path.relative(ROOT, file)}`);
      console.log(`next: review and merge the change, then deploy only this tenant:\n  ${phaseEnv} npx cdktf deploy ${stack} --ignore-missing-stack-dependencies   # its dependencies are deployed already`);
      console.log("then: run the database migrations against its DATABASE_URL (README, Enterprise tenants).");
      return;
    }
    case "remove": {
      const entry = tenants.find((t) => t.id === id);
      if (!entry) throw new TenantCommandError(`tenant remove: no tenant ${id} in ${path.basename(file)}`);
      await confirm(id, cmd.flags, `Decommission ${id} (${entry.name}): its database is deleted after a final snapshot`);
      const next = tenants.map((t) => (t.id === id ? { ...t, decommission: true } : t));
      await checkAndPlan(next, id, cmd.flags);
      write(file, next);
      console.log(`${id} is marked for decommission: deletion protection comes off, the final snapshot restartix-tenant-${id}-final is kept.`);
      console.log(`next:\n  ${phaseEnv} npx cdktf deploy ${stack} --ignore-missing-stack-dependencies    # protection off\n  ${phaseEnv} npx cdktf destroy ${stack}   # final snapshot, then removal\n  npm run tenant -- forget ${id} --confirm ${id}`);
      return;
    }
    case "forget": {
      const entry = tenants.find((t) => t.id === id);
      if (!entry) throw new TenantCommandError(`tenant forget: no tenant ${id} in ${path.basename(file)}`);
      if (!entry.decommission) throw new TenantCommandError(`tenant forget: ${id} is live; run npm run tenant -- remove ${id} first`);
      await confirm(id, cmd.flags, `Drop ${id} from the registry (run only after cdktf destroy ${stack})`);
      write(file, tenants.filter((t) => t.id !== id));
      console.log(`removed ${id} from ${path.relative(ROOT, file)}`);
      return;
    }
  }
}

if (require.main === module) {
  runTenant(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof ConfigError || e instanceof TenantCommandError ? e.message : e);
    process.exit(e instanceof ConfigError || e instanceof TenantCommandError ? 2 : 1);
  });
}
