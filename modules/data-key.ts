import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { accountAdministersKey, cloudWatchLogsUseKey, policyDocument } from "../lib/iam";

export interface DataKeyProps {
  readonly alias: string;
  readonly accountId: string;
  readonly region: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * The customer-managed key of one region: encrypts RDS, Performance Insights, ElastiCache, Secrets
 * Manager, CloudWatch Logs, SNS, ECR, DynamoDB and the backup buckets there. Yearly rotation on,
 * 30-day deletion window, protected from destroy. IAM decides who uses it (the root statement);
 * the service statements let CloudWatch Logs and alarms use it without a caller's role.
 */
export class DataKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    const { accountId, region } = props;
    this.key = new KmsKey(this, "key", {
      description: `RestartiX data key (${region})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      provider: props.provider,
      policy: policyDocument(
        this,
        "key-policy",
        [
          accountAdministersKey(accountId),
          cloudWatchLogsUseKey(region, accountId),
          {
            // EventBridge rules (failed backups and rotations, security findings) publish to the
            // encrypted alert topic. No aws:SourceAccount / aws:SourceArn here: AWS's key policy for
            // EventBridge delivery to an encrypted topic carries no condition (SNS developer guide,
            // "Enabling compatibility between event sources from AWS services and encrypted topics"),
            // and a condition the KMS request does not carry makes EventBridge's delivery fail with
            // nothing but FailedInvocations: every alert dropped silently. The account check stays on
            // the topic policy (sns:Publish, aws:SourceAccount), which decides who may publish at all.
            Sid: "EventsPublishToEncryptedTopics",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
          },
          {
            Sid: "AlarmsPublishToEncryptedTopics",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
          },
        ],
        props.provider,
      ),
      tags: { Name: props.alias },
      lifecycle: { preventDestroy: true },
    });
    this.arn = this.key.arn;
    new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId, provider: props.provider });
  }
}
