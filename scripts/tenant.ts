import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { ROOT } from "../config/deployment";
import { optionsFrom, resolveSettings, Settings, TENANTS_DIR } from "../config/settings";
import { SHARD_SLOTS, TenantEntry } from "../config/validate";
import { cellServiceStackName } from "../stacks/cell-service";
import { cellStackName } from "../lib/naming";
import {
  CheckFailed,
  CommandGroup,
  CommandSpec,
  FlagSpec,
  parseCommandLine,
  ParsedCommand,
  runGroup,
  SYNTH_FLAGS,
  UsageError,
} from "../tools/cli";
import { offlinePlanAvailability, planStack } from "../tools/offline-plan";
import { synthesize } from "../tools/synth";
import { routesStackName } from "../stacks/routing";

/**
 * Enterprise tenant provisioning (the document's "automated enterprise provisioning"):
 *   npm run tenant -- add <id> --region <region> [--size standard|large] [--name "Clinic"] [--phase N]
 *   npm run tenant -- remove <id> [--confirm <id>]   (protection off, final snapshot kept)
 *   npm run tenant -- forget <id> [--confirm <id>]   (drop the entry once its stack is destroyed)
 *   npm run tenant -- list
 * Every change is validated against the whole configuration and planned before the registry file
 * is written: a failed add leaves the registry as it was.
 */

/** A tenant command that cannot run as given (exit code 2); nothing was written. */
export class TenantCommandError extends UsageError {}

export type TenantAction = "add" | "remove" | "forget" | "list";

export interface TenantCommand {
  readonly action: TenantAction;
  /** @default - none: `list` takes none; add, remove and forget need it */
  readonly id?: string;
  readonly flags: Readonly<Record<string, string | undefined>>;
}

const common: Record<string, FlagSpec> = { phase: SYNTH_FLAGS.phase, vars: SYNTH_FLAGS.vars, tenants: SYNTH_FLAGS.tenants };
const confirmFlag: FlagSpec = {
  type: "string",
  valueName: "ID",
  description: "the tenant id again, to confirm without a prompt (required when not run in a terminal)",
};
const idArgument = { min: 1, max: 1, describe: "the tenant id, e.g. org-123" };
const sub = (subcommand: TenantAction, summary: string, usage: string, flags: Record<string, FlagSpec>, withId = true): CommandSpec => ({
  name: "tenant",
  subcommand,
  summary,
  usage: [usage],
  flags: { ...flags, ...common },
  ...(withId ? { positionals: idArgument } : {}),
});

/** npm run tenant -- add|remove|forget|list: each command with its own flags, parsed strictly. */
export const group: CommandGroup = {
  name: "tenant",
  summary: "Enterprise tenant provisioning: every change is validated and planned before the registry file is written.",
  commands: {
    add: sub(
      "add",
      "Add a tenant: validates, synthesizes and plans only tenant-<id>, then writes the registry entry.",
      "<id> [--region REGION] [--size standard|large] [--name NAME] [--phase N]",
      {
        region: {
          type: "string",
          valueName: "REGION",
          description: "AWS region of the tenant's stack (required when the phase has more than one region)",
        },
        size: {
          type: "string",
          valueName: "SIZE",
          description: "size preset of the phase (phases/phase3.ts enterprise.sizes; default: its defaultSize)",
        },
        name: { type: "string", valueName: "NAME", description: "display name (default: Enterprise clinic <id>)" },
      },
    ),
    remove: sub(
      "remove",
      "Decommission a tenant: protection off, final snapshot kept (deploy, then destroy its stack).",
      "<id> [--confirm <id>] [--phase N]",
      { confirm: confirmFlag },
    ),
    forget: sub("forget", "Drop a decommissioned tenant's entry once its stack is destroyed.", "<id> --confirm <id> [--phase N]", {
      confirm: confirmFlag,
    }),
    list: sub("list", "List the tenants of the phase's registry.", "[--phase N]", {}, false),
  },
};

/** Parses a tenant command line strictly (the command first, then its own flags). */
export function parseCommand(argv: readonly string[]): TenantCommand {
  const [action, ...rest] = argv;
  const spec = group.commands[action ?? ""];
  if (!spec) {
    throw new TenantCommandError(
      `expected add, remove, forget or list; got ${JSON.stringify(action ?? "")}. Fix: npm run tenant -- add org-123 --region eu-central-1 (npm run tenant -- --help)`,
    );
  }
  return fromParsed(action as TenantAction, parseCommandLine(spec, rest));
}

function fromParsed(action: TenantAction, parsed: ParsedCommand): TenantCommand {
  const flags = Object.fromEntries(Object.entries(parsed.flags).map(([k, v]) => [k, v === undefined ? undefined : String(v)]));
  return { action, id: parsed.positionals[0], flags };
}

function registryPath(settings: Settings, flags: TenantCommand["flags"]): string {
  if (!settings.phase.enterprise) {
    throw new TenantCommandError(
      `phase ${settings.phase.phase} has no enterprise tier (it starts in phase 3). Fix: pass --phase 3 or 4, or set phase in deployment.tfvars`,
    );
  }
  // optionsFrom: --tenants, else RESTARTIX_TENANTS resolved from the user's directory, as for the synth.
  return optionsFrom(flags, process.env).tenantsFile ?? path.join(TENANTS_DIR, settings.phase.enterprise.registryFile);
}

function readRegistry(file: string): TenantEntry[] {
  return JSON.parse(fs.readFileSync(file, "utf8")) as TenantEntry[];
}

/** The registry entry `add` writes: the size preset's values, copied, so later preset changes never move a tenant. */
function newEntry(settings: Settings, id: string, flags: TenantCommand["flags"]): TenantEntry {
  const enterprise = settings.phase.enterprise!;
  const sizeName = flags.size ?? enterprise.defaultSize;
  const size = enterprise.sizes[sizeName];
  if (!size) {
    throw new TenantCommandError(
      `--size ${JSON.stringify(sizeName)} is not a size of phase ${settings.phase.phase}; use one of ${Object.keys(enterprise.sizes).join(", ")}`,
    );
  }
  const regions = settings.phase.regions.map((r) => r.region);
  if (flags.region === undefined && regions.length > 1) {
    // Never guess where a clinic's patient data lives.
    throw new TenantCommandError(
      `--region is required: phase ${settings.phase.phase} has ${regions.length} regions. Fix: add --region ${regions.join(" or --region ")}`,
    );
  }
  const primary = settings.phase.regions.find((r) => r.primary)!.region;
  const region = flags.region ?? primary;
  return {
    id,
    name: flags.name ?? `Enterprise clinic ${id}`,
    region,
    // Its place on the region's cell gateways (Fargate), fixed for life: the lowest slot above the
    // shards' that no entry of the registry holds (decommissioned ones included, until forgotten).
    slot: freeSlot(settings.tenants, region),
    size: sizeName,
    instanceClass: size.instanceClass,
    allocatedStorageGb: size.allocatedStorageGb,
    maxAllocatedStorageGb: size.maxAllocatedStorageGb,
    service: size.service,
  };
}

/** The lowest slot above SHARD_SLOTS that no tenant of `region` holds. */
function freeSlot(tenants: readonly Pick<TenantEntry, "region" | "slot">[], region: string): number {
  const taken = new Set(tenants.filter((t) => t.region === region).map((t) => t.slot));
  let slot = SHARD_SLOTS + 1;
  while (taken.has(slot)) slot++;
  return slot;
}

async function confirm(id: string, flags: TenantCommand["flags"], what: string): Promise<void> {
  if (flags.confirm !== undefined) {
    if (flags.confirm !== id)
      throw new TenantCommandError(
        `--confirm ${JSON.stringify(flags.confirm)} does not match ${JSON.stringify(id)}; nothing changed. Fix: repeat the tenant id exactly`,
      );
    return;
  }
  if (!process.stdin.isTTY) throw new TenantCommandError(`${what} needs confirmation: pass --confirm ${id}`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question(`${what}. Type the tenant id (${id}) to confirm: `, resolve));
  rl.close();
  if (answer.trim() !== id) throw new TenantCommandError("the confirmation did not match; nothing changed");
}

/** Validates the whole configuration with the new registry and plans the one stack that changes. */
async function checkAndPlan(tenants: TenantEntry[], id: string, flags: TenantCommand["flags"], file: string): Promise<void> {
  const options = { ...optionsFrom(flags, process.env), tenants, tenantsFile: file };
  const settings = resolveSettings(options); // throws ConfigError naming every problem
  // The synth is scratch: its stacks are read into memory and the plan runs in .plan/tenant.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-tenant-"));
  try {
    const result = synthesize(options, outdir, settings);
    const name = cellStackName("tenant", id);
    const stack = result.stacks.find((s) => s.name === name);
    if (!stack) throw new Error(`tenant: no stack ${name} after synth`);
    const availability = offlinePlanAvailability();
    if (!availability.ok) {
      console.log(`plan skipped: ${availability.reason}`);
      return;
    }
    const all = new Map(result.stacks.map((s) => [s.name, s]));
    const plan = await planStack(stack, all, { workdir: path.join(ROOT, ".plan", "tenant"), accountId: settings.deployment.accountId });
    console.log(`offline plan of ${name}: ${plan.summary}`);
    if (!plan.ok) throw new CheckFailed(`the offline plan of ${name} failed; nothing written\n${plan.output.slice(-3000)}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function write(file: string, tenants: TenantEntry[]): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(tenants, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

/** Runs a tenant command line; throws TenantCommandError/UsageError/ConfigError (exit 2) or CheckFailed (exit 1). */
export async function runTenant(argv: readonly string[]): Promise<void> {
  return execute(parseCommand(argv));
}

async function execute(cmd: TenantCommand): Promise<void> {
  // The registry is validated when the settings resolve: a broken file stops every action.
  const settings = resolveSettings(optionsFrom(cmd.flags, process.env));
  const file = registryPath(settings, cmd.flags);
  const tenants = readRegistry(file);
  const phaseEnv = `PHASE=${settings.phase.phase}`;
  if (cmd.action === "list") {
    for (const t of tenants)
      console.log(`${t.id.padEnd(22)} ${t.region.padEnd(14)} ${(t.size ?? "").padEnd(9)} ${t.decommission ? "decommissioning" : ""}`);
    return;
  }
  const id = cmd.id!;
  const stack = cellStackName("tenant", id);
  // Phase 4: the tenant's entry in the Worker's KV namespace is in its region's routes stack.
  const routesOf = (region: string): string | undefined => {
    const rc = settings.phase.regions.find((r) => r.region === region);
    return settings.phase.globalRouting && rc ? routesStackName(rc) : undefined;
  };

  switch (cmd.action) {
    case "add": {
      if (tenants.some((t) => t.id === id))
        throw new TenantCommandError(`${id} is already in ${path.basename(file)}. Fix: choose another id`);
      const added = newEntry(settings, id, cmd.flags);
      const next = [...tenants, added];
      await checkAndPlan(next, id, cmd.flags, file);
      write(file, next);
      const routes = routesOf(added.region);
      console.log(`added ${id} to ${path.relative(ROOT, file)}`);
      if (settings.deployment.compute === "fargate") {
        // The service must not start before its DATABASE_URL has a value (issue 20 item 2): data first.
        const service = cellServiceStackName("tenant", id);
        console.log(
          `next: review and merge the change, then deploy this tenant in two steps (its dependencies are deployed already):\n` +
            `  1. ${phaseEnv} npx cdktf deploy ${stack} --ignore-missing-stack-dependencies   # database, secrets, task role, rotation\n` +
            `  2. set its DATABASE_URL and run the database migrations against it (docs/tenants.md)\n` +
            `  3. ${phaseEnv} npx cdktf deploy ${[service, routes].filter(Boolean).join(" ")} --ignore-missing-stack-dependencies   # its ECS service on its cell gateway${routes ? `, then its entry in ${routes}` : ""}`,
        );
        return;
      }
      console.log(
        `next: review and merge the change, then deploy only this tenant${routes ? ` and its region's routes (${routes} writes its KV entry once the cell exists)` : ""}:\n  ${phaseEnv} npx cdktf deploy ${[stack, routes].filter(Boolean).join(" ")} --ignore-missing-stack-dependencies   # its dependencies are deployed already`,
      );
      console.log("then: run the database migrations against its DATABASE_URL (README, Enterprise tenants).");
      return;
    }
    case "remove": {
      const entry = tenants.find((t) => t.id === id);
      if (!entry) throw new TenantCommandError(`no tenant ${id} in ${path.basename(file)}. Fix: npm run tenant -- list shows the ids`);
      await confirm(id, cmd.flags, `Decommission ${id} (${entry.name}): its database is deleted after a final snapshot`);
      const next = tenants.map((t) => (t.id === id ? { ...t, decommission: true } : t));
      await checkAndPlan(next, id, cmd.flags, file);
      write(file, next);
      console.log(
        `${id} is marked for decommission: deletion protection comes off, the final snapshot restartix-tenant-${id}-final is kept.`,
      );
      const routes = routesOf(entry.region);
      // Fargate: the service stack goes first (it reads the cell stack), then the data stack.
      const service = settings.deployment.compute === "fargate" ? cellServiceStackName("tenant", id) : undefined;
      console.log(
        `next:\n  ${phaseEnv} npx cdktf deploy ${[stack, routes].filter(Boolean).join(" ")} --ignore-missing-stack-dependencies    # protection off${routes ? "; its route is removed (the organization goes to the default region)" : ""}\n  ${phaseEnv} npx cdktf destroy ${[service, stack].filter(Boolean).join(" ")}   # ${service ? "its service, then " : ""}final snapshot, then removal\n  npm run tenant -- forget ${id} --confirm ${id}`,
      );
      return;
    }
    case "forget": {
      const entry = tenants.find((t) => t.id === id);
      if (!entry) throw new TenantCommandError(`no tenant ${id} in ${path.basename(file)}. Fix: npm run tenant -- list shows the ids`);
      if (!entry.decommission) throw new TenantCommandError(`${id} is live. Fix: run npm run tenant -- remove ${id} first`);
      await confirm(id, cmd.flags, `Drop ${id} from the registry (run only after cdktf destroy ${stack})`);
      write(
        file,
        tenants.filter((t) => t.id !== id),
      );
      console.log(`removed ${id} from ${path.relative(ROOT, file)}`);
      return;
    }
  }
}

/** The group's main: one parsed command. */
export const main = (action: string, parsed: ParsedCommand): Promise<void> => execute(fromParsed(action as TenantAction, parsed));

if (require.main === module) runGroup(group, main);
