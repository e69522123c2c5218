import { rememberBackendsDuringSynth, restoreBackendLookup } from "./backend-lookup";
import { resolveExpressionArgsOnce, restoreExpressionArgs } from "./expression-args";
import { disableTokenStackTraces } from "./fast-tokens";
import { resolvePlainValuesFast, restoreCdktfResolve } from "./fast-resolve";
import { restoreCdktfResolution, reusePreparedResolution } from "./prepared-resolution";
import { runVersionChecksOnce } from "./version-checks";

/**
 * The app's changes to cdktf's runtime, for speed only (docs/decisions.md, "Synth speed"): no
 * stack trace per token, each terraform version check once, the preparing resolution kept, plain
 * values resolved without cdktf's per-value machinery, each stack's backend looked up once per
 * synth, each argument of a Terraform expression resolved once. Called by every path that builds stacks (buildStacks) and by the synth tools; installing
 * twice changes nothing. Each has its own switch for debugging (RESTARTIX_TOKEN_TRACES=1,
 * RESTARTIX_PREPARED_RESOLUTION=0, RESTARTIX_FAST_RESOLVE=0, RESTARTIX_BACKEND_MEMO=0,
 * RESTARTIX_EXPRESSION_MEMO=0; RESTARTIX_VERSION_CACHE=0 keeps the version check off the disk).
 */
export function tuneCdktfRuntime(env: NodeJS.ProcessEnv = process.env): void {
  disableTokenStackTraces(env);
  runVersionChecksOnce();
  reusePreparedResolution(env);
  resolvePlainValuesFast(env);
  rememberBackendsDuringSynth(env);
  resolveExpressionArgsOnce(env);
}

/** The switches that turn off every change that touches what a synth writes (the byte comparison's "cdktf's own" side). */
export const CDKTF_OWN_RESOLUTION: Readonly<Record<string, string>> = {
  RESTARTIX_PREPARED_RESOLUTION: "0",
  RESTARTIX_FAST_RESOLVE: "0",
  RESTARTIX_BACKEND_MEMO: "0",
  RESTARTIX_EXPRESSION_MEMO: "0",
};

/** cdktf's own resolution back, every change above that could touch what a synth writes undone (tests compare both ways). */
export function restoreCdktfRuntime(): void {
  restoreCdktfResolution();
  restoreCdktfResolve();
  restoreBackendLookup();
  restoreExpressionArgs();
}
