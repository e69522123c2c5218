import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { accountAdministersKey, cloudWatchLogsUseKey, PolicyStatement, policyDocument } from "../lib/iam";

export interface AuditKeyProps {
  readonly alias: string;
  readonly accountId: string;
  /** Region of the key, the trail bucket, the Config bucket and the trail's log group. */
  readonly region: string;
  /** The trail's ARN (known before the trail exists: arn:aws:cloudtrail:<region>:<account>:trail/<name>). */
  readonly trailArn: string;
  /** Name of the trail bucket: objects CloudTrail writes there without its own key header use the bucket default. */
  readonly trailBucketName: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * The audit key: encrypts CloudTrail log files, the trail bucket, the trail's CloudWatch log group
 * and the AWS Config bucket. Separate from the data keys so that who may read the audit record is
 * decided by this key's policy alone, and so that the keys stack (every data store depends on it)
 * never changes for the audit controls. Statements follow the CloudTrail, CloudWatch Logs and AWS
 * Config guides: each service may use the key only with its own encryption context or source.
 */
export class AuditKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AuditKeyProps) {
    super(scope, id);
    const { accountId, region, trailArn } = props;
    const cloudTrail = { Service: "cloudtrail.amazonaws.com" };
    const statements: PolicyStatement[] = [
      accountAdministersKey(accountId),
      {
        Sid: "CloudTrailEncryptsLogFiles",
        Effect: "Allow",
        Principal: cloudTrail,
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${accountId}:trail/*` },
        },
      },
      {
        Sid: "CloudTrailDescribesKey",
        Effect: "Allow",
        Principal: cloudTrail,
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      },
      {
        // Digest files and anything else CloudTrail writes without its own SSE-KMS header take the
        // bucket's default encryption (SSE-KMS with a bucket key): S3 asks KMS on CloudTrail's behalf.
        Sid: "CloudTrailWritesUnderBucketDefault",
        Effect: "Allow",
        Principal: cloudTrail,
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: { StringLike: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${props.trailBucketName}*` } },
      },
      cloudWatchLogsUseKey(region, accountId),
      {
        // AWS Config's service-linked role delivers snapshots and history to the SSE-KMS Config bucket.
        Sid: "ConfigDelivers",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "AWS:SourceAccount": accountId } },
      },
    ];
    this.key = new KmsKey(this, "key", {
      description: `RestartiX audit key: CloudTrail, its log group, AWS Config (${region})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(this, "key-policy", statements, props.provider),
      provider: props.provider,
      tags: { Name: props.alias },
      lifecycle: { preventDestroy: true },
    });
    this.arn = this.key.arn;
    new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId, provider: props.provider });
  }
}
