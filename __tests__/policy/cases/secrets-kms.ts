import { KEY, RuleCase, stack } from "../harness";

const secret = { name: "app/API_KEY", kms_key_id: KEY, recovery_window_in_days: 30, lifecycle: { prevent_destroy: true } };
const S = (name: string) => `aws_secretsmanager_secret.${name}`;
const R = (name: string) => `aws_secretsmanager_secret_rotation.${name}`;

const statement = (principal: unknown, sid = "Root") => ({ Sid: sid, Effect: "Allow", Principal: principal, Action: "kms:*", Resource: "*" });
const keyPolicy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const key = { description: "data", enable_key_rotation: true, deletion_window_in_days: 30, policy: keyPolicy(statement({ AWS: "arn:aws:iam::123456789012:root" })), lifecycle: { prevent_destroy: true } };
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
    title: "a rotation by reference or by name passes; none warns",
    json: stack({
      aws_secretsmanager_secret: { pass: secret, pass_by_name: { ...secret, name: "app/DB_PASSWORD" }, fail: secret },
      aws_secretsmanager_secret_rotation: {
        pass: { secret_id: "${aws_secretsmanager_secret.pass.id}", rotation_lambda_arn: "${aws_lambda_function.rotate.arn}", rotation_rules: { automatically_after_days: 30 } },
        by_name: { secret_id: "app/DB_PASSWORD", rotation_rules: { automatically_after_days: 30 } },
      },
    }),
    pass: [S("pass"), S("pass_by_name")],
    fail: [S("fail")],
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
      aws_kms_key: { pass: key, fail: { ...key, policy: keyPolicy(statement("*", "Everyone")) }, fail2: { ...key, policy: keyPolicy(statement({ AWS: ["*"] }, "AnyAccount")) } },
      aws_kms_key_policy: { pass: { key_id: "${aws_kms_key.pass.id}", policy: key.policy }, fail: { key_id: "${aws_kms_key.pass.id}", policy: keyPolicy(statement("*")) } },
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
    json: stack({ aws_kms_key: { pass: key, pass_default: { ...key, deletion_window_in_days: undefined }, fail: { ...key, deletion_window_in_days: 7 } } }),
    pass: [K("pass"), K("pass_default")],
    fail: [K("fail")],
  },
];
