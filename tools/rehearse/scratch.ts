import * as path from "path";
import { SynthStack } from "../synth";
import { endpointsFor } from "./endpoints";
import { EmulatorGaps, excludedTypes } from "./gaps";
import { Address, prune, Removal, REMOTE_INPUT_PREFIX, StackJson } from "./graph";

/**
 * The scratch copy of the synthesized stacks that the rehearsal applies: every AWS provider pointed
 * at the emulator, local state files in the scratch directory read by the consumers' remote state,
 * the emulator's gaps cut out (with everything that depends on them) and its unstored attributes
 * ignored. Only this copy is changed; the synthesized stacks stay as they are.
 */

type Json = any;

export interface ScratchOptions {
  /** The emulator's URL, e.g. http://127.0.0.1:5123. */
  readonly endpoint: string;
  /** Directory holding the state files (`<stack>.tfstate`). */
  readonly stateDir: string;
  readonly gaps: EmulatorGaps;
  /** Stacks that are not applied (providers not in the mirror): their outputs count as missing. */
  readonly absent: ReadonlySet<string>;
}

export interface ScratchStack {
  readonly name: string;
  readonly json: Json;
  readonly dependencies: readonly string[];
  /** Resources left to apply. */
  readonly resources: number;
  /** Import blocks kept (the emulator is seeded with the objects they adopt). */
  readonly imports: readonly { readonly to: string; readonly id: string; readonly region: string }[];
}

export interface ScratchApp {
  readonly stacks: ReadonlyMap<string, ScratchStack>;
  readonly removals: readonly Removal[];
}

export const stateFile = (stateDir: string, stack: string): string => path.join(stateDir, `${stack}.tfstate`);

function resourceTotal(json: StackJson): number {
  return Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/**
 * Checks that the project's own local-backend wiring is consistent (each consumer reads the path its
 * producer writes), then moves every state file into `stateDir`.
 */
function relocateState(stacks: ReadonlyMap<string, Json>, stateDir: string): void {
  for (const [name, json] of stacks) {
    const backend = json.terraform?.backend?.local;
    if (!backend?.path) throw new Error(`${name}: expected a local backend in the synthesized stack (synthesize with backend local)`);
  }
  for (const [name, json] of stacks) {
    for (const [key, ds] of Object.entries((json.data?.terraform_remote_state ?? {}) as Record<string, Json>)) {
      const producer = key.replace(REMOTE_INPUT_PREFIX, "");
      const written = stacks.get(producer)?.terraform?.backend?.local?.path;
      if (ds.backend !== "local" || (written !== undefined && ds.config?.path !== written)) {
        throw new Error(
          `${name} reads the state of ${producer} from ${ds.backend}:${ds.config?.path}, but ${producer} writes local:${written}`,
        );
      }
      ds.config = { path: stateFile(stateDir, producer) };
    }
  }
  for (const [name, json] of stacks) json.terraform.backend.local.path = stateFile(stateDir, name);
}

/** Points every AWS provider of a stack at the emulator; the account guard stays on. */
function pointProvidersAt(json: Json, endpoint: string): void {
  const resourceTypes = Object.keys(json.resource ?? {});
  const dataTypes = Object.keys(json.data ?? {});
  const endpoints = Object.fromEntries(endpointsFor(resourceTypes, dataTypes).map((k) => [k, endpoint]));
  for (const provider of json.provider?.aws ?? []) {
    if (!Array.isArray(provider.allowed_account_ids) || provider.allowed_account_ids.length === 0) {
      throw new Error(`an AWS provider (${provider.alias ?? "default"}) has no allowed_account_ids: the rehearsal exercises that guard`);
    }
    Object.assign(provider, {
      endpoints: [endpoints],
      s3_use_path_style: true,
      // Both calls go to the emulator's STS: the stub credentials are validated and the account id is
      // read from GetCallerIdentity, so allowed_account_ids is checked against a real answer.
      skip_credentials_validation: false,
      skip_requesting_account_id: false,
      skip_metadata_api_check: true,
      max_retries: 5,
    });
  }
}

/**
 * Adds the gaps' unstored attributes to lifecycle.ignore_changes of the matching resources, and
 * leaves out those the emulator cannot act on at all (`remove`).
 */
export function ignoreUnstoredAttributes(json: Json, gaps: EmulatorGaps): string[] {
  const touched: string[] = [];
  for (const entry of gaps.ignore) {
    for (const [name, config] of Object.entries((json.resource?.[entry.type] ?? {}) as Record<string, Json>)) {
      if (entry.onlyWith && config[entry.onlyWith] === undefined) continue;
      if (entry.remove) for (const a of entry.attributes) delete config[a];
      const lifecycle = (config.lifecycle ??= {});
      if (lifecycle.ignore_changes === "all") continue;
      const current: string[] = Array.isArray(lifecycle.ignore_changes) ? lifecycle.ignore_changes : [];
      lifecycle.ignore_changes = [...new Set([...current, ...entry.attributes])];
      touched.push(`${entry.type}.${name}`);
    }
  }
  return touched;
}

/** Where each resource's provider points (region), for seeding the objects that import blocks adopt. */
function regionOf(json: Json, address: string): string {
  const dot = address.indexOf(".");
  const config = json.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)];
  const alias = typeof config?.provider === "string" && config.provider.startsWith("aws.") ? config.provider.slice(4) : undefined;
  const providers: Json[] = json.provider?.aws ?? [];
  const provider = providers.find((p) => (alias ? p.alias === alias : !p.alias));
  return provider?.region;
}

/** Builds the scratch copy of `stacks` (AWS-only stacks; `absent` are the others). */
export function prepareScratch(stacks: readonly SynthStack[], opts: ScratchOptions): ScratchApp {
  const jsons = new Map<string, Json>(stacks.map((s) => [s.name, JSON.parse(JSON.stringify(s.json))]));
  relocateState(jsons, opts.stateDir);
  const byType = excludedTypes(opts.gaps);
  const excluded = new Map<string, Map<Address, string>>();
  for (const [name, json] of jsons) {
    const m = new Map<Address, string>();
    for (const [type, byName] of Object.entries((json.resource ?? {}) as Record<string, Json>)) {
      const gap = byType.get(type);
      if (gap) for (const n of Object.keys(byName)) m.set(`${type}.${n}`, gap);
    }
    excluded.set(name, m);
  }
  const removals = prune({ stacks: jsons, excluded, absent: opts.absent });
  const out = new Map<string, ScratchStack>();
  for (const s of stacks) {
    const json = jsons.get(s.name);
    // Import blocks of removed resources go with them.
    const removed = new Set(removals.filter((r) => r.stack === s.name).map((r) => r.address));
    const imports = ((json.import ?? []) as Json[]).filter((i) => !removed.has(i.to));
    if (imports.length) json.import = imports;
    else delete json.import;
    pointProvidersAt(json, opts.endpoint);
    ignoreUnstoredAttributes(json, opts.gaps);
    out.set(s.name, {
      name: s.name,
      json,
      dependencies: s.dependencies,
      resources: resourceTotal(json),
      imports: imports.map((i) => ({ to: String(i.to), id: String(i.id), region: regionOf(json, String(i.to)) })),
    });
  }
  return { stacks: out, removals };
}

/** Deletion protection attributes, by resource type (the API refuses a delete while they are on). */
export const DELETION_PROTECTION: Readonly<Record<string, string>> = {
  aws_db_instance: "deletion_protection",
  aws_rds_cluster: "deletion_protection",
  aws_lb: "enable_deletion_protection",
  aws_alb: "enable_deletion_protection",
  aws_dynamodb_table: "deletion_protection_enabled",
};

/** Resources with `lifecycle.prevent_destroy`. */
export function preventDestroyAddresses(json: Json): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries((json.resource ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [name, config] of Object.entries(byName)) if (config.lifecycle?.prevent_destroy === true) out.push(`${type}.${name}`);
  }
  return out.sort();
}

/** Resources whose deletion protection is on. */
export function deletionProtectedAddresses(json: Json): string[] {
  const out: string[] = [];
  for (const [type, attr] of Object.entries(DELETION_PROTECTION)) {
    for (const [name, config] of Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>)) {
      if (config[attr] === true) out.push(`${type}.${name}`);
    }
  }
  return out.sort();
}

/** Attributes that let a delete remove what a resource still holds (objects, images). */
const FORCE_DELETE: Readonly<Record<string, string>> = {
  aws_s3_bucket: "force_destroy",
  aws_ecr_repository: "force_delete",
};

/**
 * A copy with the data-loss guards lifted, for tearing the scratch deployment down: prevent_destroy
 * (on `preventDestroyOn` only, when given), deletion protection when `deletionProtection` is set
 * (on `deletionProtectionOn` only, when given), and force_destroy / force_delete when `forceDestroy`
 * is set.
 */
export function liftProtections(
  json: Json,
  opts: {
    deletionProtection: boolean;
    deletionProtectionOn?: readonly string[];
    forceDestroy?: boolean;
    preventDestroyOn?: readonly string[];
  },
): Json {
  const copy = JSON.parse(JSON.stringify(json));
  for (const [type, byName] of Object.entries((copy.resource ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [name, config] of Object.entries(byName)) {
      const lift = !opts.preventDestroyOn || opts.preventDestroyOn.includes(`${type}.${name}`);
      if (lift && config.lifecycle?.prevent_destroy) config.lifecycle.prevent_destroy = false;
    }
  }
  if (opts.deletionProtection) {
    for (const [type, attr] of Object.entries(DELETION_PROTECTION)) {
      for (const [name, config] of Object.entries((copy.resource?.[type] ?? {}) as Record<string, Json>)) {
        const lift = !opts.deletionProtectionOn || opts.deletionProtectionOn.includes(`${type}.${name}`);
        if (lift && config[attr] === true) config[attr] = false;
      }
    }
  }
  if (opts.forceDestroy) {
    for (const [type, attr] of Object.entries(FORCE_DELETE)) {
      for (const config of Object.values((copy.resource?.[type] ?? {}) as Record<string, Json>)) config[attr] = true;
    }
  }
  // Imports are done by now; a destroy-time plan must not try to adopt anything again.
  delete copy.import;
  return copy;
}
