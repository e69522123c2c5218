import { Rule } from "../../types";
import { containersOf } from "./containers";

export const ECSContainerEnvironmentNotEmpty: Rule = {
  id: "RX-ECS-8",
  name: "ECSContainerEnvironmentNotEmpty",
  level: "error",
  title: "ECS container sets an environment variable to an empty value",
  explanation:
    'ECS drops environment entries whose value is "" when it stores a task definition; the AWS provider (5.x) then reads back a different list and plans a replacement of the task definition on every plan, so drift never clears and every deploy makes a new revision (hashicorp/terraform-provider-aws#39533).',
  fix: "Leave the variable out of `environment` when it has no value (the program reads an unset variable as empty); lib/container-environment.ts refuses empty values at construction.",
  mirrors: [],
  appliesTo: ["aws_ecs_task_definition"],
  evaluate: (t) => {
    const containers = containersOf(t.config.container_definitions);
    if (containers === undefined) return undefined;
    return containers.flatMap((c) =>
      (c.environment ?? [])
        .filter((e) => e.value === undefined || e.value === null || e.value === "")
        .map((e) => `container ${JSON.stringify(c.name)} sets ${e.name} to ""`),
    );
  },
};
