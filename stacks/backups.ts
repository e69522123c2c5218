import * as path from "path";
import { ROOT } from "../config/deployment";
import { contentTag } from "../lib/image-tag";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { Construct } from "constructs";
import { BackupJob } from "../modules/backup-job";
import { DatabaseRotation } from "../modules/db-rotation";
import { bucketNames, environmentName } from "../lib/naming";
import { PrivateBucket } from "../modules/private-bucket";
import { ServiceRole } from "../modules/service-role";
import { BaseStack, BaseStackProps } from "./base";
import { ComputeStack } from "./compute";
import { DataStack, sharedRotationNames } from "./data";
import { KeysStack } from "./keys";
import { NetworkStack } from "./network";
import { ObservabilityStack } from "./observability";
import { RegistryStack } from "./registry";
import { StorageStack } from "./storage";

export interface BackupsStackProps extends BaseStackProps {
  readonly keys: KeysStack;
  readonly storage: StorageStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly registry: RegistryStack;
  /** The primary region's restartix-alerts topic (failed and missing dumps). */
  readonly alerts: ObservabilityStack;
  /** The shared tier's services: the credential rotation redeploys those that read DATABASE_URL. */
  readonly compute: ComputeStack;
}

/**
 * Backup layers 2 and 3: the daily pg_dump (a scheduled Fargate task) lands in
 * restartix-backups-primary-<account id> (Object Lock in compliance mode, so nobody, root included,
 * can delete a dump before its retention ends), which replicates to
 * restartix-backups-replica-<account id> in the replica region.
 */
export class BackupsStack extends BaseStack {
  readonly primary: PrivateBucket;
  readonly replica: PrivateBucket;
  readonly job: BackupJob;
  /** The shared database's monthly credential rotations: the services' login and the backup job's. */
  readonly rotations: DatabaseRotation[];

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

    // S3 delivers access logs only within a region: the storage stack keeps one log bucket in the
    // region and one in its backup region (the replica region: validation keeps them equal).
    const names = bucketNames(phase, props.settings.deployment.accountId);
    this.replica = new PrivateBucket(this, "replica", {
      bucketName: names.backupsReplica,
      kmsKeyArn: props.keys.keyArn(b.replicaRegion),
      objectLock,
      lifecycleRules,
      accessLogs: { target: props.storage.backupRegionAccessLogs, prefix: `s3/${names.backupsReplica}/` },
      provider: this.awsIn(b.replicaRegion),
    });
    this.primary = new PrivateBucket(this, "primary", {
      bucketName: names.backupsPrimary,
      kmsKeyArn: props.keys.keyArn(primaryRegion),
      objectLock,
      lifecycleRules,
      accessLogs: { target: props.storage.accessLogs, prefix: `s3/${names.backupsPrimary}/` },
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
    // Immutable tags: the tag is the hash of backup/, built and pushed by the deploy workflow when absent.
    const image = `${props.registry.backupJob.repository.repositoryUrl}:${contentTag(path.join(ROOT, "backup"))}`;
    this.job = new BackupJob(this, "job", {
      name: `${phase.project}-pg-dump`,
      taskRoleName: environmentName("BackupJobRole", phase.environment),
      region: primaryRegion,
      accountId: props.settings.deployment.accountId,
      image,
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
      alertTopicArn: props.alerts.topic.arn,
      maxRuntimeMinutes: b.maxRuntimeMinutes,
      maxDumpAgeHours: b.maxDumpAgeHours,
    });

    // The shared database's logins, rotated monthly on the same image: the services' DATABASE_URL
    // (then the services that read it are redeployed, on every engine that runs them) and the
    // backup job's, which ECS reads at each start (nothing to redeploy).
    const rot = phase.credentialRotation;
    const rotationNames = sharedRotationNames(phase.project);
    const usesDatabase = Object.values(phase.services).filter((s) => s.secretEnv.includes("DATABASE_URL"));
    const running = props.compute.allServices.filter((s) => usesDatabase.some((u) => u.key === s.config.key));
    const common = {
      region: primaryRegion,
      accountId: props.settings.deployment.accountId,
      image,
      schedule: rot.schedule,
      timezone: rot.scheduleTimezone,
      kmsKeyArn: props.keys.keyArn(primaryRegion),
      masterSecretArn: db.instance.masterUserSecret.get(0).secretArn,
      vpcId: props.network.network.vpc.id,
      subnetIds: props.network.network.privateSubnets.map((s) => s.id),
      database: { securityGroupId: props.network.rdsSg!.id, port: phase.database.port },
      logRetentionDays: phase.observability.logRetentionDays,
      alertTopicArn: props.alerts.topic.arn,
    };
    this.rotations = [
      new DatabaseRotation(this, "db-rotation", {
        ...common,
        name: rotationNames.services,
        label: "the shared database's services",
        databaseUrlSecretArns: usesDatabase.map((s) => props.data.serviceSecrets(s.key).arn("DATABASE_URL")),
        appRunnerServiceArns: running.filter((s) => s.engine === "apprunner").map((s) => s.arn),
        ecsServiceArns: running.filter((s) => s.engine === "fargate").map((s) => s.arn),
      }),
      new DatabaseRotation(this, "backup-db-rotation", {
        ...common,
        name: rotationNames.backup,
        label: "the shared database's backup job",
        databaseUrlSecretArns: [props.data.backupSecrets!.arn("DATABASE_URL")],
      }),
    ];
  }
}
