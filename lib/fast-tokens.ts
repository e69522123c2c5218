/**
 * cdktf records a full stack trace for every token it creates (to point at the creating line when
 * a token fails to resolve). With thousands of stacks that is a quarter of synth time, and cdktf
 * 0.21 has no switch for it, so the app turns it off unless RESTARTIX_TOKEN_TRACES=1 asks for the
 * traces while debugging a resolution error.
 */
const stackTrace = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: () => string[] };

export function disableTokenStackTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.RESTARTIX_TOKEN_TRACES === "1") return false;
  stackTrace.captureStackTrace = () => [];
  return true;
}
