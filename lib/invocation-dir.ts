import * as path from "path";

/**
 * The directory the user ran the command in. `npm run` starts scripts in the package root and keeps
 * the user's directory in INIT_CWD; without npm it is the working directory. INIT_CWD counts only
 * when npm started this very script (its lifecycle command runs this file): every process below an
 * `npm run` inherits INIT_CWD, and a script another program starts in its own directory (.ci/tf-stacks
 * runs plan-gate in each stack's directory, under `npm run test:all`) means that directory.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env, script: string | undefined = process.argv[1]): string {
  const init = env.INIT_CWD;
  if (init === undefined || !path.isAbsolute(init)) return process.cwd();
  const lifecycle = env.npm_lifecycle_script;
  if (lifecycle === undefined) return init; // INIT_CWD without a lifecycle command: set by hand, honoured
  const runsThis = script !== undefined && lifecycle.includes(`${path.basename(path.dirname(script))}/${path.basename(script)}`);
  return runsThis ? init : process.cwd();
}

/** A path from the command line, resolved from invocationDir (absolute paths are kept). */
export function resolveFromInvocation(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  script: string | undefined = process.argv[1],
): string {
  return path.resolve(invocationDir(env, script), file);
}
