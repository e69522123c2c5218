import { blocking, evaluateStack } from "../../policy";

const json = {
  resource: {
    aws_ecr_repository: {
      core: {
        "//": { metadata: { path: "registry/core/repository", uniqueId: "core" } },
        name: "core",
        image_tag_mutability: "MUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "KMS" }],
        lifecycle: { prevent_destroy: true },
      },
    },
    aws_ecr_lifecycle_policy: { core: { repository: "${aws_ecr_repository.core.name}", policy: "{}" } },
  },
};

describe("evaluateStack (pure, no cdktf app)", () => {
  test("reports findings with stack, address, level and construct path", () => {
    expect(evaluateStack("registry", json)).toEqual([
      {
        ruleId: "RX-ECR-4",
        level: "warning",
        stack: "registry",
        address: "aws_ecr_repository.core",
        message: 'image_tag_mutability is "MUTABLE"',
        suppressed: false,
        constructPath: "registry/core/repository",
      },
    ]);
  });

  test("suppressions match by address or by construct path prefix, for their rule only", () => {
    const reason = "Fixture: deploys follow the latest tag";
    for (const s of [{ address: "aws_ecr_repository.core" }, { path: "registry/core" }, { path: "registry/core/repository" }]) {
      expect(evaluateStack("registry", json, [{ ruleId: "RX-ECR-4", reason, ...s }])[0]).toMatchObject({ suppressed: true, reason });
    }
    for (const s of [
      { ruleId: "RX-ECR-1", address: "aws_ecr_repository.core" },
      { ruleId: "RX-ECR-4", path: "registry/co" },
    ]) {
      expect(evaluateStack("registry", json, [{ reason, ...s }])[0]).toMatchObject({ suppressed: false });
    }
  });

  test("blocking keeps unsuppressed errors only", () => {
    const broken = {
      resource: { aws_ecr_repository: { core: { ...json.resource.aws_ecr_repository.core, image_scanning_configuration: undefined } } },
    };
    const findings = evaluateStack("registry", broken, [
      { ruleId: "RX-ECR-3", reason: "Fixture: lifecycle lives elsewhere", address: "aws_ecr_repository.core" },
    ]);
    expect(findings.map((f) => [f.ruleId, f.suppressed]).sort()).toEqual([
      ["RX-ECR-1", false],
      ["RX-ECR-3", true],
      ["RX-ECR-4", false],
    ]);
    expect(blocking(findings).map((f) => f.ruleId)).toEqual(["RX-ECR-1"]);
  });
});
