import { RuleCase, stack } from "../harness";

/** The shapes modules/log-group-sweeper.ts and modules/canary.ts synthesize. */
const fn = { function_name: "restartix-log-group-sweeper-eu", handler: "index.handler", runtime: "nodejs22.x" };
const canary = { name: "restartix-core", handler: "health.handler", runtime_version: "syn-nodejs-puppeteer-15.0" };

export const runtimeCases: RuleCase[] = [
  {
    rule: "RX-LAMBDA-1",
    title: "a Lambda runtime past its create-block date, or missing from the table, is refused",
    json: stack({
      aws_lambda_function: {
        pass: fn,
        pass_image: { function_name: "img", package_type: "Image", image_uri: "x" },
        pass_reference: { ...fn, runtime: "${var.runtime}" },
        fail_nodejs20: { ...fn, runtime: "nodejs20.x" },
        fail_unknown: { ...fn, runtime: "nodejs12.x" },
        // Open at AWS, refused at plan by the pinned provider (5.100.0).
        fail_nodejs24: { ...fn, runtime: "nodejs24.x" },
      },
    }),
    pass: ["aws_lambda_function.pass", "aws_lambda_function.pass_image", "aws_lambda_function.pass_reference"],
    fail: ["aws_lambda_function.fail_nodejs20", "aws_lambda_function.fail_unknown", "aws_lambda_function.fail_nodejs24"],
  },
  {
    rule: "RX-SYN-2",
    title: "a Synthetics runtime past its deprecation date, or missing from the table, is refused",
    json: stack({
      aws_synthetics_canary: {
        pass: canary,
        fail_node20: { ...canary, runtime_version: "syn-nodejs-puppeteer-9.1" },
        fail_node18: { ...canary, runtime_version: "syn-nodejs-puppeteer-7.0" },
        fail_unknown: { ...canary, runtime_version: "syn-nodejs-puppeteer-3.9" },
      },
    }),
    pass: ["aws_synthetics_canary.pass"],
    fail: ["aws_synthetics_canary.fail_node20", "aws_synthetics_canary.fail_node18", "aws_synthetics_canary.fail_unknown"],
  },
];
