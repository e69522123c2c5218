import { Rule } from "../../types";
import { runtimeProblem, today } from "./runtime-dates";

export const LambdaRuntimeSupported: Rule = {
  id: "RX-LAMBDA-1",
  name: "LambdaRuntimeSupported",
  level: "error",
  title: "Lambda function uses a runtime AWS no longer lets anyone create",
  explanation:
    "From a runtime's create-block date AWS refuses CreateFunction with it (InvalidParameterValueException), so the stack fails on a first deploy, in a new region or for a new tenant, and from its update-block date every code or configuration change fails too. The dates live in one table, policy/rules/lambda/runtime-dates.json, with their sources.",
  fix: "Move the function to a runtime the table lists as open (nodejs22.x until 2027-05-31; nodejs24.x once the AWS provider is 6.x), check its code on that runtime, or, when AWS published new dates, update runtime-dates.json with its source.",
  mirrors: ["CKV_AWS_363", "Lambda.2"],
  appliesTo: ["aws_lambda_function"],
  // Container-image functions carry no runtime.
  evaluate: (r) => (r.config.package_type === "Image" ? undefined : runtimeProblem("lambda", r.config.runtime, today())),
};
