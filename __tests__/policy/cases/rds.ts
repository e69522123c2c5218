import { KEY, RuleCase, stack } from "../harness";

const GROUP = "${aws_db_parameter_group.pg.name}";

/** A primary the whole RDS family accepts (the shape modules/postgres.ts synthesizes). */
export const primary = {
  identifier: "db",
  engine: "postgres",
  engine_version: "17",
  storage_encrypted: true,
  kms_key_id: KEY,
  multi_az: true,
  deletion_protection: true,
  backup_retention_period: 7,
  monitoring_interval: 60,
  monitoring_role_arn: "${aws_iam_role.monitoring.arn}",
  performance_insights_enabled: true,
  performance_insights_kms_key_id: KEY,
  auto_minor_version_upgrade: true,
  copy_tags_to_snapshot: true,
  enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
  publicly_accessible: false,
  parameter_group_name: GROUP,
  ca_cert_identifier: "rds-ca-rsa2048-g1",
  skip_final_snapshot: false,
  final_snapshot_identifier: "db-final",
  username: "restartix_admin",
  iam_database_authentication_enabled: true,
  lifecycle: { prevent_destroy: true },
};

/** A read replica: no engine, username, backups or final snapshot of its own. */
export const replica = (() => {
  const { engine: _e, engine_version: _v, username: _u, final_snapshot_identifier: _f, ...rest } = primary;
  return {
    ...rest,
    identifier: "db-replica-1",
    replicate_source_db: "${aws_db_instance.pass.identifier}",
    multi_az: false,
    backup_retention_period: 0,
    skip_final_snapshot: true,
  };
})();

const parameterGroup = (parameters: { name: string; value: string }[], name = "db-postgres17") => ({
  name,
  family: "postgres17",
  parameter: parameters,
});
const TLS_AND_LOGS = [
  { name: "rds.force_ssl", value: "1" },
  { name: "log_statement", value: "ddl" },
  { name: "log_connections", value: "1" },
  { name: "log_disconnections", value: "1" },
];

function rds(instances: Record<string, object>, groups: Record<string, object> = { pg: parameterGroup(TLS_AND_LOGS) }) {
  return stack({ aws_db_instance: instances, aws_db_parameter_group: groups });
}

function without<T extends object>(o: T, key: keyof T): Omit<T, typeof key> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

const A = (name: string) => `aws_db_instance.${name}`;

export const rdsCases: RuleCase[] = [
  {
    rule: "RX-RDS-1",
    title: "storage_encrypted false or missing fails",
    json: rds({ pass: primary, replica, fail: { ...primary, storage_encrypted: false }, fail2: without(primary, "storage_encrypted") }),
    pass: [A("pass"), A("replica")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-2",
    title: "single-AZ primary fails, single-AZ replica passes",
    json: rds({ pass: primary, replica, fail: { ...primary, multi_az: false }, fail2: without(primary, "multi_az") }),
    pass: [A("pass"), A("replica")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-3",
    title: "deletion protection off or missing fails",
    json: rds({ pass: primary, fail: { ...primary, deletion_protection: false }, fail2: without(primary, "deletion_protection") }),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-4",
    title: "retention under 7 days fails on primaries; a replica's 0 passes",
    json: rds({
      pass: primary,
      pass35: { ...primary, backup_retention_period: 35 },
      replica,
      fail: { ...primary, backup_retention_period: 3 },
      fail2: { ...primary, backup_retention_period: 0 },
      fail3: without(primary, "backup_retention_period"),
    }),
    pass: [A("pass"), A("pass35"), A("replica")],
    fail: [A("fail"), A("fail2"), A("fail3")],
  },
  {
    rule: "RX-RDS-5",
    title: "interval 0, an unsupported interval or a missing role fails",
    json: rds({
      pass: primary,
      pass5: { ...primary, monitoring_interval: 5 },
      fail: { ...primary, monitoring_interval: 0 },
      fail2: without(primary, "monitoring_role_arn"),
      fail3: { ...primary, monitoring_interval: 45 },
    }),
    pass: [A("pass"), A("pass5")],
    fail: [A("fail"), A("fail2"), A("fail3")],
  },
  {
    rule: "RX-RDS-6",
    title: "Performance Insights off or missing fails",
    json: rds({
      pass: primary,
      fail: { ...primary, performance_insights_enabled: false },
      fail2: without(primary, "performance_insights_enabled"),
    }),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-7",
    title: "Performance Insights on without its key fails; off is not this rule's concern",
    json: rds({
      pass: primary,
      pass_off: { ...without(primary, "performance_insights_kms_key_id"), performance_insights_enabled: false },
      fail: without(primary, "performance_insights_kms_key_id"),
    }),
    pass: [A("pass"), A("pass_off")],
    fail: [A("fail")],
  },
  {
    rule: "RX-RDS-8",
    title: "auto minor upgrade false fails; absent takes the default (true)",
    json: rds({
      pass: primary,
      pass_default: without(primary, "auto_minor_version_upgrade"),
      fail: { ...primary, auto_minor_version_upgrade: false },
    }),
    pass: [A("pass"), A("pass_default")],
    fail: [A("fail")],
  },
  {
    rule: "RX-RDS-9",
    title: "copy_tags_to_snapshot false or missing fails",
    json: rds({ pass: primary, fail: { ...primary, copy_tags_to_snapshot: false }, fail2: without(primary, "copy_tags_to_snapshot") }),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-10",
    title: "PostgreSQL needs postgresql and upgrade exports; other engines any export",
    json: rds({
      pass: primary,
      replica,
      pass_mysql: { ...primary, engine: "mysql", enabled_cloudwatch_logs_exports: ["error"] },
      fail: { ...primary, enabled_cloudwatch_logs_exports: ["postgresql"] },
      fail2: without(primary, "enabled_cloudwatch_logs_exports"),
      fail_mysql: { ...primary, engine: "mysql", enabled_cloudwatch_logs_exports: [] },
    }),
    pass: [A("pass"), A("replica"), A("pass_mysql")],
    fail: [A("fail"), A("fail2"), A("fail_mysql")],
  },
  {
    rule: "RX-RDS-11",
    title: "publicly accessible fails; absent is private",
    json: rds({ pass: primary, pass_default: without(primary, "publicly_accessible"), fail: { ...primary, publicly_accessible: true } }),
    pass: [A("pass"), A("pass_default")],
    fail: [A("fail")],
  },
  {
    rule: "RX-RDS-12",
    title: "parameter group must be in the stack and set rds.force_ssl = 1",
    json: rds(
      {
        pass: primary,
        replica,
        pass_literal: { ...primary, parameter_group_name: "db-postgres17" },
        pass_mysql: { ...without(primary, "parameter_group_name"), engine: "mysql" },
        fail: { ...primary, parameter_group_name: "${aws_db_parameter_group.plain.name}" },
        fail2: without(primary, "parameter_group_name"),
        fail3: { ...primary, parameter_group_name: "somewhere-else" },
      },
      { pg: parameterGroup(TLS_AND_LOGS), plain: parameterGroup([{ name: "rds.force_ssl", value: "0" }], "plain") },
    ),
    pass: [A("pass"), A("replica"), A("pass_literal"), A("pass_mysql")],
    fail: [A("fail"), A("fail2"), A("fail3")],
  },
  {
    rule: "RX-RDS-13",
    title: "parameter group without statement logging warns",
    json: rds(
      { pass: primary, fail: { ...primary, parameter_group_name: "${aws_db_parameter_group.quiet.name}" } },
      { pg: parameterGroup(TLS_AND_LOGS), quiet: parameterGroup([{ name: "rds.force_ssl", value: "1" }], "quiet") },
    ),
    pass: [A("pass")],
    fail: [A("fail")],
  },
  {
    rule: "RX-RDS-21",
    title: "a parameter group that does not log both logins and logouts fails",
    json: rds(
      {
        pass: primary,
        pass_mysql: { ...primary, engine: "mysql", parameter_group_name: "${aws_db_parameter_group.quiet.name}" },
        fail: { ...primary, parameter_group_name: "${aws_db_parameter_group.quiet.name}" },
        fail2: { ...primary, parameter_group_name: "${aws_db_parameter_group.half.name}" },
      },
      {
        pg: parameterGroup(TLS_AND_LOGS),
        quiet: parameterGroup([{ name: "rds.force_ssl", value: "1" }], "quiet"),
        half: parameterGroup(
          [...TLS_AND_LOGS.filter((p) => p.name !== "log_disconnections"), { name: "log_disconnections", value: "0" }],
          "half",
        ),
      },
    ),
    pass: [A("pass"), A("pass_mysql")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-14",
    title: "an old or unpinned CA fails",
    json: rds({
      pass: primary,
      pass_ecc: { ...primary, ca_cert_identifier: "rds-ca-ecc384-g1" },
      fail: { ...primary, ca_cert_identifier: "rds-ca-2019" },
      fail2: without(primary, "ca_cert_identifier"),
    }),
    pass: [A("pass"), A("pass_ecc")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-15",
    title: "primaries keep a final snapshot; replicas may skip it",
    json: rds({
      pass: primary,
      replica,
      fail: { ...primary, skip_final_snapshot: true },
      fail2: without(primary, "final_snapshot_identifier"),
    }),
    pass: [A("pass"), A("replica")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-16",
    title: "well-known master user names fail, whatever the case",
    json: rds({ pass: primary, replica, fail: { ...primary, username: "postgres" }, fail2: { ...primary, username: "Admin" } }),
    pass: [A("pass"), A("replica")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-17",
    title: "PostgreSQL without IAM authentication warns",
    json: rds({
      pass: primary,
      pass_mysql: { ...without(primary, "iam_database_authentication_enabled"), engine: "mysql" },
      fail: { ...primary, iam_database_authentication_enabled: false },
      fail2: without(primary, "iam_database_authentication_enabled"),
    }),
    pass: [A("pass"), A("pass_mysql")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-RDS-18",
    title: "cross-region backup replication without a key fails",
    json: stack({
      aws_db_instance_automated_backups_replication: {
        pass: { source_db_instance_arn: "${aws_db_instance.db.arn}", kms_key_id: KEY, retention_period: 7 },
        fail: { source_db_instance_arn: "${aws_db_instance.db.arn}", retention_period: 7 },
      },
    }),
    pass: ["aws_db_instance_automated_backups_replication.pass"],
    fail: ["aws_db_instance_automated_backups_replication.fail"],
  },
];
