import { KEY, RuleCase, stack } from "../harness";
import { primary, replica } from "./rds";

/**
 * Fixtures of the data layer's controls: RDS log groups created first with the key, same-region
 * replicas without kms_key_id, patient-file buckets replicated to another region, schedules
 * encrypted with the customer-managed key.
 */
const DB = (name: string) => `aws_db_instance.${name}`;
const logGroup = (identifier: string, log: string, over: Record<string, unknown> = {}) => ({
  name: `/aws/rds/instance/${identifier}/${log}`,
  kms_key_id: KEY,
  retention_in_days: 365,
  ...over,
});
const dependsOn = (prefix: string) => [`aws_cloudwatch_log_group.${prefix}_postgresql`, `aws_cloudwatch_log_group.${prefix}_upgrade`];

const bucket = (name: string, provider?: string, tags: Record<string, string> = { "data-classification": "phi" }) => ({
  bucket: name,
  ...(provider ? { provider } : {}),
  tags: { Name: name, ...tags },
});
const rule = (destination: string, over: Record<string, unknown> = {}, destinationOver: Record<string, unknown> = {}) => ({
  id: "patient-files",
  status: "Enabled",
  filter: { prefix: "" },
  delete_marker_replication: { status: "Enabled" },
  destination: {
    bucket: `\${aws_s3_bucket.${destination}.arn}`,
    storage_class: "STANDARD_IA",
    encryption_configuration: { replica_kms_key_id: KEY },
    metrics: { status: "Enabled", event_threshold: { minutes: 15 } },
    ...destinationOver,
  },
  ...over,
});
const replication = (source: string, r: Record<string, unknown>) => ({
  bucket: `\${aws_s3_bucket.${source}.id}`,
  role: "${aws_iam_role.replication.arn}",
  rule: [r],
});
const S3 = (name: string) => `aws_s3_bucket.${name}`;

export const dataLayerCases: RuleCase[] = [
  {
    rule: "RX-RDS-19",
    title: "every exported log has its own group, with the key and a retention, created before the instance",
    json: stack({
      aws_db_instance: {
        pass: { ...primary, identifier: "db-a", depends_on: dependsOn("a") },
        pass_no_exports: { ...primary, identifier: "db-z", enabled_cloudwatch_logs_exports: [] },
        fail_missing: { ...primary, identifier: "db-b", depends_on: [] },
        fail_no_key: { ...primary, identifier: "db-c", depends_on: dependsOn("c") },
        fail_no_depends: { ...primary, identifier: "db-d" },
      },
      aws_cloudwatch_log_group: {
        a_postgresql: logGroup("db-a", "postgresql"),
        a_upgrade: logGroup("db-a", "upgrade"),
        c_postgresql: logGroup("db-c", "postgresql", { kms_key_id: undefined }),
        c_upgrade: logGroup("db-c", "upgrade", { retention_in_days: undefined }),
        d_postgresql: logGroup("db-d", "postgresql"),
        d_upgrade: logGroup("db-d", "upgrade"),
      },
    }),
    pass: [DB("pass"), DB("pass_no_exports")],
    fail: [DB("fail_missing"), DB("fail_no_key"), DB("fail_no_depends")],
  },
  {
    rule: "RX-RDS-20",
    title: "a replica of a same-region instance names no key; a cross-region replica may",
    json: stack({
      aws_db_instance: {
        source: primary,
        pass: { ...replica, replicate_source_db: "${aws_db_instance.source.identifier}", kms_key_id: undefined },
        pass_cross_region: {
          ...replica,
          identifier: "db-replica-9",
          replicate_source_db: "${aws_db_instance.source.arn}",
          provider: "aws.eu-west-1",
          kms_key_id: KEY,
        },
        fail: { ...replica, identifier: "db-replica-2", replicate_source_db: "${aws_db_instance.source.identifier}", kms_key_id: KEY },
      },
    }),
    pass: [DB("source"), DB("pass"), DB("pass_cross_region")],
    fail: [DB("fail")],
  },
  {
    rule: "RX-S3-13",
    title: "a patient-file bucket replicates to another region, KMS-encrypted, delete markers and metrics stated; its replica passes",
    json: stack({
      aws_s3_bucket: {
        pass: bucket("uploads"),
        pass_replica: bucket("uploads-replica", "aws.eu-west-1"),
        pass_not_phi: bucket("logs", undefined, {}),
        fail_unreplicated: bucket("uploads-2"),
        fail_same_region: bucket("uploads-3"),
        same_region_copy: bucket("copy", undefined, {}),
        fail_unstated: bucket("uploads-4"),
        replica_4: bucket("replica-4", "aws.eu-west-1", {}),
      },
      aws_s3_bucket_replication_configuration: {
        ok: replication("pass", rule("pass_replica")),
        same: replication("fail_same_region", rule("same_region_copy")),
        unstated: replication(
          "fail_unstated",
          rule("replica_4", { delete_marker_replication: undefined }, { metrics: undefined, encryption_configuration: undefined }),
        ),
      },
    }),
    pass: [S3("pass"), S3("pass_replica"), S3("pass_not_phi"), S3("same_region_copy"), S3("replica_4")],
    fail: [S3("fail_unreplicated"), S3("fail_same_region"), S3("fail_unstated")],
  },
  {
    rule: "RX-SCHED-1",
    title: "schedules are encrypted with the customer-managed key",
    json: stack({
      aws_scheduler_schedule: {
        pass: { name: "dump", schedule_expression: "cron(0 4 * * ? *)", kms_key_arn: KEY },
        fail: { name: "dump-2", schedule_expression: "cron(0 4 * * ? *)" },
      },
    }),
    pass: ["aws_scheduler_schedule.pass"],
    fail: ["aws_scheduler_schedule.fail"],
  },
];
