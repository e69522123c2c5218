import { containerEnvironment } from "../lib/container-environment";
import { suppressionsOf } from "../policy/suppress";
import { SynthStack } from "../tools/synth";
import { phaseConfig } from "../phases";
import { loadInputs } from "../config/deployment";
import { Issues } from "../config/errors";
import { validateDeployment, validatePhase } from "../config/validate";
import { EXAMPLE_VARS, json, policy, resources, stack, synth, varsWith } from "./helpers";

/**
 * The monthly database credential rotation (modules/db-rotation.ts) in the synthesized JSON: one
 * per login of every database of every phase, on the schedule of the phase config, with a role
 * that can do exactly its job, a security group that reaches only its database, and a failure
 * alarm; the DATABASE_URL secrets declare it and lose their RX-SM-2 suppression.
 */
const phases = [1, 2, 3, 4] as const;
const results = Object.fromEntries(phases.map((p) => [p, synth({ phase: p })]));
const p1 = results[1];
const backups = stack(p1, "backups");

const schedule = (s: SynthStack, name: string) => {
  const found = resources(s, "aws_scheduler_schedule").filter(([, r]) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one schedule ${name} in ${s.name}, found ${found.length}`);
  return found[0][1];
};
const role = (s: SynthStack, name: string) => {
  const [, p] = resources(s, "aws_iam_policy").find(([, r]) => r.name === name) ?? [];
  if (!p) throw new Error(`no policy ${name} in ${s.name}`);
  return policy(p.policy, s).Statement;
};
const containerOf = (s: SynthStack, family: string) => {
  const [, t] = resources(s, "aws_ecs_task_definition").find(([, r]) => r.family === family) ?? [];
  if (!t) throw new Error(`no task definition ${family} in ${s.name}`);
  return json(t.container_definitions)[0];
};
const env = (c: { environment: { name: string; value: string }[] }) => Object.fromEntries(c.environment.map((e) => [e.name, e.value]));

describe("the shared database's rotations (backups stack)", () => {
  test.each(["restartix-db-rotation", "restartix-backup-db-rotation"])(
    "%s runs monthly, 1st 04:30 Berlin, encrypted, on the rotation script",
    (name) => {
      const s = schedule(backups, name);
      expect(s.schedule_expression).toBe("cron(30 4 1 * ? *)");
      expect(s.schedule_expression_timezone).toBe("Europe/Berlin");
      expect(s.kms_key_arn).toMatch(/kms|key/i);
      expect(s.target.ecs_parameters.network_configuration.assign_public_ip).toBe(false);
      const c = containerOf(backups, name);
      expect(c.name).toBe("rotate-db-credentials");
      expect(c.entryPoint).toEqual(["/bin/sh", "/usr/local/bin/rotate-db-credentials.sh"]);
      expect(c.image).toMatch(/backup-job.*:src-[0-9a-f]{12}$/);
      expect(c.readonlyRootFilesystem).toBe(true);
      // Nothing injected: the script reads (and writes) the secrets with its task role.
      expect(c.secrets).toEqual([]);
      expect(env(c).MASTER_CREDENTIALS_ARN).toMatch(/master_user_secret/);
    },
  );

  test("the services' rotation rewrites both services' DATABASE_URL and redeploys exactly those App Runner services", () => {
    const e = env(containerOf(backups, "restartix-db-rotation"));
    expect(e.DATABASE_URL_ARNS.split(" ")).toEqual([
      expect.stringMatching(/core-secrets_DATABASE_URL/),
      expect.stringMatching(/telemetry-secrets_DATABASE_URL/),
    ]);
    expect(e.APPRUNNER_SERVICE_ARNS.split(" ")).toEqual([
      expect.stringMatching(/apprunner_service.*core/),
      expect.stringMatching(/apprunner_service.*telemetry/),
    ]);
    // Unused lists are left out, not "": ECS drops empty values and the provider would replace the
    // task definition on every plan (terraform-provider-aws#39533); the script reads unset as none.
    expect("ECS_SERVICE_ARNS" in e).toBe(false);
    const b = env(containerOf(backups, "restartix-backup-db-rotation"));
    expect(b.DATABASE_URL_ARNS).toMatch(/backup-secrets_DATABASE_URL/);
    expect("APPRUNNER_SERVICE_ARNS" in b).toBe(false);
    expect("ECS_SERVICE_ARNS" in b).toBe(false);
  });

  test("the task role reads the master and URL secrets, writes only the URL secrets, uses the key through Secrets Manager, redeploys only its services", () => {
    const st = role(backups, "restartix-db-rotation-task");
    expect(st.map((x) => x.Sid)).toEqual(["ReadCredentials", "WriteDatabaseUrl", "SecretsKey", "RedeployAppRunner"]);
    const [read, write, key, deploy] = st;
    expect(read.Action).toBe("secretsmanager:GetSecretValue");
    expect(read.Resource).toEqual([
      expect.stringMatching(/master_user_secret/),
      expect.stringMatching(/core-secrets_DATABASE_URL/),
      expect.stringMatching(/telemetry-secrets_DATABASE_URL/),
    ]);
    expect(write.Action).toBe("secretsmanager:PutSecretValue");
    expect(write.Resource).toEqual([
      expect.stringMatching(/core-secrets_DATABASE_URL/),
      expect.stringMatching(/telemetry-secrets_DATABASE_URL/),
    ]);
    expect(key.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(key.Condition).toEqual({
      StringEquals: {
        "kms:ViaService": "secretsmanager.eu-central-1.amazonaws.com",
      },
    });
    // Start the deployment, then read its operation until it finished.
    expect(deploy.Action).toEqual(["apprunner:StartDeployment", "apprunner:ListOperations"]);
    expect(deploy.Resource).toEqual([
      expect.stringMatching(/apprunner_service.*core/),
      expect.stringMatching(/apprunner_service.*telemetry/),
    ]);
    for (const x of st) expect(JSON.stringify(x.Resource)).not.toContain("*");

    const backupRole = role(backups, "restartix-backup-db-rotation-task");
    expect(backupRole.map((x) => x.Sid)).toEqual(["ReadCredentials", "WriteDatabaseUrl", "SecretsKey"]);
    expect(backupRole[1].Resource).toEqual(expect.stringMatching(/backup-secrets_DATABASE_URL/));
  });

  test("its execution role has no secret access (nothing is injected)", () => {
    const names = resources(backups, "aws_iam_policy").map(([, r]) => r.name);
    expect(names).not.toContain("restartix-db-rotation-execution");
    const attached = resources(backups, "aws_iam_role_policy_attachment").map(([, r]) => r.policy_arn);
    expect(attached.filter((a) => a === "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy").length).toBe(3);
  });

  test("each rotation's group reaches the shared database and HTTPS only, and the database admits it", () => {
    const sgs = Object.fromEntries(resources(backups, "aws_security_group").map(([id, r]) => [r.name, id]));
    expect(Object.keys(sgs).sort()).toEqual(["restartix-backup-db-rotation", "restartix-db-rotation"]);
    for (const id of Object.values(sgs)) {
      const out = resources(backups, "aws_vpc_security_group_egress_rule")
        .filter(([, r]) => r.security_group_id === `\${aws_security_group.${id}.id}`)
        .map(([, r]) => r);
      expect(out.map((r) => [r.from_port, r.to_port, r.cidr_ipv4 ?? "group"]).sort()).toEqual([
        [443, 443, "0.0.0.0/0"],
        [5432, 5432, "group"],
      ]);
      expect(out.find((r) => r.from_port === 5432)!.referenced_security_group_id).toMatch(/rds-sg/);
      const ingress = resources(backups, "aws_vpc_security_group_ingress_rule")
        .filter(([, r]) => r.referenced_security_group_id === `\${aws_security_group.${id}.id}`)
        .map(([, r]) => r);
      expect(ingress).toHaveLength(1);
      expect(ingress[0]).toMatchObject({
        from_port: 5432,
        to_port: 5432,
        ip_protocol: "tcp",
      });
      expect(ingress[0].security_group_id).toMatch(/rds-sg/);
    }
  });

  test("a failed or unstarted run alarms on restartix-alerts", () => {
    const rule = resources(backups, "aws_cloudwatch_event_rule").find(([, r]) => r.name === "restartix-db-rotation-failed")![1];
    const pattern = json(rule.event_pattern);
    expect(pattern.detail.$or).toEqual([
      {
        containers: {
          name: ["rotate-db-credentials"],
          exitCode: [{ "anything-but": 0 }],
        },
      },
      { stopCode: ["TaskFailedToStart"] },
    ]);
    expect(pattern.detail.clusterArn[0]).toMatch(/aws_ecs_cluster\.db-rotation/);
    const target = resources(backups, "aws_cloudwatch_event_target").find(([, r]) => r.rule.includes("db-rotation_failed-rule"))![1];
    expect(target.arn).toMatch(/alert|topic/i);
    expect(target.input_transformer.input_template).toContain("credential rotation");
    const alarm = resources(backups, "aws_cloudwatch_metric_alarm").find(
      ([, r]) => r.alarm_name === "restartix-db-rotation-not-started",
    )![1];
    expect(alarm.alarm_actions[0]).toMatch(/alert|topic/i);
  });

  test("the daily pg_dump keeps the addresses it had before scheduledTask() was shared with the rotation", () => {
    const ids = Object.values(backups.json.resource ?? {})
      .flatMap((r) => Object.keys(r as object))
      .filter((id) => id.startsWith("job_"));
    expect(ids.sort()).toEqual(
      [
        "job_failed-rule_BA695E6A",
        "job_failed-alert_7061ABCE",
        "job_logs_6A3C6436",
        "job_age-alarm_A00242A7",
        "job_dlq-alarm_2C979D84",
        "job_cluster_6FD69692",
        "job_task_A4F4EB3D",
        "job_execution-role_policy_B17E4418",
        "job_scheduler-role_policy_F6702C0F",
        "job_task-role_policy_F4CC2A9C",
        "job_execution-role_82570E7B",
        "job_scheduler-role_B02462EB",
        "job_task-role_7B343F1B",
        "job_execution-role_attach_4031311B",
        "job_execution-role_managed-0_62B13594",
        "job_scheduler-role_attach_3A1D41B3",
        "job_task-role_attach_CA69F55F",
        "job_schedule_62ECE4F1",
        "job_dlq_1BA1981F",
      ].sort(),
    );
  });
});

describe("tenants and shards", () => {
  test.each([3, 4] as const)("phase %i: every cell rotates its own database login and redeploys its own service", (phase) => {
    const cells = results[phase].stacks.filter((s) => /^(tenant|shard)-/.test(s.name));
    expect(cells.length).toBeGreaterThan(0);
    for (const s of cells) {
      const base = `restartix-${s.name}`;
      const name = `${base}-db-rotation`;
      expect(schedule(s, name).schedule_expression).toBe("cron(30 4 1 * ? *)");
      const e = env(containerOf(s, name));
      expect(e.DATABASE_URL_ARNS).toMatch(/^\$\{aws_secretsmanager_secret\.secrets_DATABASE_URL_[0-9A-F]{8}\.arn\}$/);
      expect(e.APPRUNNER_SERVICE_ARNS).toMatch(/^\$\{aws_apprunner_service\.service_/);
      expect(e.MASTER_CREDENTIALS_ARN).toMatch(
        /^\$\{aws_db_instance\.postgres_instance_[0-9A-F]{8}\.master_user_secret\[0\]\.secret_arn\}$/,
      );
      const st = role(s, `${name}-task`);
      expect(st.find((x) => x.Sid === "WriteDatabaseUrl")!.Resource).toBe(e.DATABASE_URL_ARNS);
      expect(st.find((x) => x.Sid === "RedeployAppRunner")!.Resource).toBe(e.APPRUNNER_SERVICE_ARNS);
      const ingress = resources(s, "aws_vpc_security_group_ingress_rule").filter(([id]) =>
        id.startsWith("db-rotation_in-postgres-from-rotation"),
      );
      expect(ingress).toHaveLength(1);
      expect(ingress[0][1].security_group_id).toMatch(/^\$\{aws_security_group\.db-sg_[0-9A-F]{8}\.id\}$/);
      const tagged = resources(s, "aws_secretsmanager_secret").filter(([, r]) => r.tags?.RotatedBy);
      expect(tagged.map(([, r]) => [r.name.replace(/.*\//, ""), r.tags.RotatedBy])).toEqual([["DATABASE_URL", name]]);
    }
  });
});

describe("every database of every phase", () => {
  test.each(phases)(
    "phase %i: each primary database has a rotation, each DATABASE_URL names an existing schedule and carries no RX-SM-2 suppression",
    (phase) => {
      const r = results[phase];
      const schedules = new Set(r.stacks.flatMap((s) => resources(s, "aws_scheduler_schedule").map(([, x]) => x.name)));
      const databases = r.stacks.flatMap((s) =>
        resources(s, "aws_db_instance")
          .filter(([, x]) => !x.replicate_source_db)
          .map(([, x]) => x.identifier as string),
      );
      for (const id of databases) expect(schedules).toContain(id === "restartix-prod" ? "restartix-db-rotation" : `${id}-db-rotation`);
      expect(schedules).toContain("restartix-backup-db-rotation");
      const urls = r.stacks.flatMap((s) =>
        resources(s, "aws_secretsmanager_secret")
          .filter(([, x]) => x.name.endsWith("/DATABASE_URL"))
          .map(([, x]) => x),
      );
      expect(urls.length).toBe(databases.length + 2); // the shared database has three: core, telemetry, backup
      for (const u of urls) expect(schedules).toContain(u.tags.RotatedBy);

      const stacks = [r.built.primary.data, ...r.built.cells];
      const sm2 = stacks.flatMap((s) =>
        suppressionsOf(s)
          .filter((x) => x.ruleId === "RX-SM-2")
          .map((x) => x.path!),
      );
      expect(sm2.filter((p) => p.endsWith("/DATABASE_URL"))).toEqual([]);
      expect(sm2).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/core-secrets\/CLERK_SECRET_KEY$/),
          expect.stringMatching(/backup-secrets\/BACKUP_ENCRYPTION_KEY$/),
        ]),
      );
    },
  );
});

describe("no empty environment value in any task definition (ECS drops them: a replacement on every plan)", () => {
  test.each(phases)("phase %i, App Runner and Fargate: every container environment value is set", (phase) => {
    for (const r of [results[phase], ...(phase === 1 ? [synth({ phase: 1, varsFile: varsWith({ compute: '"fargate"' }) })] : [])]) {
      const empty = r.stacks.flatMap((s) =>
        resources(s, "aws_ecs_task_definition").flatMap(([, t]) =>
          (json(t.container_definitions) as { name: string; environment?: { name: string; value: string }[] }[]).flatMap((c) =>
            (c.environment ?? []).filter((e) => e.value === "").map((e) => `${s.name} ${t.family} ${c.name} ${e.name}`),
          ),
        ),
      );
      expect(empty).toEqual([]);
    }
  });

  test("the constructs refuse an empty value with the variable's name and the fix", () => {
    expect(() =>
      containerEnvironment("task definition restartix-db-rotation", { AWS_REGION: "eu-central-1", ECS_SERVICE_ARNS: "" }),
    ).toThrow(
      'task definition restartix-db-rotation: environment ECS_SERVICE_ARNS is "" (empty); ECS drops empty values and Terraform would then replace the task definition on every plan. Leave the variable out instead (an unset variable reads as empty).',
    );
    expect(containerEnvironment("x", { A: "1" })).toEqual([{ name: "A", value: "1" }]);
  });
});

describe("the Fargate engine", () => {
  test("the services' rotation forces a new deployment of the ECS services instead", () => {
    const r = synth({ phase: 1, varsFile: varsWith({ compute: '"fargate"' }), compute: "fargate" });
    const b = stack(r, "backups");
    const e = env(containerOf(b, "restartix-db-rotation"));
    // Never an empty variable: ECS drops it and the provider plans a replacement forever.
    expect(e.APPRUNNER_SERVICE_ARNS).toBeUndefined();
    expect(e.ECS_SERVICE_ARNS.split(" ")).toHaveLength(2);
    const st = role(b, "restartix-db-rotation-task");
    expect(st.map((x) => x.Sid)).toEqual(["ReadCredentials", "WriteDatabaseUrl", "SecretsKey", "RedeployEcs"]);
    expect(st[3].Action).toEqual(["ecs:UpdateService", "ecs:DescribeServices"]);
    expect(st[3].Resource).toEqual(e.ECS_SERVICE_ARNS.split(" "));
  });
});

describe("credentialRotation validation", () => {
  const deployment = () => validateDeployment({ ...loadInputs(EXAMPLE_VARS).values }, EXAMPLE_VARS, new Issues());
  const issues = (credentialRotation: { schedule: string; scheduleTimezone: string }) => {
    const found = new Issues();
    validatePhase({ ...phaseConfig(1), credentialRotation }, deployment(), found);
    return found.all.filter((x) => x.field.includes("credentialRotation"));
  };
  test("the phase config's schedule is valid", () => expect(issues(phaseConfig(1).credentialRotation)).toEqual([]));
  test.each([
    ["cron(30 4 1 * *)", /6 fields/],
    ["rate(30 days)", /recurring cron/],
    ["at(2027-01-01T04:30:00)", /recurring cron/],
  ])("schedule %s is refused", (schedule, message) => {
    const found = issues({ schedule, scheduleTimezone: "Europe/Berlin" });
    expect(found.map((x) => x.field)).toEqual(["phase1.credentialRotation.schedule"]);
    expect(JSON.stringify(found[0])).toMatch(message);
  });
  test("a time zone abbreviation is refused", () => {
    expect(issues({ schedule: "cron(30 4 1 * ? *)", scheduleTimezone: "CET" }).map((x) => x.field)).toEqual([
      "phase1.credentialRotation.scheduleTimezone",
    ]);
  });
});
