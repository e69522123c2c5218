import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { addressesOf, applyPolicyPack, POLICY_MODE_CONTEXT, suppress } from "../../policy";
import { tempDir } from "../temp-dirs";

const tmp = () => tempDir("policy-pack-");

function awsStack(app: App, name: string): TerraformStack {
  const stack = new TerraformStack(app, name);
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  return stack;
}

/** A secret without our key and without prevent_destroy: RX-SM-1 and RX-DL-1 errors, RX-SM-2 warning. */
function secretStack(app: App, name = "secrets"): { stack: TerraformStack; secret: SecretsmanagerSecret } {
  const stack = awsStack(app, name);
  const secret = new SecretsmanagerSecret(stack, "api-key", { name: "app/API_KEY" });
  return { stack, secret };
}

/** A compliant key: nothing to report. */
function keyStack(app: App): TerraformStack {
  const stack = awsStack(app, "keys");
  new KmsKey(stack, "key", {
    enableKeyRotation: true,
    policy: JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }],
    }),
    lifecycle: { preventDestroy: true },
  });
  return stack;
}

describe("applyPolicyPack", () => {
  test("enforce mode fails synth naming stack, address, rule ID and fix for every blocking finding", () => {
    const app = new App({ outdir: tmp() });
    keyStack(app);
    secretStack(app);
    applyPolicyPack(app);
    let message = "";
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(
      '[RX-SM-1] stack "secrets", aws_secretsmanager_secret.api-key: Secret is not encrypted with a customer-managed key',
    );
    expect(message).toContain("Fix: Set kms_key_id to the region's customer-managed key");
    expect(message).toContain('[RX-DL-1] stack "secrets", aws_secretsmanager_secret.api-key');
    expect(message).not.toContain("RX-SM-2"); // warnings never fail a synth
    expect(message).not.toContain('stack "keys"');
  });

  test("report mode synthesizes and the run lists every finding", () => {
    const app = new App({ outdir: tmp() });
    secretStack(app);
    const run = applyPolicyPack(app, { mode: "report" });
    app.synth();
    expect(run.mode).toBe("report");
    expect(run.findings.map((f) => [f.ruleId, f.level, f.stack, f.address, f.suppressed]).sort()).toEqual([
      ["RX-DL-1", "error", "secrets", "aws_secretsmanager_secret.api-key", false],
      ["RX-SM-1", "error", "secrets", "aws_secretsmanager_secret.api-key", false],
      ["RX-SM-2", "warning", "secrets", "aws_secretsmanager_secret.api-key", false],
    ]);
    expect(run.blocking.map((f) => f.ruleId).sort()).toEqual(["RX-DL-1", "RX-SM-1"]);
  });

  test("suppressed findings are reported with their reason and do not fail enforce mode", () => {
    const app = new App({ outdir: tmp() });
    const { secret } = secretStack(app);
    suppress(secret, "RX-SM-1", "Fixture: the AWS-managed key is acceptable for this test secret");
    suppress(secret, "RX-DL-1", "Fixture: recreated freely, holds nothing");
    const run = applyPolicyPack(app);
    expect(() => app.synth()).not.toThrow();
    const sm1 = run.findings.find((f) => f.ruleId === "RX-SM-1")!;
    expect(sm1).toMatchObject({
      suppressed: true,
      reason: "Fixture: the AWS-managed key is acceptable for this test secret",
      constructPath: "secrets/api-key",
    });
    expect(run.findings.find((f) => f.ruleId === "RX-SM-2")).toMatchObject({ suppressed: false });
  });

  test("a suppression on a parent construct covers the resources below it, and only those", () => {
    const app = new App({ outdir: tmp() });
    const stack = awsStack(app, "secrets");
    const group = new Construct(stack, "group");
    new SecretsmanagerSecret(group, "inside", { name: "a" });
    new SecretsmanagerSecret(stack, "group-sibling", { name: "b" });
    suppress(group, "RX-SM-2", "Fixture: the group's secrets are rotated by hand");
    const run = applyPolicyPack(app, { mode: "report" });
    app.synth();
    const sm2 = Object.fromEntries(run.findings.filter((f) => f.ruleId === "RX-SM-2").map((f) => [f.address, f.suppressed]));
    const [inside] = addressesOf(group);
    expect(addressesOf(group)).toEqual([expect.stringMatching(/^aws_secretsmanager_secret\.group_inside_[0-9A-F]{8}$/)]);
    expect(sm2).toEqual({ [inside]: true, "aws_secretsmanager_secret.group-sibling": false });
  });

  test("a suppression needs a reason of at least 10 characters and a known rule", () => {
    const app = new App({ outdir: tmp() });
    const { secret } = secretStack(app);
    expect(() => suppress(secret, "RX-SM-1", "by design")).toThrow(
      /suppress\(secrets\/api-key, "RX-SM-1"\): the reason "by design" is too short; say in at least 10 characters why/,
    );
    expect(() => suppress(secret, "RX-SM-1", "          ")).toThrow(/too short/);
    expect(() => suppress(secret, "RX-NOPE-1", "a perfectly good reason")).toThrow(/no rule "RX-NOPE-1" in the policy pack/);
  });

  test("the context key overrides the mode given in code (npm run check relies on it)", () => {
    const app = new App({ outdir: tmp(), context: { [POLICY_MODE_CONTEXT]: "report" } });
    secretStack(app);
    const run = applyPolicyPack(app, { mode: "enforce" });
    expect(() => app.synth()).not.toThrow();
    expect(run.mode).toBe("report");
    expect(run.blocking.length).toBe(2);
  });

  test("stacks created after applyPolicyPack are still checked", () => {
    const app = new App({ outdir: tmp() });
    keyStack(app);
    const run = applyPolicyPack(app);
    secretStack(app, "late");
    expect(() => app.synth()).toThrow(/\[RX-SM-1\] stack "late"/);
    expect(run.findings.some((f) => f.stack === "late")).toBe(true);
  });

  test("applying twice returns the same run; an unknown mode is refused", () => {
    const app = new App({ outdir: tmp() });
    expect(applyPolicyPack(app)).toBe(applyPolicyPack(app, { mode: "report" }));
    expect(() => applyPolicyPack(new App({ outdir: tmp() }), { mode: "audit" as never })).toThrow(
      /mode "audit" is not one of enforce, report/,
    );
  });

  test("with validations skipped the run still evaluates every stack on demand", () => {
    const app = new App({ outdir: tmp(), skipValidation: true });
    secretStack(app);
    const run = applyPolicyPack(app);
    app.synth();
    expect(run.blocking.map((f) => f.ruleId).sort()).toEqual(["RX-DL-1", "RX-SM-1"]);
  });
});
