import * as path from "path";
import { SynthStack } from "../synth";
import { deployWaves } from "../waves";
import { splitByEnforcement } from "./gaps";
import { deletionProtectedAddresses, liftProtections, preventDestroyAddresses } from "./scratch";
import { destroyCount, errorsOf, rewriteConfig, Terraform } from "./terraform";
import { Context, DestroyRun } from "./types";
import { append, firstError } from "./stack-steps";

// The rehearsal's destroy: reverse waves, what prevent_destroy and deletion protection blocked, an empty state after.

/** Applied stacks in reverse deploy waves: every consumer's wave comes before its producers'. */
export function destroyWaves(names: readonly string[], stacks: readonly SynthStack[]): string[][] {
  const deps = new Map<string, Set<string>>();
  for (const s of stacks) deps.set(s.name, new Set([...(deps.get(s.name) ?? []), ...s.dependencies]));
  const nodes = [...deps].map(([name, d]) => ({ name, dependencies: [...d].filter((x) => deps.has(x)) }));
  const wanted = new Set(names);
  return deployWaves(nodes, { includeManual: true })
    .map((w) => w.map((s) => s.name).filter((n) => wanted.has(n)))
    .filter((w) => w.length > 0)
    .reverse();
}

const PREVENT = /Resource (\S+) has lifecycle\.prevent_destroy set/g;

/** Tears one stack down, proving on the way that its protections refuse (exported for its tests). */
export async function destroyStack(
  name: string,
  tf: Terraform,
  json: any,
  ctx: Pick<Context, "logDir" | "log" | "gaps">,
): Promise<DestroyRun> {
  const { logDir, log } = ctx;
  const started = Date.now();
  const file = path.join(logDir, `destroy-${name}.log`);
  // Only what is in state can be protected (a stack whose apply failed holds part of its resources).
  const inState = new Set(await managedInState(tf, file));
  const preventDestroyExpected = preventDestroyAddresses(json).filter((a) => inState.has(a));
  const { enforced: deletionProtectionExpected, unenforced: deletionProtectionUnenforced } = splitByEnforcement(
    deletionProtectedAddresses(json).filter((a) => inState.has(a)),
    ctx.gaps,
  );
  const base = { stack: name, log: file, preventDestroyExpected, deletionProtectionExpected, deletionProtectionUnenforced };
  let preventDestroyBlocked: string[] = [];
  const deletionProtectionBlocked: { address: string; error: string }[] = [];
  const notEmpty: { address: string; error: string }[] = [];
  let destroyedCount = 0;
  const result = (ok: boolean, error?: string): DestroyRun => {
    const seconds = (Date.now() - started) / 1000;
    if (ok) {
      log(
        `  ok   ${name.padEnd(18)} prevent_destroy stopped ${preventDestroyBlocked.length}/${preventDestroyExpected.length}, deletion protection ${deletionProtectionBlocked.length}/${deletionProtectionExpected.length}` +
          `${deletionProtectionUnenforced.length ? ` (${deletionProtectionUnenforced.length} not enforced by the emulator: ${[...new Set(deletionProtectionUnenforced.map((u) => u.gap))].join(", ")})` : ""}` +
          `${notEmpty.length ? `, ${notEmpty.length} bucket(s) not empty` : ""}; lifted in the scratch copy, ${destroyedCount} destroyed (${seconds.toFixed(0)} s)`,
      );
    } else log(`  FAIL ${name}: ${error?.split("\n")[0]} (log: ${file})`);
    return { ...base, ok, error, preventDestroyBlocked, deletionProtectionBlocked, notEmpty, destroyed: destroyedCount, seconds };
  };
  if (inState.size === 0) return result(true);

  // 1. The configuration as deployed: prevent_destroy must stop the plan for each guarded resource.
  //    Terraform reports a guarded resource only once its dependants are planned away, so the ones
  //    it names are lifted (scratch copy only) and the plan repeated until it names no more.
  for (let round = 1; preventDestroyExpected.length > 0; round++) {
    rewriteConfig(tf.dir, liftProtections(json, { deletionProtection: false, preventDestroyOn: preventDestroyBlocked }));
    const plan = await tf.plan(["-destroy", "-refresh=false"]);
    append(
      file,
      `terraform plan -destroy (prevent_destroy lifted on ${preventDestroyBlocked.length}), ${plan.seconds.toFixed(0)} s`,
      plan.out,
    );
    const named = [...new Set([...plan.out.replace(/\s+/g, " ").matchAll(PREVENT)].map((m) => m[1]))].filter(
      (a) => !preventDestroyBlocked.includes(a),
    );
    const otherErrors = errorsOf(plan.out).filter((e) => !e.startsWith("Error: Instance cannot be destroyed"));
    if (otherErrors.length) return result(false, `destroy plan failed: ${otherErrors[0]}`);
    if (plan.code !== 1 || named.length === 0 || round > 10) break;
    preventDestroyBlocked = [...preventDestroyBlocked, ...named].sort();
  }
  const missed = preventDestroyExpected.filter((a) => !preventDestroyBlocked.includes(a));
  if (missed.length) return result(false, `prevent_destroy did not stop the destroy of ${missed.join(", ")}`);

  // 2. prevent_destroy lifted (scratch copy only): deletion protection must make the delete calls
  //    fail; S3 refuses to delete a bucket that holds objects (force_destroy is false). Terraform
  //    deletes dependants first and stops a branch at the first refusal, so a protected resource
  //    whose dependants are protected too (the primary database under its read replicas) is only
  //    reached once they are gone: each round lifts the protection of those that refused (scratch
  //    copy only, applied to them alone) and destroys again, until no new protection refuses.
  for (let round = 1; ; round++) {
    const lifted = deletionProtectionBlocked.map((b) => b.address);
    rewriteConfig(
      tf.dir,
      liftProtections(json, { deletionProtection: lifted.length > 0, deletionProtectionOn: lifted, forceDestroy: false }),
    );
    const newlyLifted = lifted.filter((a) => inState.has(a));
    if (newlyLifted.length) {
      const off = await tf.applyTargets(newlyLifted);
      append(file, `terraform apply -target (deletion protection off on ${newlyLifted.join(", ")}), ${off.seconds.toFixed(0)} s`, off.out);
      if (off.code !== 0) return result(false, `lifting deletion protection: ${firstError(off.out)}`);
    }
    const run = await tf.destroy();
    append(file, `terraform destroy (prevent_destroy lifted, round ${round}), ${run.seconds.toFixed(0)} s`, run.out);
    destroyedCount += countDestroyed(run.out);
    // terraform names the object, not the address, in a failed delete: "deleting RDS DB Instance
    // (restartix-prod): ... Cannot delete protected DB Instance". Each error is matched to the
    // resource still in state whose configuration holds that id.
    const left = await managedInState(tf, file);
    inState.clear();
    for (const a of left) inState.add(a);
    const unexpected: string[] = [];
    const blockedBefore = deletionProtectionBlocked.length;
    for (const block of errorsOf(run.out)) {
      const error = block.split("\n")[0].slice(0, 600);
      const id = /^Error: deleting [^(]*\(([^)]+)\)/.exec(block)?.[1];
      const address = /with (\S+?),/.exec(block)?.[1] ?? (id ? addressOfFailedDelete(json, left, block, id) : undefined) ?? "";
      const unenforcedGap = deletionProtectionUnenforced.find((u) => u.address === address)?.gap;
      if (deletionProtectionExpected.includes(address) && /protect/i.test(block)) {
        if (!deletionProtectionBlocked.some((b) => b.address === address)) deletionProtectionBlocked.push({ address, error });
      } else if (unenforcedGap && /protect/i.test(block)) {
        unexpected.push(
          `${address}: the emulator now enforces this deletion protection; remove the gap "${unenforcedGap}" from tools/rehearse/emulator/emulator-gaps.json (${error})`,
        );
      } else if (address.startsWith("aws_s3_bucket.") && /BucketNotEmpty/.test(block)) {
        if (!notEmpty.some((b) => b.address === address)) notEmpty.push({ address, error });
      } else unexpected.push(`${address || "?"}: ${error}`);
    }
    if (unexpected.length) return result(false, `destroy failed: ${unexpected[0]}`);
    if (run.code === 0 || deletionProtectionBlocked.length === blockedBefore) break;
    if (round >= 10) return result(false, `destroy: deletion protection still refusing after ${round} rounds`);
  }
  const notStopped = deletionProtectionExpected.filter((a) => !deletionProtectionBlocked.some((b) => b.address === a));
  const deletedAnyway = notStopped.filter((a) => !inState.has(a));
  if (deletedAnyway.length)
    return result(false, `deletion protection did not stop the delete of ${deletedAnyway.join(", ")} in the emulator`);
  if (notStopped.length)
    return result(false, `the destroy never reached ${notStopped.join(", ")} (still in state; see the log for what blocked it)`);
  if (inState.size === 0) return verifyEmpty(tf, file).then((e) => result(!e, e));

  // 3. Everything lifted (scratch copy only): deletion protection off and force_destroy on for the
  //    resources that refused, applied to them alone, then the destroy.
  rewriteConfig(tf.dir, liftProtections(json, { deletionProtection: true, forceDestroy: true }));
  const targets = [...deletionProtectionBlocked, ...notEmpty].map((b) => b.address).filter((a) => inState.has(a));
  if (targets.length === 0)
    return result(false, `destroy: ${[...inState].join(", ")} left in state, refused by nothing the rehearsal lifts (see the log)`);
  const off = await tf.applyTargets(targets);
  append(file, `terraform apply -target (deletion protection off, force_destroy on), ${off.seconds.toFixed(0)} s`, off.out);
  if (off.code !== 0) return result(false, `lifting deletion protection: ${firstError(off.out)}`);
  const third = await tf.destroy();
  append(file, `terraform destroy (all protections lifted), ${third.seconds.toFixed(0)} s`, third.out);
  destroyedCount += countDestroyed(third.out);
  if (third.code !== 0) return result(false, `destroy: ${firstError(third.out)}`);
  return verifyEmpty(tf, file).then((e) => result(!e, e));
}

function countDestroyed(out: string): number {
  const complete = destroyCount(out);
  if (complete) return complete;
  return [...out.matchAll(/: Destruction complete after/g)].length;
}

/** The nouns the provider's delete errors use ("deleting RDS DB Instance (x)"), with their types. */
const DELETE_ERROR_TYPES: readonly (readonly [RegExp, readonly string[]])[] = [
  [/^Error: deleting RDS DB Instance/, ["aws_db_instance"]],
  [/^Error: deleting RDS Cluster/, ["aws_rds_cluster"]],
  [/^Error: deleting ELBv2 Load Balancer/, ["aws_lb", "aws_alb"]],
  [/^Error: deleting DynamoDB Table/, ["aws_dynamodb_table"]],
  [/^Error: deleting S3 Bucket/, ["aws_s3_bucket"]],
];

/**
 * The resource a failed delete names by its id: destroy errors carry no `with <address>` line. Ids
 * are not unique across types (the database and its subnet group are both `restartix-prod`), so a
 * resource of the type the error names wins.
 */
function addressOfFailedDelete(json: any, inState: readonly string[], error: string, id: string): string | undefined {
  const candidates = inState.filter((a) => configHolds(json, a, id));
  const types = DELETE_ERROR_TYPES.find(([re]) => re.test(error))?.[1] ?? [];
  return candidates.find((a) => types.includes(a.slice(0, a.indexOf(".")))) ?? candidates[0];
}

/** Whether the resource's configuration has `id` as the value of a top-level attribute (its name, bucket, identifier). */
function configHolds(json: any, address: string, id: string): boolean {
  const dot = address.indexOf(".");
  const config = json.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)] ?? {};
  return Object.values(config).some((v) => v === id);
}

async function managedInState(tf: Terraform, file: string): Promise<string[]> {
  const list = await tf.stateList();
  append(file, `terraform state list, ${list.seconds.toFixed(0)} s`, list.out);
  if (list.code !== 0) return [];
  return list.out
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("data."));
}

async function verifyEmpty(tf: Terraform, file: string): Promise<string | undefined> {
  const left = await managedInState(tf, file);
  return left.length ? `resources left in state after destroy: ${left.join(", ")}` : undefined;
}
