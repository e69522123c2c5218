import { ApprunnerCustomDomainAssociation } from "@cdktf/provider-aws/lib/apprunner-custom-domain-association";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { Construct } from "constructs";
import { instanceRole } from "../modules/app-roles";
import { AppRunnerService } from "../modules/apprunner-service";
import { FargateService } from "../modules/fargate-service";
import { LoadBalancer } from "../modules/load-balancer";
import { ComputeEngine, ServiceConfig, ServiceKey } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";
import { CertificatesStack } from "./certificates";
import { DataStack } from "./data";
import { KeysStack } from "./keys";
import { NetworkStack } from "./network";
import { RegistryStack } from "./registry";
import { StorageStack } from "./storage";

export interface ComputeStackProps extends BaseStackProps {
  readonly keys: KeysStack;
  readonly network: NetworkStack;
  readonly registry: RegistryStack;
  readonly data: DataStack;
  readonly storage: StorageStack;
  /** Fargate only: the ALB's certificate. */
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
  /** App Runner's certificate validation records, known once this stack is applied. */
  readonly validationRecords?: ApprunnerCustomDomainAssociation["certificateValidationRecords"];
  /** Fargate: CloudWatch dimensions of the ALB and the service's target group. */
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
 * Runner no longer accepts): an ECS cluster and one ALB with a host rule per service. Both run as
 * per-service roles that read only their own secrets.
 */
export class ComputeStack extends BaseStack {
  readonly services = new Map<ServiceKey, RunningService>();

  constructor(scope: Construct, name: string, props: ComputeStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const region = this.region;
    const keyArn = props.keys.keyArn(region);
    const replicaHosts = props.data.postgres!.replicas.map((r) => r.address);
    const principal = deployment.compute === "fargate" ? "ecs-tasks.amazonaws.com" : "tasks.apprunner.amazonaws.com";

    const roles = new Map(
      Object.values(phase.services).map((svc) => [
        svc.key,
        instanceRole(this, `${svc.key}-instance-role`, {
          name: `${svc.name}-instance`,
          region,
          secretArns: Object.values(props.data.serviceSecrets(svc.key).arns),
          kmsKeyArn: keyArn,
          uploadsBucketArn: svc.uploadsAccess ? props.storage.uploads.arn : undefined,
          principal,
        }),
      ]),
    );
    const common = (svc: ServiceConfig) => ({
      image: `${props.registry.repository(svc.key, region).repository.repositoryUrl}:latest`,
      env: serviceEnv(svc, region, phase.storage.uploadsBucket, replicaHosts),
      secrets: props.data.serviceSecrets(svc.key).arns,
      hostname: `${svc.subdomain}.${deployment.domain}`,
      roleArn: roles.get(svc.key)!.arn,
    });

    if (deployment.compute === "apprunner") {
      for (const svc of Object.values(phase.services)) {
        const c = common(svc);
        const runner = new AppRunnerService(this, svc.key, {
          serviceName: svc.name,
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
        const domain = new ApprunnerCustomDomainAssociation(this, `${svc.key}-domain`, {
          serviceArn: runner.service.arn,
          domainName: c.hostname,
          enableWwwSubdomain: false,
        });
        this.services.set(svc.key, {
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
      return;
    }

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
      idleTimeoutSeconds: Math.max(...Object.values(phase.services).map((s) => s.requestTimeoutSeconds)),
      accessLogsBucket: props.storage.accessLogs.name,
    });
    Object.values(phase.services).forEach((svc, i) => {
      const c = common(svc);
      const fargate = new FargateService(this, svc.key, {
        serviceName: svc.name,
        region,
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
        securityGroupId: props.network.appSg!.id,
        loadBalancer: alb,
        hostname: c.hostname,
        priority: 10 * (i + 1),
        logRetentionDays: phase.observability.logRetentionDays,
        deregistrationDelaySeconds: f.deregistrationDelaySeconds,
      });
      this.services.set(svc.key, {
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
  }

  service(key: ServiceKey): RunningService {
    const s = this.services.get(key);
    if (!s) throw new Error(`ComputeStack: no service ${key}`);
    return s;
  }
}
