import { Rule } from "../../types";
import { runtimeProblem, today } from "../lambda/runtime-dates";

export const SyntheticsRuntimeSupported: Rule = {
  id: "RX-SYN-2",
  name: "SyntheticsRuntimeSupported",
  level: "error",
  title: "Synthetics canary uses a deprecated runtime version",
  explanation:
    "AWS does not create canaries with a deprecated runtime version, and deprecates one as soon as any of its components (the Lambda Node.js runtime under it) is unsupported: the health canaries, and with them the unhealthy-service alarms, would be missing from a new region or tenant. The dates live in policy/rules/lambda/runtime-dates.json, with their sources.",
  fix: "Set healthProbe.canaryRuntime (phases/*.ts) to a runtime version the table lists as open (syn-nodejs-puppeteer-15.0), or add AWS's newer version to runtime-dates.json with its source.",
  mirrors: [],
  appliesTo: ["aws_synthetics_canary"],
  evaluate: (c) => runtimeProblem("synthetics", c.config.runtime_version, today()),
};
