import * as fs from "fs";
import * as path from "path";
import { INLINE_POLICY_LIMIT, planRolePolicy, policySize, READ_ACTIONS, unmappedTypes } from "../lib/plan-role";
import { deploymentPlanRolePolicy } from "../tools/plan-role";
import { EXAMPLE_VARS } from "./helpers";

// Issue 20 item 14: the plan role allows exactly what a refresh of the stacks reads.
describe("the plan role's policy", () => {
  const { policy, skipped } = deploymentPlanRolePolicy(EXAMPLE_VARS);
  const statement = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!;
  const allActions = policy.Statement.flatMap((s) => s.Action);

  test("every resource and data source type of phases 1-4 has its read calls in the table (synthesized, both engines)", () => {
    // Every phase synthesizes on both engines (Fargate cells since issue 19): none is left out.
    expect(skipped).toEqual([]);
    expect(statement("RefreshConfiguration").Action).toEqual(
      expect.arrayContaining([
        "secretsmanager:GetRandomPassword",
        "sts:GetCallerIdentity",
        "rds:DescribeDBInstances",
        "apprunner:DescribeService",
        "ecs:DescribeServices",
      ]),
    );
  });

  test("a type without an entry fails the policy, naming the type and the fix", () => {
    const stacks = [
      { name: "x", json: { resource: { aws_db_proxy: { p: {} }, aws_vpc: { v: {} } }, data: { aws_availability_zones: { z: {} } } } },
    ];
    expect(unmappedTypes(stacks)).toEqual(["aws_availability_zones", "aws_db_proxy"]);
    expect(() => planRolePolicy(stacks, "state", "123456789012")).toThrow(
      /no READ_ACTIONS entry for aws_availability_zones, aws_db_proxy\. Fix: add the read calls/,
    );
  });

  test("read-only: every action is a read verb, named explicitly (no wildcard)", () => {
    // kms:Decrypt reads a secret value through Secrets Manager only (kms:ViaService, below).
    for (const a of allActions.filter((x) => x !== "kms:Decrypt")) {
      expect(a).toMatch(/^[a-z0-9-]+:(Describe|Get|List|View|Head)[A-Za-z]*$/);
      expect(a).not.toContain("*");
    }
    for (const actions of Object.values(READ_ACTIONS))
      for (const a of actions) expect(a).toMatch(/^[a-z0-9-]+:(Describe|Get|List|View)[A-Za-z]*$/);
  });

  test("secret values and object bodies only where Terraform holds them: never the uploads or the app's other secrets", () => {
    expect(statement("RefreshConfiguration").Action).not.toContain("secretsmanager:GetSecretValue");
    expect(statement("RefreshConfiguration").Action).not.toContain("s3:GetObject");
    const secrets = statement("RefreshManagedSecretValues").Resource as string[];
    expect(secrets).toContain("arn:aws:secretsmanager:*:123456789012:secret:restartix/production/origin-verify-??????");
    expect(secrets).toContain("arn:aws:secretsmanager:*:123456789012:secret:restartix/production/redis/restartix-redis/AUTH_TOKEN-??????");
    expect(secrets.filter((s) => /CLERK|ENCRYPTION_KEY|DAILY_API_KEY|BACKUP_ENCRYPTION_KEY/.test(s))).toEqual([]);
    expect(statement("DecryptManagedSecretValues").Condition).toEqual({
      StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" },
    });
    const objects = statement("RefreshCodeObjects").Resource as string[];
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(o).toMatch(/^arn:aws:s3:::[a-z0-9.-]+\/code\/\*$/);
    expect(objects.join(" ")).not.toMatch(/uploads/);
    expect(statement("ReadStateObjects").Resource).toBe("arn:aws:s3:::restartix-terraform-state-123456789012/*");
  });

  test("fits a role's inline policies (10,240 characters without whitespace)", () => {
    expect(policySize(policy)).toBeLessThan(INLINE_POLICY_LIMIT);
  });

  test("docs/ci.md gives the command that writes and attaches it", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "ci.md"), "utf8");
    expect(doc).toContain("node dist/tools/plan-role.js deployment.tfvars > plan-role-policy.json");
    expect(doc).toContain("aws iam put-role-policy --role-name");
  });
});
