import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { fromTerraformLiteral } from "../lib/terraform-literal";
import { ecsDeployTargets } from "../stacks/ecs-deploy-targets";
import { cellsClusterNameOf, clusterNameOf } from "../lib/naming";
import { PolicyStatement } from "../lib/iam";
import { phaseConfig } from "../phases";
import { ecsDeployStatements } from "../stacks/delivery";
import { DEFAULT_ENGINE, only, policy, resources, stack, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

// Phase 4's layout with cells on Fargate: nothing here reads the tenant registry.
const phase4 = phaseConfig(4);
const account = "123456789012";

describe("ECS deploy targets (the clusters the deploy workflow searches)", () => {
  test("clusterNameOf: the phase's cluster in the primary region, <name>-<key> elsewhere; cellsClusterNameOf likewise for the cells", () => {
    expect(phase4.regions.map((rc) => clusterNameOf(phase4, rc))).toEqual(["restartix-prod", "restartix-prod-us"]);
    expect(phase4.regions.map((rc) => cellsClusterNameOf(phase4.project, rc))).toEqual(["restartix-cells", "restartix-cells-us"]);
  });

  test("the shared tier's cluster (primary region) and each region's cells cluster, fixed names from the phase: no tenant in them", () => {
    const targets = ecsDeployTargets(phase4, { compute: "fargate" });
    expect(targets.map((t) => [t.region, t.clusters])).toEqual([
      ["eu-central-1", ["restartix-prod", "restartix-cells"]],
      ["us-east-1", ["restartix-cells-us"]],
    ]);
    expect(targets[0].shared).toEqual({ cluster: "restartix-prod", services: ["restartix-core-api", "restartix-telemetry-api"] });
    expect(targets[1].cells).toEqual({ cluster: "restartix-cells-us", prefixes: ["restartix-tenant-", "restartix-shard-"] });
  });

  test("App Runner only: nothing to roll on ECS; a move with Fargate as the standby rolls the shared tier's cluster (cells stay on App Runner)", () => {
    expect(ecsDeployTargets(phase4, { compute: "apprunner" })).toEqual([]);
    expect(ecsDeployTargets(phase4, { compute: "apprunner", computeStandby: "fargate" }).map((t) => [t.region, t.clusters])).toEqual([
      ["eu-central-1", ["restartix-prod"]],
    ]);
    // Phase 1: no cells at all.
    expect(ecsDeployTargets(phaseConfig(1), { compute: "fargate" }).map((t) => t.clusters)).toEqual([["restartix-prod"]]);
  });

  test("the clusters are exactly the ones the synthesized phase 4 layout creates for services (compute, gateways)", () => {
    const result = synth({ phase: 4, compute: DEFAULT_ENGINE, quotaCheck: "report" });
    const created = result.stacks
      .filter((s) => s.name === "compute" || s.name.startsWith("gateways"))
      .flatMap((s) => resources(s, "aws_ecs_cluster").map(([, c]) => c.name as string));
    expect(created.sort()).toEqual(
      ecsDeployTargets(phase4, { compute: "fargate" })
        .flatMap((t) => t.clusters)
        .sort(),
    );
  }, 300_000);
});

describe("the deploy role's ECS permissions (issue 20 item 21: no RegisterTaskDefinition on *)", () => {
  const statements = ecsDeployStatements(account, ecsDeployTargets(phase4, { compute: "fargate" }));
  const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s])) as Record<string, PolicyStatement>;
  const list = (v: PolicyStatement["Resource"]) => (typeof v === "string" ? [v] : [...(v ?? [])]);
  const clusterArns = [
    "arn:aws:ecs:eu-central-1:123456789012:cluster/restartix-prod",
    "arn:aws:ecs:eu-central-1:123456789012:cluster/restartix-cells",
    "arn:aws:ecs:us-east-1:123456789012:cluster/restartix-cells-us",
  ];

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

  test("updates exactly those services: the shared tier on its cluster, the cells on their region's cells cluster", () => {
    expect(bySid.RollEcsServices.Action).toEqual("ecs:UpdateService");
    expect(bySid.RollEcsServices.Resource).toEqual([
      "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-core-api",
      "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-telemetry-api",
      "arn:aws:ecs:eu-central-1:123456789012:service/restartix-cells/restartix-tenant-*",
      "arn:aws:ecs:eu-central-1:123456789012:service/restartix-cells/restartix-shard-*",
      "arn:aws:ecs:us-east-1:123456789012:service/restartix-cells-us/restartix-tenant-*",
      "arn:aws:ecs:us-east-1:123456789012:service/restartix-cells-us/restartix-shard-*",
    ]);
  });

  test("discovery: describes the project's clusters, lists services only on them (ListServices has no resource type: ecs:cluster condition), reads their services", () => {
    expect(bySid.FindEcsClusters).toEqual({
      Sid: "FindEcsClusters",
      Effect: "Allow",
      Action: "ecs:DescribeClusters",
      Resource: clusterArns,
    });
    expect(bySid.ListEcsServices).toEqual({
      Sid: "ListEcsServices",
      Effect: "Allow",
      Action: "ecs:ListServices",
      Resource: "*",
      Condition: { ArnEquals: { "ecs:cluster": clusterArns } },
    });
    expect(bySid.ReadEcsServices).toEqual({
      Sid: "ReadEcsServices",
      Effect: "Allow",
      Action: "ecs:DescribeServices",
      Resource: clusterArns.map((a) => `${a.replace(":cluster/", ":service/")}/*`),
    });
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

  test('no write action on Resource "*" (CKV_AWS_111/356); the "*" left are DescribeTaskDefinition (no resource type) and ListServices (no resource type, held to the clusters by ecs:cluster)', () => {
    for (const s of statements) {
      if (!list(s.Resource).includes("*")) continue;
      expect(["ecs:DescribeTaskDefinition", "ecs:ListServices"]).toContain(s.Action);
      if (s.Action === "ecs:ListServices") expect(s.Condition).toEqual({ ArnEquals: { "ecs:cluster": clusterArns } });
    }
  });

  test("it fits a managed policy (6,144 characters without whitespace)", () => {
    expect(JSON.stringify({ Version: "2012-10-17", Statement: statements }).replace(/\s/g, "").length).toBeLessThan(6144);
  });
});

// The issue `npm run tenant -- add` hit: the workflow listed every cell, so adding one changed delivery-github.
describe("adding or removing a tenant changes neither the deploy workflow nor the deploy role", () => {
  const withOneMore = (phaseNumber: 3 | 4): string => {
    const file = path.join(tempDir("rx-deploy-tenants-"), `phase${phaseNumber}.json`);
    const registry = JSON.parse(fs.readFileSync(path.join(ROOT, "phases", "tenants", `phase${phaseNumber}.json`), "utf8")) as Record<
      string,
      unknown
    >[];
    const slot = Math.max(...registry.map((t) => Number(t.slot))) + 1;
    fs.writeFileSync(file, JSON.stringify([...registry, { ...registry[0], id: "org-999", name: "Added clinic", slot }], null, 2));
    return file;
  };

  test.each([3, 4] as const)(
    "phase %i (Fargate): delivery-github and delivery are byte-identical with one more tenant",
    (phaseNumber) => {
      const before = synth({ phase: phaseNumber, compute: DEFAULT_ENGINE, quotaCheck: "report" });
      const after = synth({ phase: phaseNumber, compute: DEFAULT_ENGINE, quotaCheck: "report", tenantsFile: withOneMore(phaseNumber) });
      // The added tenant is in the layout: the comparison is not vacuous.
      expect(after.stacks.map((s) => s.name)).toContain("tenant-org-999");
      for (const name of ["delivery-github", "delivery"])
        expect(JSON.stringify(stack(after, name).json)).toBe(JSON.stringify(stack(before, name).json));
      // And the workflow discovers the services: no cell is named in it.
      const workflow = fromTerraformLiteral(only(stack(after, "delivery-github"), "github_repository_file").content);
      expect(workflow).not.toMatch(/restartix-(tenant|shard)-/);
    },
    600_000,
  );
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
      if (resourcesOf.includes("*"))
        expect(["ecr:GetAuthorizationToken", "ecs:DescribeTaskDefinition", "ecs:ListServices"]).toContain(s.Action);
    }
    // Fargate only: no App Runner permission at all.
    expect(JSON.stringify(doc)).not.toContain("apprunner");
  });

  test("the workflow rolls the primary region's cluster and fails on a rollback", () => {
    const workflow = fromTerraformLiteral(only(stack(result, "delivery-github"), "github_repository_file").content);
    expect(workflow).toContain("for cluster in restartix-prod; do");
    expect(workflow).toContain("aws ecs list-services");
    expect(workflow).toContain("rolled back by the deployment circuit breaker");
    expect(workflow).not.toContain("apprunner");
  });
});
