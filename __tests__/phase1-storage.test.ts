import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { json, only, onlyUnder, policy, resources, stack, synth, text } from "./helpers";

const result = synth({ phase: 1 });
const storage = stack(result, "storage");
const backups = stack(result, "backups");
const bootstrap = stack(result, "bootstrap");

function bucketParts(s: ReturnType<typeof stack>, bucketName: string) {
  const [logical] = resources(s, "aws_s3_bucket").find(([, b]) => b.bucket === bucketName)!;
  const ref = `\${aws_s3_bucket.${logical}.id}`;
  const part = (type: string): Record<string, any> => {
    const found = resources(s, type)
      .map(([, r]) => r)
      .find((r) => r.bucket === ref);
    if (!found) throw new Error(`${bucketName} has no ${type}`);
    return found;
  };
  return { logical, part };
}

describe("S3 buckets: private, versioned, encrypted, TLS-only, never force-destroyed", () => {
  test.each([
    ["storage", "restartix-uploads-prod", "AES256"],
    ["storage", "restartix-access-logs-prod-eu-central-1-123456789012", "AES256"],
    ["storage", "restartix-access-logs-prod-eu-west-1-123456789012", "AES256"],
    ["storage", "restartix-uploads-prod-replica-123456789012", "aws:kms"],
    ["backups", "restartix-backups-primary-123456789012", "aws:kms"],
    ["backups", "restartix-backups-replica-123456789012", "aws:kms"],
    ["bootstrap", "restartix-terraform-state-123456789012", "AES256"],
  ])("%s / %s", (stackName, bucketName, sse) => {
    const s = stack(result, stackName);
    expect(text(s)).toHaveResourceWithProperties(S3Bucket, {
      bucket: bucketName,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    const { part } = bucketParts(s, bucketName);
    expect(part("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(part("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(part("aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe(
      sse,
    );
    const statements = policy(part("aws_s3_bucket_policy").policy, s).Statement;
    expect(statements[0]).toMatchObject({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });
});

describe("the uploads bucket already exists: adopted, not created", () => {
  test("an import block adopts restartix-uploads-prod", () => {
    const [logical] = resources(storage, "aws_s3_bucket").find(([, b]) => b.bucket === "restartix-uploads-prod")!;
    expect(storage.json.import).toEqual([expect.objectContaining({ id: "restartix-uploads-prod", to: `aws_s3_bucket.${logical}` })]);
  });

  test("its server access logs go to the access-log bucket", () => {
    const { part } = bucketParts(storage, "restartix-uploads-prod");
    expect(part("aws_s3_bucket_logging")).toMatchObject({ target_prefix: "s3/restartix-uploads-prod/" });
  });
});

describe("backups: layer 2 (daily pg_dump) and layer 3 (cross-region replication)", () => {
  test("primary in eu-central-1, replica in eu-west-1 (EU data stays in the EU)", () => {
    const replica = resources(backups, "aws_s3_bucket").find(([, b]) => b.bucket === "restartix-backups-replica-123456789012")![1];
    expect(replica.provider).toBe("aws.eu-west-1");
    const primary = resources(backups, "aws_s3_bucket").find(([, b]) => b.bucket === "restartix-backups-primary-123456789012")![1];
    expect(primary.provider).toBeUndefined();
  });

  test("object lock in compliance mode on both buckets, with the configured retention", () => {
    for (const name of ["restartix-backups-primary-123456789012", "restartix-backups-replica-123456789012"]) {
      expect(resources(backups, "aws_s3_bucket").find(([, b]) => b.bucket === name)![1].object_lock_enabled).toBe(true);
      expect(bucketParts(backups, name).part("aws_s3_bucket_object_lock_configuration").rule).toEqual({
        default_retention: { mode: "COMPLIANCE", days: 30 },
      });
    }
  });

  test("lifecycle to cheaper storage classes", () => {
    const rules = bucketParts(backups, "restartix-backups-primary-123456789012").part("aws_s3_bucket_lifecycle_configuration").rule;
    const tier = rules.find((r: any) => r.id === "tier-down-then-expire");
    expect(tier.transition).toEqual([
      { days: 30, storage_class: "STANDARD_IA" },
      { days: 90, storage_class: "GLACIER" },
    ]);
    expect(tier.expiration).toEqual([{ days: 365 }]);
  });

  test("replication to the replica bucket, re-encrypted with the replica region's key", () => {
    const rep = only(backups, "aws_s3_bucket_replication_configuration");
    expect(rep.rule[0].status).toBe("Enabled");
    expect(rep.rule[0].destination.bucket).toMatch(/aws_s3_bucket\.replica_bucket_.*\.arn/);
    expect(rep.rule[0].destination.encryption_configuration.replica_kms_key_id).toMatch(/aws_kms_keyeu-west-1/);
  });

  test("the daily dump: EventBridge Scheduler runs a Fargate task in the private subnets", () => {
    expect(text(backups)).toHaveResourceWithProperties(SchedulerSchedule, {
      schedule_expression: "cron(0 4 * * ? *)",
      schedule_expression_timezone: "Europe/Berlin",
      flexible_time_window: { mode: "OFF" },
    });
    const target = onlyUnder(backups, "aws_scheduler_schedule", "job").target;
    expect(target.ecs_parameters.launch_type).toBe("FARGATE");
    expect(target.ecs_parameters.network_configuration.assign_public_ip).toBe(false);
    expect(target.ecs_parameters.network_configuration.security_groups[0]).toMatch(/backup-job-sg/);
  });

  test("BackupJobRole: write dumps, encrypt them, report them, manual snapshots; secrets only via the execution role", () => {
    const role = resources(backups, "aws_iam_role").find(([, r]) => r.name === "BackupJobRole")![1];
    const statements = policy(resources(backups, "aws_iam_policy").find(([, p]) => p.name === role.name)![1].policy, backups).Statement;
    expect(statements.map((s: any) => s.Action)).toEqual([
      "s3:PutObject",
      ["kms:GenerateDataKey", "kms:Decrypt"],
      "cloudwatch:PutMetricData",
      "rds:CreateDBSnapshot",
    ]);
    expect(statements[0].Resource).toMatch(/aws_s3_bucket\.primary_bucket_.*\.arn\}\/\*$/);
    const container = json(onlyUnder(backups, "aws_ecs_task_definition", "job").container_definitions)[0];
    expect(container.secrets.map((s: any) => s.name).sort()).toEqual(["BACKUP_ENCRYPTION_KEY", "DATABASE_URL"]);
    expect(container.environment).toContainEqual({
      name: "BACKUP_BUCKET",
      value: expect.stringMatching(/aws_s3_bucket\.primary_bucket_.*\.bucket/),
    });
  });
});

describe("remote state: the bootstrap stack creates the state bucket on local state", () => {
  test("bootstrap uses the local backend, every other stack S3 with encrypt and use_lockfile", () => {
    expect(bootstrap.json.terraform?.backend).toHaveProperty("local");
    for (const s of result.stacks.filter((x) => x.name !== "bootstrap")) {
      expect(s.json.terraform?.backend).toEqual({
        s3: {
          bucket: "restartix-terraform-state-123456789012",
          key: `${s.name}/terraform.tfstate`,
          region: "eu-central-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
    }
  });
});
