import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { initProviders, PlanJson, planStack, TERRAFORM, terraformEnv } from "./offline-plan";
import { placeholderFor } from "./placeholders";
import { GATED_TYPES, STATEFUL_TYPES } from "../lib/stateful";
import { SynthStack } from "./synth";

/**
 * Proves with the real provider that moving a stack from one phase to the next updates its
 * stateful resources in place. Offline there is no applied state to plan against, so one is built:
 * the phase-N plan's planned values, unknowns filled with stand-ins, re-planned against itself until
 * Terraform proposes no change (the state is then what applying phase N would have left). The
 * phase-N+1 plan against that state shows what the upgrade would do: the provider itself decides
 * between update in place and replacement (its ForceNew rules), not a list kept here.
 */

export { STATEFUL_TYPES };

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  /** Top-level attributes whose value differs (for updates). */
  readonly attributes: readonly string[];
}

export interface UpgradeResult {
  readonly stack: string;
  readonly ok: boolean;
  /** Plans needed until the phase-N state stopped changing. */
  readonly iterations: number;
  readonly changes: readonly ResourceChange[];
  /** `terraform show -json` of the upgrade plan (what plan-gate reads in CI). @default - absent: not asked for */
  readonly planJson?: PlanJson;
  /** @default - absent: the upgrade was proven */
  readonly error?: string;
}

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

type Json = any;

/** The provider's schema of one resource type (from `terraform providers schema -json`). */
interface Block {
  readonly attributes?: Record<string, { readonly type?: Json; readonly nested_type?: Json }>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: Block }>;
}

interface ResourceSchemas {
  readonly [type: string]: { readonly version: number; readonly block: Block };
}

/** Reads the AWS provider's resource schemas through terraform (once per work directory). */
async function loadSchemas(workdir: string): Promise<ResourceSchemas> {
  const cache = path.join(workdir, ".providers", "schema.json");
  if (!fs.existsSync(cache)) {
    await initProviders(workdir);
    const out = spawnSync(TERRAFORM, ["providers", "schema", "-json"], {
      cwd: path.join(workdir, ".providers"),
      env: terraformEnv(),
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    });
    if (out.status !== 0) throw new Error(`terraform providers schema failed: ${out.stderr}`);
    const all = JSON.parse(out.stdout) as Json;
    fs.writeFileSync(cache, JSON.stringify(all.provider_schemas["registry.terraform.io/hashicorp/aws"].resource_schemas));
  }
  return JSON.parse(fs.readFileSync(cache, "utf8")) as ResourceSchemas;
}

/** Makes a realistic string (ARN-, id-shaped) for an unknown attribute of one resource. */
type Strings = (key: string) => string;

/** A stand-in of the attribute's own type: the state must decode against the provider schema. */
function standIn(type: Json, str: Strings, key: string): Json {
  if (type === "string") return str(key);
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type)) {
    if (type[0] === "list" || type[0] === "set") return [];
    if (type[0] === "map") return {};
    if (type[0] === "object")
      return Object.fromEntries(Object.entries(type[1] as Record<string, Json>).map(([k, t]) => [k, standIn(t, str, k)]));
  }
  return null;
}

/** Fills the unknown parts of `values` (marked in `unknown`) following the schema block. */
function fill(values: Json, unknown: Json, block: Block | undefined, str: Strings): Json {
  const out: Json = { ...(values ?? {}) };
  for (const [k, u] of Object.entries(unknown ?? {})) {
    const attr = block?.attributes?.[k];
    const nested = block?.block_types?.[k];
    if (u === true) {
      if (attr) out[k] = standIn(attr.type ?? ["list", "string"], str, k);
      else if (nested) out[k] = nested.nesting_mode === "single" ? null : [];
      else out[k] = null;
    } else if (Array.isArray(u) && Array.isArray(out[k])) {
      out[k] = out[k].map((item: Json, i: number) =>
        nested && u[i] && typeof u[i] === "object" ? fill(item, u[i], nested.block, str) : item,
      );
    } else if (u && typeof u === "object" && out[k] && typeof out[k] === "object" && nested) {
      out[k] = fill(out[k], u, nested.block, str);
    }
  }
  return out;
}

/**
 * Computed lists that AWS fills after apply for the configuration given: a stand-in of an empty list
 * would make the next plan index into nothing (`master_user_secret[0]`), which no real state does.
 */
const FILLED_AFTER_APPLY: Readonly<Record<string, { readonly attribute: string; readonly when: (values: Json) => boolean }>> = {
  aws_db_instance: { attribute: "master_user_secret", when: (v) => v.manage_master_user_password === true },
};

function fillAfterApply(type: string, attributes: Json, unknown: Json, block: Block | undefined, str: Strings): Json {
  const rule = FILLED_AFTER_APPLY[type];
  if (!rule || unknown?.[rule.attribute] !== true || !rule.when(attributes)) return attributes;
  const attrType = block?.attributes?.[rule.attribute]?.type;
  const element =
    Array.isArray(attrType) && (attrType[0] === "list" || attrType[0] === "set") ? standIn(attrType[1], str, rule.attribute) : undefined;
  return element === undefined ? attributes : { ...attributes, [rule.attribute]: [element] };
}

/** A state file holding what applying `plan` would leave (unknowns filled with stand-ins). */
function stateFromPlan(plan: PlanJson, stack: SynthStack, serial: number, schemas: ResourceSchemas, accountId: string): string {
  const changes = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change as Json]));
  const planned = ((plan.planned_values as Json)?.root_module?.resources ?? []) as Json[];
  const resources = planned
    .filter((r) => r.mode === "managed")
    .map((r) => {
      const unknown = changes.get(r.address)?.after_unknown ?? {};
      const str: Strings = (key) => String(placeholderFor(`\${${r.type}.${r.name}.${key}}`, { accountId, stack }));
      const attributes = fillAfterApply(r.type, fill(r.values, unknown, schemas[r.type]?.block, str), unknown, schemas[r.type]?.block, str);
      const providerAlias = (stack.json.resource?.[r.type]?.[r.name] as Json)?.provider as string | undefined;
      const alias = providerAlias?.startsWith("aws.") ? providerAlias.slice(4) : undefined;
      return {
        mode: "managed",
        type: r.type,
        name: r.name,
        provider: alias ? `${AWS}.${alias}` : AWS,
        instances: [{ schema_version: r.schema_version ?? 0, attributes, sensitive_attributes: [] }],
      };
    });
  return JSON.stringify(
    { version: 4, terraform_version: "1.11.4", serial, lineage: `upgrade-proof-${stack.name}`, outputs: {}, resources },
    null,
    1,
  );
}

function changedAttributes(change: Json): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  return Object.keys({ ...before, ...after })
    .filter((k) => k !== "tags_all" && unknown[k] !== true && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();
}

/**
 * A real change: anything but no-op/read, except an "update" that changes no attribute (the
 * provider re-plans tags_all of some resources from default_tags without any visible difference).
 */
function isChange(change: Json): boolean {
  const actions = change.actions as string[];
  if (actions.every((a) => a === "no-op" || a === "read")) return false;
  return !(actions.length === 1 && actions[0] === "update" && changedAttributes(change).length === 0);
}

export interface ProofOptions {
  readonly workdir: string;
  readonly accountId: string;
  /** @default 6 */
  readonly maxIterations?: number;
}

/** Plans `to` against the state `from` would leave, for one stack present in both phases. */
export async function proveUpgrade(
  from: SynthStack,
  fromAll: ReadonlyMap<string, SynthStack>,
  to: SynthStack,
  toAll: ReadonlyMap<string, SynthStack>,
  opts: ProofOptions,
): Promise<UpgradeResult> {
  const dir = path.join(opts.workdir, from.name);
  fs.mkdirSync(dir, { recursive: true });
  const statePath = path.join(dir, "prior.tfstate");
  const schemas = await loadSchemas(opts.workdir);
  let prior: string | undefined;
  let iterations = 0;
  for (; iterations < (opts.maxIterations ?? 6); iterations++) {
    const plan = await planStack(from, fromAll, {
      workdir: path.join(dir, "from"),
      accountId: opts.accountId,
      priorState: prior,
      showJson: true,
    });
    if (!plan.ok)
      return {
        stack: from.name,
        ok: false,
        iterations,
        changes: [],
        error: `phase-N plan failed: ${plan.summary}\n${plan.output.slice(-1500)}`,
      };
    const pending = (plan.planJson!.resource_changes ?? []).filter((c) => isChange(c.change));
    if (prior && pending.length === 0) break;
    fs.writeFileSync(statePath, stateFromPlan(plan.planJson!, from, iterations + 1, schemas, opts.accountId));
    prior = statePath;
  }
  const upgrade = await planStack(to, toAll, {
    workdir: path.join(dir, "to"),
    accountId: opts.accountId,
    priorState: prior,
    showJson: true,
  });
  if (!upgrade.ok)
    return {
      stack: from.name,
      ok: false,
      iterations,
      changes: [],
      error: `upgrade plan failed: ${upgrade.summary}\n${upgrade.output.slice(-1500)}`,
    };
  const changes = (upgrade.planJson!.resource_changes ?? [])
    .filter((c) => isChange(c.change))
    .map((c) => ({
      address: c.address,
      type: c.type,
      actions: c.change.actions,
      attributes: c.change.actions.includes("update") ? changedAttributes(c.change) : [],
    }));
  return { stack: from.name, ok: true, iterations, changes, planJson: upgrade.planJson };
}

/** Changes that would destroy data: a delete or replace of a stateful or record-holding resource (GATED_TYPES). */
export function destructive(changes: readonly ResourceChange[]): ResourceChange[] {
  return changes.filter((c) => GATED_TYPES.includes(c.type) && c.actions.includes("delete"));
}

/** Addresses of stateful resources whose configuration differs between two versions of a stack. */
export function changedStatefulResources(from: SynthStack, to: SynthStack): string[] {
  const out: string[] = [];
  for (const type of STATEFUL_TYPES) {
    const before = from.json.resource?.[type] ?? {};
    const after = to.json.resource?.[type] ?? {};
    for (const [name, config] of Object.entries(before)) {
      if (JSON.stringify(config) !== JSON.stringify(after[name])) out.push(`${type}.${name}`);
    }
  }
  return out;
}

/** Stateful resources of `from` that are missing from `to` (a rename, a move, or a removal). */
export function missingStatefulResources(from: readonly SynthStack[], to: readonly SynthStack[]): string[] {
  const toByName = new Map(to.map((s) => [s.name, s]));
  const out: string[] = [];
  for (const s of from) {
    for (const type of STATEFUL_TYPES) {
      for (const name of Object.keys(s.json.resource?.[type] ?? {})) {
        if (!toByName.get(s.name)?.json.resource?.[type]?.[name]) out.push(`${s.name}: ${type}.${name}`);
      }
    }
  }
  return out;
}
