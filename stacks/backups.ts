import * as path from "path";
import { ROOT } from "../config/deployment";
import { contentTag } from "../lib/image-tag";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { Construct } from "constructs";
import { BackupJob } from "../modules/backup-job";
import { PrivateBucket } from "../modules/private-bucket";
import { suppress } from "../policy/suppress";
import { ServiceRole } from "../modules/service-role";
import { BaseStack, BaseStackProps } from "./base";
import { DataStack } from "./data";
import { KeysStack } from "./keys";
import { NetworkStack } from "./network";
import { RegistryStack } from "./registry";
import { StorageStack } from "./storage";

export interface BackupsStackProps extends BaseStackProps {
  readonly keys: KeysStack;
  readonly storage: StorageStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly registry: RegistryStack;
}

/**
 * Backup layers 2 and 3: the daily pg_dump (a scheduled Fargate task) lands in
 * restartix-backups-primary (Object Lock in compliance mode, so nobody, root included, can delete a
 * dump before its retention ends), which replicates to restartix-backups-replica in the replica
 * region.
 */
export class BackupsStack extends BaseStack {
  readonly primary: PrivateBucket;
  readonly replica: PrivateBucket;
  readonly job: BackupJob;

  constructor(scope: Construct, name: string, props: BackupsStackProps) {
    super(scope, name, props);
    const { phase } = props.settings;
    const b = phase.backups;
    const primaryRegion = this.region;
    const lifecycleRules = [
      {
        id: "tier-down-then-expire",
        status: "Enabled",
        filter: [{ prefix: "" }],
        transition: [
          { days: b.transitionToInfrequentAccessDays, storageClass: "STANDARD_IA" },
          { days: b.transitionToGlacierDays, storageClass: "GLACIER" },
        ],
        expiration: [{ days: b.expireDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
      },
    ];
    const objectLock = { mode: "COMPLIANCE" as const, days: b.objectLockDays };
    const logs = props.storage.accessLogs.name;

    // S3 delivers access logs only within a region: the replica region gets its own log bucket.
    const replicaLogs = new PrivateBucket(this, "replica-access-logs", {
      bucketName: `${phase.storage.accessLogsBucket}-${b.replicaRegion}`,
      accessLogTargetFor: { accountId: props.settings.deployment.accountId },
      lifecycleRules: [
        { id: "archive-then-expire", status: "Enabled", filter: [{ prefix: "" }], transition: [{ days: 90, storageClass: "GLACIER" }], expiration: [{ days: 2192 }] },
      ],
      provider: this.awsIn(b.replicaRegion),
    });
    suppress(replicaLogs, "RX-S3-5", "This is the replica region's access-log bucket: S3 cannot deliver a bucket's access logs to itself");
    suppress(replicaLogs, "RX-S3-4", "S3 server access log delivery only writes to buckets with SSE-S3 default encryption, not SSE-KMS");
    this.replica = new PrivateBucket(this, "replica", {
      bucketName: b.replicaBucket,
      kmsKeyArn: props.keys.keyArn(b.replicaRegion),
      objectLock,
      lifecycleRules,
      accessLogs: { bucket: replicaLogs.name, prefix: `s3/${b.replicaBucket}/` },
      provider: this.awsIn(b.replicaRegion),
    });
    this.primary = new PrivateBucket(this, "primary", {
      bucketName: b.primaryBucket,
      kmsKeyArn: props.keys.keyArn(primaryRegion),
      objectLock,
      lifecycleRules,
      accessLogs: { bucket: logs, prefix: `s3/${b.primaryBucket}/` },
    });

    const role = new ServiceRole(this, "replication-role", {
      name: `${phase.project}-backups-replication`,
      description: "Replicates database dumps to the replica region",
      service: "s3.amazonaws.com",
      statements: [
        {
          Effect: "Allow",
          Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
          Resource: this.primary.arn,
        },
        {
          Effect: "Allow",
          Action: [
            "s3:GetObjectVersionForReplication",
            "s3:GetObjectVersionAcl",
            "s3:GetObjectVersionTagging",
            "s3:GetObjectRetention",
            "s3:GetObjectLegalHold",
          ],
          Resource: `${this.primary.arn}/*`,
        },
        {
          Effect: "Allow",
          Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
          Resource: `${this.replica.arn}/*`,
        },
        {
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: props.keys.keyArn(primaryRegion),
          Condition: { StringLike: { "kms:ViaService": `s3.${primaryRegion}.amazonaws.com` } },
        },
        {
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:GenerateDataKey"],
          Resource: props.keys.keyArn(b.replicaRegion),
          Condition: { StringLike: { "kms:ViaService": `s3.${b.replicaRegion}.amazonaws.com` } },
        },
      ],
    });
    new S3BucketReplicationConfigurationA(this, "replication", {
      bucket: this.primary.bucket.id,
      role: role.arn,
      rule: [
        {
          id: "dumps-to-replica-region",
          status: "Enabled",
          filter: { prefix: "" },
          deleteMarkerReplication: { status: "Enabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: this.replica.arn,
            storageClass: "STANDARD_IA",
            encryptionConfiguration: { replicaKmsKeyId: props.keys.keyArn(b.replicaRegion) },
          },
        },
      ],
      dependsOn: [this.primary.versioning, this.replica.versioning],
    });

    const db = props.data.postgres!;
    this.job = new BackupJob(this, "job", {
      name: `${phase.project}-pg-dump`,
      region: primaryRegion,
      accountId: props.settings.deployment.accountId,
      // Immutable tags: the tag is the hash of backup/, built and pushed by the deploy workflow when absent.
      image: `${props.registry.backupJob.repository.repositoryUrl}:${contentTag(path.join(ROOT, "backup"))}`,
      schedule: b.schedule,
      timezone: b.scheduleTimezone,
      bucketName: this.primary.name,
      bucketArn: this.primary.arn,
      kmsKeyArn: props.keys.keyArn(primaryRegion),
      databaseArn: db.instance.arn,
      databaseIdentifier: phase.database.identifier,
      secrets: props.data.backupSecrets!.arns,
      subnetIds: props.network.network.privateSubnets.map((s) => s.id),
      securityGroupId: props.network.backupJobSg!.id,
      logRetentionDays: phase.observability.logRetentionDays,
    });
  }
}
