import { ApprunnerAutoScalingConfigurationVersion } from "@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version";
import { ApprunnerObservabilityConfiguration } from "@cdktf/provider-aws/lib/apprunner-observability-configuration";
import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { HealthCheckConfig, ServiceSizing } from "../phases/types";

export interface AppRunnerServiceProps {
  readonly serviceName: string;
  /**
   * Name of the autoscaling and observability configurations (App Runner allows 32 characters).
   * @default - the service name
   */
  readonly configName?: string;
  /** Image to run, e.g. <registry>/restartix-core-api:latest. */
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
  readonly provider?: TerraformProvider;
}

/**
 * An App Runner service from ECR with automatic deployment on push, its autoscaling revision, X-Ray
 * tracing, the health check, egress through the VPC connector and secrets from Secrets Manager.
 */
export class AppRunnerService extends Construct {
  readonly service: ApprunnerService;

  constructor(scope: Construct, id: string, props: AppRunnerServiceProps) {
    super(scope, id);
    const { sizing, healthCheck: hc, provider } = props;
    const configName = props.configName ?? props.serviceName;
    if (configName.length > 32) {
      throw new Error(`AppRunnerService ${props.serviceName}: configName "${configName}" is ${configName.length} characters; App Runner allows 32. Pass a shorter configName.`);
    }
    const scaling = new ApprunnerAutoScalingConfigurationVersion(this, "scaling", {
      autoScalingConfigurationName: configName,
      minSize: sizing.minInstances,
      maxSize: sizing.maxInstances,
      maxConcurrency: sizing.maxConcurrency,
      provider,
      tags: { Name: props.serviceName },
      // Each change is a new revision; it must exist before the service lets go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });
    const observability = new ApprunnerObservabilityConfiguration(this, "observability", {
      observabilityConfigurationName: configName,
      traceConfiguration: { vendor: "AWSXRAY" },
      provider,
      tags: { Name: props.serviceName },
      lifecycle: { createBeforeDestroy: true },
    });
    this.service = new ApprunnerService(this, "service", {
      serviceName: props.serviceName,
      autoScalingConfigurationArn: scaling.arn,
      encryptionConfiguration: { kmsKey: props.kmsKeyArn },
      sourceConfiguration: {
        autoDeploymentsEnabled: true,
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
        observabilityConfigurationArn: observability.arn,
      },
      provider,
      tags: { Name: props.serviceName },
    });
  }
}
