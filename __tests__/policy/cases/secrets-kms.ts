import { DeploymentCase, KEY, RuleCase, stack } from "../harness";

const secret = { name: "app/API_KEY", kms_key_id: KEY, recovery_window_in_days: 30, lifecycle: { prevent_destroy: true } };
const S = (name: string) => `aws_secretsmanager_secret.${name}`;
const R = (name: string) => `aws_secretsmanager_secret_rotation.${name}`;

const statement = (principal: unknown, sid = "Root") => ({
  Sid: sid,
  Effect: "Allow",
  Principal: principal,
  Action: "kms:*",
  Resource: "*",
});
const keyPolicy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const key = {
  description: "data",
  enable_key_rotation: true,
  deletion_window_in_days: 30,
  policy: keyPolicy(statement({ AWS: "arn:aws:iam::123456789012:root" })),
  lifecycle: { prevent_destroy: true },
};
const K = (name: string) => `aws_kms_key.${name}`;

export const secretsKmsCases: RuleCase[] = [
  {
    rule: "RX-SM-1",
    title: "our key on the secret and on each replica; none or aws/secretsmanager fails",
    json: stack({
      aws_secretsmanager_secret: {
        pass: secret,
        pass_replicated: { ...secret, replica: [{ region: "us-east-1", kms_key_id: "${aws_kms_key.us.arn}" }] },
        fail: { ...secret, kms_key_id: undefined },
        fail2: { ...secret, kms_key_id: "alias/aws/secretsmanager" },
        fail3: { ...secret, replica: [{ region: "us-east-1" }] },
      },
    }),
    pass: [S("pass"), S("pass_replicated")],
    fail: [S("fail"), S("fail2"), S("fail3")],
  },
  {
    rule: "RX-SM-2",
    title: "a rotation by reference or by name, or a RotatedBy tag naming a schedule, passes; none (or an empty tag) warns",
    json: stack({
      aws_secretsmanager_secret: {
        pass: secret,
        pass_by_name: { ...secret, name: "app/DB_PASSWORD" },
        pass_scheduled: { ...secret, name: "app/DATABASE_URL", tags: { Name: "app/DATABASE_URL", RotatedBy: "restartix-db-rotation" } },
        fail: secret,
        fail_empty_tag: { ...secret, tags: { RotatedBy: " " } },
        fail_other_tag: { ...secret, tags: { Rotation: "monthly, by hand" } },
      },
      aws_secretsmanager_secret_rotation: {
        pass: {
          secret_id: "${aws_secretsmanager_secret.pass.id}",
          rotation_lambda_arn: "${aws_lambda_function.rotate.arn}",
          rotation_rules: { automatically_after_days: 30 },
        },
        by_name: { secret_id: "app/DB_PASSWORD", rotation_rules: { automatically_after_days: 30 } },
      },
    }),
    pass: [S("pass"), S("pass_by_name"), S("pass_scheduled")],
    fail: [S("fail"), S("fail_empty_tag"), S("fail_other_tag")],
  },
  {
    rule: "RX-SM-3",
    title: "rotation every 90 days or a schedule passes; longer or unset warns",
    json: stack({
      aws_secretsmanager_secret_rotation: {
        pass: { secret_id: "x", rotation_rules: { automatically_after_days: 90 } },
        pass_schedule: { secret_id: "x", rotation_rules: { schedule_expression: "rate(30 days)" } },
        fail: { secret_id: "x", rotation_rules: { automatically_after_days: 365 } },
        fail2: { secret_id: "x", rotation_rules: {} },
      },
    }),
    pass: [R("pass"), R("pass_schedule")],
    fail: [R("fail"), R("fail2")],
  },
  {
    rule: "RX-KMS-1",
    title: "symmetric keys rotate; asymmetric keys are exempt",
    json: stack({
      aws_kms_key: {
        pass: key,
        pass_asymmetric: { ...key, enable_key_rotation: undefined, customer_master_key_spec: "RSA_2048" },
        fail: { ...key, enable_key_rotation: false },
        fail2: { ...key, enable_key_rotation: undefined },
      },
    }),
    pass: [K("pass"), K("pass_asymmetric")],
    fail: [K("fail"), K("fail2")],
  },
  {
    rule: "RX-KMS-2",
    title: 'an Allow for "*" in the key policy fails (aws_kms_key and aws_kms_key_policy)',
    json: stack({
      aws_kms_key: {
        pass: key,
        fail: { ...key, policy: keyPolicy(statement("*", "Everyone")) },
        fail2: { ...key, policy: keyPolicy(statement({ AWS: ["*"] }, "AnyAccount")) },
      },
      aws_kms_key_policy: {
        pass: { key_id: "${aws_kms_key.pass.id}", policy: key.policy },
        fail: { key_id: "${aws_kms_key.pass.id}", policy: keyPolicy(statement("*")) },
      },
    }),
    pass: [K("pass"), "aws_kms_key_policy.pass"],
    fail: [K("fail"), K("fail2"), "aws_kms_key_policy.fail"],
  },
  {
    rule: "RX-KMS-3",
    title: "a policy on the key or an aws_kms_key_policy for it; neither warns",
    json: stack({
      aws_kms_key: { pass: key, pass_separate: { ...key, policy: undefined }, fail: { ...key, policy: undefined } },
      aws_kms_key_policy: { separate: { key_id: "${aws_kms_key.pass_separate.id}", policy: key.policy } },
    }),
    pass: [K("pass"), K("pass_separate")],
    fail: [K("fail")],
  },
  {
    rule: "RX-KMS-4",
    title: "a deletion window under 30 days warns; the default is 30",
    json: stack({
      aws_kms_key: {
        pass: key,
        pass_default: { ...key, deletion_window_in_days: undefined },
        fail: { ...key, deletion_window_in_days: 7 },
      },
    }),
    pass: [K("pass"), K("pass_default")],
    fail: [K("fail")],
  },
];

// RX-SM-4 holds a RotatedBy tag to its word across stacks: the shared database's secrets live in
// the data stack, the schedule that rotates them in the backups stack.
const urlSecret = (rotatedBy: string) => ({ ...secret, name: "app/DATABASE_URL", tags: { RotatedBy: rotatedBy } });
const rotationSchedule = (name: string, extra: object = {}) => ({
  name,
  schedule_expression: "cron(30 4 1 * ? *)",
  target: {
    arn: "${aws_ecs_cluster.cluster.arn}",
    role_arn: "x",
    ecs_parameters: { task_definition_arn: "${aws_ecs_task_definition.task.arn_without_revision}" },
  },
  ...extra,
});
const dataStack = (tags: Record<string, string>) => ({
  resource: { aws_secretsmanager_secret: Object.fromEntries(Object.entries(tags).map(([id, by]) => [id, urlSecret(by)])) },
});

export const secretsDeploymentCases: DeploymentCase[] = [
  {
    rule: "RX-SM-4",
    title: "every RotatedBy tag names an enabled schedule that starts a task, in its own or another stack",
    stacks: {
      data: dataStack({ core: "restartix-db-rotation" }),
      backups: { resource: { aws_scheduler_schedule: { rotation: rotationSchedule("restartix-db-rotation") } } },
      "tenant-org-101": {
        resource: {
          aws_secretsmanager_secret: { own: urlSecret("restartix-tenant-org-101-db-rotation"), untagged: secret },
          aws_scheduler_schedule: { rotation: rotationSchedule("restartix-tenant-org-101-db-rotation", { state: "ENABLED" }) },
        },
      },
    },
    fail: [],
  },
  {
    rule: "RX-SM-4",
    title: "a tag naming a missing, disabled or task-less schedule is an error",
    stacks: {
      data: dataStack({ missing: "restartix-db-rotation", disabled: "restartix-off-db-rotation", lambda: "restartix-lambda-db-rotation" }),
      backups: {
        resource: {
          aws_scheduler_schedule: {
            off: rotationSchedule("restartix-off-db-rotation", { state: "DISABLED" }),
            lambda: { ...rotationSchedule("restartix-lambda-db-rotation"), target: { arn: "${aws_lambda_function.f.arn}", role_arn: "x" } },
          },
        },
      },
    },
    fail: ["data: aws_secretsmanager_secret.missing", "data: aws_secretsmanager_secret.disabled", "data: aws_secretsmanager_secret.lambda"],
  },
];
