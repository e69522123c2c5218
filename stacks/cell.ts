import { ApprunnerVpcConnector } from "@cdktf/provider-aws/lib/apprunner-vpc-connector";
import { DynamodbTableItem } from "@cdktf/provider-aws/lib/dynamodb-table-item";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Construct } from "constructs";
import { jsonExpression } from "../lib/json-expression";
import { appRunnerMetrics, DatabaseAlarms, ServiceAlarms } from "../modules/alarms";
import { instanceRole } from "../modules/app-roles";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { contentTag } from "../lib/image-tag";
import { AppSecrets } from "../modules/app-secrets";
import { DatabaseRotation, rotationName } from "../modules/db-rotation";
import { AppRunnerService, scalingConfiguration } from "../modules/apprunner-service";
import { guard } from "../modules/waf";
import { BOOTSTRAP_TAG } from "../lib/workflows/app-deploy";
import { Postgres } from "../modules/postgres";
import { allowIngress, Firewall } from "../modules/firewall";
import { suppress } from "../policy/suppress";
import { CellSpec, RegionConfig } from "../phases/types";
import { tlsProxyPort } from "../modules/fargate-service";
import { CELL_HEADER, cellHeaderValue, cellSlot, Gateway, GatewaysStack } from "./gateways";
import { BaseStack, BaseStackProps } from "./base";
import { serviceEnv } from "./compute";
import { CELL_OWN_SECRETS, DataStack } from "./data";
import { GLOBAL_REGION, KeysStack } from "./keys";
import { NetworkStack, outboundRules } from "./network";
import { ObservabilityStack } from "./observability";
import { PlatformStack } from "./platform";
import { RegistryStack } from "./registry";
import { RouteEntry, routeEntryOf, RoutingStack, routingItemOf } from "./routing";
import { StorageStack } from "./storage";
import { shortPrefix } from "../lib/naming";

export interface CellStackProps extends BaseStackProps {
  readonly cell: CellSpec;
  readonly regionConfig: RegionConfig;
  readonly keys: KeysStack;
  /** The cell's region's network (its VPC, subnets and shared Redis group). */
  readonly network: NetworkStack;
  readonly registry: RegistryStack;
  /** The cell's region's shared App Runner configurations and origin guard. */
  readonly platform: PlatformStack;
  /** The primary region's data stack: monitoring role and the shared core secrets. */
  readonly sharedData: DataStack;
  /** The cell's region's data stack: its Redis (the cell's REDIS_URL is generated from it). */
  readonly regionData: DataStack;
  readonly storage: StorageStack;
  /** The cell's region's alert topic. */
  readonly alerts: ObservabilityStack;
  /** The primary observability stack (its us-east-1 topic takes health-check alarms). */
  readonly globalAlerts: ObservabilityStack;
  /** Phase 4: the global routing table. @default - no routing table item */
  readonly routing?: RoutingStack;
  /**
   * Fargate cells: the region's cell gateways, cluster and Redis client group. The cell's ECS service
   * is then in its own stack (CellServiceStack, <cell>-service). @default - App Runner cell
   */
  readonly gateways?: GatewaysStack;
}

/** A Fargate cell's data-stack outputs its service stack runs with. */
export interface FargateCell {
  readonly names: ReturnType<typeof cellNames>;
  readonly image: string;
  readonly env: Record<string, string>;
  readonly secrets: Record<string, string>;
  readonly taskRoleArn: string;
  /** The cell's own group, then the region's Redis client group. */
  readonly securityGroupIds: readonly string[];
  readonly subnetIds: readonly string[];
  readonly vpcId: string;
  readonly keyArn: string;
  readonly gateways: GatewaysStack;
  readonly gateway: Gateway;
  readonly slot: number;
}

/** Names of a cell's resources: restartix-tenant-org-101, restartix-shard-us-2. */
function cellNames(project: string, cell: Pick<CellSpec, "kind" | "id">, environment = "production") {
  const base = `${project}-${cell.kind}-${cell.id}`;
  return {
    base,
    service: base,
    // App Runner limits autoscaling and observability configuration names to 32 characters.
    config: `${shortPrefix(environment)}-${cell.kind}-${cell.id}`,
    identifier: base,
    connector: base,
  };
}

/**
 * A dedicated service + database: an enterprise tenant (phase 3+) or a shard (phase 4). Everything
 * the document's provisioning list names lives here, so adding or removing one touches this stack
 * only: its RDS instance (encrypted, Multi-AZ, own parameter group, protected), a security group
 * only its own service can reach, its VPC connector, its App Runner service on the shared image,
 * its secrets, its alarms, its routing entry. The shared Redis admits it through a rule this stack
 * owns.
 */
export class CellStack extends BaseStack {
  readonly cell: CellSpec;
  readonly postgres: Postgres;
  /** App Runner cells only: the service (a Fargate cell's runs in its CellServiceStack). */
  readonly service?: AppRunnerService;
  /** Fargate cells: what the cell's service stack runs with. */
  readonly fargate?: FargateCell;
  /** Where this cell is served from, as the phase 4 Worker reads it from its ROUTES namespace. */
  readonly routeEntry: RouteEntry;

  constructor(scope: Construct, name: string, props: CellStackProps) {
    super(scope, name, props);
    const { phase } = props.settings;
    const { cell, regionConfig: rc } = props;
    this.cell = cell;
    const names = cellNames(phase.project, cell, phase.environment);
    const region = rc.region;
    const keyArn = props.keys.keyArn(region);
    const vpcId = props.network.network.vpc.id;
    const privateSubnets = props.network.network.privateSubnets.map((s) => s.id);
    const db = phase.database;
    const core = phase.services.core;

    const gateways = props.gateways;
    const dbSg = new Firewall(this, "db-sg", {
      name: `${names.base}-rds`,
      description: `PostgreSQL of ${cell.name}: from its own service only`,
      vpcId,
    });
    const appSg = gateways
      ? new Firewall(this, "tasks-sg", {
          name: `${names.base}-tasks`,
          description: `Fargate tasks of ${cell.name}: its gateway in; PostgreSQL and HTTPS out`,
          vpcId,
        })
      : new Firewall(this, "connector-sg", {
          name: `${names.base}-connector`,
          description: `VPC connector of ${cell.name}: no ingress`,
          vpcId,
        });
    dbSg.allowIn({ id: "postgres-from-service", port: db.port, peerGroupId: appSg.id, description: `PostgreSQL from ${names.service}` });
    appSg.allowOut({ id: "postgres", port: db.port, peerGroupId: dbSg.id, description: `PostgreSQL to ${names.base}-rds` });
    if (!gateways)
      appSg.allowOut({
        id: "redis",
        port: rc.cache.port,
        peerGroupId: props.network.redisSg.id,
        description: "Redis to the region's cache",
      });
    // A cell runs the core API only: its declared dependencies are the group's internet egress.
    for (const rule of outboundRules(core.outbound)) appSg.allowOut(rule);
    let connector: ApprunnerVpcConnector | undefined;
    if (gateways) {
      // The region's gateways reach the task's TLS sidecar; Redis is reached through the region's
      // shared client group, which the cache admits once (no rule per cell on the cache's group).
      appSg.allowIn({
        id: "from-gateway",
        port: tlsProxyPort(core.port),
        peerGroupId: gateways.albSg.id,
        description: `${names.service} from its cell gateway (HTTPS)`,
      });
    } else {
      allowIngress(this, props.network.redisSg.id, {
        id: "redis-from-cell",
        port: rc.cache.port,
        peerGroupId: appSg.id,
        description: `Redis from ${names.service}`,
      });
      connector = new ApprunnerVpcConnector(this, "connector", {
        vpcConnectorName: names.connector,
        subnets: privateSubnets,
        securityGroups: [appSg.id],
        tags: { Name: names.connector },
      });
    }

    this.postgres = new Postgres(this, "postgres", {
      ...db,
      identifier: names.identifier,
      instanceClass: cell.instanceClass,
      allocatedStorageGb: cell.allocatedStorageGb,
      maxAllocatedStorageGb: cell.maxAllocatedStorageGb,
      // The phase's choice (staging: Single-AZ, phases/environment.ts); the validation requires Multi-AZ in production.
      multiAz: phase.database.multiAz,
      subnetIds: privateSubnets,
      securityGroupIds: [dbSg.id],
      kmsKeyArn: keyArn,
      monitoringRoleArn: props.sharedData.monitoringRole!.arn,
      logRetentionDays: phase.observability.logRetentionDays,
      backupWindow: rc.databaseWindows.backup,
      maintenanceWindow: rc.databaseWindows.maintenance,
      readReplicas: [],
      protect: !cell.decommission,
    });

    const own = new AppSecrets(this, "secrets", {
      path: `${phase.secretsPrefix}/${cell.kind}s/${cell.id}`,
      names: CELL_OWN_SECRETS,
      rotatedBy: { DATABASE_URL: rotationName(names.base) },
      kmsKeyArn: keyArn,
      region,
      protect: !cell.decommission,
    });
    // The region's cache, with its generated AUTH token (read from that stack's encrypted state).
    own.generate("REDIS_URL", props.regionData.redis.url);
    if (cell.decommission) {
      const why = `${cell.kind} ${cell.id} is being decommissioned (npm run tenant -- remove): protection is off so cdktf destroy can run; the final snapshot is kept`;
      for (const target of [this.postgres, own]) suppress(target, "RX-DL-1", why);
      suppress(this.postgres, "RX-RDS-3", why);
    }
    const shared = props.sharedData.serviceSecrets("core");
    const secrets: Record<string, string> = {};
    for (const n of core.secretEnv) secrets[n] = CELL_OWN_SECRETS.includes(n) ? own.arn(n) : shared.arnIn(n, region);

    const uploads = props.storage.uploads;
    const role = instanceRole(this, "instance-role", {
      name: `${names.base}-instance`,
      region,
      secretArns: Object.values(secrets),
      kmsKeyArn: keyArn,
      uploadsBucketArn: uploads.arn,
      uploadsKmsKeyArn: rc.primary ? undefined : keyArn,
      principals: [gateways ? "ecs-tasks.amazonaws.com" : "tasks.apprunner.amazonaws.com"],
    });
    const env = {
      ...serviceEnv({ ...core, ...cell.service }, region, uploads.name, []),
      // Lets the API know which tenant or shard it serves.
      CELL_ID: `${cell.kind}:${cell.id}`,
    };
    const image = `${props.registry.repository("core", region).repository.repositoryUrl}:${BOOTSTRAP_TAG}`;
    let redeploy: { appRunnerServiceArns?: string[]; ecsServiceArns?: string[] };
    let origin: string;
    if (gateways) {
      const slot = cellSlot(cell);
      const gateway = gateways.gateway(slot);
      this.fargate = {
        names,
        image,
        env,
        secrets,
        taskRoleArn: role.arn,
        securityGroupIds: [appSg.id, gateways.redisClients.id],
        subnetIds: privateSubnets,
        vpcId,
        keyArn,
        gateways,
        gateway,
        slot,
      };
      // The service lives in the cell's service stack; its ARN is known from its names, so this stack
      // never depends on that one (the rotation redeploys it with an ECS deployment).
      redeploy = {
        ecsServiceArns: [`arn:aws:ecs:${region}:${props.settings.deployment.accountId}:service/${gateways.clusterName}/${names.service}`],
      };
      origin = gateway.hostname;
    } else {
      // A size preset shares the region's configuration; a sizing of its own needs its own name.
      const scaling =
        props.platform.scalingArn(cell.service) ?? scalingConfiguration(this, "scaling", { name: names.config, sizing: cell.service }).arn;
      if (!props.platform.observabilityArn)
        throw new Error(`CellStack ${name}: the platform stack of ${region} has no App Runner observability configuration`);
      this.service = new AppRunnerService(this, "service", {
        serviceName: names.service,
        autoScalingConfigurationArn: scaling,
        observabilityConfigurationArn: props.platform.observabilityArn,
        image,
        port: core.port,
        sizing: cell.service,
        healthCheck: core.healthCheck,
        env,
        secrets,
        vpcConnectorArn: connector!.arn,
        accessRoleArn: props.registry.pullRole.arn,
        instanceRoleArn: role.arn,
        kmsKeyArn: keyArn,
      });
      const svc = this.service.service;
      // The default domain admits only requests that carry Cloudflare's origin header.
      guard(this, "origin-guard", svc.arn, props.platform.webAclArn);
      redeploy = { appRunnerServiceArns: [svc.arn] };
      origin = svc.serviceUrl;
    }

    // The alert topic of eu-central-1 and of us-east-1 (reused) lives in `observability`, which also
    // watches the shared tier's services and so comes in the first deploy's services step. A Fargate cell's data stack belongs to
    // the foundation step (its DATABASE_URL is set before its service starts), so it names the topic by
    // its ARN (fixed: restartix-alerts in the region) instead of depending on that stack. Alarms and
    // event rules accept a topic that does not exist yet; notifications sent before the services step
    // creates it are lost (first deploy only).
    const alertTopicArn = gateways
      ? `arn:aws:sns:${region}:${props.settings.deployment.accountId}:${phase.observability.topicName}`
      : props.alerts.topic.arn;

    // Monthly: a new password on the login role not in use, then a redeploy of this cell's service.
    new DatabaseRotation(this, "db-rotation", {
      name: rotationName(names.base),
      label: `${cell.kind} ${cell.id}`,
      region,
      accountId: props.settings.deployment.accountId,
      // The backup image lives in the primary region's registry only; Fargate pulls it across regions.
      image: `${props.registry.backupJob.repository.repositoryUrl}:${contentTag(path.join(ROOT, "backup"))}`,
      schedule: phase.credentialRotation.schedule,
      timezone: phase.credentialRotation.scheduleTimezone,
      kmsKeyArn: keyArn,
      masterSecretArn: this.postgres.instance.masterUserSecret.get(0).secretArn,
      databaseUrlSecretArns: [own.arn("DATABASE_URL")],
      ...redeploy,
      vpcId,
      subnetIds: privateSubnets,
      database: { securityGroupId: dbSg.id, port: db.port },
      logRetentionDays: phase.observability.logRetentionDays,
      alertTopicArn,
    });

    const t = phase.observability.alarms;
    if (this.service) {
      const svc = this.service.service;
      new ServiceAlarms(this, "alarms", {
        label: names.service,
        metrics: appRunnerMetrics(svc.serviceName, svc.serviceId),
        thresholds: t,
        topicArn: props.alerts.topic.arn,
      });
    }
    new DatabaseAlarms(this, "db-alarms", {
      identifier: names.identifier,
      maxConnections: db.parameters.maxConnections,
      thresholds: t,
      topicArn: alertTopicArn,
    });
    if (this.service) {
      // The us-east-1 provider stays even with the canary probe: a cell deployed with the Route 53 probe
      // has health checks there, and Terraform needs their provider to delete them.
      this.awsIn(GLOBAL_REGION);
      props.alerts.healthProbe(this, "", {
        label: names.service,
        probeName: names.config,
        host: origin,
        path: core.healthCheck.path,
        failures: t.healthCheckFailures,
      });
    }

    // The provisioning record (tenant_shards): where this tenant or shard is served from.
    const entry = {
      kind: cell.kind,
      id: cell.id,
      name: cell.name,
      region,
      service: names.service,
      serviceUrl: origin,
      // Fargate: the gateway forwards to this cell only with this header.
      ...(gateways ? { header: `${CELL_HEADER}: ${cellHeaderValue(cell)}` } : {}),
    };
    new SsmParameter(this, "routing-entry", {
      name: `/${phase.project}/${phase.environment}/tenant-shards/${cell.kind}/${cell.id}`,
      type: "String",
      value: jsonExpression(entry),
      description: `Routing entry of ${cell.kind} ${cell.id}`,
      tags: { Name: `${cell.kind}-${cell.id}-routing` },
    });
    this.routeEntry = routeEntryOf(cell, rc.key, origin, { gateway: Boolean(gateways) });
    if (props.routing && cell.kind === "tenant") {
      new DynamodbTableItem(this, "routing-item", {
        tableName: props.routing.table.name,
        hashKey: "organization_id",
        item: jsonExpression(routingItemOf(this.routeEntry)),
        provider: this.awsIn(props.routing.region),
      });
    }
    if (phase.backups.replicateAutomatedBackups) {
      this.postgres.replicateBackups(this.awsIn(rc.backupRegion), props.keys.keyArn(rc.backupRegion), db.backupRetentionDays);
    }
  }
}
