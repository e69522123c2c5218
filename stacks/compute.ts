import { ApprunnerCustomDomainAssociation } from "@cdktf/provider-aws/lib/apprunner-custom-domain-association";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { Construct } from "constructs";
import { instanceRole } from "../modules/app-roles";
import { AppRunnerService } from "../modules/apprunner-service";
import { FargateService } from "../modules/fargate-service";
import { LoadBalancer } from "../modules/load-balancer";
import { guard } from "../modules/waf";
import { BOOTSTRAP_TAG } from "../lib/workflows/app-deploy";
import { ComputeEngine, ServiceConfig, ServiceKey } from "../phases/types";
import { computeEngines } from "../config/deployment";
import { BaseStack, BaseStackProps } from "./base";
import { CertificatesStack } from "./certificates";
import { DataStack } from "./data";
import { KeysStack } from "./keys";
import { NetworkStack } from "./network";
import { PlatformStack } from "./platform";
import { RegistryStack } from "./registry";
import { StorageStack } from "./storage";

export interface ComputeStackProps extends BaseStackProps {
  readonly keys: KeysStack;
  readonly network: NetworkStack;
  readonly registry: RegistryStack;
  readonly data: DataStack;
  readonly storage: StorageStack;
  /** The primary region's shared App Runner configurations and origin guard. */
  readonly platform: PlatformStack;
  /** Fargate only: the ALB's certificate. @default - none: required on Fargate (the constructor throws without it) */
  readonly certificates?: CertificatesStack;
}

/** What the edge, observability and delivery stacks need to know about one running service. */
export interface RunningService {
  readonly config: ServiceConfig;
  readonly engine: ComputeEngine;
  readonly hostname: string;
  /** App Runner: service ARN, name and id; Fargate: ECS service ARN, name, and the cluster name as id. */
  readonly arn: string;
  readonly name: string;
  readonly id: string;
  /** Default domain of the service (App Runner) or of the ALB (Fargate), without scheme. */
  readonly url: string;
  /** Where the public CNAME must point once traffic moves to AWS. */
  readonly dnsTarget: string;
  /**
   * App Runner's certificate validation records, known once this stack is applied.
   * @default - none: Fargate (the ALB's certificate is validated by the certificates stack)
   */
  readonly validationRecords?: ApprunnerCustomDomainAssociation["certificateValidationRecords"];
  /** Fargate: CloudWatch dimensions of the ALB and the service's target group. @default - none: App Runner (its own metrics) */
  readonly alb?: { readonly loadBalancer: string; readonly targetGroup: string };
}

/** Plain environment of a service: the document's variables plus the derived ones. */
export function serviceEnv(
  svc: ServiceConfig,
  region: string,
  uploadsBucket: string,
  replicaHosts: readonly string[],
): Record<string, string> {
  return {
    ...svc.env,
    DB_POOL_MAX: String(svc.dbPoolMax),
    ...(svc.uploadsAccess ? { S3_BUCKET: uploadsBucket, S3_REGION: region } : {}),
    // Phase 2+: the read/write split middleware sends GETs round-robin to these hosts.
    ...(replicaHosts.length > 0 ? { DATABASE_REPLICA_HOSTS: replicaHosts.join(",") } : {}),
  };
}

/**
 * The shared tier's two APIs. App Runner (the document's engine, the default): each service pulls
 * from ECR with the registry's pull role, reaches the VPC through the connector, and has a custom
 * domain association whose validation records the edge stack publishes. Fargate (for accounts App
 * Runner no longer accepts): an ECS cluster and one ALB with a host rule per service. During an
 * engine migration both run side by side (`compute_standby`); `services` is always the engine the
 * public records point at. Each service has one runtime role that reads only its own secrets.
 */
export class ComputeStack extends BaseStack {
  /** The services of the deployment's engine. */
  readonly services: Map<ServiceKey, RunningService>;
  /** During a migration: the same services on the other engine. */
  readonly standby?: Map<ServiceKey, RunningService>;

  constructor(scope: Construct, name: string, props: ComputeStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const region = this.region;
    const keyArn = props.keys.keyArn(region);
    const replicaHosts = props.data.postgres!.replicas.map((r) => r.address);
    const engines = computeEngines(deployment);
    const principals = engines.map((e) =>
      e === "fargate" ? ("ecs-tasks.amazonaws.com" as const) : ("tasks.apprunner.amazonaws.com" as const),
    );

    const specs = Object.values(phase.services).map((svc) => ({
      svc,
      image: `${props.registry.repository(svc.key, region).repository.repositoryUrl}:${BOOTSTRAP_TAG}`,
      env: serviceEnv(svc, region, phase.storage.uploadsBucket, replicaHosts),
      secrets: props.data.serviceSecrets(svc.key).arns,
      hostname: `${svc.subdomain}.${deployment.domain}`,
      roleArn: instanceRole(this, `${svc.key}-instance-role`, {
        name: `${svc.name}-instance`,
        region,
        secretArns: Object.values(props.data.serviceSecrets(svc.key).arns),
        kmsKeyArn: keyArn,
        uploadsBucketArn: svc.uploadsAccess ? props.storage.uploads.arn : undefined,
        principals,
      }).arn,
    }));

    const built = new Map<ComputeEngine, Map<ServiceKey, RunningService>>();
    if (engines.includes("apprunner")) built.set("apprunner", this.appRunner(specs, props, keyArn));
    if (engines.includes("fargate")) built.set("fargate", this.fargate(specs, props, keyArn));
    this.services = built.get(deployment.compute)!;
    this.standby = deployment.computeStandby ? built.get(deployment.computeStandby) : undefined;
  }

  private appRunner(specs: readonly ServiceSpec[], props: ComputeStackProps, keyArn: string): Map<ServiceKey, RunningService> {
    const out = new Map<ServiceKey, RunningService>();
    for (const c of specs) {
      const svc = c.svc;
      const scaling = props.platform.scalingArn(svc);
      if (!props.platform.observabilityArn)
        throw new Error("ComputeStack: the platform stack has no App Runner observability configuration");
      if (!scaling) throw new Error(`ComputeStack: the platform stack has no auto scaling configuration for ${svc.name}`);
      const runner = new AppRunnerService(this, svc.key, {
        serviceName: svc.name,
        autoScalingConfigurationArn: scaling,
        observabilityConfigurationArn: props.platform.observabilityArn!,
        image: c.image,
        port: svc.port,
        sizing: svc,
        healthCheck: svc.healthCheck,
        env: c.env,
        secrets: c.secrets,
        vpcConnectorArn: props.network.connector!.arn,
        accessRoleArn: props.registry.pullRole.arn,
        instanceRoleArn: c.roleArn,
        kmsKeyArn: keyArn,
      });
      // The default domain admits only requests that carry Cloudflare's origin header.
      guard(this, `${svc.key}-origin-guard`, runner.service.arn, props.platform.webAclArn);
      const domain = new ApprunnerCustomDomainAssociation(this, `${svc.key}-domain`, {
        serviceArn: runner.service.arn,
        domainName: c.hostname,
        enableWwwSubdomain: false,
      });
      out.set(svc.key, {
        config: svc,
        engine: "apprunner",
        hostname: c.hostname,
        arn: runner.service.arn,
        name: runner.service.serviceName,
        id: runner.service.serviceId,
        url: runner.service.serviceUrl,
        dnsTarget: domain.dnsTarget,
        validationRecords: domain.certificateValidationRecords,
      });
    }
    return out;
  }

  private fargate(specs: readonly ServiceSpec[], props: ComputeStackProps, keyArn: string): Map<ServiceKey, RunningService> {
    const { phase } = props.settings;
    const f = phase.fargate;
    if (!props.certificates) throw new Error("ComputeStack: the Fargate engine needs the certificates stack");
    const cluster = new EcsCluster(this, "cluster", {
      name: f.clusterName,
      setting: [{ name: "containerInsights", value: "enabled" }],
      tags: { Name: f.clusterName },
    });
    const alb = new LoadBalancer(this, "alb", {
      name: f.albName,
      subnetIds: props.network.network.publicSubnets.map((s) => s.id),
      securityGroupId: props.network.albSg!.id,
      certificateArn: props.certificates.certificate.arn,
      sslPolicy: f.sslPolicy,
      // One ALB serves both APIs: the longest of their request timeouts.
      idleTimeoutSeconds: Math.max(...specs.map((c) => c.svc.requestTimeoutSeconds)),
      accessLogsBucket: props.storage.accessLogs.name,
    });
    // The ALB's public DNS name admits only requests that carry Cloudflare's origin header.
    guard(this, "alb-origin-guard", alb.lb.arn, props.platform.webAclArn);
    const out = new Map<ServiceKey, RunningService>();
    specs.forEach((c, i) => {
      const svc = c.svc;
      const fargate = new FargateService(this, `${svc.key}-ecs`, {
        serviceName: svc.name,
        region: this.region,
        clusterArn: cluster.arn,
        clusterName: f.clusterName,
        image: c.image,
        port: svc.port,
        sizing: svc,
        healthCheck: svc.healthCheck,
        env: c.env,
        secrets: c.secrets,
        kmsKeyArn: keyArn,
        taskRoleArn: c.roleArn,
        vpcId: props.network.network.vpc.id,
        subnetIds: props.network.network.privateSubnets.map((s) => s.id),
        securityGroupId: props.network.tasksSg!.id,
        loadBalancer: alb,
        hostname: c.hostname,
        priority: 10 * (i + 1),
        logRetentionDays: phase.observability.logRetentionDays,
        deregistrationDelaySeconds: f.deregistrationDelaySeconds,
        tlsProxyImage: f.tlsProxyImage,
        runAsUser: f.runAsUser,
      });
      out.set(svc.key, {
        config: svc,
        engine: "fargate",
        hostname: c.hostname,
        arn: fargate.service.id,
        name: fargate.service.name,
        id: f.clusterName,
        url: alb.lb.dnsName,
        dnsTarget: alb.lb.dnsName,
        alb: { loadBalancer: alb.lb.arnSuffix, targetGroup: fargate.targetGroup.arnSuffix },
      });
    });
    return out;
  }

  service(key: ServiceKey): RunningService {
    const s = this.services.get(key);
    if (!s) throw new Error(`ComputeStack: no service ${key}`);
    return s;
  }

  /** Every running service of every engine (both during a migration). */
  get allServices(): RunningService[] {
    return [...this.services.values(), ...(this.standby?.values() ?? [])];
  }
}

interface ServiceSpec {
  readonly svc: ServiceConfig;
  readonly image: string;
  readonly env: Record<string, string>;
  readonly secrets: Record<string, string>;
  readonly hostname: string;
  readonly roleArn: string;
}
