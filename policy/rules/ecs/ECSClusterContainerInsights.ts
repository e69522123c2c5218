import { blocks } from "../../json";
import { Rule } from "../../types";

export const ECSClusterContainerInsights: Rule = {
  id: "RX-ECS-1",
  name: "ECSClusterContainerInsights",
  level: "error",
  title: "ECS cluster has Container Insights off",
  explanation: "Container Insights gives per-task CPU, memory and restarts: without it a failing service is invisible until clinics call.",
  fix: 'Add setting { name = "containerInsights", value = "enabled" } (or "enhanced").',
  mirrors: ["CKV_AWS_65", "ECS.12"],
  appliesTo: ["aws_ecs_cluster"],
  evaluate: (c) =>
    blocks(c.config.setting).some((s) => s.name === "containerInsights" && (s.value === "enabled" || s.value === "enhanced"))
      ? undefined
      : "containerInsights is not enabled",
};
