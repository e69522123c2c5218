import * as path from "path";

/**
 * The one way a test leaves out a proof layer it cannot run here (no terraform, no PostgreSQL, no
 * emulator, no busybox). Outside CI it reports `skipped: <reason>`. Under REQUIRE_ALL_LAYERS=1
 * (`.ci/run`) a layer that did not run is a failure: CI must prove every layer, not skip it quietly.
 *
 * The fast layer (`npm test`, jest project "fast") runs with RESTARTIX_SKIP_TERRAFORM=1: a file listed
 * in jest.config.js PARTIAL runs its slow part in the "slow" project, so skipping it there is
 * expected. Any other fast file that skips has a slow part nobody runs: that fails, always, naming
 * the list to put the file in.
 */
export type LayerDecision = { run: true; fail?: undefined } | { run: false; fail?: string };

export interface LayerContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The jest project running the file ("fast" or "slow"), from jest.config.js `globals`. */
  readonly layer?: string;
  /** Files (relative to the repository) whose slow part runs in the slow project. */
  readonly partial: readonly string[];
  /** The test file, relative to the repository. */
  readonly file: string;
}

/** What to do with a layer that cannot run (`reason`): skip it, or fail and say why. */
export function layerDecision(reason: string | undefined, ctx: LayerContext): LayerDecision {
  if (reason === undefined) return { run: true };
  if (ctx.layer === "fast") {
    if (ctx.partial.includes(ctx.file)) return { run: false };
    return {
      run: false,
      fail: `${ctx.file} has a slow layer (${reason}) but is not listed in jest.config.js: add it to SLOW (the whole file runs in npm run test:all) or PARTIAL (its fast part runs in npm test too)`,
    };
  }
  if (ctx.env.REQUIRE_ALL_LAYERS === "1") {
    return {
      run: false,
      fail: `REQUIRE_ALL_LAYERS=1 and this proof layer did not run: ${reason}. Install what it names (.ci/run does on Debian and Ubuntu) or unset REQUIRE_ALL_LAYERS outside CI.`,
    };
  }
  return { run: false };
}

const ROOT = path.join(__dirname, "..");

function context(): LayerContext {
  const g = globalThis as { RESTARTIX_LAYER?: string; RESTARTIX_PARTIAL?: string[] };
  const testPath = expect.getState().testPath ?? "";
  return { env: process.env, layer: g.RESTARTIX_LAYER, partial: g.RESTARTIX_PARTIAL ?? [], file: path.relative(ROOT, testPath) };
}

/**
 * Call where a describe block would register a layer's tests: returns true when the layer can run
 * (`reason` undefined); otherwise registers `skipped: <reason>` (or, when the layer is required, a
 * failing test that says why) and returns false.
 */
export function layerAvailable(reason: string | undefined, what = "proof layer"): boolean {
  const decision = layerDecision(reason, context());
  if (decision.run) return true;
  if (decision.fail) {
    const message = decision.fail;
    test(`${what} required: ${reason}`, () => {
      throw new Error(message);
    });
  } else {
    test.skip(`skipped: ${reason}`, () => undefined);
    if (context().layer !== "fast") console.warn(`${what} skipped: ${reason}`);
  }
  return false;
}

/**
 * A part of a PARTIAL file that needs no tool but minutes (a 1000-tenant synth): it runs in the slow
 * layer only (`npm run test:all`), and is skipped quietly by `npm test`.
 */
export function slowPart(what: string): boolean {
  return layerAvailable(context().layer === "fast" ? `${what} runs in the slow layer (npm run test:all)` : undefined, what);
}
