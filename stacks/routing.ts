import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { WorkersKv } from "@cdktf/provider-cloudflare/lib/workers-kv";
import { WorkersKvNamespace } from "@cdktf/provider-cloudflare/lib/workers-kv-namespace";
import { Construct } from "constructs";
import { jsonExpression } from "../lib/json-expression";
import { CellSpec, GlobalRoutingConfig } from "../phases/types";
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
 */
export interface RouteEntry {
  readonly key: string;
  readonly region: string;
  readonly shard: string;
  /** App Runner: the cell's default domain (known once the cell is applied); Fargate: its cell gateway's hostname. */
  readonly origin: string;
  /** Fargate: the X-Restartix-Cell header value the Worker adds so the gateway forwards to this cell. */
  readonly cell?: string;
}

export function routeEntryOf(cell: Pick<CellSpec, "kind" | "id">, regionKey: string, origin: string, header?: string): RouteEntry {
  const extra = header !== undefined ? { cell: header } : {};
  return cell.kind === "tenant"
    ? { key: cell.id, region: regionKey, shard: `tenant-${cell.id}`, origin, ...extra }
    : { key: `shard:${cell.id}`, region: regionKey, shard: cell.id, origin, ...extra };
}

/** The route stack of a cell: route-tenant-org-201, route-shard-us-2. */
export const routeStackName = (kind: CellSpec["kind"], id: string): string => `route-${kind}-${id}`;

export interface RouteEntryStackProps extends ProjectStackProps {
  /** The Worker's ROUTES namespace (edge stack). */
  readonly namespace: WorkersKvNamespace;
  readonly entry: RouteEntry;
}

/**
 * Phase 4: one cell's routing entry in the Worker's KV namespace. A stack of its own per cell: the
 * cell stacks stay AWS-only (plannable offline, one provider), and adding or removing a tenant still
 * touches only that tenant's stacks (tenant-<id> and route-tenant-<id>). It reads the cell's service
 * domain from the cell's state and the namespace id from the edge stack's state.
 */
export class RouteEntryStack extends ProjectStack {
  readonly entry: WorkersKv;

  constructor(scope: Construct, name: string, props: RouteEntryStackProps) {
    super(scope, name, props);
    // The API token comes from CLOUDFLARE_API_TOKEN in the environment, never from code.
    new CloudflareProvider(this, "cloudflare", {});
    const { key, ...value } = props.entry;
    this.entry = new WorkersKv(this, "entry", {
      accountId: props.settings.deployment.cloudflareAccountId,
      namespaceId: props.namespace.id,
      keyName: key,
      // jsonencode(): the value holds a reference, and valid HCL needs the expression form.
      value: jsonExpression(value),
    });
  }
}
