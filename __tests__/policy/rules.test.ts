import * as fs from "fs";
import * as path from "path";
import { RULES } from "../../policy";
import { apprunnerCases } from "./cases/apprunner";
import { auditCases, auditDeploymentCases } from "./cases/audit";
import { cloudflareCases } from "./cases/cloudflare";
import { cloudwatchCases } from "./cases/cloudwatch";
import { dataLayerCases } from "./cases/data-layer";
import { datalossSecretCases } from "./cases/dataloss-secrets";
import { ecrDynamodbCases } from "./cases/ecr-dynamodb";
import { ecsElbCases } from "./cases/ecs-elb";
import { elasticacheCases } from "./cases/elasticache";
import { githubCases } from "./cases/github";
import { iamCases } from "./cases/iam";
import { networkCases } from "./cases/network";
import { originGuardCases } from "./cases/origin-guard";
import { rdsCases } from "./cases/rds";
import { runtimeCases } from "./cases/runtimes";
import { s3Cases } from "./cases/s3";
import { secretsDeploymentCases, secretsKmsCases } from "./cases/secrets-kms";

const ALL_CASES = [
  ...rdsCases,
  ...elasticacheCases,
  ...s3Cases,
  ...secretsKmsCases,
  ...cloudwatchCases,
  ...ecrDynamodbCases,
  ...iamCases,
  ...networkCases,
  ...apprunnerCases,
  ...ecsElbCases,
  ...cloudflareCases,
  ...githubCases,
  ...datalossSecretCases,
  ...dataLayerCases,
  ...originGuardCases,
  ...auditCases,
  ...runtimeCases,
];

const DEPLOYMENT_CASES = [...auditDeploymentCases, ...secretsDeploymentCases];

// IAM users are non-compliant by existing: the compliant stack is one without them.
const COMPLIANT_BY_ABSENCE = ["RX-IAM-5"];

const RULES_DIR = path.join(__dirname, "..", "..", "policy", "rules");
const ruleFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? ruleFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));

describe("the rule set", () => {
  test("IDs and names are unique", () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
  });

  test("every rule sits in its own file named after it", () => {
    const files = ruleFiles(RULES_DIR).map((f) => path.basename(f, ".ts"));
    for (const rule of RULES) expect(files).toContain(rule.name);
  });

  test.each(RULES.map((r) => [r.id, r] as const))("%s says what, why and how, and names its types", (_, rule) => {
    expect(rule.id).toMatch(/^RX-[A-Z0-9]+-\d+$/);
    expect(["error", "warning"]).toContain(rule.level);
    for (const text of [rule.title, rule.explanation, rule.fix]) expect(text.length).toBeGreaterThan(15);
    expect(rule.appliesTo.length).toBeGreaterThan(0);
    for (const id of rule.mirrors)
      expect(id).toMatch(/^(CKV2?_(AWS|GIT|GHA)_\d+|HIPAA\.Security-\w+|AwsSolutions-\w+|[A-Za-z][A-Za-z0-9]*\.\d+)$/);
  });

  test.each(RULES.map((r) => [r.id] as const))("%s has a non-compliant and a compliant fixture", (id) => {
    // A deployment rule's fixtures are whole deployments: one with findings, one without.
    const deployment = DEPLOYMENT_CASES.filter((c) => c.rule === id);
    if (RULES.find((r) => r.id === id)!.evaluateDeployment) {
      expect(deployment.some((c) => c.fail.length > 0)).toBe(true);
      expect(deployment.some((c) => c.fail.length === 0)).toBe(true);
      return;
    }
    const cases = ALL_CASES.filter((c) => c.rule === id);
    expect(cases.some((c) => c.fail.length > 0)).toBe(true);
    expect(cases.some((c) => c.pass.length > 0) || COMPLIANT_BY_ABSENCE.includes(id)).toBe(true);
  });
});
