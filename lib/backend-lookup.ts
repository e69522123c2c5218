/**
 * cdktf looks up a stack's backend (`ensureBackendExists`: a walk of the stack's whole construct
 * tree) once per stack in `prepareStack`, and again for every stack that reads from it: each
 * consumer's first cross-stack reference to a producer walks the producer's tree. At 1000 tenants
 * about 2000 cell stacks read the shared stacks, and those walks were 2 s of the synth.
 *
 * While an `App.synth()` runs, the app remembers each stack's answer. Nothing adds a backend in
 * that time (the preparing run adds outputs and remote-state data sources; aspects run after every
 * stack is prepared, and cdktf asks for backends only while preparing), so the remembered answer is
 * the one the walk would give. The first answer for a stack with no backend is the LocalBackend
 * cdktf creates, as before. Outside a synth cdktf's own method runs unchanged.
 * RESTARTIX_BACKEND_MEMO=0 turns it off.
 */
import { App, TerraformBackend, TerraformStack } from "cdktf";

const original = { synth: App.prototype.synth, ensureBackendExists: TerraformStack.prototype.ensureBackendExists };

/** Each stack's backend during the running synth; undefined outside one. */
let known: WeakMap<TerraformStack, TerraformBackend> | undefined;

/** Installs the memo once per process; false when it is off or already installed. */
export function rememberBackendsDuringSynth(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.RESTARTIX_BACKEND_MEMO === "0") return false;
  if (App.prototype.synth !== original.synth) return false;

  App.prototype.synth = function (this: App): void {
    const outer = known;
    known = new WeakMap();
    try {
      original.synth.call(this);
    } finally {
      known = outer;
    }
  };

  TerraformStack.prototype.ensureBackendExists = function (this: TerraformStack): TerraformBackend {
    if (known === undefined) return original.ensureBackendExists.call(this);
    let backend = known.get(this);
    if (backend === undefined) {
      backend = original.ensureBackendExists.call(this);
      known.set(this, backend);
    }
    return backend;
  };
  return true;
}

/** cdktf's own methods back (tests compare both ways in one process). */
export function restoreBackendLookup(): void {
  App.prototype.synth = original.synth;
  TerraformStack.prototype.ensureBackendExists = original.ensureBackendExists;
}
