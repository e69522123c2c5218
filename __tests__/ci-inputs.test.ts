// The infrastructure workflows write each job's deployment inputs with tools/ci-inputs.ts: a job of
// one environment must never run on the other's inputs (issue 22, delivery).
import * as fs from "fs";
import * as path from "path";
import { ciEnvironments, ciVariable, writeCiInputs } from "../tools/ci-inputs";
import { EXAMPLE_VARS } from "./helpers";
import { tempDir } from "./temp-dirs";

const dir = tempDir("rx-ci-inputs-");
const file = path.join(dir, "deployment.tfvars");
const example = fs.readFileSync(EXAMPLE_VARS, "utf8");
const withEnvironment = (env: string) => example.replace(/^environment = .*$/m, `environment = "${env}"`);

describe("ciVariable / ciEnvironments: production keeps its names, staging's carry its name", () => {
  test("variables", () => {
    expect(ciVariable("production", "TERRAFORM_TFVARS")).toBe("TERRAFORM_TFVARS");
    expect(ciVariable("staging", "TERRAFORM_TFVARS")).toBe("STAGING_TERRAFORM_TFVARS");
    expect(ciVariable("staging", "AWS_DEPLOY_INFRA_ROLE_ARN")).toBe("STAGING_AWS_DEPLOY_INFRA_ROLE_ARN");
  });

  test("GitHub environments", () => {
    expect(ciEnvironments("production")).toEqual({ approval: "infrastructure", apply: "infrastructure-apply" });
    expect(ciEnvironments("staging")).toEqual({ approval: "infrastructure-staging", apply: "infrastructure-staging-apply" });
  });
});

describe("writeCiInputs", () => {
  test("the example inputs say production (explicitly): written for production's jobs", () => {
    expect(example).toMatch(/^environment = "production"$/m);
    expect(writeCiInputs(example, "production", file)).toBeUndefined();
    expect(fs.readFileSync(file, "utf8")).toBe(example.endsWith("\n") ? example : `${example}\n`);
  });

  test("inputs without the field are production's (its default)", () => {
    const without = example.replace(/^environment = .*\n/m, "");
    expect(writeCiInputs(without, "production", file)).toBeUndefined();
    expect(writeCiInputs(without, "staging", file)).toMatch(
      /^STAGING_TERRAFORM_TFVARS says environment = "production", but this job deploys staging: set environment = "staging" in STAGING_TERRAFORM_TFVARS, or put production's inputs in TERRAFORM_TFVARS$/,
    );
  });

  test("staging's inputs in a production job are refused, naming the variable and the fix", () => {
    expect(writeCiInputs(withEnvironment("staging"), "production", file)).toBe(
      'TERRAFORM_TFVARS says environment = "staging", but this job deploys production: set environment = "production" in TERRAFORM_TFVARS, or put staging\'s inputs in STAGING_TERRAFORM_TFVARS',
    );
    expect(writeCiInputs(withEnvironment("staging"), "staging", file)).toBeUndefined();
  });

  test("an unset variable is named (an empty value is never production's by fallback)", () => {
    for (const empty of [undefined, "", "  \n"])
      expect(writeCiInputs(empty, "staging", file)).toMatch(/^the repository variable STAGING_TERRAFORM_TFVARS is empty or not set/);
  });

  test("unparsable inputs and an unknown environment are refused", () => {
    expect(writeCiInputs("account_id = ", "staging", file)).toMatch(/^STAGING_TERRAFORM_TFVARS: /);
    expect(writeCiInputs(example, "prod", file)).toBe('environment: "prod" is not one of production, staging');
  });
});
