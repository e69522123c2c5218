import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { Construct } from "constructs";
import { computeEngines } from "../config/deployment";
import { ELB_LOG_ACCOUNTS } from "../config/allowed";
import { PolicyStatement } from "../lib/iam";
import { bucketNames } from "../lib/naming";
import { archiveThenExpire, PrivateBucket } from "../modules/private-bucket";
import { ServiceRole } from "../modules/service-role";
import { RegionConfig } from "../phases/types";
import { PHI_TAG, PHI_VALUE } from "../policy/rules/s3/S3PatientFilesReplicated";
import { suppress } from "../policy/suppress";
import { BaseStack, BaseStackProps } from "./base";
import { KeysStack } from "./keys";

export interface StorageStackProps extends BaseStackProps {
  readonly regionConfig: RegionConfig;
  readonly keys: KeysStack;
}

/** Access logs are kept six years (HIPAA documentation retention), in Glacier after 90 days. */
export const LOG_LIFECYCLE = [archiveThenExpire(90, 2192)];

/**
 * Patient files of one region, in two regions. In the primary region the uploads bucket already
 * exists ("S3 (already using)"): it is adopted with an import block, never created, and keeps
 * SSE-S3 as the document says; the settings it already has are imported too
 * (`uploads_existing_settings`), so the plan shows what changes. A secondary region (phase 4) gets
 * its own new bucket, KMS-encrypted, so US clinics' files stay in the US.
 *
 * Every uploads bucket replicates to a versioned, KMS-encrypted, access-logged bucket in the
 * region's backup region (EU files stay in the EU: eu-west-1; US files go to us-west-2), delete
 * markers included, with replication metrics. Server access logs go to one log bucket per AWS
 * region (S3 delivers them only within a region); the backups stack writes to the same ones.
 */
export class StorageStack extends BaseStack {
  readonly uploads: PrivateBucket;
  /** The copy of the patient files in the backup region. */
  readonly uploadsReplica: PrivateBucket;
  /** Access-log bucket of the stack's region. */
  readonly accessLogs: PrivateBucket;
  /** Access-log bucket of the backup region (the uploads replica, and in the primary region the dump replica). */
  readonly backupRegionAccessLogs: PrivateBucket;

  constructor(scope: Construct, name: string, props: StorageStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const rc = props.regionConfig;
    const names = bucketNames(phase, deployment.accountId);
    const uploadsName = names.uploads(rc);

    this.accessLogs = new PrivateBucket(this, "access-logs", {
      bucketName: names.accessLogs(rc.region),
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
      lifecycleRules: LOG_LIFECYCLE,
    });
    this.backupRegionAccessLogs = new PrivateBucket(this, "backup-region-access-logs", {
      bucketName: names.accessLogs(rc.backupRegion),
      accessLogTargetFor: { accountId: deployment.accountId },
      lifecycleRules: LOG_LIFECYCLE,
      provider: this.awsIn(rc.backupRegion),
    });
    for (const logs of [this.accessLogs, this.backupRegionAccessLogs]) {
      suppress(logs, "RX-S3-5", "This is an access-log bucket: S3 cannot deliver a bucket's server access logs to the bucket itself");
      suppress(logs, "RX-S3-4", "S3 server access log delivery only writes to buckets with SSE-S3 default encryption, not SSE-KMS");
    }

    // Patient files (PHI): the policy pack requires these to be replicated to another region.
    const phi = { [PHI_TAG]: PHI_VALUE };
    const sourceKey = props.keys.keyArn(rc.region);
    const replicaKey = props.keys.keyArn(rc.backupRegion);
    // The primary region's bucket exists and is adopted; staging (storage.createUploadsBucket) creates its own.
    const adopted = rc.primary && !phase.storage.createUploadsBucket;
    this.uploads = new PrivateBucket(this, "uploads", {
      bucketName: uploadsName,
      adopt: adopted,
      adoptSettings: adopted ? deployment.adoption.uploadsSettings : undefined,
      kmsKeyArn: adopted ? undefined : sourceKey,
      accessLogs: { target: this.accessLogs, prefix: `s3/${uploadsName}/` },
      tags: phi,
    });
    if (adopted) {
      suppress(
        this.uploads,
        "RX-S3-4",
        "The adopted uploads bucket keeps SSE-S3 as the design document specifies; moving it to SSE-KMS is an opt-in migration (docs/uploads-bucket.md)",
      );
    }
    const replicaName = names.uploadsReplica(rc);
    this.uploadsReplica = new PrivateBucket(this, "uploads-replica", {
      bucketName: replicaName,
      kmsKeyArn: replicaKey,
      accessLogs: { target: this.backupRegionAccessLogs, prefix: `s3/${replicaName}/` },
      tags: phi,
      provider: this.awsIn(rc.backupRegion),
    });

    // Least privilege: read the source's versions for replication, write replicas into the one
    // destination, use each region's key only through S3 in that region.
    const role = new ServiceRole(this, "uploads-replication-role", {
      name: `${phase.project}-uploads-replication${rc.primary ? "" : `-${rc.key}`}`,
      description: `Replicates patient files of ${rc.region} to ${rc.backupRegion}`,
      service: "s3.amazonaws.com",
      statements: [
        {
          Sid: "ReadReplicationConfiguration",
          Effect: "Allow",
          Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
          Resource: this.uploads.arn,
        },
        {
          Sid: "ReadSourceVersions",
          Effect: "Allow",
          Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
          Resource: `${this.uploads.arn}/*`,
        },
        {
          Sid: "WriteReplicas",
          Effect: "Allow",
          Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
          Resource: `${this.uploadsReplica.arn}/*`,
        },
        {
          // SSE-KMS source objects: the US bucket's, and the primary's after the opt-in migration.
          Sid: "DecryptSourceObjects",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: sourceKey,
          Condition: { StringEquals: { "kms:ViaService": `s3.${rc.region}.amazonaws.com` } },
        },
        {
          Sid: "EncryptReplicas",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:GenerateDataKey"],
          Resource: replicaKey,
          Condition: { StringEquals: { "kms:ViaService": `s3.${rc.backupRegion}.amazonaws.com` } },
        },
      ],
    });
    new S3BucketReplicationConfigurationA(this, "uploads-replication", {
      bucket: this.uploads.bucket.id,
      role: role.arn,
      rule: [
        {
          id: `patient-files-to-${rc.backupRegion}`,
          status: "Enabled",
          filter: { prefix: "" },
          // A deletion on the source is mirrored as a delete marker; earlier versions stay in
          // the replica (S3 never replicates the deletion of a version).
          deleteMarkerReplication: { status: "Enabled" },
          // SSE-KMS objects replicate only when selected; SSE-S3 objects always do, and keep
          // SSE-S3 in the replica (S3 copies the source object's encryption type).
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: this.uploadsReplica.arn,
            storageClass: "STANDARD_IA",
            encryptionConfiguration: { replicaKmsKeyId: replicaKey },
            // Pending bytes and operations, latency and failures per rule, in CloudWatch.
            metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
          },
        },
      ],
      dependsOn: [this.uploads.versioning, this.uploadsReplica.versioning],
    });
  }
}
