import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubStandardsSubscription } from "@cdktf/provider-aws/lib/securityhub-standards-subscription";
import { Fn, TerraformProvider, TerraformResource } from "cdktf";
import { Construct } from "constructs";

/** GuardDuty features this project turns on explicitly (a new detector's defaults vary by region and date). */
const GUARDDUTY_FEATURES = ["S3_DATA_EVENTS", "RDS_LOGIN_EVENTS"] as const;

export interface ThreatDetectionProps {
  readonly findingPublishingFrequency: string;
  readonly name: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** The region's GuardDuty detector with S3 Protection and RDS Protection. */
export class ThreatDetection extends Construct {
  readonly detector: GuarddutyDetector;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    this.detector = new GuarddutyDetector(this, "detector", {
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency,
      provider: props.provider,
      tags: { Name: props.name },
    });
    for (const name of GUARDDUTY_FEATURES) {
      new GuarddutyDetectorFeature(this, name.toLowerCase().replace(/_/g, "-"), {
        detectorId: this.detector.id,
        name,
        status: "ENABLED",
        provider: props.provider,
      });
    }
  }
}

export interface ConfigRecordingProps {
  readonly name: string;
  /** The AWS Config service-linked role (AWSServiceRoleForConfig). */
  readonly roleArn: string;
  readonly bucketName: string;
  readonly kmsKeyArn: string;
  /** Record IAM and other global resources: in one region only, or every region bills them again. */
  readonly includeGlobalResources: boolean;
  /** Resources the delivery channel waits for (the bucket policy: AWS Config checks access when the channel is created). @default - none */
  readonly deliveryAfter?: readonly TerraformResource[];
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** The region's AWS Config recorder (every supported resource type), its delivery channel and its status (on). */
export class ConfigRecording extends Construct {
  readonly recorder: ConfigConfigurationRecorder;
  readonly status: ConfigConfigurationRecorderStatus;

  constructor(scope: Construct, id: string, props: ConfigRecordingProps) {
    super(scope, id);
    this.recorder = new ConfigConfigurationRecorder(this, "recorder", {
      name: props.name,
      roleArn: props.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: props.includeGlobalResources },
      recordingMode: { recordingFrequency: "CONTINUOUS" },
      provider: props.provider,
    });
    const channel = new ConfigDeliveryChannel(this, "delivery", {
      name: props.name,
      s3BucketName: props.bucketName,
      s3KmsKeyArn: props.kmsKeyArn,
      snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      dependsOn: [this.recorder, ...(props.deliveryAfter ?? [])],
      provider: props.provider,
    });
    this.status = new ConfigConfigurationRecorderStatus(this, "status", {
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [channel],
      provider: props.provider,
    });
  }
}

/** The AWS Foundational Security Best Practices standard, v1.0.0, in one region. */
const fsbpStandardArn = (region: string): string =>
  `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`;

export interface PostureProps {
  readonly region: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * Security Hub in one region with exactly the FSBP standard: the default standards are off (they
 * would add CIS 1.2 with its own, differently numbered controls), consolidated control findings on.
 */
export class SecurityPosture extends Construct {
  readonly account: SecurityhubAccount;
  readonly standard: SecurityhubStandardsSubscription;

  constructor(scope: Construct, id: string, props: PostureProps) {
    super(scope, id);
    this.account = new SecurityhubAccount(this, "hub", {
      enableDefaultStandards: false,
      autoEnableControls: true,
      controlFindingGenerator: "SECURITY_CONTROL",
      provider: props.provider,
    });
    this.standard = new SecurityhubStandardsSubscription(this, "fsbp", {
      standardsArn: fsbpStandardArn(props.region),
      dependsOn: [this.account],
      provider: props.provider,
    });
  }
}

export interface FindingAlertsProps {
  readonly name: string;
  readonly description: string;
  /** The EventBridge event pattern of the findings to forward. */
  readonly pattern: Record<string, unknown>;
  /** restartix-alerts of the rule's region (an SNS target must be in the rule's region). */
  readonly topicArn: string;
}

/** An EventBridge rule that mails matching security findings to the alert topic. */
export class FindingAlerts extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: FindingAlertsProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.name,
      description: props.description,
      eventPattern: Fn.jsonencode(props.pattern),
      tags: { Name: props.name },
    });
    new CloudwatchEventTarget(this, "alert", {
      rule: this.rule.name,
      targetId: "alerts",
      arn: props.topicArn,
    });
  }
}
