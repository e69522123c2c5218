import { block, isSet, isTrue } from "../../json";
import { Rule } from "../../types";

export const AppRunnerObservability: Rule = {
  id: "RX-AR-5",
  name: "AppRunnerObservability",
  level: "error",
  title: "App Runner service has observability (tracing) off",
  explanation:
    "Without X-Ray tracing a slow or failing request cannot be followed through the service and its calls to the database and third parties.",
  fix: "Set observability_configuration { observability_enabled = true, observability_configuration_arn = <an aws_apprunner_observability_configuration> }.",
  mirrors: [],
  appliesTo: ["aws_apprunner_service"],
  evaluate: (svc) => {
    const o = block(svc.config.observability_configuration);
    if (!isTrue(o.observability_enabled)) return "observability_enabled is not true";
    return isSet(o.observability_configuration_arn) ? undefined : "observability_configuration_arn is not set";
  },
};
