import { ApprunnerVpcConnector } from "@cdktf/provider-aws/lib/apprunner-vpc-connector";
import { Construct } from "constructs";
import { tlsProxyPort } from "../modules/fargate-service";
import { Firewall } from "../modules/firewall";
import { VpcNetwork } from "../modules/vpc-network";
import { OutboundDependency, RegionConfig } from "../phases/types";
import { computeEngines } from "../config/deployment";
import { BaseStack, BaseStackProps } from "./base";
import { KeysStack } from "./keys";

/**
 * The internet egress rules of a group its services share: one rule per declared port, to any
 * address. The rule for 443 keeps the id "https" (the name of the one rule groups had before).
 */
export function outboundRules(
  dependencies: readonly OutboundDependency[],
): { id: string; port: number; cidr: string; description: string }[] {
  const byPort = new Map<number, string[]>();
  for (const d of dependencies) {
    const names = byPort.get(d.port) ?? [];
    if (!names.includes(d.name)) names.push(d.name);
    byPort.set(d.port, names);
  }
  return [...byPort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, names]) => ({
      id: port === 443 ? "https" : `tcp-${port}`,
      port,
      cidr: "0.0.0.0/0",
      description: `${port === 443 ? "HTTPS" : `TCP ${port}`} to ${names.join(", ")} via NAT`,
    }));
}

export interface NetworkStackProps extends BaseStackProps {
  readonly regionConfig: RegionConfig;
  readonly keys: KeysStack;
}

/**
 * The region's private network and its firewalls. In the primary region it also holds the shared
 * tier's groups (restartix-rds, restartix-redis, the App Runner connector and/or the Fargate task
 * and ALB groups, the backup job) and the App Runner VPC connector. Tenants and shards add their own
 * groups in their own stacks.
 */
export class NetworkStack extends BaseStack {
  readonly network: VpcNetwork;
  readonly redisSg: Firewall;
  /** Shared tier only. */
  readonly rdsSg?: Firewall;
  /** The group App Runner services connect from (their VPC connector's). */
  readonly connectorSg?: Firewall;
  /** The group Fargate tasks run in. */
  readonly tasksSg?: Firewall;
  readonly backupJobSg?: Firewall;
  readonly albSg?: Firewall;
  readonly connector?: ApprunnerVpcConnector;

  constructor(scope: Construct, name: string, props: NetworkStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const rc = props.regionConfig;
    const prefix = phase.project;
    const vpcId = () => this.network.vpc.id;

    this.network = new VpcNetwork(this, "network", {
      config: rc.network,
      region: rc.region,
      accountId: deployment.accountId,
      kmsKeyArn: props.keys.keyArn(rc.region),
      logRetentionDays: phase.observability.logRetentionDays,
    });

    this.redisSg = new Firewall(this, "redis-sg", {
      name: rc.primary ? `${prefix}-redis` : `${prefix}-redis-${rc.key}`,
      description: `Redis (${rc.cache.port}) from ${prefix} services only`,
      vpcId: vpcId(),
    });
    if (!rc.primary) return;

    const db = phase.database;
    this.rdsSg = new Firewall(this, "rds-sg", {
      name: `${prefix}-rds`,
      description: `PostgreSQL (${db.port}) from ${prefix} services only`,
      vpcId: vpcId(),
    });
    this.backupJobSg = new Firewall(this, "backup-job-sg", {
      name: `${prefix}-backup-job`,
      description: "Daily pg_dump task: PostgreSQL and HTTPS out, nothing in",
      vpcId: vpcId(),
    });

    const engines = computeEngines(deployment);
    const appGroups: Firewall[] = [];
    if (engines.includes("apprunner")) {
      this.connectorSg = new Firewall(this, "connector-sg", {
        name: `${prefix}-apprunner-connector`,
        description: "App Runner VPC connector: no ingress; PostgreSQL, Redis and HTTPS out",
        vpcId: vpcId(),
      });
      this.connector = new ApprunnerVpcConnector(this, "connector", {
        vpcConnectorName: rc.network.connectorName,
        subnets: this.network.privateSubnets.map((s) => s.id),
        securityGroups: [this.connectorSg.id],
        tags: { Name: rc.network.connectorName },
      });
      appGroups.push(this.connectorSg);
    }
    if (engines.includes("fargate")) {
      this.albSg = new Firewall(this, "alb-sg", {
        name: `${prefix}-alb`,
        description: "ALB: HTTPS from Cloudflare's published ranges only",
        vpcId: vpcId(),
      });
      this.tasksSg = new Firewall(this, "tasks-sg", {
        name: `${prefix}-app-tasks`,
        description: "Fargate tasks: service ports from the ALB; PostgreSQL, Redis and HTTPS out",
        vpcId: vpcId(),
      });
      phase.fargate.cloudflareIpv4.forEach((cidr, i) => {
        this.albSg!.allowIn({ id: `https-cloudflare-${i}`, port: 443, cidr, description: `HTTPS from Cloudflare ${cidr}` });
        // Port 80 only answers with a redirect to HTTPS.
        this.albSg!.allowIn({ id: `http-cloudflare-${i}`, port: 80, cidr, description: `HTTP (redirect) from Cloudflare ${cidr}` });
      });
      for (const svc of Object.values(phase.services)) {
        // The ALB reaches each task's TLS sidecar, never the application's plain HTTP port.
        this.albSg.allowOut({
          id: `to-${svc.key}`,
          port: tlsProxyPort(svc.port),
          peerGroupId: this.tasksSg.id,
          description: `ALB to ${svc.name} (HTTPS)`,
        });
        this.tasksSg.allowIn({
          id: `from-alb-${svc.key}`,
          port: tlsProxyPort(svc.port),
          peerGroupId: this.albSg.id,
          description: `${svc.name} from the ALB (HTTPS)`,
        });
      }
      appGroups.push(this.tasksSg);
    }

    for (const app of appGroups) {
      // IDs keep the App Runner rules' original names; the Fargate ones carry the group's.
      const tag = app === this.connectorSg ? "" : "-tasks";
      this.rdsSg.allowIn({
        id: `postgres-from-app${tag}`,
        port: db.port,
        peerGroupId: app.id,
        description: `PostgreSQL from ${app === this.connectorSg ? "the App Runner connector" : "the Fargate tasks"}`,
      });
      this.redisSg.allowIn({
        id: `redis-from-app${tag}`,
        port: rc.cache.port,
        peerGroupId: app.id,
        description: `Redis from ${app === this.connectorSg ? "the App Runner connector" : "the Fargate tasks"}`,
      });
      app.allowOut({ id: "postgres", port: db.port, peerGroupId: this.rdsSg.id, description: "PostgreSQL to restartix-rds" });
      app.allowOut({ id: "redis", port: rc.cache.port, peerGroupId: this.redisSg.id, description: "Redis to restartix-redis" });
      // What the services declare they call (phases/*.ts `outbound`): 443 for Clerk, Daily.co and
      // AWS APIs, 8443 for ClickHouse Cloud. The connector and the task group serve both services.
      for (const rule of outboundRules(Object.values(phase.services).flatMap((svc) => svc.outbound))) app.allowOut(rule);
    }

    this.rdsSg.allowIn({
      id: "postgres-from-backup-job",
      port: db.port,
      peerGroupId: this.backupJobSg.id,
      description: "PostgreSQL from the daily pg_dump",
    });
    this.backupJobSg.allowOut({ id: "postgres", port: db.port, peerGroupId: this.rdsSg.id, description: "pg_dump to restartix-rds" });
    this.backupJobSg.allowOut({ id: "https", port: 443, cidr: "0.0.0.0/0", description: "HTTPS to S3, ECR and CloudWatch" });
  }
}
