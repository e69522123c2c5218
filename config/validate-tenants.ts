import * as path from "path";
import { CellSpec, ComputeEngine, PhaseConfig, ServiceSizing } from "../phases/types";
import { DB_INSTANCE_CLASSES, RESERVED_TENANT_IDS } from "./allowed";
import { Issues } from "./errors";
import { SERVICE_SIZING } from "./validate-phase-kinds";
import { any, checkKind, Kind, object, optional } from "./validate-shape";
import { validateCellConnections, validateSizing, validateStorage } from "./validate-sizing";

const TENANT_ID = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;

/** Raw registry entry as stored in phases/tenants/*.json. */
export interface TenantEntry {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  /** @default - no preset named: the entry's own values are what is deployed */
  readonly size?: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly service: ServiceSizing;
  /** @default false */
  readonly decommission?: boolean;
  /**
   * Fargate: the tenant's slot on its region's cell gateways (CellSpec.slot), recorded by `npm run tenant -- add`.
   * @default - none: required on Fargate (validation refuses the entry without one); unused on App Runner
   */
  readonly slot?: number;
}

/** The fields of a registry entry; each one's value is checked below, with the entry's own messages. */
const TENANT_FIELDS: Kind = object<TenantEntry>("a tenant entry", {
  id: optional(any()),
  name: optional(any()),
  region: optional(any()),
  size: optional(any()),
  instanceClass: optional(any()),
  allocatedStorageGb: optional(any()),
  maxAllocatedStorageGb: optional(any()),
  service: optional(any()),
  decommission: optional(any()),
  slot: optional(any()),
});

/** Slots 1..SHARD_SLOTS of each region are the shards' (phases/phase4.ts); tenants take the next free one above. */
export const SHARD_SLOTS = 10;

/**
 * Tenants run on the deployment's engine (`compute`): their sizes are checked against it, and on
 * Fargate each needs its slot on the region's cell gateways (unique per region, never reused while
 * the entry exists).
 */
export function validateTenants(
  entries: unknown,
  file: string,
  config: PhaseConfig,
  issues: Issues,
  engine: ComputeEngine = "apprunner",
): CellSpec[] {
  const where = path.basename(file);
  // A phase whose own settings are not of their kinds is reported by validatePhase; nothing to place tenants in.
  if (!Array.isArray(config?.regions as unknown)) return [];
  if (!Array.isArray(entries)) {
    issues.add(`tenants (${where})`, entries, "expected a JSON array of tenants", "write [] for no tenants");
    return [];
  }
  if (!config.enterprise) {
    issues.check(
      entries.length === 0,
      `tenants (${where})`,
      entries.length,
      `phase ${config.phase} has no enterprise tier`,
      "move to phase 3 or remove the tenants",
    );
    return [];
  }
  const seen = new Set<string>();
  const shardIds = new Set(config.regions.flatMap((r) => r.shards.map((s) => s.id)));
  const regions = config.regions.map((r) => r.region);
  const cells: CellSpec[] = [];
  const slots = new Map<string, string>();
  entries.forEach((raw, i) => {
    const t = raw as TenantEntry;
    const f = `tenants[${typeof t?.id === "string" ? t.id : i}] (${where})`;
    if (typeof t !== "object" || t === null || typeof t.id !== "string") {
      issues.add(f, raw, "expected an object with an id", "use `npm run tenant -- add <id>` to write entries");
      return;
    }
    // A field the registry does not know is a typo the synth would otherwise pass over.
    checkKind(raw, TENANT_FIELDS, f, "tenant", issues);
    issues.check(
      TENANT_ID.test(t.id),
      `${f}.id`,
      t.id,
      "expected 3-20 characters: a lower-case letter, then letters, digits or hyphens, not ending in a hyphen",
      'use e.g. "org-101"',
    );
    issues.check(
      !RESERVED_TENANT_IDS.includes(t.id),
      `${f}.id`,
      t.id,
      "is a reserved word (it would collide with a stack, hostname or shared resource)",
      "choose another id",
    );
    issues.check(!seen.has(t.id) && !shardIds.has(t.id), `${f}.id`, t.id, "duplicate id: each tenant needs its own", "choose another id");
    seen.add(t.id);
    issues.check(
      t.decommission === undefined || typeof t.decommission === "boolean",
      `${f}.decommission`,
      t.decommission,
      "expected true or false",
      "use `npm run tenant -- remove` to set it",
    );
    issues.check(
      typeof t.name === "string" && t.name.trim().length > 0 && t.name.length <= 100,
      `${f}.name`,
      t.name,
      "expected a display name of 1-100 characters",
      "set the clinic's name",
    );
    issues.check(
      regions.includes(t.region),
      `${f}.region`,
      t.region,
      `is not a region of phase ${config.phase} (${regions.join(", ")})`,
      "use a deployed region",
    );
    if (t.size !== undefined) {
      const sizes = Object.keys(config.enterprise?.sizes ?? {});
      issues.check(
        sizes.includes(t.size),
        `${f}.size`,
        t.size,
        `is not a size of phase ${config.phase} (${sizes.join(", ")})`,
        "name the preset the entry was made from, or remove size (the entry's own values are what is deployed)",
      );
    }
    issues.oneOf(`${f}.instanceClass`, t.instanceClass, DB_INSTANCE_CLASSES);
    validateStorage(f, t, issues, "use a size preset (npm run tenant -- add --size)");
    if (typeof t.service !== "object" || t.service === null) {
      issues.add(`${f}.service`, t.service, "expected the service sizing object", "use a size preset");
      return;
    }
    // `maxInstances: "5"` would pass the comparisons below: the kinds first.
    if (!checkKind(t.service, SERVICE_SIZING, `${f}.service`, "service", issues)) return;
    validateSizing(`${f}.service`, t.service, [engine], issues);
    validateCellConnections(f, t.service, config, issues);
    if (engine === "fargate" || t.slot !== undefined) {
      const key = `${t.region} ${t.slot}`;
      const other = slots.get(key);
      issues.check(
        Number.isInteger(t.slot) && t.slot! > SHARD_SLOTS && other === undefined,
        `${f}.slot`,
        t.slot ?? null,
        other !== undefined
          ? `is also the slot of ${other} in ${t.region}: a slot is a listener rule priority on the region's cell gateway and must be unique per region`
          : t.slot === undefined
            ? "is required on Fargate: it places the tenant on its region's cell gateway (listener rule priority)"
            : `expected a whole number above ${SHARD_SLOTS} (1-${SHARD_SLOTS} are the shards')`,
        other !== undefined || t.slot === undefined
          ? `set a free slot above ${SHARD_SLOTS} for ${t.region} (npm run tenant -- add records the lowest free one); never change a deployed tenant's slot`
          : `set a slot above ${SHARD_SLOTS}`,
      );
      if (Number.isInteger(t.slot) && other === undefined) slots.set(key, t.id);
    }
    cells.push({
      id: t.id,
      name: t.name,
      region: t.region,
      kind: "tenant",
      instanceClass: t.instanceClass,
      allocatedStorageGb: t.allocatedStorageGb,
      maxAllocatedStorageGb: t.maxAllocatedStorageGb,
      service: t.service,
      ...(t.slot !== undefined ? { slot: t.slot } : {}),
      ...(t.decommission === true ? { decommission: true } : {}),
    });
  });
  return cells;
}
