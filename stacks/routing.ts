import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { WorkersKv } from "@cdktf/provider-cloudflare/lib/workers-kv";
import { WorkersKvNamespace } from "@cdktf/provider-cloudflare/lib/workers-kv-namespace";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { jsonExpression } from "../lib/json-expression";
import { regionalStackName } from "../lib/naming";
import { CellSpec, GlobalRoutingConfig, RegionConfig } from "../phases/types";
import { BaseStack, BaseStackProps, ProjectStack, ProjectStackProps } from "./base";
import { KeysStack } from "./keys";

export interface RoutingStackProps extends BaseStackProps {
  readonly config: GlobalRoutingConfig;
  readonly keys: KeysStack;
}

/**
 * Phase 4 global routing: organization_id -> region + shard, a DynamoDB global table in the primary
 * region replicated to every other region. Point-in-time recovery and the region's key on every
 * replica, deletion protection, prevent_destroy. The app caches lookups in Redis (1 min); the
 * Cloudflare Worker routes each request by it.
 */
export class RoutingStack extends BaseStack {
  readonly table: DynamodbTable;

  constructor(scope: Construct, name: string, props: RoutingStackProps) {
    super(scope, name, props);
    const { phase } = props.settings;
    this.table = new DynamodbTable(this, "table", {
      name: props.config.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "organization_id",
      attribute: [{ name: "organization_id", type: "S" }],
      // Global tables replicate through streams.
      streamEnabled: true,
      streamViewType: "NEW_AND_OLD_IMAGES",
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
      serverSideEncryption: { enabled: true, kmsKeyArn: props.keys.keyArn(this.region) },
      replica: phase.regions
        .filter((r) => !r.primary)
        .map((r) => ({ regionName: r.region, kmsKeyArn: props.keys.keyArn(r.region), pointInTimeRecovery: true, propagateTags: true })),
      tags: { Name: props.config.tableName },
      lifecycle: { preventDestroy: true },
    });
  }
}

/**
 * A cell's entry in the Worker's ROUTES namespace (worker/router.js): a tenant under its
 * organization id, `{"region","shard":"tenant-<id>","origin"}`; a shard under `shard:<id>`,
 * `{"region","shard","origin"}`, which the Worker reads when SHARD_ORIGINS does not name the shard.
 * A Fargate cell adds `"cell":"<kind>-<id>"`: its origin is then the region's cell gateway (a shared
 * load balancer), and the Worker sends `X-Restartix-Cell: <cell>`, which the gateway's listener rule
 * matches.
 */
export interface RouteEntry {
  readonly key: string;
  readonly region: string;
  readonly shard: string;
  /** App Runner: the cell's default domain (known once the cell is applied). Fargate: the region's cell gateway hostname. */
  readonly origin: string;
  /** Fargate: the cell behind the gateway, `tenant-<id>` or `shard-<id>` (the X-Restartix-Cell value). @default - App Runner, no header */
  readonly cell?: string;
}

/** The X-Restartix-Cell value (and gateway listener rule) of a cell: tenant-org-101, shard-us-2. */
export const cellHeaderValue = (cell: Pick<CellSpec, "kind" | "id">): string => `${cell.kind}-${cell.id}`;

/**
 * The route of a cell. `origin` is its own App Runner domain, or with `gateway` the region's cell
 * gateway hostname, which then carries the cell in X-Restartix-Cell.
 */
export function routeEntryOf(
  cell: Pick<CellSpec, "kind" | "id">,
  regionKey: string,
  origin: string,
  options: { gateway?: boolean } = {},
): RouteEntry {
  const base =
    cell.kind === "tenant"
      ? { key: cell.id, region: regionKey, shard: `tenant-${cell.id}`, origin }
      : { key: `shard:${cell.id}`, region: regionKey, shard: cell.id, origin };
  return options.gateway ? { ...base, cell: cellHeaderValue(cell) } : base;
}

/** A cell's origin as the Worker's ORIGINS / SHARD_ORIGINS hold it: the hostname, or {origin, cell} behind a gateway. */
export type WorkerOrigin = string | { readonly origin: string; readonly cell: string };
export const workerOriginOf = (entry: RouteEntry): WorkerOrigin => (entry.cell ? { origin: entry.origin, cell: entry.cell } : entry.origin);

/** A DynamoDB string attribute. */
export type RoutingAttribute = { readonly S: string };

/**
 * The cell's item in the routing table (the source of truth; the KV entry is its edge copy), in
 * DynamoDB's attribute-value form: `organization_id` (the entry's key), `region`, `shard`, `origin`
 * and, for a Fargate cell, `cell`. The cell stack writes it (`routing-item`, tenants) with
 * `jsonExpression(routingItemOf(entry))`, so the table and KV always name the same origin and cell.
 */
export function routingItemOf(entry: RouteEntry): Record<string, RoutingAttribute> {
  return {
    organization_id: { S: entry.key },
    region: { S: entry.region },
    shard: { S: entry.shard },
    origin: { S: entry.origin },
    ...(entry.cell ? { cell: { S: entry.cell } } : {}),
  };
}

/** The KV value of an entry: everything but its key. */
export function routeValueOf(entry: RouteEntry): Omit<RouteEntry, "key"> {
  const { key: _key, ...value } = entry;
  return value;
}

/** A cell the routes stack writes an entry for: its stack, which it must follow, and its entry. */
export interface RoutedCell {
  readonly stack: TerraformStack;
  readonly cell: Pick<CellSpec, "kind" | "id">;
  readonly entry: RouteEntry;
}

/** The routes stack of a region: `routes` (primary region), `routes-us`. */
export const routesStackName = (region: RegionConfig): string => regionalStackName("routes", region);

export interface RoutesStackProps extends ProjectStackProps {
  /** The Worker's ROUTES namespace (edge stack). */
  readonly namespace: WorkersKvNamespace;
  /** The region's cells that are routed (a cell being decommissioned is not). */
  readonly cells: readonly RoutedCell[];
}

/**
 * Phase 4: every routed cell's entry in the Worker's KV namespace, one Cloudflare-only stack per
 * region (`routes`, `routes-us`). One stack rather than one per cell: each stack costs CI a
 * `terraform init` and a provider start (2033 stacks at 1000 tenants with a route stack per cell;
 * docs/global-routing.md, "Where a cell's route lives"). The cells stay AWS-only (plannable
 * offline, one provider). Adding a tenant touches its cell stack and its region's routes stack (one
 * entry more). An App Runner cell's origin is read from the cell's state; every routed cell is a
 * dependency, so its entry is written only once the cell is deployed.
 */
export class RoutesStack extends ProjectStack {
  /** KV entry per cell, by `<kind>-<id>`. */
  readonly entries = new Map<string, WorkersKv>();

  constructor(scope: Construct, name: string, props: RoutesStackProps) {
    super(scope, name, props);
    // The API token comes from CLOUDFLARE_API_TOKEN in the environment, never from code.
    new CloudflareProvider(this, "cloudflare", {});
    for (const c of props.cells) {
      const id = cellHeaderValue(c.cell);
      this.addDependency(c.stack);
      this.entries.set(
        id,
        new WorkersKv(this, id, {
          accountId: props.settings.deployment.cloudflareAccountId,
          namespaceId: props.namespace.id,
          keyName: c.entry.key,
          // jsonencode(): the value may hold a reference, and valid HCL needs the expression form.
          value: jsonExpression(routeValueOf(c.entry)),
        }),
      );
    }
  }
}
