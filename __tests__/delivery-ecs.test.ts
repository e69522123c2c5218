import { fromTerraformLiteral } from "../lib/terraform-literal";
import { ecsDeployTargets } from "../stacks/ecs-deploy-targets";
import { clusterNameOf } from "../lib/naming";
import { PolicyStatement } from "../lib/iam";
import { phaseConfig } from "../phases";
import { CellSpec } from "../phases/types";
import { ecsDeployStatements } from "../stacks/delivery";
import { only, policy, resources, stack, synth } from "./helpers";

// Phase 4's layout with cells on Fargate: the shards come from the phase, two tenants from a registry.
const phase4 = phaseConfig(4);
const tenant = (id: string, region: string, decommission = false): CellSpec => ({
  id,
  name: id,
  region,
  kind: "tenant",
  decommission,
  instanceClass: "db.t4g.medium",
  allocatedStorageGb: 20,
  maxAllocatedStorageGb: 100,
  service: phase4.regions[0].shards[0].service,
});
const tenants = [tenant("org-101", "eu-central-1"), tenant("org-201", "us-east-1"), tenant("org-gone", "us-east-1", true)];
const account = "123456789012";

describe("ECS deploy targets (the services the deploy workflow rolls)", () => {
  test("clusterNameOf: the phase's cluster in the primary region, <name>-<key> elsewhere", () => {
    expect(phase4.regions.map((rc) => clusterNameOf(phase4, rc))).toEqual(["restartix-prod", "restartix-prod-us"]);
  });

  test("every region's cluster with the shared tier (primary only), every shard and every tenant; not a cell being removed", () => {
    const targets = ecsDeployTargets(phase4, { compute: "fargate" }, tenants);
    expect(targets.map((t) => [t.region, t.cluster])).toEqual([
      ["eu-central-1", "restartix-prod"],
      ["us-east-1", "restartix-prod-us"],
    ]);
    expect(targets[0].services).toEqual(["restartix-core-api", "restartix-telemetry-api", ...phase4.regions[0].shards.map((s) => `restartix-shard-${s.id}`), "restartix-tenant-org-101"]);
    expect(targets[1].services).toEqual([...phase4.regions[1].shards.map((s) => `restartix-shard-${s.id}`), "restartix-tenant-org-201"]);
    expect(targets[1].services).toContain("restartix-shard-us-1");
    expect(targets.flatMap((t) => t.services)).not.toContain("restartix-tenant-org-gone");
  });

  test("App Runner only: nothing to roll on ECS; a move with Fargate as the standby rolls ECS too", () => {
    expect(ecsDeployTargets(phase4, { compute: "apprunner" }, tenants)).toEqual([]);
    expect(ecsDeployTargets(phase4, { compute: "apprunner", computeStandby: "fargate" }, tenants)).toHaveLength(2);
  });
});

describe("the deploy role's ECS permissions (issue 20 item 21: no RegisterTaskDefinition on *)", () => {
  const statements = ecsDeployStatements(account, ecsDeployTargets(phase4, { compute: "fargate" }, tenants));
  const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s])) as Record<string, PolicyStatement>;
  const list = (v: PolicyStatement["Resource"]) => (typeof v === "string" ? [v] : [...(v ?? [])]);

  test("registers revisions of exactly the rolled families, per region: the shared tier's by name, cells by their naming prefix", () => {
    expect(bySid.RegisterTaskDefinitions).toEqual({
      Sid: "RegisterTaskDefinitions",
      Effect: "Allow",
      Action: "ecs:RegisterTaskDefinition",
      Resource: [
        "arn:aws:ecs:eu-central-1:123456789012:task-definition/restartix-core-api:*",
        "arn:aws:ecs:eu-central-1:123456789012:task-definition/restartix-telemetry-api:*",
        "arn:aws:ecs:eu-central-1:123456789012:task-definition/restartix-tenant-*:*",
        "arn:aws:ecs:eu-central-1:123456789012:task-definition/restartix-shard-*:*",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/restartix-tenant-*:*",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/restartix-shard-*:*",
      ],
    });
  });

  test("updates exactly those services on their region's cluster", () => {
    expect(bySid.RollEcsServices.Action).toEqual(["ecs:UpdateService", "ecs:DescribeServices"]);
    expect(bySid.RollEcsServices.Resource).toEqual([
      "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-core-api",
      "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-telemetry-api",
      "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-tenant-*",
      "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-shard-*",
      "arn:aws:ecs:us-east-1:123456789012:service/restartix-prod-us/restartix-tenant-*",
      "arn:aws:ecs:us-east-1:123456789012:service/restartix-prod-us/restartix-shard-*",
    ]);
  });

  test("passes only those services' task and execution roles, to ECS tasks only", () => {
    expect(bySid.PassTaskRoles.Condition).toEqual({ StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
    expect(list(bySid.PassTaskRoles.Resource)).toEqual([
      "arn:aws:iam::123456789012:role/restartix-core-api-instance",
      "arn:aws:iam::123456789012:role/restartix-core-api-execution",
      "arn:aws:iam::123456789012:role/restartix-telemetry-api-instance",
      "arn:aws:iam::123456789012:role/restartix-telemetry-api-execution",
      "arn:aws:iam::123456789012:role/restartix-tenant-*-instance",
      "arn:aws:iam::123456789012:role/restartix-tenant-*-execution",
      "arn:aws:iam::123456789012:role/restartix-shard-*-instance",
      "arn:aws:iam::123456789012:role/restartix-shard-*-execution",
    ]);
  });

  test("no write action on Resource \"*\" (CKV_AWS_111/356); the one \"*\" left is DescribeTaskDefinition, which has no resource type", () => {
    for (const s of statements) {
      if (list(s.Resource).includes("*")) expect(s.Action).toBe("ecs:DescribeTaskDefinition");
    }
  });

  test("the same policy for 2 tenants or 1000, and it fits a managed policy (6,144 characters without whitespace)", () => {
    const many = Array.from({ length: 1000 }, (_, i) => tenant(`t${i}`, i % 2 ? "us-east-1" : "eu-central-1"));
    const big = ecsDeployStatements(account, ecsDeployTargets(phase4, { compute: "fargate" }, many));
    expect(big).toEqual(statements);
    expect(JSON.stringify({ Version: "2012-10-17", Statement: statements }).replace(/\s/g, "").length).toBeLessThan(6144);
  });
});

describe("the Fargate layout's delivery stacks (phase 1)", () => {
  const result = synth({ phase: 1, compute: "fargate" });

  test("the deploy role's policy: scoped ECS statements, RegisterTaskDefinition never on *", () => {
    const delivery = stack(result, "delivery");
    const doc = policy(resources(delivery, "aws_iam_policy")[0][1].policy, delivery);
    const register = doc.Statement.find((s) => s.Sid === "RegisterTaskDefinitions")!;
    expect(register.Resource).toEqual([
      "arn:aws:ecs:eu-central-1:123456789012:task-definition/restartix-core-api:*",
      "arn:aws:ecs:eu-central-1:123456789012:task-definition/restartix-telemetry-api:*",
    ]);
    for (const s of doc.Statement) {
      const resourcesOf = [s.Resource].flat();
      if (resourcesOf.includes("*")) expect(["ecr:GetAuthorizationToken", "ecs:DescribeTaskDefinition"]).toContain(s.Action);
    }
    // Fargate only: no App Runner permission at all.
    expect(JSON.stringify(doc)).not.toContain("apprunner");
  });

  test("the workflow rolls the primary region's cluster and fails on a rollback", () => {
    const workflow = fromTerraformLiteral(only(stack(result, "delivery-github"), "github_repository_file").content);
    expect(workflow).toContain("cluster=restartix-prod\n");
    expect(workflow).toContain("for service in restartix-core-api restartix-telemetry-api; do");
    expect(workflow).toContain("rolled back by the deployment circuit breaker");
    expect(workflow).not.toContain("apprunner");
  });
});
