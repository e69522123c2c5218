import { Construct } from "constructs";
import { computeEngines } from "../config/deployment";
import { ELB_LOG_ACCOUNTS } from "../config/allowed";
import { PolicyStatement } from "../lib/iam";
import { PrivateBucket } from "../modules/private-bucket";
import { RegionConfig } from "../phases/types";
import { suppress } from "../policy/suppress";
import { BaseStack, BaseStackProps } from "./base";
import { KeysStack } from "./keys";

export interface StorageStackProps extends BaseStackProps {
  readonly regionConfig: RegionConfig;
  readonly keys: KeysStack;
}

/**
 * Patient files of one region. In the primary region the uploads bucket already exists
 * ("S3 (already using)"): it is adopted with an import block, never created, and keeps SSE-S3 as
 * the document says. A secondary region (phase 4) gets its own new bucket, KMS-encrypted, so US
 * clinics' files stay in the US. Server access logs go to the region's access-log bucket, kept six
 * years (HIPAA documentation retention).
 */
export class StorageStack extends BaseStack {
  readonly uploads: PrivateBucket;
  readonly accessLogs: PrivateBucket;

  constructor(scope: Construct, name: string, props: StorageStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const rc = props.regionConfig;
    const suffix = rc.primary ? "" : `-${rc.key}`;
    const uploadsName = `${phase.storage.uploadsBucket}${suffix}`;
    this.accessLogs = new PrivateBucket(this, "access-logs", {
      bucketName: `${phase.storage.accessLogsBucket}${suffix}`,
      // S3 server access logging can only write to SSE-S3 buckets.
      accessLogTargetFor: { accountId: deployment.accountId },
      policyStatements: (arn) => {
        const statements: PolicyStatement[] = [];
        if (computeEngines(deployment).includes("fargate") && rc.primary) {
          statements.push({
            Sid: "AlbAccessLogDelivery",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ELB_LOG_ACCOUNTS[rc.region]}:root` },
            Action: "s3:PutObject",
            Resource: `${arn}/alb/*`,
          });
        }
        return statements;
      },
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
    suppress(this.accessLogs, "RX-S3-5", "This is the access-log bucket: S3 cannot deliver a bucket's server access logs to the bucket itself");
    suppress(this.accessLogs, "RX-S3-4", "S3 server access log delivery only writes to buckets with SSE-S3 default encryption, not SSE-KMS");
    this.uploads = new PrivateBucket(this, "uploads", {
      bucketName: uploadsName,
      adopt: rc.primary,
      kmsKeyArn: rc.primary ? undefined : props.keys.keyArn(rc.region),
      accessLogs: { target: this.accessLogs, prefix: `s3/${uploadsName}/` },
    });
    if (rc.primary) {
      suppress(this.uploads, "RX-S3-4", "The adopted uploads bucket keeps SSE-S3 as the design document specifies; moving it to SSE-KMS is a separate migration");
    }
  }
}
