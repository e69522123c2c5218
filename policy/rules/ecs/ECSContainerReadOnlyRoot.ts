import { Rule } from "../../types";
import { containersOf } from "./containers";

export const ECSContainerReadOnlyRoot: Rule = {
  id: "RX-ECS-6",
  name: "ECSContainerReadOnlyRoot",
  level: "error",
  title: "ECS container can write to its root filesystem",
  explanation:
    "A writable root filesystem lets an attacker who gets code execution change the container's binaries and configuration; the application writes only to a mounted scratch volume.",
  fix: "Set readonlyRootFilesystem = true on every container and mount the task's ephemeral volume where the process must write (/tmp).",
  mirrors: ["CKV_AWS_336", "ECS.5"],
  appliesTo: ["aws_ecs_task_definition"],
  evaluate: (t) => {
    const containers = containersOf(t.config.container_definitions);
    if (containers === undefined) return undefined;
    return containers
      .filter((c) => c.readonlyRootFilesystem !== true)
      .map((c) => `container ${JSON.stringify(c.name)} has no read-only root filesystem`);
  },
};
