import { CI_PLANS_KEY_ALIAS, CI_ROLE_TAG, stateLogBucketName } from "../stacks/bootstrap";
import { only, policy, resources, stack, synth } from "./helpers";

/**
 * The bootstrap stack: the state bucket (state holds the Redis AUTH token and the origin header
 * value) with its access recorded (issue 20 item 20, CKV_AWS_18), and the key CI encrypts saved
 * plans with (item 5).
 */
const bootstrap = stack(synth({ phase: 1 }), "bootstrap");
const bucketId = (prefix: string) => resources(bootstrap, "aws_s3_bucket").find(([id]) => id.startsWith(`${prefix}_bucket_`))![0];

describe("state bucket access is recorded (CKV_AWS_18)", () => {
  test("server access logs of the state bucket go to a log bucket of this stack, under s3/<state bucket>/", () => {
    const [, logging] = resources(bootstrap, "aws_s3_bucket_logging")[0];
    expect(resources(bootstrap, "aws_s3_bucket_logging")).toHaveLength(1);
    expect(logging.bucket).toBe(`\${aws_s3_bucket.${bucketId("state")}.id}`);
    expect(logging.target_bucket).toBe(`\${aws_s3_bucket.${bucketId("state-access-logs")}.bucket}`);
    expect(logging.target_prefix).toBe("s3/restartix-terraform-state-123456789012/");
    // Delivery needs the target's policy first (same stack).
    expect(logging.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.state-access-logs_/)]);
  });

  test("the log bucket is <state bucket>-logs, SSE-S3 (log delivery cannot write SSE-KMS), admits only this account's log delivery", () => {
    const [, logBucket] = resources(bootstrap, "aws_s3_bucket").find(([id]) => id === bucketId("state-access-logs"))!;
    expect(logBucket.bucket).toBe("restartix-terraform-state-123456789012-logs");
    const sse = resources(bootstrap, "aws_s3_bucket_server_side_encryption_configuration").find(([id]) =>
      id.startsWith("state-access-logs_"),
    )![1];
    expect(JSON.stringify(sse)).toContain('"sse_algorithm":"AES256"');
    const bucketPolicy = resources(bootstrap, "aws_s3_bucket_policy").find(([id]) => id.startsWith("state-access-logs_"))![1];
    const delivery = policy(bucketPolicy.policy, bootstrap).Statement.find((s) => s.Sid === "S3ServerAccessLogDelivery")!;
    expect(delivery).toMatchObject({
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
  });

  test("a state bucket name too long for the log bucket's: one error naming the field, the value and the fix", () => {
    const long = "restartix-terraform-state-123456789012-with-a-longer-suffx";
    expect(long.length).toBe(58);
    expect(stateLogBucketName(long)).toHaveLength(63);
    expect(() => stateLogBucketName(`${long}x`)).toThrow(
      /^state_bucket: "restartix-terraform-state-123456789012-with-a-longer-suffxx" is 59 characters; .*Fix: a state_bucket of at most 58 characters$/,
    );
  });
});

describe("the key saved plans are encrypted with (ci-plans)", () => {
  const key = only(bootstrap, "aws_kms_key");
  const statements = policy(key.policy, bootstrap).Statement;
  const USE = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:*", "kms:CreateGrant"];

  test("rotated, protected, aliased, its ARN an output for the repository variable", () => {
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(only(bootstrap, "aws_kms_alias")).toMatchObject({
      name: CI_PLANS_KEY_ALIAS,
      target_key_id: expect.stringMatching(/^\$\{aws_kms_key\.ci-plans-key\.key_id\}$/),
    });
    expect(bootstrap.json.output?.plan_kms_key_arn).toMatchObject({ value: "${aws_kms_key.ci-plans-key.arn}" });
  });

  test("the plan role (tag plan) may only generate data keys, the apply role (tag apply) only decrypt; nobody else uses it", () => {
    const users = statements.filter((s) => [s.Action].flat().some((a: string) => USE.includes(a)));
    expect(users).toEqual([
      expect.objectContaining({
        Sid: "PlanRoleEncrypts",
        Action: "kms:GenerateDataKey",
        Condition: { StringEquals: { [`aws:PrincipalTag/${CI_ROLE_TAG}`]: "plan" } },
      }),
      expect.objectContaining({
        Sid: "ApplyRoleDecrypts",
        Action: "kms:Decrypt",
        Condition: { StringEquals: { [`aws:PrincipalTag/${CI_ROLE_TAG}`]: "apply" } },
      }),
    ]);
    const admin = statements.find((s) => s.Sid === "AccountAdministers")!;
    expect(admin.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:root" });
    expect([admin.Action].flat()).not.toContain("kms:*");
    expect([admin.Action].flat().filter((a: string) => /Encrypt|Decrypt|GenerateDataKey/.test(a))).toEqual([]);
  });

  test("the workflows and .ci/tf-stacks use it through PLAN_KMS_KEY_ARN", () => {
    expect((bootstrap.json.output?.plan_kms_key_arn as { description?: string }).description).toMatch(/PLAN_KMS_KEY_ARN/);
  });
});
