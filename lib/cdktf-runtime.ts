import { disableTokenStackTraces } from "./fast-tokens";
import { reusePreparedResolution } from "./prepared-resolution";
import { runVersionChecksOnce } from "./version-checks";

/**
 * The app's three changes to cdktf's runtime, for speed only (docs/decisions.md, "Synth speed"):
 * no stack trace per token, each terraform version check once, the preparing resolution kept.
 * Called by every path that builds stacks (buildStacks) and by the synth tools; installing twice
 * changes nothing. Each has its own switch for debugging (RESTARTIX_TOKEN_TRACES=1,
 * RESTARTIX_PREPARED_RESOLUTION=0).
 */
export function tuneCdktfRuntime(env: NodeJS.ProcessEnv = process.env): void {
  disableTokenStackTraces(env);
  runVersionChecksOnce();
  reusePreparedResolution(env);
}
