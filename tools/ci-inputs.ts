import * as fs from "fs";
import { DEFAULT_ENVIRONMENT, Environment, ENVIRONMENTS, loadInputs } from "../config/deployment";

/**
 * The infrastructure workflows' per-environment settings: production keeps the names it has had
 * since the first deploy (TERRAFORM_TFVARS, AWS_PLAN_ROLE_ARN, ...); every other environment's
 * carry its name as a prefix (STAGING_TERRAFORM_TFVARS, ...), so a missing staging value is an
 * empty value and an error, never production's value by accident. deploy.yml, pr.yml and drift.yml
 * name them explicitly; the tests check those names against this rule.
 */
export function ciVariable(environment: Environment, name: string): string {
  return environment === "production" ? name : `${environment.toUpperCase()}_${name}`;
}

/** GitHub environments of the infrastructure deploy: the approval's and the apply jobs'. */
export function ciEnvironments(environment: Environment): { approval: string; apply: string } {
  // Production's are the ones its repositories have had since the first deploy.
  return environment === "production"
    ? { approval: "infrastructure", apply: "infrastructure-apply" }
    : { approval: `infrastructure-${environment}`, apply: `infrastructure-${environment}-apply` };
}

/**
 * Writes a CI job's deployment inputs (the text of the environment's TERRAFORM_TFVARS variable) to
 * FILE and checks they are that environment's: a job of the staging deploy given production's
 * inputs (or the reverse) would plan one environment's stacks with the other's account, state and
 * hostnames. Returns the problem, or undefined when the file was written and says the environment.
 */
export function writeCiInputs(text: string | undefined, expected: string, file: string): string | undefined {
  if (!(ENVIRONMENTS as readonly string[]).includes(expected)) return `environment: "${expected}" is not one of ${ENVIRONMENTS.join(", ")}`;
  const environment = expected as Environment;
  const variable = ciVariable(environment, "TERRAFORM_TFVARS");
  if (text === undefined || text.trim() === "") {
    return `the repository variable ${variable} is empty or not set: set it to ${environment}'s deployment.tfvars (no secrets in it; docs/staging-delivery.md)`;
  }
  fs.writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
  let found: unknown;
  try {
    found = loadInputs(file).values.environment ?? DEFAULT_ENVIRONMENT;
  } catch (e) {
    return `${variable}: ${(e as Error).message.replace(/\s*\n\s*/g, " ")}`;
  }
  if (found !== environment) {
    return `${variable} says environment = ${JSON.stringify(found)}, but this job deploys ${environment}: set environment = "${environment}" in ${variable}, or put ${found}'s inputs in ${ciVariable(found as Environment, "TERRAFORM_TFVARS")}`;
  }
  return undefined;
}

/** node dist/tools/ci-inputs.js ENVIRONMENT [FILE]: TFVARS from the environment to FILE (deployment.tfvars). */
if (require.main === module) {
  const [expected, file = "deployment.tfvars"] = process.argv.slice(2);
  if (!expected) {
    process.stderr.write("usage: TFVARS=... node dist/tools/ci-inputs.js production|staging [FILE]\n");
    process.exit(2);
  }
  const problem = writeCiInputs(process.env.TFVARS, expected, file);
  if (problem) {
    process.stderr.write(`::error::${problem}\n`);
    process.exit(1);
  }
  process.stdout.write(`${file}: the deployment inputs of ${expected}\n`);
}
