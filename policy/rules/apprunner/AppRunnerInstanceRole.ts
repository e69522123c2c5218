import { block, isSet } from "../../json";
import { Rule } from "../../types";

export const AppRunnerInstanceRole: Rule = {
  id: "RX-AR-3",
  name: "AppRunnerInstanceRole",
  level: "error",
  title: "App Runner service has no instance role",
  explanation:
    "Without its own role the application has no AWS identity: it cannot read its secrets from Secrets Manager, and credentials end up in environment variables.",
  fix: "Set instance_configuration.instance_role_arn to a role trusted by tasks.apprunner.amazonaws.com with only the service's permissions.",
  mirrors: [],
  appliesTo: ["aws_apprunner_service"],
  evaluate: (svc) =>
    isSet(block(svc.config.instance_configuration).instance_role_arn) ? undefined : "instance_configuration.instance_role_arn is not set",
};
