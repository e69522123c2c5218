import { ApprunnerAutoScalingConfigurationVersion } from "@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version";
import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service";
import { TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { HealthCheckConfig, ServiceSizing } from "../phases/types";
import { ServiceRole } from "./service-role";

/** The shared name of an auto scaling configuration: one per distinct sizing (32 characters at most). */
export function scalingName(project: string, sizing: Pick<ServiceSizing, "minInstances" | "maxInstances" | "maxConcurrency">): string {
  return `${project}-min${sizing.minInstances}-max${sizing.maxInstances}-c${sizing.maxConcurrency}`;
}

/** An App Runner auto scaling configuration (one revision of `name`). */
export function scalingConfiguration(
  scope: Construct,
  id: string,
  props: { readonly name: string; readonly sizing: ServiceSizing; readonly provider?: TerraformProvider },
): ApprunnerAutoScalingConfigurationVersion {
  if (props.name.length > 32) {
    throw new Error(
      `App Runner auto scaling configuration "${props.name}" is ${props.name.length} characters; App Runner allows 32. Shorten the name.`,
    );
  }
  return new ApprunnerAutoScalingConfigurationVersion(scope, id, {
    autoScalingConfigurationName: props.name,
    minSize: props.sizing.minInstances,
    maxSize: props.sizing.maxInstances,
    maxConcurrency: props.sizing.maxConcurrency,
    provider: props.provider,
    tags: { Name: props.name },
    // Each change is a new revision; it must exist before the services let go of the old one.
    lifecycle: { createBeforeDestroy: true },
  });
}

export interface AppRunnerServiceProps {
  readonly serviceName: string;
  /** Auto scaling configuration (shared per size and region: the platform stack's, or the cell's own). */
  readonly autoScalingConfigurationArn: string;
  /** The region's X-Ray observability configuration (platform stack). */
  readonly observabilityConfigurationArn: string;
  /**
   * Image the service is created with, e.g. <registry>/restartix-core-api:bootstrap. Deploys then
   * move the service to each commit's immutable tag (lib/workflows/app-deploy.ts); Terraform ignores
   * the image afterwards so an apply never rolls a deploy back.
   */
  readonly image: string;
  readonly port: number;
  readonly sizing: ServiceSizing;
  readonly healthCheck: HealthCheckConfig;
  /** Plain variables (never secrets: they are visible in the console). */
  readonly env: Readonly<Record<string, string>>;
  /** Variable name -> Secrets Manager secret ARN. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly vpcConnectorArn: string;
  /** Role App Runner pulls the image with (trusted by build.apprunner.amazonaws.com). */
  readonly accessRoleArn: string;
  /** Role the application runs as (trusted by tasks.apprunner.amazonaws.com). */
  readonly instanceRoleArn: string;
  readonly kmsKeyArn: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * An App Runner service from ECR, deployed by immutable commit tag (no automatic deployment: an
 * immutable tag is never pushed twice), with the region's shared auto scaling and X-Ray
 * configurations, the health check, egress through the VPC connector and secrets from Secrets
 * Manager.
 */
export class AppRunnerService extends Construct {
  readonly service: ApprunnerService;

  constructor(scope: Construct, id: string, props: AppRunnerServiceProps) {
    super(scope, id);
    const { sizing, healthCheck: hc, provider } = props;
    // The instance role's permissions must exist before the service starts: App Runner reads the
    // runtime secrets with that role when it creates the service, and without the attachment the
    // create fails (or the first instances start without access). The role is a ServiceRole of the
    // same stack (its ARN token is the one passed here); a role of another stack is ordered by the
    // stack dependency instead.
    const stack = TerraformStack.of(this);
    const roles = stack.node.findAll().filter((c): c is ServiceRole => c instanceof ServiceRole && c.arn === props.instanceRoleArn);
    this.service = new ApprunnerService(this, "service", {
      dependsOn: roles.flatMap((r) => r.attachments),
      serviceName: props.serviceName,
      autoScalingConfigurationArn: props.autoScalingConfigurationArn,
      encryptionConfiguration: { kmsKey: props.kmsKeyArn },
      sourceConfiguration: {
        // Deploys name an immutable commit tag (update-service); nothing is ever re-pushed under a tag.
        autoDeploymentsEnabled: false,
        authenticationConfiguration: { accessRoleArn: props.accessRoleArn },
        imageRepository: {
          imageIdentifier: props.image,
          imageRepositoryType: "ECR",
          imageConfiguration: {
            port: String(props.port),
            runtimeEnvironmentVariables: { ...props.env },
            runtimeEnvironmentSecrets: { ...props.secrets },
          },
        },
      },
      instanceConfiguration: {
        cpu: String(sizing.cpu),
        memory: String(sizing.memory),
        instanceRoleArn: props.instanceRoleArn,
      },
      healthCheckConfiguration: {
        path: hc.protocol === "HTTP" ? hc.path : undefined,
        protocol: hc.protocol,
        interval: hc.intervalSeconds,
        timeout: hc.timeoutSeconds,
        healthyThreshold: hc.healthyThreshold,
        unhealthyThreshold: hc.unhealthyThreshold,
      },
      networkConfiguration: {
        egressConfiguration: { egressType: "VPC", vpcConnectorArn: props.vpcConnectorArn },
        // Cloudflare reaches the service over its public HTTPS endpoint.
        ingressConfiguration: { isPubliclyAccessible: true },
      },
      observabilityConfiguration: {
        observabilityEnabled: true,
        observabilityConfigurationArn: props.observabilityConfigurationArn,
      },
      provider,
      tags: { Name: props.serviceName },
      // The deploy workflow owns the running image; an apply must not roll it back to the bootstrap tag.
      lifecycle: { ignoreChanges: ["source_configuration[0].image_repository[0].image_identifier"] },
    });
  }
}
