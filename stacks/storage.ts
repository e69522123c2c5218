import { Construct } from "constructs";
import { PrivateBucket } from "../modules/private-bucket";
import { BaseStack, BaseStackProps } from "./base";

/**
 * Patient files. The uploads bucket already exists ("S3 (already using)"): it is adopted with an
 * import block, never created, and keeps SSE-S3 as the document says. Its server access logs (and
 * the backup buckets') go to the access-log bucket, kept six years (HIPAA documentation retention).
 */
export class StorageStack extends BaseStack {
  readonly uploads: PrivateBucket;
  readonly accessLogs: PrivateBucket;

  constructor(scope: Construct, name: string, props: BaseStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    this.accessLogs = new PrivateBucket(this, "access-logs", {
      bucketName: phase.storage.accessLogsBucket,
      // S3 server access logging can only write to SSE-S3 buckets.
      policyStatements: (arn) => [
        {
          Sid: "S3ServerAccessLogDelivery",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${arn}/*`,
          Condition: { StringEquals: { "aws:SourceAccount": deployment.accountId } },
        },
      ],
      lifecycleRules: [
        {
          id: "archive-then-expire",
          status: "Enabled",
          filter: [{ prefix: "" }],
          transition: [{ days: 90, storageClass: "GLACIER" }],
          expiration: [{ days: 2192 }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
        },
      ],
    });
    this.uploads = new PrivateBucket(this, "uploads", {
      bucketName: phase.storage.uploadsBucket,
      adopt: true,
      accessLogs: { bucket: this.accessLogs.name, prefix: `s3/${phase.storage.uploadsBucket}/` },
    });
  }
}
