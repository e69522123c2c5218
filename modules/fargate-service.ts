import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { jsonExpression } from "../lib/json-expression";
import { HealthCheckConfig, ServiceSizing } from "../phases/types";
import { LoadBalancer } from "./load-balancer";
import { executionRole } from "./app-roles";
import { containerEnvironment } from "../lib/container-environment";

/** Port of a task's TLS sidecar in front of an application port (9000 -> 9443, 4000 -> 4443). */
export const tlsProxyPort = (appPort: number): number => appPort + 443;

/**
 * Caddy's JSON configuration for the sidecar: HTTPS on the proxy port with a certificate from its
 * own internal CA (the ALB does not validate target certificates; the hop is encrypted), every
 * request proxied to the application on localhost, nothing written outside /tmp.
 */
export function tlsProxyConfig(appPort: number): string {
  const name = "tls-proxy.internal";
  return JSON.stringify({
    admin: { disabled: true, config: { persist: false } },
    storage: { module: "file_system", root: "/tmp/caddy" },
    apps: {
      http: {
        servers: {
          tls: {
            listen: [`:${tlsProxyPort(appPort)}`],
            automatic_https: { disable: true },
            // The ALB sends no SNI: the internal certificate answers every handshake.
            tls_connection_policies: [{ default_sni: name }],
            routes: [{ handle: [{ handler: "reverse_proxy", upstreams: [{ dial: `127.0.0.1:${appPort}` }] }] }],
          },
        },
      },
      tls: {
        certificates: { automate: [name] },
        automation: { policies: [{ subjects: [name], issuers: [{ module: "internal" }] }] },
      },
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  });
}

export interface FargateServiceProps {
  readonly serviceName: string;
  readonly region: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly image: string;
  readonly port: number;
  readonly sizing: ServiceSizing;
  readonly healthCheck: HealthCheckConfig;
  readonly env: Readonly<Record<string, string>>;
  /** Variable name -> Secrets Manager secret ARN, injected by ECS at start. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly kmsKeyArn: string;
  readonly taskRoleArn: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /**
   * The tasks' group (the shared tier's), or `securityGroupIds` for several.
   * @default - none: required in practice unless `securityGroupIds` is given (the service needs a group)
   */
  readonly securityGroupId?: string;
  /** @default - [securityGroupId] */
  readonly securityGroupIds?: readonly string[];
  readonly loadBalancer: Pick<LoadBalancer, "lb" | "https">;
  /** The listener rule forwards this host's requests (the shared tier's API hostnames). */
  readonly hostname: string;
  /**
   * Forward on this request header instead of the host (a cell behind its region's cell gateway,
   * which the Worker reaches with the header set). @default - the host header rule
   */
  readonly header?: { readonly name: string; readonly value: string };
  /** Target group name (32 characters at most). @default - the service name, cut to 32 characters */
  readonly targetGroupName?: string;
  /** Listener rule priority, unique per listener. */
  readonly priority: number;
  readonly logRetentionDays: number;
  readonly deregistrationDelaySeconds: number;
  /** The TLS sidecar's image (ECR Public). */
  readonly tlsProxyImage: string;
  /** Non-root uid:gid both containers run as. */
  readonly runAsUser: string;
}

/**
 * One API on ECS Fargate: its task definition (the App Runner sizes), a service in the private
 * subnets behind the ALB (host-header rule, /health target group at the document's interval,
 * timeout and thresholds), the deployment circuit breaker with rollback, target-tracking scaling
 * between the document's minimum and maximum, and a KMS-encrypted log group with retention.
 */
export class FargateService extends Construct {
  readonly service: EcsService;
  readonly targetGroup: LbTargetGroup;
  readonly listenerRule: LbListenerRule;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { sizing, healthCheck: hc } = props;
    const logs = new CloudwatchLogGroup(this, "logs", {
      name: `/ecs/${props.serviceName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
      tags: { Name: `/ecs/${props.serviceName}` },
    });
    const execution = executionRole(this, "execution-role", {
      name: `${props.serviceName}-execution`,
      description: `Starts ${props.serviceName} tasks: pulls the image, writes logs, injects secrets`,
      region: props.region,
      secretArns: Object.values(props.secrets),
      kmsKeyArn: props.kmsKeyArn,
    });
    const task = new EcsTaskDefinition(this, "task", {
      family: props.serviceName,
      cpu: String(sizing.cpu),
      memory: String(sizing.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: execution.arn,
      taskRoleArn: props.taskRoleArn,
      // The root filesystems are read-only: /tmp is the task's ephemeral storage, writable.
      volume: [{ name: "tmp" }],
      containerDefinitions: jsonExpression([
        {
          name: props.serviceName,
          image: props.image,
          essential: true,
          user: props.runAsUser,
          readonlyRootFilesystem: true,
          privileged: false,
          // No capabilities at all: a non-root process cannot regain privileges (Fargate has no no-new-privileges flag).
          linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
          mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
          portMappings: [{ containerPort: props.port, protocol: "tcp" }],
          // App Runner sets PORT itself; on Fargate the same one setting is passed explicitly.
          environment: containerEnvironment(`service ${props.serviceName}`, { ...props.env, PORT: String(props.port) }),
          secrets: Object.entries(props.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": logs.name, "awslogs-region": props.region, "awslogs-stream-prefix": "app" },
          },
        },
        {
          name: "tls-proxy",
          image: props.tlsProxyImage,
          essential: true,
          user: props.runAsUser,
          readonlyRootFilesystem: true,
          privileged: false,
          linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
          mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
          portMappings: [{ containerPort: tlsProxyPort(props.port), protocol: "tcp" }],
          environment: [
            { name: "CADDY_CONFIG", value: tlsProxyConfig(props.port) },
            { name: "XDG_CONFIG_HOME", value: "/tmp/caddy-config" },
            { name: "XDG_DATA_HOME", value: "/tmp/caddy-data" },
          ],
          entryPoint: ["/bin/sh", "-c"],
          command: ["printf '%s' \"$CADDY_CONFIG\" > /tmp/caddy.json && exec caddy run --config /tmp/caddy.json"],
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": logs.name, "awslogs-region": props.region, "awslogs-stream-prefix": "tls-proxy" },
          },
        },
      ]),
      tags: { Name: props.serviceName },
    });
    this.targetGroup = new LbTargetGroup(this, "targets", {
      // Target group names are limited to 32 characters.
      name: props.targetGroupName ?? props.serviceName.slice(0, 32),
      // HTTPS to the task's TLS sidecar: the hop from the ALB is encrypted too.
      port: tlsProxyPort(props.port),
      protocol: "HTTPS",
      targetType: "ip",
      vpcId: props.vpcId,
      deregistrationDelay: String(props.deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        path: hc.path,
        protocol: "HTTPS",
        interval: hc.intervalSeconds,
        timeout: hc.timeoutSeconds,
        // An ALB counts at least 2 healthy checks; the document's 1 is App Runner's minimum.
        healthyThreshold: Math.max(2, hc.healthyThreshold),
        unhealthyThreshold: hc.unhealthyThreshold,
        matcher: "200",
      },
      tags: { Name: props.serviceName },
    });
    const rule = new LbListenerRule(this, "route", {
      listenerArn: props.loadBalancer.https.arn,
      priority: props.priority,
      action: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      condition: props.header
        ? [{ httpHeader: { httpHeaderName: props.header.name, values: [props.header.value] } }]
        : [{ hostHeader: { values: [props.hostname] } }],
      tags: { Name: props.header ? `${props.hostname} ${props.header.name}: ${props.header.value}` : props.hostname },
    });
    this.listenerRule = rule;
    // ECS refuses a target group no listener uses: the service waits for the listener (same stack)
    // or for its own rule (a cell's service stack, whose gateway lives in another stack).
    const sameStack = TerraformStack.of(props.loadBalancer.https) === TerraformStack.of(this);
    this.service = new EcsService(this, "service", {
      name: props.serviceName,
      cluster: props.clusterArn,
      taskDefinition: task.arn,
      launchType: "FARGATE",
      desiredCount: sizing.minInstances,
      healthCheckGracePeriodSeconds: 60,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: props.securityGroupIds ? [...props.securityGroupIds] : [props.securityGroupId!],
        assignPublicIp: false,
      },
      loadBalancer: [{ targetGroupArn: this.targetGroup.arn, containerName: "tls-proxy", containerPort: tlsProxyPort(props.port) }],
      propagateTags: "SERVICE",
      enableExecuteCommand: false,
      tags: { Name: props.serviceName },
      // Autoscaling owns the running count after the first deploy; the deploy workflow owns the
      // running revision (a clone of the latest one with the commit's immutable image tag).
      lifecycle: { ignoreChanges: ["desired_count", "task_definition"] },
      dependsOn: [sameStack ? props.loadBalancer.https : rule],
    });
    const target = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: sizing.minInstances,
      maxCapacity: sizing.maxInstances,
      dependsOn: [this.service],
    });
    new AppautoscalingPolicy(this, "scaling-policy", {
      name: `${props.serviceName}-requests-per-target`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        // Little's law with the 1 s latency budget: max concurrency N per instance = N requests per
        // second = 60 N per minute, the ALB metric's unit.
        targetValue: sizing.maxConcurrency * 60,
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: `${props.loadBalancer.lb.arnSuffix}/${this.targetGroup.arnSuffix}`,
        },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });
  }
}
