import { Pricer, PricingContext, Resource } from "../context";
import { LineItem, usd } from "../line-item";
import { MissingPrice } from "../price-table";
import { logCharges } from "./logs";

/** RDS instances (primaries and read replicas) and their replicated backups; ElastiCache. */

function sourceOf(r: Resource, ctx: PricingContext): Resource | undefined {
  return r.config.replicate_source_db === undefined ? undefined : ctx.resolve(r.stack, r.config.replicate_source_db);
}

const dbInstance: Pricer = (r, ctx) => {
  const c = r.config;
  const source = sourceOf(r, ctx);
  if (c.replicate_source_db !== undefined && !source) {
    throw new MissingPrice(`read replica of ${String(c.replicate_source_db)}: source instance not found in the synthesized stacks`);
  }
  const engine = String(c.engine ?? source?.config.engine ?? "");
  if (engine !== "postgres") throw new MissingPrice(`engine ${engine || "(none)"}: the price table holds RDS for PostgreSQL only`);
  const multiAz = c.multi_az === true;
  const factor = multiAz ? 2 : 1;
  const role = source ? "read replica" : multiAz ? "Multi-AZ" : "Single-AZ";
  const storageGb = Number(c.allocated_storage ?? source?.config.allocated_storage ?? 0);
  const storageType = String(c.storage_type ?? source?.config.storage_type ?? "gp2");
  const items: LineItem[] = [
    ctx.item(r, {
      service: "RDS",
      component: `${c.instance_class} instance-hours (${role})`,
      quantity: ctx.hours,
      unit: "hour",
      priceKey: "rds.postgres.instanceHour",
      variant: String(c.instance_class),
      priceFactor: factor,
      why: multiAz
        ? `Multi-AZ bills the standby like the primary: 2 x ${c.instance_class} (Single-AZ alone: ${usd(ctx.hours * ctx.price("rds.postgres.instanceHour", r.region, String(c.instance_class)))}/month)`
        : source
          ? "a read replica bills as a full Single-AZ instance"
          : undefined,
    }),
    ctx.item(r, {
      service: "RDS",
      component: `${storageType} storage${multiAz ? " (Multi-AZ: 2 copies)" : source ? " (replica: its own copy)" : ""}`,
      quantity: storageGb,
      unit: "GB-month",
      priceKey: "rds.storageGbMonth",
      variant: storageType,
      priceFactor: factor,
    }),
  ];
  const retention = Number(c.backup_retention_period ?? (source ? 0 : 1));
  const extraBackup = Math.max(0, ctx.usage.database.backupGbPerAllocatedGb - 1) * storageGb;
  if (!source && retention > 0 && extraBackup > 0) {
    items.push(
      ctx.item(r, {
        service: "RDS",
        component: `backup storage beyond the free ${storageGb} GB (${retention}-day retention)`,
        quantity: extraBackup,
        unit: "GB-month",
        priceKey: "rds.backupGbMonth",
      }),
    );
  }
  if (c.manage_master_user_password === true) {
    items.push(
      ctx.item(r, {
        service: "Secrets Manager",
        component: "RDS-managed master user secret",
        quantity: 1,
        unit: "secret-month",
        priceKey: "secretsmanager.secretMonth",
        why: "RDS keeps the master password in a Secrets Manager secret of its own",
      }),
    );
  }
  const exports = Array.isArray(c.enabled_cloudwatch_logs_exports) ? c.enabled_cloudwatch_logs_exports.length : 0;
  if (exports > 0) items.push(...logCharges(r, ctx, ctx.usage.database.logExportGbPerInstanceMonth, "PostgreSQL log export"));
  if (Number(c.monitoring_interval ?? 0) > 0) {
    items.push(
      ...logCharges(
        r,
        ctx,
        ctx.usage.database.enhancedMonitoringGbPerInstanceMonth,
        "Enhanced Monitoring",
        "Enhanced Monitoring is billed as CloudWatch Logs (RDSOSMetrics)",
      ),
    );
  }
  return items;
};

/** Copies of a primary's automated backups kept in another region (phase 4). */
const backupsReplication: Pricer = (r, ctx) => {
  const source = ctx.resolve(r.stack, r.config.source_db_instance_arn);
  if (!source) throw new MissingPrice("source instance of the replicated backups not found in the synthesized stacks");
  const gb = ctx.usage.database.replicatedBackupGbPerAllocatedGb * Number(source.config.allocated_storage ?? 0);
  return [
    ctx.item(r, {
      service: "RDS",
      component: `replicated automated backups of ${source.config.identifier ?? source.name} from ${source.region}`,
      quantity: gb,
      unit: "GB-month",
      priceKey: "rds.backupGbMonth",
      why: "replicated backups have no free allowance in the destination region",
    }),
  ];
};

function cacheNodes(c: Readonly<Record<string, any>>): number {
  if (c.num_cache_clusters !== undefined) return Number(c.num_cache_clusters);
  return Number(c.num_node_groups ?? 1) * (Number(c.replicas_per_node_group ?? 0) + 1);
}

const replicationGroup: Pricer = (r, ctx) => {
  const nodes = cacheNodes(r.config);
  return [
    ctx.item(r, {
      service: "ElastiCache",
      component: `${r.config.node_type} node-hours x ${nodes} node${nodes === 1 ? "" : "s"}`,
      quantity: ctx.hours * nodes,
      unit: "node-hour",
      priceKey: "elasticache.nodeHour",
      variant: String(r.config.node_type),
    }),
  ];
};

const cacheCluster: Pricer = (r, ctx) => {
  // A member of a replication group is priced with its group.
  if (r.config.replication_group_id !== undefined) return [];
  const nodes = Number(r.config.num_cache_nodes ?? 1);
  return [
    ctx.item(r, {
      service: "ElastiCache",
      component: `${r.config.node_type} node-hours x ${nodes}`,
      quantity: ctx.hours * nodes,
      unit: "node-hour",
      priceKey: "elasticache.nodeHour",
      variant: String(r.config.node_type),
    }),
  ];
};

export const databasePricers: Readonly<Record<string, Pricer>> = {
  aws_db_instance: dbInstance,
  aws_db_instance_automated_backups_replication: backupsReplication,
  aws_elasticache_replication_group: replicationGroup,
  aws_elasticache_cluster: cacheCluster,
};
