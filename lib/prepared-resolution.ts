/**
 * cdktf resolves every element of every stack twice per synth: `prepareStack` resolves each one
 * only to discover cross-stack references (it creates the outputs and remote-state data sources
 * they need) and throws the answer away, then `toTerraform` resolves each one again to write it.
 * Resolving is most of a synth (phase 4: about 4 MB of JSON, 3300 resources), so the app keeps the
 * first answer and writes it: the same function of the same element, and the only thing the
 * preparing run does differently (a cross-stack `Reference` registers its output and remote state,
 * then answers with the remote-state expression) it does before it answers, so both runs give the
 * same text. __tests__/prepared-resolution.test.ts synthesizes every phase both ways and compares
 * the bytes.
 *
 * Each kept answer is used once: a `toTerraform()` without a fresh `prepareStack()` before it
 * (cdktf's Testing.synth, a second synth of the same stack) resolves as cdktf does.
 * RESTARTIX_PREPARED_RESOLUTION=0 turns it off.
 */
import { IConstruct } from "constructs";
import { TerraformElement, TerraformOutput, TerraformStack } from "cdktf";

const tokens = require("cdktf/lib/_tokens") as { resolve: (scope: IConstruct, obj: unknown, preparing?: boolean) => any };
const util = require("cdktf/lib/util") as { deepMerge: (target: any, ...sources: any[]) => any };

/** The fragment each element resolved to in the last prepareStack, until toTerraform writes it. */
const prepared = new WeakMap<TerraformElement, unknown>();

/** cdktf's own walk: the stack's elements, not those of nested stacks. */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}

/** The two private fields cdktf's toTerraform reads. */
type StackInternals = { rawOverrides: Record<string, unknown>; cdktfVersion: string };

const original = { prepareStack: TerraformStack.prototype.prepareStack, toTerraform: TerraformStack.prototype.toTerraform };

/** Installs the reuse once per process; false when it is off or already installed. */
export function reusePreparedResolution(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.RESTARTIX_PREPARED_RESOLUTION === "0") return false;
  if (TerraformStack.prototype.prepareStack !== original.prepareStack) return false;

  TerraformStack.prototype.prepareStack = function (this: TerraformStack): void {
    this.ensureBackendExists();
    for (const e of terraformElements(this)) prepared.set(e, tokens.resolve(this, e.toTerraform(), true));
  };

  // cdktf 0.21's TerraformStack.toTerraform, line for line, but for the kept fragments.
  TerraformStack.prototype.toTerraform = function (this: TerraformStack): any {
    const internals = this as unknown as StackInternals;
    const tf: Record<string, unknown> = {};
    const metadata: Record<string, unknown> = {
      version: internals.cdktfVersion,
      stackName: this.node.id,
      backend: "local",
      cloud: undefined,
      ...(Object.keys(internals.rawOverrides).length > 0 ? { overrides: { stack: Object.keys(internals.rawOverrides) } } : {}),
    };
    const elements = terraformElements(this);
    for (const meta of elements.map((e) => tokens.resolve(this, e.toMetadata()))) util.deepMerge(metadata, meta);
    const outputs = elements.reduce((carry: Record<string, unknown>, item) => {
      if (!TerraformOutput.isTerraformOutput(item)) return carry;
      util.deepMerge(
        carry,
        item.node.path
          .split("/")
          .reduceRight(
            (inner: Record<string, unknown>, part) =>
              Object.keys(inner).length === 0 ? { [part]: item.friendlyUniqueId } : { [part]: inner },
            {},
          ),
      );
      return carry;
    }, {});
    tf["//"] = { metadata, outputs };
    const fragments = elements.map((e) => {
      if (prepared.has(e)) {
        const fragment = prepared.get(e);
        prepared.delete(e);
        return fragment;
      }
      return tokens.resolve(this, e.toTerraform());
    });
    for (const fragment of fragments) util.deepMerge(tf, fragment);
    // cdktf resolves the merged tree once more, for the stack's raw overrides; every other part of
    // it is resolved already (fragments, metadata) or plain (output ids), and resolving resolved
    // JSON returns it unchanged, so only the overrides are resolved here.
    util.deepMerge(tf, tokens.resolve(this, internals.rawOverrides));
    return tf;
  };
  return true;
}

/** cdktf's own methods back (tests compare both ways in one process). */
export function restoreCdktfResolution(): void {
  TerraformStack.prototype.prepareStack = original.prepareStack;
  TerraformStack.prototype.toTerraform = original.toTerraform;
}
