import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CacheConfig } from "../phases/types";
import { suppress } from "../policy/suppress";

export interface RedisCacheProps {
  readonly config: CacheConfig;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly kmsKeyArn: string;
  readonly provider?: TerraformProvider;
}

/**
 * ElastiCache Redis, cluster mode disabled, in the private subnets behind its group: TLS required,
 * encrypted at rest with the region's key. Replicas bring automatic failover and Multi-AZ.
 */
export class RedisCache extends Construct {
  readonly group: ElasticacheReplicationGroup;

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const { config, provider } = props;
    const subnets = new ElasticacheSubnetGroup(this, "subnets", {
      name: config.id,
      description: `Private subnets of ${config.id}`,
      subnetIds: [...props.subnetIds],
      provider,
      tags: { Name: config.id },
    });
    const replicated = config.replicas > 0;
    this.group = new ElasticacheReplicationGroup(this, "group", {
      replicationGroupId: config.id,
      description: `${config.id}: booking holds, rate limits, idempotency keys`,
      engine: "redis",
      engineVersion: config.engineVersion,
      nodeType: config.nodeType,
      port: config.port,
      numCacheClusters: 1 + config.replicas,
      automaticFailoverEnabled: replicated,
      multiAzEnabled: replicated,
      subnetGroupName: subnets.name,
      securityGroupIds: [...props.securityGroupIds],
      atRestEncryptionEnabled: "true",
      kmsKeyId: props.kmsKeyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      snapshotRetentionLimit: config.snapshotRetentionDays,
      autoMinorVersionUpgrade: "true",
      maintenanceWindow: "sun:03:30-sun:04:30",
      applyImmediately: false,
      provider,
      tags: { Name: config.id },
      lifecycle: { preventDestroy: true },
    });
    suppress(this.group, "RX-EC-4", "The design document's REDIS_URL carries no credentials; TLS is required and only the services' security groups reach the port");
    if (config.snapshotRetentionDays === 0) {
      suppress(this.group, "RX-EC-6", "Configured without snapshots: the cache holds only ephemeral data (booking holds, rate limits, idempotency keys)");
    }
  }
}
