import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../config/errors";
import { resolveSettings } from "../config/settings";
import { INLINE_POLICY_LIMIT, planRolePolicy, PolicyDocument, policySize, StackJson } from "../lib/plan-role";
import { synthesize } from "./synth";

/**
 * The plan role's policy for a deployment: every stack of phases 1-4 on both engines (a plan of the
 * next phase's upgrade must refresh too; a read-only grant of a type not yet used costs nothing).
 * A layout the configuration refuses (Fargate with an enterprise tier) is left out and named.
 */
export function deploymentPlanRolePolicy(varsFile?: string): { policy: PolicyDocument; skipped: string[] } {
  const stacks: StackJson[] = [];
  const skipped: string[] = [];
  const { deployment } = resolveSettings({ varsFile });
  for (const phase of [1, 2, 3, 4]) {
    for (const compute of ["apprunner", "fargate"]) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rx-plan-role-"));
      try {
        stacks.push(...synthesize({ phase, compute, varsFile }, outdir).stacks);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        skipped.push(`phase ${phase} on ${compute}: ${e.message.split("\n").slice(1).join(" ").trim()}`);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
  }
  const policy = planRolePolicy(stacks, deployment.stateBucket, deployment.accountId);
  if (policySize(policy) > INLINE_POLICY_LIMIT) {
    throw new Error(
      `the plan role's policy is ${policySize(policy)} characters, above IAM's ${INLINE_POLICY_LIMIT} for a role's inline policies. Fix: split RefreshConfiguration into managed policies (6,144 each).`,
    );
  }
  return { policy, skipped };
}

// node dist/tools/plan-role.js [deployment.tfvars] > plan-role-policy.json (docs/ci.md, "The plan role").
if (require.main === module) {
  const { policy, skipped } = deploymentPlanRolePolicy(process.argv[2]);
  for (const s of skipped) process.stderr.write(`left out (not a valid layout): ${s}\n`);
  process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
}
