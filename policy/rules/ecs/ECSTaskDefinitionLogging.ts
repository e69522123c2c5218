import { Rule } from "../../types";
import { containersOf } from "./containers";

export const ECSTaskDefinitionLogging: Rule = {
  id: "RX-ECS-4",
  name: "ECSTaskDefinitionLogging",
  level: "error",
  title: "ECS container has no log configuration",
  explanation: "A container without a log driver loses its output: no trace of errors, no audit of what the service did.",
  fix: 'Give every container logConfiguration { logDriver = "awslogs", options = { awslogs-group = <a log group with retention and KMS> } }.',
  mirrors: ["CKV_AWS_97", "ECS.9"],
  appliesTo: ["aws_ecs_task_definition"],
  evaluate: (t) => {
    const containers = containersOf(t.config.container_definitions);
    if (containers === undefined) return undefined;
    return containers
      .filter((c) => !c.logConfiguration?.logDriver)
      .map((c) => `container ${JSON.stringify(c.name)} has no logConfiguration`);
  },
};
