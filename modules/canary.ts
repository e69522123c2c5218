import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SyntheticsCanary } from "@cdktf/provider-aws/lib/synthetics-canary";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { zip } from "../lib/zip";
import { HealthProbeConfig } from "../phases/types";
import { PrivateBucket } from "./private-bucket";
import { ServiceRole } from "./service-role";

/** The canary's script (functions/health-canary.js), packaged the way Synthetics' Node.js runtimes load it. */
const CANARY_SOURCE = path.join(ROOT, "functions", "health-canary.js");
const CANARY_FILE = "nodejs/node_modules/health.js";
const CANARY_HANDLER = "health.handler";

export function canaryArchive(): Buffer {
  return zip([{ name: CANARY_FILE, content: fs.readFileSync(CANARY_SOURCE, "utf8") }]);
}

/** Synthetics canary names: 1-21 characters of [0-9a-z_-]; longer labels keep a prefix and a hash. */
export function canaryName(label: string): string {
  const clean = label.toLowerCase().replace(/[^0-9a-z_-]/g, "-");
  if (clean.length <= 21) return clean;
  return `${clean.slice(0, 14)}-${createHash("sha256").update(clean).digest("hex").slice(0, 6)}`;
}

export interface CanaryFleetProps {
  /** Region key for names (IAM role names are account-wide). */
  readonly regionKey: string;
  readonly region: string;
  readonly accountId: string;
  /** The region's observability bucket (private, SSE-KMS with `kmsKeyArn`): code under code/, artifacts under runs/. */
  readonly bucket: PrivateBucket;
  readonly kmsKeyArn: string;
  readonly probe: HealthProbeConfig;
  /** The origin header secret the canaries send (it may live in another region). */
  readonly originSecret: { readonly arn: string; readonly region: string; readonly kmsKeyArn: string };
  readonly roleName: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** Where canary runs write their artifacts in the observability bucket (the prefix its lifecycle expires). */
export const CANARY_RUNS_PREFIX = "runs/";

/**
 * What every health canary of one region shares: the execution role and the code archive (in the
 * region's observability bucket, whose lifecycle expires the run artifacts).
 */
export class CanaryFleet extends Construct {
  readonly bucket: PrivateBucket;
  readonly role: ServiceRole;
  readonly code: S3Object;

  constructor(scope: Construct, id: string, props: CanaryFleetProps) {
    super(scope, id);
    const { region, accountId } = props;
    this.bucket = props.bucket;
    const archive = canaryArchive();
    const digest = createHash("sha256").update(archive).digest("hex").slice(0, 12);
    this.code = new S3Object(this, "code", {
      bucket: this.bucket.name,
      // A new key per code version; code/ is outside the expiring runs/ prefix.
      key: `code/health-canary-${digest}.zip`,
      contentBase64: archive.toString("base64"),
      contentType: "application/zip",
      provider: props.provider,
      tags: { Name: "health-canary-code" },
      // Versioning first (the canaries name the object's version id) and the default encryption first
      // (else the archive is stored without the key).
      dependsOn: [this.bucket.versioning, this.bucket.encryption],
    });
    this.role = new ServiceRole(this, "role", {
      name: props.roleName,
      description: `Runs the health canaries of ${region}: writes their artifacts, logs and metrics, reads the origin header`,
      service: "lambda.amazonaws.com",
      statements: [
        { Sid: "Artifacts", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `${this.bucket.arn}/*` },
        { Sid: "ArtifactsBucket", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: this.bucket.arn },
        // Synthetics lists buckets before writing artifacts; the call has no resource-level permission.
        { Sid: "SyntheticsListBuckets", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
        {
          Sid: "ArtifactsKey",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
        },
        {
          Sid: "CanaryLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/cwsyn-*`,
        },
        // PutMetricData has no resource-level permission; the namespace condition narrows it.
        {
          Sid: "CanaryMetrics",
          Effect: "Allow",
          Action: "cloudwatch:PutMetricData",
          Resource: "*",
          Condition: { StringEquals: { "cloudwatch:namespace": "CloudWatchSynthetics" } },
        },
        { Sid: "OriginHeader", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: props.originSecret.arn },
        {
          Sid: "OriginHeaderKey",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: props.originSecret.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${props.originSecret.region}.amazonaws.com` } },
        },
      ],
      provider: props.provider,
    });
  }
}

export interface HealthCanaryProps {
  /** The service's configured name (alarm names and descriptions). */
  readonly label: string;
  /** The canary's name (shortened to Synthetics' 21 characters by canaryName). */
  readonly name: string;
  readonly url: string;
  readonly failures: number;
  readonly probe: HealthProbeConfig;
  readonly fleet: {
    readonly bucketName: string;
    readonly roleArn: string;
    readonly codeKey: string;
    readonly codeVersion: string;
    readonly kmsKeyArn: string;
  };
  readonly originHeader: string;
  readonly originSecret: { readonly arn: string; readonly region: string };
  /** SNS topic in the canary's region. */
  readonly topicArn: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * "> N consecutive failed health checks" for one service without keeping it awake: a CloudWatch
 * Synthetics canary every few minutes, N probes per run, an alarm on any failed run and one on the
 * canary not running at all.
 */
export class HealthCanary extends Construct {
  readonly canary: SyntheticsCanary;
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: HealthCanaryProps) {
    super(scope, id);
    const { probe, fleet, provider } = props;
    const name = canaryName(props.name);
    const timeoutSeconds = Math.min(60, props.failures * (probe.probeSpacingSeconds + 10) + 10);
    this.canary = new SyntheticsCanary(this, "canary", {
      name,
      artifactS3Location: `s3://${fleet.bucketName}/${CANARY_RUNS_PREFIX}${name}/`,
      executionRoleArn: fleet.roleArn,
      runtimeVersion: probe.canaryRuntime,
      handler: CANARY_HANDLER,
      s3Bucket: fleet.bucketName,
      s3Key: fleet.codeKey,
      s3Version: fleet.codeVersion,
      schedule: { expression: `rate(${probe.canaryIntervalMinutes} minutes)` },
      runConfig: {
        timeoutInSeconds: timeoutSeconds,
        memoryInMb: probe.canaryMemoryMb,
        activeTracing: false,
        environmentVariables: {
          TARGET_URL: props.url,
          PROBES: String(props.failures),
          SPACING_SECONDS: String(probe.probeSpacingSeconds),
          TIMEOUT_SECONDS: "5",
          ORIGIN_HEADER: props.originHeader,
          ORIGIN_SECRET_ARN: props.originSecret.arn,
          ORIGIN_SECRET_REGION: props.originSecret.region,
        },
      },
      artifactConfig: { s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: fleet.kmsKeyArn } },
      startCanary: true,
      successRetentionPeriod: 7,
      failureRetentionPeriod: 31,
      deleteLambda: true,
      provider,
      tags: { Name: name },
    });
    const metric = { namespace: "CloudWatchSynthetics", metricName: "SuccessPercent", dimensions: { CanaryName: name } };
    const actions = { alarmActions: [props.topicArn], okActions: [props.topicArn], provider };
    this.alarms = [
      new CloudwatchMetricAlarm(this, "unhealthy", {
        ...actions,
        ...metric,
        alarmName: `${props.label}-unhealthy-canary`,
        alarmDescription: `CRITICAL ${props.label}: ${props.failures} consecutive failed health checks (canary ${name}, every ${probe.canaryIntervalMinutes} min)`,
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: "LessThanThreshold",
        threshold: 100,
        // Minutes without a run are normal between runs; a failed run reports 0.
        treatMissingData: "notBreaching",
        tags: { Name: `${props.label}-unhealthy-canary` },
      }),
      new CloudwatchMetricAlarm(this, "stopped", {
        ...actions,
        ...metric,
        alarmName: `${props.label}-canary-stopped`,
        alarmDescription: `${props.label}: the health canary ${name} has not run for ${3 * probe.canaryIntervalMinutes} minutes (nothing watches the service)`,
        statistic: "SampleCount",
        period: 3 * probe.canaryIntervalMinutes * 60,
        evaluationPeriods: 1,
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        treatMissingData: "breaching",
        tags: { Name: `${props.label}-canary-stopped` },
      }),
    ];
  }
}
