import { Rule } from "../../types";
import { containersOf } from "./containers";

const ROOT_USERS = new Set(["root", "0", "0:0", "root:root"]);

export const ECSContainerNonRoot: Rule = {
  id: "RX-ECS-7",
  name: "ECSContainerNonRoot",
  level: "error",
  title: "ECS container runs as root, privileged, or with Linux capabilities",
  explanation:
    "A process running as root with the default capabilities can take over its container (and try the host): run as a non-root user, never privileged, with every capability dropped, so it cannot escalate (Fargate has no no-new-privileges flag; no capabilities is the equivalent).",
  fix: 'Set user = "<uid>:<gid>" (not root), privileged = false and linuxParameters { capabilities { drop = ["ALL"] } } on every container.',
  mirrors: ["ECS.4"],
  appliesTo: ["aws_ecs_task_definition"],
  evaluate: (t) => {
    const containers = containersOf(t.config.container_definitions);
    if (containers === undefined) return undefined;
    const out: string[] = [];
    for (const c of containers) {
      const name = JSON.stringify(c.name);
      if (c.user === undefined || ROOT_USERS.has(String(c.user)))
        out.push(`container ${name} runs as ${c.user === undefined ? "the image's user (root unless the image says otherwise)" : "root"}`);
      if (c.privileged === true) out.push(`container ${name} is privileged`);
      if (!(c.linuxParameters?.capabilities?.drop ?? []).includes("ALL"))
        out.push(`container ${name} keeps its Linux capabilities (drop ALL)`);
    }
    return out;
  },
};
