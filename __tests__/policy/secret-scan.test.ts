import { evaluateStack, scanForSecrets } from "../../policy";
import { formatBlocking } from "../../policy/aspect";
import { SAMPLES } from "./cases/dataloss-secrets";

const env = (value: string) => ({ runtime_environment_variables: { VALUE: value } });

describe("secret scan", () => {
  test.each([
    ["AWS access key ID", SAMPLES.awsKeyId],
    ["private key (PEM)", SAMPLES.pem],
    ["live API secret key (sk_live_/rk_live_)", SAMPLES.liveKey],
    ["webhook signing secret (whsec_)", SAMPLES.webhookSecret],
    ["GitHub token", SAMPLES.githubToken],
    ["GitHub token", SAMPLES.githubPat],
    ["Slack webhook URL", SAMPLES.slackWebhook],
    ["connection string with a password", SAMPLES.connection],
    ["password assignment", SAMPLES.assignment],
  ])("finds a %s and names its path", (kind, secret) => {
    expect(scanForSecrets(env(`prefix ${secret} suffix`), "aws_apprunner_service.api")).toEqual([
      { path: "aws_apprunner_service.api.runtime_environment_variables.VALUE", kind },
    ]);
  });

  test("a literal under a credential attribute name is a secret; references, ARNs and booleans are not", () => {
    const hits = scanForSecrets(
      {
        password: "correct-horse",
        master_password: "${random_password.db.result}",
        auth_token: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:x",
        manage_master_user_password: true,
        plaintext_value: "${var.token}",
        nested: [{ api_key: "abcdef123456" }],
      },
      "r.x",
    );
    expect(hits).toEqual([
      { path: "r.x.password", kind: 'literal value of credential attribute "password"' },
      { path: "r.x.nested[0].api_key", kind: 'literal value of credential attribute "api_key"' },
    ]);
  });

  test("clean values pass: references, credential-less URLs, placeholders, cdktf metadata", () => {
    const clean = {
      "//": { metadata: { path: "data/postgres/instance", stackTrace: "password=notascan" } },
      url: "redis://cache.internal:6379",
      dsn: "postgres://app:${aws_db_instance.db.password}@host/app",
      doc: "postgres://user:<password>@host/db",
      kms_key_id: "${aws_kms_key.data.arn}",
      description: "rotate the password by hand",
    };
    expect(scanForSecrets(clean, "r.x")).toEqual([]);
  });

  test("findings and blocking messages name stack, address, path and kind, never the secret", () => {
    const json = { resource: { aws_ssm_parameter: { key: { name: "k", value: SAMPLES.liveKey } } } };
    const [finding] = evaluateStack("compute", json).filter((f) => f.ruleId === "RX-SECRET-1");
    expect(finding).toMatchObject({ level: "error", stack: "compute", address: "aws_ssm_parameter.key", suppressed: false });
    expect(finding.message).toBe("live API secret key (sk_live_/rk_live_) at aws_ssm_parameter.key.value");
    const line = formatBlocking(finding);
    expect(line).toContain('stack "compute"');
    expect(line).not.toContain(SAMPLES.liveKey);
    expect(JSON.stringify(finding)).not.toContain(SAMPLES.liveKey.slice(8));
  });
});
