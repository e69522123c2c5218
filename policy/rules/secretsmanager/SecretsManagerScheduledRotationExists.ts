import { isFalse } from "../../json";
import { DEPLOYMENT, DeploymentVerdict, Rule } from "../../types";
import { rotatedBy } from "./SecretsManagerRotationEnabled";

/**
 * RX-SM-2 accepts a secret's RotatedBy tag as its rotation; this rule holds the tag to its word
 * across the whole deployment: the schedule it names exists in some stack, is enabled and starts
 * an ECS task (the rotation task), so a rotation deleted or renamed cannot leave the secret
 * looking rotated.
 */
export const SecretsManagerScheduledRotationExists: Rule = {
  id: "RX-SM-4",
  name: "SecretsManagerScheduledRotationExists",
  level: "error",
  title: "A secret names a rotation schedule the deployment does not have",
  explanation:
    "A RotatedBy tag exempts a secret from RX-SM-2 (rotation) on the strength of a scheduled rotation task. If that schedule is missing, disabled or starts no task, the secret is never rotated while every report says it is.",
  fix: "Keep the DatabaseRotation that the tag names (modules/db-rotation.ts) in the app and enabled, or remove the tag and rotate the secret another way.",
  mirrors: [],
  appliesTo: [DEPLOYMENT],
  evaluate: () => undefined,
  evaluateDeployment: (stacks) => {
    const schedules = new Map<string, { enabled: boolean; runsTask: boolean }>();
    for (const s of stacks) {
      for (const r of s.resources("aws_scheduler_schedule")) {
        if (typeof r.config.name !== "string") continue;
        const target = Array.isArray(r.config.target) ? r.config.target[0] : r.config.target;
        schedules.set(r.config.name, {
          enabled: r.config.state !== "DISABLED" && !isFalse(r.config.state),
          runsTask: target?.ecs_parameters !== undefined,
        });
      }
    }
    const out: DeploymentVerdict[] = [];
    for (const s of stacks) {
      for (const secret of s.resources("aws_secretsmanager_secret")) {
        const name = rotatedBy(secret.config.tags);
        if (name === undefined) continue;
        const schedule = schedules.get(name);
        const problem = !schedule
          ? `its RotatedBy tag names schedule ${name}, which no stack of the deployment has`
          : !schedule.enabled
            ? `its rotation schedule ${name} is disabled`
            : !schedule.runsTask
              ? `its rotation schedule ${name} starts no ECS task`
              : undefined;
        if (problem) out.push({ stack: s.stackName, address: secret.address, message: problem });
      }
    }
    return out;
  },
};
