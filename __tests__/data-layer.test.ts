import * as fs from "fs";
import * as path from "path";
import { memoryFormula, resolveMemoryFormula } from "../modules/postgres";
import { EXAMPLE_VARS, json, only, onlyUnder, policy, resources, stack, synth, varsWith } from "./helpers";
import { tempDir } from "./temp-dirs";

const GiB = 1024 ** 3;
const p1 = synth({ phase: 1 });
const p2 = synth({ phase: 2 });
const p3 = synth({ phase: 3 });
const p4 = synth({ phase: 4 });

/** Statements of the customer-managed IAM policy named `name` in a stack. */
function policyStatements(s: ReturnType<typeof stack>, name: string): Record<string, any>[] {
  const found = resources(s, "aws_iam_policy").find(([, p]) => p.name === name);
  if (!found) throw new Error(`no aws_iam_policy ${name} in ${s.name}`);
  return policy(found[1].policy, s).Statement;
}

const parameters = (s: ReturnType<typeof stack>) =>
  Object.fromEntries((only(s, "aws_db_parameter_group").parameter as { name: string; value: string }[]).map((p) => [p.name, p.value]));

describe("PostgreSQL memory parameters follow the instance class", () => {
  test("shared_buffers and effective_cache_size are RDS formulas of DBInstanceClassMemory, not absolute values", () => {
    for (const result of [p1, p2, p3]) {
      const params = parameters(stack(result, "data"));
      expect(params.shared_buffers).toBe("{DBInstanceClassMemory*25/819200}");
      expect(params.effective_cache_size).toBe("{DBInstanceClassMemory*75/819200}");
    }
  });

  test("they resolve to the document's 1 GB / 3 GB (8 kB pages) on db.t4g.medium and scale with r6g.large and xlarge", () => {
    const pages = (gb: number) => (gb * GiB) / 8192;
    const params = parameters(stack(p1, "data"));
    expect(resolveMemoryFormula(params.shared_buffers, 4 * GiB)).toBe(pages(1));
    expect(resolveMemoryFormula(params.effective_cache_size, 4 * GiB)).toBe(pages(3));
    expect(resolveMemoryFormula(params.shared_buffers, 16 * GiB)).toBe(pages(4));
    expect(resolveMemoryFormula(params.effective_cache_size, 32 * GiB)).toBe(pages(24));
    expect(memoryFormula(25)).toBe("{DBInstanceClassMemory*25/819200}");
  });

  test("tenant databases use the same formulas", () => {
    expect(parameters(stack(p3, "tenant-org-101")).shared_buffers).toBe("{DBInstanceClassMemory*25/819200}");
  });
});

describe("read replicas in the source's region carry no kms_key_id", () => {
  test("phase 2: the primary names the region's key, the replicas inherit it", () => {
    const dbs = Object.fromEntries(resources(stack(p2, "data"), "aws_db_instance").map(([, d]) => [d.identifier, d]));
    expect(dbs["restartix-prod"].kms_key_id).toMatch(/aws_kms_keyeu-central-1/);
    for (const id of ["restartix-prod-replica-1", "restartix-prod-replica-2"]) {
      expect(dbs[id].replicate_source_db).toBeDefined();
      expect(dbs[id]).not.toHaveProperty("kms_key_id");
      expect(dbs[id].storage_encrypted).toBe(true);
    }
  });
});

describe("RDS log export groups exist before the instances, with the region's key and the retention", () => {
  test.each([
    ["data", p2, ["restartix-prod", "restartix-prod-replica-1", "restartix-prod-replica-2"]],
    ["tenant-org-101", p3, ["restartix-tenant-org-101"]],
    ["shard-us-1", p4, ["restartix-shard-us-1"]],
  ] as const)("%s", (name, result, identifiers) => {
    const s = stack(result, name);
    const groups = resources(s, "aws_cloudwatch_log_group").filter(([, g]) => String(g.name).startsWith("/aws/rds/"));
    expect(groups.map(([, g]) => g.name).sort()).toEqual(
      identifiers.flatMap((id) => [`/aws/rds/instance/${id}/postgresql`, `/aws/rds/instance/${id}/upgrade`]).sort(),
    );
    for (const [, g] of groups) {
      expect(g.kms_key_id).toMatch(/aws_kms_key/);
      expect(g.retention_in_days).toBe(365);
    }
    for (const [, db] of resources(s, "aws_db_instance")) {
      expect(db.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
      const own = groups
        .filter(([, g]) => String(g.name).startsWith(`/aws/rds/instance/${db.identifier}/`))
        .map(([key]) => `aws_cloudwatch_log_group.${key}`);
      expect(own).toHaveLength(2);
      expect([...db.depends_on].sort()).toEqual(own.sort());
    }
  });
});

describe("phase 4: only the shared third-party secrets are copied to us-east-1", () => {
  const secrets = Object.fromEntries(resources(stack(p4, "data"), "aws_secretsmanager_secret").map(([, s]) => [s.name, s]));

  test.each(["CLERK_SECRET_KEY", "CLERK_WEBHOOK_SECRET", "DAILY_API_KEY", "ENCRYPTION_KEY"])("core-api/%s is replicated", (name) => {
    expect(secrets[`restartix/production/core-api/${name}`].replica).toEqual([
      { region: "us-east-1", kms_key_id: expect.stringMatching(/aws_kms_keyus-east-1/) },
    ]);
  });

  test.each([
    "core-api/DATABASE_URL",
    "core-api/REDIS_URL",
    "telemetry-api/DATABASE_URL",
    "telemetry-api/CLICKHOUSE_URL",
    "backup/DATABASE_URL",
  ])("%s stays in the EU", (name) => {
    expect(secrets[`restartix/production/${name}`]).toBeDefined();
    expect(secrets[`restartix/production/${name}`]).not.toHaveProperty("replica");
  });
});

describe("ECR replication copies exactly the repositories the other regions manage", () => {
  const registry = stack(p4, "registry");
  const filters = only(registry, "aws_ecr_replication_configuration").replication_configuration.rule[0].repository_filter as {
    filter: string;
    filter_type: string;
  }[];
  const repos = resources(registry, "aws_ecr_repository").map(([, r]) => r);
  const matched = (name: string) => filters.some((f) => f.filter_type === "PREFIX_MATCH" && name.startsWith(f.filter));

  test("every primary-region repository is matched exactly when us-east-1 has a managed copy of it", () => {
    const usNames = new Set(repos.filter((r) => r.provider === "aws.us-east-1").map((r) => r.name));
    const primary = repos.filter((r) => r.provider === undefined);
    expect(primary.map((r) => r.name)).toContain("restartix-backup-job");
    for (const r of primary) expect([r.name, matched(r.name)]).toEqual([r.name, usNames.has(r.name)]);
  });
});

describe("S3 access logging waits for the target bucket's policy", () => {
  const loggingOf = (s: ReturnType<typeof stack>) => resources(s, "aws_s3_bucket_logging").map(([, l]) => l);

  test("same stack: the logging resource depends on the log bucket's policy", () => {
    const storage = stack(p1, "storage");
    const policies = resources(storage, "aws_s3_bucket_policy").map(([key]) => `aws_s3_bucket_policy.${key}`);
    const logging = loggingOf(storage);
    expect(logging.length).toBeGreaterThan(0);
    for (const l of logging) {
      const target = /^\$\{aws_s3_bucket\.([^.]+)\.bucket\}$/.exec(l.target_bucket)![1];
      const targetPolicy = policies.find((p) => p.startsWith(`aws_s3_bucket_policy.${target.replace(/_bucket_[^_]+$/, "")}_policy_`));
      expect(targetPolicy).toBeDefined();
      expect(l.depends_on).toEqual([targetPolicy]);
    }
  });

  test("another stack's log bucket: no depends_on (that stack is applied first)", () => {
    const backups = stack(p1, "backups");
    const crossStack = loggingOf(backups).filter((l) => String(l.target_bucket).includes("cross-stack-reference-input"));
    expect(crossStack.length).toBeGreaterThan(0);
    for (const l of crossStack) expect(l.depends_on).toBeUndefined();
  });
});

describe("internet egress follows the services' declared outbound dependencies", () => {
  type Rule = { security_group_id: string; from_port: number; to_port: number; cidr_ipv4?: string; description: string };
  const egress = (s: ReturnType<typeof stack>, group: RegExp) =>
    resources(s, "aws_vpc_security_group_egress_rule")
      .map(([, r]) => r as Rule)
      .filter((r) => group.test(r.security_group_id) && r.cidr_ipv4 === "0.0.0.0/0")
      .map((r) => [r.from_port, r.to_port, r.description]);

  test("the App Runner connector group opens 443 (Clerk, Daily.co, AWS APIs) and 8443 (ClickHouse Cloud), nothing else to the internet", () => {
    expect(egress(stack(p1, "network"), /connector-sg/)).toEqual([
      [443, 443, "HTTPS to Clerk, Daily.co, AWS APIs via NAT"],
      [8443, 8443, "TCP 8443 to ClickHouse Cloud via NAT"],
    ]);
  });

  test("the Fargate task group opens the same ports", () => {
    const fargate = synth({ phase: 1, compute: "fargate" });
    expect(egress(stack(fargate, "network"), /tasks-sg/).map(([from]) => from)).toEqual([443, 8443]);
  });

  test("a cell runs the core API only: 443 to its dependencies, no 8443", () => {
    for (const name of ["tenant-org-101"])
      expect(egress(stack(p3, name), /connector-sg/)).toEqual([[443, 443, "HTTPS to Clerk, Daily.co, AWS APIs via NAT"]]);
    expect(egress(stack(p4, "shard-us-1"), /connector-sg/).map(([from]) => from)).toEqual([443]);
  });

  test("a port a service declares reaches its group (phase config drives the rules)", async () => {
    const { outboundRules } = await import("../stacks/network");
    expect(
      outboundRules([
        { name: "A", port: 8443 },
        { name: "B", port: 443 },
        { name: "C", port: 8443 },
      ]),
    ).toEqual([
      { id: "https", port: 443, cidr: "0.0.0.0/0", description: "HTTPS to B via NAT" },
      { id: "tcp-8443", port: 8443, cidr: "0.0.0.0/0", description: "TCP 8443 to A, C via NAT" },
    ]);
  });
});

describe("the daily pg_dump stays out of the RDS backup and maintenance windows", () => {
  const w = require("../lib/windows") as typeof import("../lib/windows");

  test("local time to UTC follows daylight saving (04:00 Berlin is 03:00 UTC in January, 02:00 UTC in July)", () => {
    expect(new Date(w.localToUtc("Europe/Berlin", 2027, 0, 15, 4, 0)).toISOString()).toBe("2027-01-15T03:00:00.000Z");
    expect(new Date(w.localToUtc("Europe/Berlin", 2027, 6, 15, 4, 0)).toISOString()).toBe("2027-07-15T02:00:00.000Z");
  });

  test("the checker finds a schedule that hits a window on the days it does (summer only here)", () => {
    const windows = { backup: w.parseDailyWindow("01:30-02:00")! };
    const conflicts = w.scheduleConflicts({ hour: 3, minute: 45, timeZone: "Europe/Berlin", runtimeMinutes: 30 }, windows, [2027]);
    // 03:45 CEST = 01:45 UTC (inside); 03:45 CET = 02:45 UTC (outside).
    expect(conflicts.length).toBeGreaterThan(200);
    expect(conflicts.length).toBeLessThan(250);
    expect(conflicts.every((c) => c.date >= "2027-03-28" && c.date < "2027-10-31")).toBe(true);
  });

  test.each([1, 2, 3, 4] as const)("phase %i: the synthesized windows and schedule never meet, on any day of two years", (phase) => {
    const result = synth({ phase });
    const db = resources(stack(result, "data"), "aws_db_instance").find(([, d]) => d.identifier === "restartix-prod")![1];
    const schedule = onlyUnder(stack(result, "backups"), "aws_scheduler_schedule", "job");
    const cron = w.parseDailyCron(schedule.schedule_expression)!;
    expect(db.backup_window).toBe("00:00-00:30");
    expect(db.maintenance_window).toBe("sun:00:45-sun:01:45");
    expect(schedule.schedule_expression_timezone).toBe("Europe/Berlin");
    const conflicts = w.scheduleConflicts(
      { ...cron, timeZone: schedule.schedule_expression_timezone, runtimeMinutes: 60 },
      { backup: w.parseDailyWindow(db.backup_window)!, maintenance: w.parseWeeklyWindow(db.maintenance_window)! },
      [2026, 2027],
    );
    expect(conflicts).toEqual([]);
    expect(w.windowsOverlap(w.parseDailyWindow(db.backup_window)!, w.parseWeeklyWindow(db.maintenance_window)!)).toBe(false);
  });

  test("phase 4: US cells use the US region's windows, replicas the primary's maintenance window", () => {
    expect(only(stack(p4, "shard-us-1"), "aws_db_instance")).toMatchObject({
      backup_window: "07:00-07:30",
      maintenance_window: "sun:07:45-sun:08:45",
    });
    for (const [, d] of resources(stack(p2, "data"), "aws_db_instance")) expect(d.maintenance_window).toBe("sun:00:45-sun:01:45");
  });
});

describe("a failed or missing dump alarms on the region's restartix-alerts topic", () => {
  const backups = stack(p1, "backups");
  const topicRef = /cross-stack-reference-input-observability.*aws_sns_topicalerts_topic.*arn/;
  const alarms = Object.fromEntries(resources(backups, "aws_cloudwatch_metric_alarm").map(([, a]) => [a.alarm_name, a]));
  const statementsOf = (policyName: string) => policyStatements(backups, policyName);

  test("the task role may decrypt as well as generate data keys (multipart upload to SSE-KMS), through S3 only", () => {
    const encrypt = statementsOf("BackupJobRole").find((s) => s.Sid === "EncryptDumps")!;
    expect(encrypt.Action).toEqual(["kms:GenerateDataKey", "kms:Decrypt"]);
    expect(encrypt.Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" } });
    const report = statementsOf("BackupJobRole").find((s) => s.Sid === "ReportDumps")!;
    expect(report).toMatchObject({
      Action: "cloudwatch:PutMetricData",
      Condition: { StringEquals: { "cloudwatch:namespace": "RestartiX/Backups" } },
    });
  });

  test("the schedule is encrypted with the region's key and dead-letters to a KMS-encrypted queue its role may write", () => {
    const schedule = onlyUnder(backups, "aws_scheduler_schedule", "job");
    const queue = onlyUnder(backups, "aws_sqs_queue", "job");
    expect(schedule.kms_key_arn).toMatch(/aws_kms_keyeu-central-1/);
    expect(queue.kms_master_key_id).toMatch(/aws_kms_keyeu-central-1/);
    expect(schedule.target.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\.job_dlq_.*\.arn\}$/);
    const scheduler = statementsOf("restartix-pg-dump-scheduler");
    expect(scheduler.find((s) => s.Sid === "DeadLetters")).toMatchObject({
      Action: "sqs:SendMessage",
      Resource: schedule.target.dead_letter_config.arn,
    });
    expect(scheduler.find((s) => s.Sid === "ScheduleAndQueueKey")!.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(alarms["restartix-pg-dump-not-started"]).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      threshold: 1,
    });
    expect(alarms["restartix-pg-dump-not-started"].alarm_actions[0]).toMatch(topicRef);
  });

  test("an EventBridge rule sends a task that stopped non-zero (or never started) to the topic", () => {
    const rule = onlyUnder(backups, "aws_cloudwatch_event_rule", "job");
    const pattern = rule.event_pattern as string;
    expect(pattern).toMatch(/^\$\{jsonencode\(/);
    expect(pattern).toContain('"detail-type" = ["ECS Task State Change"]');
    expect(pattern).toMatch(/"exitCode" = \[\{\s*"anything-but" = 0\s*\}\]/);
    expect(pattern).toContain('"stopCode" = ["TaskFailedToStart"]');
    expect(pattern).toContain('"name" = ["pg-dump"]');
    const target = onlyUnder(backups, "aws_cloudwatch_event_target", "job");
    expect(target.arn).toMatch(topicRef);
    expect(target.input_transformer.input_template).toContain("The daily pg_dump failed");
  });

  test("no completed dump in 26 hours: 26 hourly periods without the script's metric (missing = breaching)", () => {
    const age = alarms["restartix-pg-dump-missing"];
    expect(age).toMatchObject({
      namespace: "RestartiX/Backups",
      metric_name: "DumpsCompleted",
      dimensions: { Database: "restartix-prod" },
      statistic: "Sum",
      period: 3600,
      evaluation_periods: 26,
      datapoints_to_alarm: 26,
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
    });
    // CloudWatch's limit: periods of an hour or more may span up to 7 days in total.
    expect(age.period * age.evaluation_periods).toBeLessThanOrEqual(604800);
    expect(age.alarm_actions[0]).toMatch(topicRef);
    const task = json(onlyUnder(backups, "aws_ecs_task_definition", "job").container_definitions)[0];
    expect(task.environment).toEqual(
      expect.arrayContaining([
        { name: "METRIC_NAMESPACE", value: "RestartiX/Backups" },
        { name: "DATABASE_IDENTIFIER", value: "restartix-prod" },
        { name: "MAX_RUNTIME_SECONDS", value: "3600" },
      ]),
    );
  });

  test("the alert topic admits EventBridge and CloudWatch of its own account, and the key lets EventBridge use it", () => {
    const observability = stack(p1, "observability");
    const topicPolicy = policy(resources(observability, "aws_sns_topic_policy")[0][1].policy, observability);
    const events = topicPolicy.Statement.find((s: any) => s.Sid === "EventBridgeRules");
    expect(events).toMatchObject({
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Condition: { StringEquals: { "aws:SourceAccount": expect.stringMatching(/owner/) } },
    });
    const keys = stack(p1, "keys");
    const keyPolicy = policy(resources(keys, "aws_kms_key")[0][1].policy, keys);
    const eventsKey = keyPolicy.Statement.find((s: any) => s.Sid === "EventsPublishToEncryptedTopics");
    expect(eventsKey).toMatchObject({ Principal: { Service: "events.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"] });
    // No source condition on the key for EventBridge: the KMS request of an EventBridge delivery to
    // an encrypted topic does not carry aws:SourceAccount/aws:SourceArn, so such a condition would
    // drop every alert silently (docs/compute-and-observability.md, "Alerts from EventBridge").
    expect(eventsKey?.Condition).toBeUndefined();
  });
});

describe("bucket names are unique per account", () => {
  test.each([1, 2, 3, 4] as const)(
    "phase %i: every bucket but the state bucket and the adopted uploads bucket ends in the account id, 3-63 characters",
    (phase) => {
      const names = synth({ phase }).stacks.flatMap((s) => resources(s, "aws_s3_bucket").map(([, b]) => String(b.bucket)));
      // The state bucket (an input) and its access-log bucket, named after it; the adopted uploads bucket.
      const kept = ["restartix-terraform-state-123456789012", "restartix-terraform-state-123456789012-logs", "restartix-uploads-prod"];
      expect(names).toEqual(expect.arrayContaining(kept));
      for (const name of names) {
        expect(name.length).toBeGreaterThanOrEqual(3);
        expect(name.length).toBeLessThanOrEqual(63);
        if (!kept.includes(name)) expect(name).toMatch(/^restartix-[a-z0-9-]+-123456789012$/);
      }
      expect(new Set(names).size).toBe(names.length);
    },
  );
});

describe("IAM and log group names are unique per account (IAM is global: a second region's copy needs its own name)", () => {
  test.each([1, 2, 3, 4] as const)("phase %i: no two IAM roles, IAM policies or log groups share a name", (phase) => {
    const r = synth({ phase });
    for (const type of ["aws_iam_role", "aws_iam_policy", "aws_cloudwatch_log_group"]) {
      const names = r.stacks.flatMap((s) => resources(s, type).map(([, x]) => String(x.name)));
      expect([type, names.length > 0]).toEqual([type, true]);
      expect([type, names.filter((n, i) => names.indexOf(n) !== i)]).toEqual([type, []]);
    }
  });
});

describe("the adopted uploads bucket: its existing settings are imported, so the plan shows what changes", () => {
  const withSettings = (settings: string[]) => {
    const file = path.join(tempDir("rx-vars-"), "terraform.tfvars");
    fs.writeFileSync(
      file,
      fs
        .readFileSync(EXAMPLE_VARS, "utf8")
        .replace(/^uploads_existing_settings = .*$/m, `uploads_existing_settings = ${JSON.stringify(settings)}`),
    );
    return stack(synth({ phase: 1, varsFile: file }), "storage");
  };
  const importsOf = (s: ReturnType<typeof stack>) =>
    ((s.json.import ?? []) as { to: string; id: string }[]).map((i) => [i.to.split(".")[0], i.id]);

  test("none listed: only the bucket itself is imported", () => {
    expect(importsOf(stack(p1, "storage"))).toEqual([["aws_s3_bucket", "restartix-uploads-prod"]]);
  });

  test("every listed setting of the uploads bucket (and nothing of any other bucket) is imported by the bucket's name", () => {
    const all = ["public_access_block", "ownership", "versioning", "encryption", "policy", "lifecycle", "logging"];
    const storage = withSettings(all);
    expect(importsOf(storage).sort()).toEqual(
      [
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_logging",
      ]
        .map((t) => [t, "restartix-uploads-prod"])
        .sort(),
    );
    const uploadsParts = new Set(
      (storage.json.import as { to: string }[])
        .map((i) => i.to.split(".")[1])
        .filter((n) => n.startsWith("uploads_") && !n.startsWith("uploads-replica")),
    );
    expect(uploadsParts.size).toBe(8);
  });

  test("a partial list imports exactly those settings", () => {
    expect(
      importsOf(withSettings(["policy", "lifecycle"]))
        .map(([t]) => t)
        .sort(),
    ).toEqual(["aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_policy"]);
  });
});

describe("patient files in two regions", () => {
  test.each([
    ["storage", p1, "eu-central-1", "eu-west-1", "restartix-uploads-prod", "restartix-uploads-prod-replica-123456789012"],
    [
      "storage-us",
      p4,
      "us-east-1",
      "us-west-2",
      "restartix-uploads-prod-us-123456789012",
      "restartix-uploads-prod-us-replica-123456789012",
    ],
  ] as const)(
    "%s: %s -> %s, KMS-encrypted, versioned, access-logged replica; delete markers and metrics stated",
    (name, result, region, backupRegion, source, replica) => {
      const s = stack(result, name);
      const buckets = Object.fromEntries(resources(s, "aws_s3_bucket").map(([key, b]) => [b.bucket, { key, ...b }]));
      const replicaBucket = buckets[replica];
      expect(replicaBucket.provider).toBe(`aws.${backupRegion}`);
      const partOf = (type: string, bucketKey: string) =>
        resources(s, type)
          .map(([, r]) => r)
          .find((r) => r.bucket === `\${aws_s3_bucket.${bucketKey}.id}`)!;
      expect(partOf("aws_s3_bucket_versioning", replicaBucket.key).versioning_configuration).toEqual({ status: "Enabled" });
      expect(
        partOf("aws_s3_bucket_server_side_encryption_configuration", replicaBucket.key).rule[0].apply_server_side_encryption_by_default,
      ).toEqual({
        sse_algorithm: "aws:kms",
        kms_master_key_id: expect.stringMatching(new RegExp(`aws_kms_key${backupRegion}`)),
      });
      const logging = partOf("aws_s3_bucket_logging", replicaBucket.key);
      const logTarget = resources(s, "aws_s3_bucket").find(([key]) => logging.target_bucket === `\${aws_s3_bucket.${key}.bucket}`)![1];
      expect(logTarget).toMatchObject({
        bucket: `restartix-access-logs-prod-${backupRegion}-123456789012`,
        provider: `aws.${backupRegion}`,
      });

      const rep = only(s, "aws_s3_bucket_replication_configuration");
      expect(rep.bucket).toBe(`\${aws_s3_bucket.${buckets[source].key}.id}`);
      expect(rep.rule).toEqual([
        {
          id: `patient-files-to-${backupRegion}`,
          status: "Enabled",
          filter: { prefix: "" },
          delete_marker_replication: { status: "Enabled" },
          source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
          destination: {
            bucket: `\${aws_s3_bucket.${replicaBucket.key}.arn}`,
            storage_class: "STANDARD_IA",
            encryption_configuration: { replica_kms_key_id: expect.stringMatching(new RegExp(`aws_kms_key${backupRegion}`)) },
            metrics: { status: "Enabled", event_threshold: { minutes: 15 } },
          },
        },
      ]);
      expect(rep.depends_on).toHaveLength(2);

      // The replication role: only the source's versions, only the replica's objects, keys only through S3.
      const statements = policyStatements(s, name === "storage" ? "restartix-uploads-replication" : "restartix-uploads-replication-us");
      const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
      expect(bySid.ReadSourceVersions.Resource).toBe(`\${aws_s3_bucket.${buckets[source].key}.arn}/*`);
      expect(bySid.WriteReplicas).toMatchObject({
        Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        Resource: `\${aws_s3_bucket.${replicaBucket.key}.arn}/*`,
      });
      expect(bySid.DecryptSourceObjects.Condition).toEqual({ StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } });
      expect(bySid.EncryptReplicas.Condition).toEqual({ StringEquals: { "kms:ViaService": `s3.${backupRegion}.amazonaws.com` } });
      expect(statements.flatMap((st) => [st.Action].flat()).some((a) => a.endsWith("*"))).toBe(false);
    },
  );

  test("the dump replica logs to the storage stack's eu-west-1 log bucket (one log bucket per region)", () => {
    const backups = stack(p1, "backups");
    expect(
      resources(backups, "aws_s3_bucket")
        .map(([, b]) => b.bucket)
        .sort(),
    ).toEqual(["restartix-backups-primary-123456789012", "restartix-backups-replica-123456789012"]);
    const targets = resources(backups, "aws_s3_bucket_logging").map(([, l]) => l.target_bucket);
    expect(targets.every((t) => String(t).includes("cross-stack-reference-input-storage"))).toBe(true);
  });
});

describe("Redis AUTH: a generated token in Secrets Manager, carried by REDIS_URL", () => {
  const data = stack(p1, "data");
  const versions = Object.fromEntries(resources(data, "aws_secretsmanager_secret_version"));
  const [tokenKey, token] = Object.entries(versions).find(([k]) => k.startsWith("redis_auth-token-value_"))!;

  test("the replication group requires the token (TLS on) and rotates it with ROTATE, never replaced", () => {
    const group = only(data, "aws_elasticache_replication_group");
    expect(group).toMatchObject({
      transit_encryption_enabled: true,
      transit_encryption_mode: "required",
      auth_token: `\${aws_secretsmanager_secret_version.${tokenKey}.secret_string}`,
      auth_token_update_strategy: "ROTATE",
    });
  });

  test("a cache created without AUTH: add-token adds it with ROTATE (with a synth warning: still open), enforce sends it with SET", () => {
    const group = (r: ReturnType<typeof synth>) => only(stack(r, "data"), "aws_elasticache_replication_group");
    const warnings = (r: ReturnType<typeof synth>) =>
      r.built.primary.data.redis.group.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    // Default: caches this code created have AUTH from their creation; token changes ROTATE.
    expect(warnings(p1)).toEqual([]);
    const adding = synth({ phase: 1, varsFile: varsWith({ redis_auth: '"add-token"' }) });
    expect(group(adding).auth_token_update_strategy).toBe("ROTATE");
    expect(warnings(adding)).toEqual([
      expect.stringContaining(
        'redis_auth = "add-token" adds the AUTH token with ROTATE, and ElastiCache keeps accepting connections without it',
      ),
    ]);
    const enforcing = synth({ phase: 1, varsFile: varsWith({ redis_auth: '"enforce"' }) });
    expect(group(enforcing)).toMatchObject({ auth_token: group(p1).auth_token, auth_token_update_strategy: "SET" });
    expect(warnings(enforcing)).toEqual([]);
  });

  test("the token is generated at apply (no value in the JSON) into a KMS-encrypted, protected secret, and kept until replaced", () => {
    expect(token.secret_string).toBe('${replace(join("", [uuid(), uuid()]), "-", "")}');
    expect(token.lifecycle).toEqual({ ignore_changes: ["secret_string"] });
    const secret = resources(data, "aws_secretsmanager_secret").find(
      ([, s]) => s.name === "restartix/production/redis/restartix-redis/AUTH_TOKEN",
    )![1];
    expect(secret).toMatchObject({ kms_key_id: expect.stringMatching(/aws_kms_key/), lifecycle: { prevent_destroy: true } });
  });

  test("REDIS_URL is generated: rediss://:<token>@<primary endpoint>:6379", () => {
    const url = Object.entries(versions).find(([k]) => k.startsWith("core-secrets_REDIS_URL-value_"))![1];
    // sensitive(): readers in other stacks get it through terraform_remote_state, which drops the mark.
    expect(url.secret_string).toBe(
      `\${sensitive("rediss://:\${aws_secretsmanager_secret_version.${tokenKey}.secret_string}@\${aws_elasticache_replication_group.redis_group_D692ECB6.primary_endpoint_address}:6379")}`,
    );
  });

  test("cells write their REDIS_URL from their region's cache (EU: data, US: data-us)", () => {
    const url = (name: string) => only(stack(p4, name), "aws_secretsmanager_secret_version").secret_string as string;
    expect(url("shard-eu-2")).toMatch(
      /^\$\{sensitive\("rediss:\/\/:\$\{data\.terraform_remote_state\.cross-stack-reference-input-data\.outputs\.[^}]*auth-token-value[^}]*\}@\$\{data\.terraform_remote_state\.cross-stack-reference-input-data\.outputs\.[^}]*primary_endpoint_address\}:6379"\)\}$/,
    );
    expect(url("shard-us-1")).toMatch(
      /^\$\{sensitive\("rediss:\/\/:\$\{data\.terraform_remote_state\.cross-stack-reference-input-data-us\.outputs\./,
    );
    expect(resources(stack(p4, "data-us"), "aws_elasticache_replication_group")[0][1].auth_token).toMatch(/redis_auth-token-value_/);
  });

  test("the token flows between stacks only as sensitive outputs (state, never the plan's text)", () => {
    const outputs = Object.values((stack(p4, "data-us").json.output ?? {}) as Record<string, { value: string; sensitive?: boolean }>);
    const carrying = outputs.filter((o) => String(o.value).includes("auth-token-value"));
    expect(carrying.length).toBeGreaterThan(0);
    for (const o of carrying) expect(o.sensitive).toBe(true);
  });
});
