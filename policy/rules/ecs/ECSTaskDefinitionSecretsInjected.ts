import { Rule } from "../../types";
import { containersOf } from "./containers";

/** Variable names that hold credentials in this project (and commonly elsewhere). */
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|API_KEY|ENCRYPTION_KEY|PRIVATE_KEY|_URL$)/;
/** Plain URLs the services may receive openly. */
const PLAIN_URL = /^(S3_|PUBLIC_|APP_)/;

export const ECSTaskDefinitionSecretsInjected: Rule = {
  id: "RX-ECS-5",
  name: "ECSTaskDefinitionSecretsInjected",
  level: "error",
  title: "ECS container receives a credential as a plain environment variable",
  explanation:
    "Plain environment values are stored in the task definition, readable by anyone who can describe it; credentials come from Secrets Manager through the container's `secrets`.",
  fix: "Move the variable from `environment` to `secrets` (valueFrom = the Secrets Manager secret ARN).",
  mirrors: ["CKV_AWS_249"],
  appliesTo: ["aws_ecs_task_definition"],
  evaluate: (t) => {
    const containers = containersOf(t.config.container_definitions);
    if (containers === undefined) return undefined;
    return containers.flatMap((c) =>
      (c.environment ?? [])
        .filter((e) => SECRET_NAME.test(e.name) && !PLAIN_URL.test(e.name))
        .map((e) => `container ${JSON.stringify(c.name)} sets ${e.name} in environment`),
    );
  },
};
