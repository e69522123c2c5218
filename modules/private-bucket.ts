import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { UploadsSetting } from "../config/deployment";
import { PolicyStatement, policyDocument } from "../lib/iam";

export interface PrivateBucketProps {
  readonly bucketName: string;
  /**
   * Customer-managed key for SSE-KMS.
   * @default - SSE-S3 (AES-256), as the document sets for patient files
   */
  readonly kmsKeyArn?: string;
  /**
   * Adopt an existing bucket with an import block instead of creating a new one.
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * With `adopt`: the settings the live bucket already has. Each gets an import block too, so the
   * plan shows the change from the live value to this code's value as an in-place update instead
   * of a create that silently overwrites it. A setting listed here that the bucket does not have
   * makes the plan fail ("Cannot import non-existent remote object"): list only what exists.
   * @default - none (every setting is created)
   */
  readonly adoptSettings?: readonly UploadsSetting[];
  /**
   * Where server access logs go.
   * @default - none (only for the access-log bucket itself and the state bucket)
   */
  readonly accessLogs?: { readonly target: PrivateBucket; readonly prefix: string };
  /**
   * Object Lock default retention; can only be turned on when the bucket is created.
   * @default - no Object Lock
   */
  readonly objectLock?: { readonly mode: "COMPLIANCE" | "GOVERNANCE"; readonly days: number };
  /** Lifecycle rules in addition to aborting incomplete uploads after 7 days. @default - none */
  readonly lifecycleRules?: readonly S3BucketLifecycleConfigurationRule[];
  /**
   * This bucket receives S3 server access logs from buckets of this account (same region).
   * @default - it does not
   */
  readonly accessLogTargetFor?: { readonly accountId: string };
  /** Bucket policy statements beside the TLS-only rule. @default - none */
  readonly policyStatements?: (bucketArn: string) => readonly PolicyStatement[];
  /** Disable ACLs (BucketOwnerEnforced). False only for a bucket that receives ACL-based log delivery. @default true */
  readonly ownerEnforced?: boolean;
  /** Tags beside Name (data-classification = phi on patient-file buckets). @default - Name only */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * An S3 bucket that cannot be public or read over plain HTTP: public access block with all four
 * flags, ACLs disabled, versioning, default encryption, TLS-only policy, optional access logs and
 * Object Lock. Never force-destroyed and protected by prevent_destroy.
 */
/**
 * The lifecycle rule of the buckets that keep records (audit trail, Config history, access logs):
 * every object to Glacier after `glacierAfterDays`, expired after `expireAfterDays` (with Object Lock,
 * only once its retention ends), old versions after 30 days.
 */
export function archiveThenExpire(glacierAfterDays: number, expireAfterDays: number): S3BucketLifecycleConfigurationRule {
  return {
    id: "archive-then-expire",
    status: "Enabled",
    filter: [{ prefix: "" }],
    transition: [{ days: glacierAfterDays, storageClass: "GLACIER" }],
    expiration: [{ days: expireAfterDays }],
    noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
  };
}

export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly versioning: S3BucketVersioningA;
  /** Default encryption: objects written before it exists are not encrypted with the key. */
  readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  /** The bucket policy (TLS only, plus log delivery for a log bucket). */
  readonly policy: S3BucketPolicy;
  readonly arn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const provider = props.provider;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: false,
      objectLockEnabled: props.objectLock ? true : undefined,
      provider,
      tags: { Name: props.bucketName, ...props.tags },
      lifecycle: { preventDestroy: true },
    });
    if (props.adopt) this.bucket.importFrom(props.bucketName, provider);
    this.arn = this.bucket.arn;
    this.name = this.bucket.bucket;
    const bucket = this.bucket.id;

    const pab = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      provider,
    });
    const ownership = new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      rule: { objectOwnership: props.ownerEnforced === false ? "BucketOwnerPreferred" : "BucketOwnerEnforced" },
      provider,
    });
    this.versioning = new S3BucketVersioningA(this, "versioning", {
      bucket,
      versioningConfiguration: { status: "Enabled" },
      provider,
    });
    const encryption = (this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.kmsKeyArn ? true : undefined,
        },
      ],
      provider,
    }));
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket,
      policy: policyDocument(
        this,
        "policy-document",
        [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          ...(props.accessLogTargetFor
            ? [
                {
                  Sid: "S3ServerAccessLogDelivery",
                  Effect: "Allow" as const,
                  Principal: { Service: "logging.s3.amazonaws.com" },
                  Action: "s3:PutObject",
                  Resource: `${this.bucket.arn}/*`,
                  Condition: { StringEquals: { "aws:SourceAccount": props.accessLogTargetFor.accountId } },
                },
              ]
            : []),
          ...(props.policyStatements ? props.policyStatements(this.bucket.arn) : []),
        ],
        provider,
      ),
      dependsOn: [pab],
      provider,
    });
    let logging: S3BucketLoggingA | undefined;
    if (props.accessLogs) {
      const target = props.accessLogs.target;
      logging = new S3BucketLoggingA(this, "logging", {
        bucket,
        targetBucket: target.name,
        targetPrefix: props.accessLogs.prefix,
        // S3 delivers logs only once the target's policy admits logging.s3.amazonaws.com; until
        // then delivery fails. In the same stack the policy must exist first; a target in another
        // stack is applied earlier by the stack order (this stack reads its name).
        dependsOn: TerraformStack.of(target) === TerraformStack.of(this) ? [target.policy] : undefined,
        provider,
      });
    }
    if (props.objectLock) {
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        bucket,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
        dependsOn: [this.versioning],
        provider,
      });
    }
    const lifecycle = new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "abort-incomplete-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(props.lifecycleRules ?? []),
      ],
      dependsOn: [this.versioning],
      provider,
    });

    const settings = props.adoptSettings ?? [];
    if (settings.length > 0 && !props.adopt) throw new Error(`PrivateBucket ${props.bucketName}: adoptSettings needs adopt: true`);
    const parts: Record<UploadsSetting, { importFrom(id: string, provider?: TerraformProvider): void } | undefined> = {
      public_access_block: pab,
      ownership,
      versioning: this.versioning,
      encryption,
      policy: this.policy,
      lifecycle,
      logging,
    };
    for (const setting of settings) {
      const part = parts[setting];
      if (!part) throw new Error(`PrivateBucket ${props.bucketName}: cannot adopt its ${setting}: this bucket does not manage one`);
      // Every S3 bucket sub-resource imports by the bucket's name.
      part.importFrom(props.bucketName, provider);
    }
  }
}
