import { ApprunnerCustomDomainAssociation } from "@cdktf/provider-aws/lib/apprunner-custom-domain-association";
import { Construct } from "constructs";
import { instanceRole } from "../modules/app-roles";
import { AppRunnerService } from "../modules/apprunner-service";
import { ServiceConfig, ServiceKey } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";
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
}

/** What the edge, observability and delivery stacks need to know about one running service. */
export interface RunningService {
  readonly config: ServiceConfig;
  readonly hostname: string;
  /** Service ARN and name for alarms, dashboards and deploy permissions. */
  readonly arn: string;
  readonly name: string;
  readonly id: string;
  /** Default domain of the service (no scheme). */
  readonly url: string;
  /** Where the public CNAME must point once traffic moves to AWS. */
  readonly dnsTarget: string;
  /** App Runner's certificate validation records, known once this stack is applied. */
  readonly validationRecords?: ApprunnerCustomDomainAssociation["certificateValidationRecords"];
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
 * The shared tier's two APIs on App Runner (the document's default engine), each with its own
 * runtime role, pulling from ECR with the registry's pull role, reaching the VPC through the connector, with a custom domain
 * association whose validation records the edge stack publishes in Cloudflare.
 */
export class ComputeStack extends BaseStack {
  readonly services = new Map<ServiceKey, RunningService>();

  constructor(scope: Construct, name: string, props: ComputeStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const region = this.region;
    const keyArn = props.keys.keyArn(region);
    const postgres = props.data.postgres!;
    const replicaHosts = postgres.replicas.map((r) => r.address);


    for (const svc of Object.values(phase.services)) {
      const secrets = props.data.serviceSecrets(svc.key);
      const role = instanceRole(this, `${svc.key}-instance-role`, {
        name: `${svc.name}-instance`,
        region,
        secretArns: Object.values(secrets.arns),
        kmsKeyArn: keyArn,
        uploadsBucketArn: svc.uploadsAccess ? props.storage.uploads.arn : undefined,
        principal: "tasks.apprunner.amazonaws.com",
      });
      const runner = new AppRunnerService(this, svc.key, {
        serviceName: svc.name,
        image: `${props.registry.repository(svc.key, region).repository.repositoryUrl}:latest`,
        port: svc.port,
        sizing: svc,
        healthCheck: svc.healthCheck,
        env: serviceEnv(svc, region, phase.storage.uploadsBucket, replicaHosts),
        secrets: secrets.arns,
        vpcConnectorArn: props.network.connector!.arn,
        accessRoleArn: props.registry.pullRole.arn,
        instanceRoleArn: role.arn,
        kmsKeyArn: keyArn,
      });
      const hostname = `${svc.subdomain}.${deployment.domain}`;
      const domain = new ApprunnerCustomDomainAssociation(this, `${svc.key}-domain`, {
        serviceArn: runner.service.arn,
        domainName: hostname,
        enableWwwSubdomain: false,
      });
      this.services.set(svc.key, {
        config: svc,
        hostname,
        arn: runner.service.arn,
        name: runner.service.serviceName,
        id: runner.service.serviceId,
        url: runner.service.serviceUrl,
        dnsTarget: domain.dnsTarget,
        validationRecords: domain.certificateValidationRecords,
      });
    }
  }

  service(key: ServiceKey): RunningService {
    const s = this.services.get(key);
    if (!s) throw new Error(`ComputeStack: no service ${key}`);
    return s;
  }
}
