import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { GlobalRoutingConfig } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";
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
