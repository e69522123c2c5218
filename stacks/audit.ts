import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role";
import { SecurityhubFindingAggregator } from "@cdktf/provider-aws/lib/securityhub-finding-aggregator";
import { TerraformOutput, TerraformResource, Token } from "cdktf";
import { Construct } from "constructs";
import { AuditControls } from "../config/deployment";
import { HIPAA_RETENTION_DAYS } from "../lib/hipaa";
import { PolicyStatement } from "../lib/iam";
import { AuditKey } from "../modules/audit-key";
import { ConfigRecording, FindingAlerts, SecurityPosture, ThreatDetection } from "../modules/detection";
import { SecurityHubNotifier } from "../modules/finding-notifier";
import { archiveThenExpire, PrivateBucket } from "../modules/private-bucket";
import { AuditTrail, CisAlarms, trailArn } from "../modules/trail";
import { AUDIT_CONTROLS_OUTPUT } from "../policy/rules/audit/DeploymentAuditControls";
import { suppress } from "../policy/suppress";
import { BaseStack, BaseStackProps } from "./base";
import { KeysStack } from "./keys";
import { StorageStack } from "./storage";

export interface AuditStackProps extends BaseStackProps {
  /** The primary region's storage stack: its access-log bucket receives the audit buckets' server access logs. */
  readonly storage: StorageStack;
  /**
   * The primary region's data key (only its ARN is read): the key of restartix-alerts, which the
   * Security Hub notifier publishes to, and of the notifier's logs, queue and code bucket. The
   * storage stack depends on the keys stack already, so the deploy order does not change.
   */
  readonly keys: KeysStack;
  /**
   * Buckets whose object reads and writes the trail records: the patient files of every region and
   * the database dumps. Only their names are read (literal values of the producing stacks), so the
   * audit stack does not wait for the backups stack: a data event selector is a string prefix.
   */
  readonly dataEventBuckets: readonly PrivateBucket[];
  /** Regions that get GuardDuty, AWS Config and Security Hub: every region holding data (keys.ts keyRegions). */
  readonly regions: readonly string[];
}

/** A bucket's literal name, as the producing stack set it; refuses a name only known after apply. */
function literalBucketName(bucket: PrivateBucket): string {
  const name = bucket.bucket.bucketInput;
  if (typeof name !== "string" || Token.isUnresolved(name)) {
    throw new Error(
      `audit: bucket ${bucket.node.path} has no literal name (got ${String(name)}); the trail's data event selectors need the name at synth`,
    );
  }
  return name;
}

/** How the audit stack reports each control in its output, and the policy pack reads it. */
type ControlOwner = "stack" | "organization";

/**
 * Account-level audit and detection: the multi-region CloudTrail trail (Object Lock bucket, log
 * group, data events of the patient-file and backup buckets), the CIS metric-filter alarms, and in
 * every region holding data GuardDuty, AWS Config and Security Hub with the FSBP standard. Each
 * control can be left to the AWS Organization (manage_* inputs); the output `audit_controls` says
 * which, and the policy pack's RX-AUDIT-1 fails a deployment that has neither.
 *
 * Its own KMS key (not the keys stack's data key): who may read the audit record is then decided by
 * one key policy that no data store shares, and the keys stack, which every data store depends on,
 * never changes for the audit controls.
 */
export class AuditStack extends BaseStack {
  readonly controls: AuditControls;
  readonly key?: AuditKey;
  readonly trail?: AuditTrail;
  readonly cisAlarms?: CisAlarms;
  readonly configBucket?: PrivateBucket;
  readonly detectors = new Map<string, ThreatDetection>();
  readonly recorders = new Map<string, ConfigRecording>();
  readonly hubs = new Map<string, SecurityPosture>();
  /** Security Hub's notifier (mail once, then NOTIFIED), or GuardDuty's own rule when Security Hub is the organization's. */
  readonly findingAlerts?: SecurityHubNotifier | FindingAlerts;
  /** The Security Hub notifier's code (a bucket of its own: the audit stack deploys before any other code bucket exists). */
  readonly codeBucket?: PrivateBucket;

  constructor(scope: Construct, name: string, props: AuditStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const a = phase.audit;
    if (a.retentionDays < HIPAA_RETENTION_DAYS) {
      throw new Error(
        `phases: audit.retentionDays is ${a.retentionDays}; expected at least ${HIPAA_RETENTION_DAYS} (six years: HIPAA keeps required documentation six years, 45 CFR 164.316(b)(2)(i)). Fix: set audit.retentionDays to ${HIPAA_RETENTION_DAYS} or more in phases/phase1.ts.`,
      );
    }
    if (!props.regions.includes(this.region)) {
      throw new Error(
        `audit: regions ${JSON.stringify(props.regions)} leave out the primary region ${this.region}, where the trail, its log group and the Config bucket live`,
      );
    }
    this.controls = deployment.audit;
    const account = deployment.accountId;
    const trailName = a.trailName;
    const trailBucketName = `${a.trailBucketPrefix}-${account}`;
    const accessLogs = props.storage.accessLogs;
    const alertTopicArn = `arn:aws:sns:${this.region}:${account}:${phase.observability.topicName}`;

    if (this.controls.cloudtrail || this.controls.config) {
      this.key = new AuditKey(this, "key", {
        alias: a.keyAlias,
        accountId: account,
        region: this.region,
        trailArn: trailArn(this.region, account, trailName),
        trailBucketName,
      });
    }

    if (this.controls.cloudtrail) {
      this.trail = new AuditTrail(this, "trail", {
        name: trailName,
        accountId: account,
        region: this.region,
        bucketName: trailBucketName,
        kmsKeyArn: this.key!.arn,
        objectLock: { mode: a.objectLockMode, days: a.retentionDays },
        transitionToGlacierDays: a.transitionToGlacierDays,
        retentionDays: a.retentionDays,
        accessLogs: { target: accessLogs, prefix: `s3/${trailBucketName}/` },
        logGroupName: a.logGroupName,
        logRetentionDays: a.logRetentionDays,
        dataEventBuckets: props.dataEventBuckets.map(literalBucketName),
      });
      suppress(
        this.trail.bucket,
        "RX-S3-10",
        "The trail's record is kept twice (S3 with Object Lock, and the CloudWatch log group for a year) and the trail is multi-region; a replica of the log files is left to an organization's log-archive account",
      );
      // restartix-alerts of the primary region belongs to the observability stack, which depends on
      // compute: naming it by ARN keeps the audit stack deployable before compute exists. An alarm
      // whose topic is not there yet is accepted by CloudWatch and notifies once it exists.
      this.cisAlarms = new CisAlarms(this, "cis-alarms", {
        logGroupName: this.trail.logGroup.name,
        namespace: a.metricNamespace,
        periodSeconds: a.alarmPeriodSeconds,
        prefix: phase.project,
        topicArn: alertTopicArn,
      });
    }

    if (this.controls.config) {
      const configBucketName = `${a.configBucketPrefix}-${account}`;
      const configBucket = new PrivateBucket(this, "config-bucket", {
        bucketName: configBucketName,
        kmsKeyArn: this.key!.arn,
        accessLogs: { target: accessLogs, prefix: `s3/${configBucketName}/` },
        lifecycleRules: [archiveThenExpire(a.transitionToGlacierDays, a.retentionDays)],
        // The statements AWS Config's guide gives for delivery with the service-linked role.
        policyStatements: (arn): PolicyStatement[] => [
          {
            Sid: "ConfigBucketPermissionsCheck",
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: arn,
            Condition: { StringEquals: { "AWS:SourceAccount": account } },
          },
          {
            Sid: "ConfigBucketExistenceCheck",
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "s3:ListBucket",
            Resource: arn,
            Condition: { StringEquals: { "AWS:SourceAccount": account } },
          },
          {
            Sid: "ConfigBucketDelivery",
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${arn}/AWSLogs/${account}/Config/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": account } },
          },
        ],
      });
      this.configBucket = configBucket;
      suppress(
        configBucket,
        "RX-S3-10",
        "Configuration history is evidence, not patient data; AWS Config can rebuild the current inventory in any region, and the trail records every change as well",
      );
      // One per account: if the account already has it (Config was enabled once by hand), import it
      // (docs/security-and-compliance.md) or set manage_config = false.
      const role = new IamServiceLinkedRole(this, "config-role", {
        awsServiceName: "config.amazonaws.com",
        description: "AWS Config recorders of the RestartiX audit stack",
        tags: { Name: "AWSServiceRoleForConfig" },
      });
      const policy = configBucket.node.findChild("policy") as TerraformResource;
      for (const region of props.regions) {
        this.recorders.set(
          region,
          new ConfigRecording(this, `config-${region}`, {
            name: phase.project,
            roleArn: role.arn,
            bucketName: configBucket.name,
            kmsKeyArn: this.key!.arn,
            includeGlobalResources: region === this.region,
            deliveryAfter: [policy],
            provider: this.awsIn(region),
          }),
        );
      }
    }

    if (this.controls.guardduty) {
      for (const region of props.regions) {
        this.detectors.set(
          region,
          new ThreatDetection(this, `guardduty-${region}`, {
            name: `${phase.project}-${region}`,
            findingPublishingFrequency: a.guardDutyFindingFrequency,
            provider: this.awsIn(region),
          }),
        );
      }
    }

    if (this.controls.securityHub) {
      for (const region of props.regions) {
        this.hubs.set(region, new SecurityPosture(this, `securityhub-${region}`, { region, provider: this.awsIn(region) }));
      }
      const others = props.regions.filter((r) => r !== this.region);
      if (others.length > 0) {
        // Findings of every region in the primary region's console (and its EventBridge).
        new SecurityhubFindingAggregator(this, "securityhub-aggregator", {
          linkingMode: "SPECIFIED_REGIONS",
          specifiedRegions: others,
          dependsOn: [...this.hubs.values()].map((h) => h.account),
        });
      }
    }

    // Findings worth waking someone for reach restartix-alerts, not only a console nobody watches:
    // Security Hub's (every region's, through the aggregator; GuardDuty's findings among them), else
    // GuardDuty's own in the primary region. Security Hub re-imports a failing control's finding at
    // every re-evaluation, still NEW: a function mails each new finding once and marks it NOTIFIED
    // (issue 20, item 17; modules/finding-notifier.ts). The topic's policy and key admit EventBridge.
    if (this.controls.securityHub) {
      const codeBucketName = `${phase.project}-audit-code-${account}`;
      this.codeBucket = new PrivateBucket(this, "code-bucket", {
        bucketName: codeBucketName,
        kmsKeyArn: props.keys.keyArn(this.region),
        accessLogs: { target: accessLogs, prefix: `s3/${codeBucketName}/` },
        lifecycleRules: [
          {
            id: "expire-old-code-versions",
            status: "Enabled",
            filter: [{ prefix: "code/" }],
            noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          },
        ],
      });
      suppress(
        this.codeBucket,
        "RX-S3-10",
        "Holds only the notifier's code archive, which every synth rebuilds from functions/finding-notifier.js: nothing to replicate",
      );
      this.findingAlerts = new SecurityHubNotifier(this, "finding-alerts", {
        name: `${phase.project}-security-findings`,
        description: `Security Hub findings of severity ${a.alertFindingSeverities.join(" or ")} (all regions, aggregated here), once each, to ${phase.observability.topicName}`,
        region: this.region,
        accountId: account,
        pattern: {
          source: ["aws.securityhub"],
          "detail-type": ["Security Hub Findings - Imported"],
          detail: {
            findings: { Severity: { Label: [...a.alertFindingSeverities] }, RecordState: ["ACTIVE"], Workflow: { Status: ["NEW"] } },
          },
        },
        severities: a.alertFindingSeverities,
        topicArn: alertTopicArn,
        kmsKeyArn: props.keys.keyArn(this.region),
        logRetentionDays: phase.observability.logRetentionDays,
        bucket: this.codeBucket,
      });
    } else if (this.controls.guardduty) {
      this.findingAlerts = new FindingAlerts(this, "finding-alerts", {
        name: `${phase.project}-guardduty-findings`,
        description: `GuardDuty findings of severity ${a.minGuardDutySeverity} or more in ${this.region} to ${phase.observability.topicName}`,
        // GuardDuty re-publishes a finding at every new occurrence (service.count grows): the first one only.
        pattern: {
          source: ["aws.guardduty"],
          "detail-type": ["GuardDuty Finding"],
          detail: { severity: [{ numeric: [">=", a.minGuardDutySeverity] }], service: { count: [1] } },
        },
        topicArn: alertTopicArn,
      });
    }

    const owner = (on: boolean): ControlOwner => (on ? "stack" : "organization");
    new TerraformOutput(this, AUDIT_CONTROLS_OUTPUT, {
      description:
        "Who provides each account-level control: this stack, or the AWS Organization (manage_* = false), and the regions covered",
      value: {
        cloudtrail: owner(this.controls.cloudtrail),
        guardduty: owner(this.controls.guardduty),
        config: owner(this.controls.config),
        security_hub: owner(this.controls.securityHub),
        regions: [...props.regions],
      },
    });
  }
}
