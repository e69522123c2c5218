import { App, Aspects, IAspect, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { blocking, evaluateStack } from "./engine";
import { RULES } from "./rules";
import { suppressionsOf } from "./suppress";
import { Finding, Rule } from "./types";

export type PolicyMode = "enforce" | "report";
export const POLICY_MODES: readonly PolicyMode[] = ["enforce", "report"];

/**
 * App context key that overrides the mode given in code. `npm run check` sets it to "report" so
 * that it can list every finding even when the app builder applies the pack in enforce mode.
 */
export const POLICY_MODE_CONTEXT = "restartix:policy-mode";

export interface PolicyPackOptions {
  /** @default "enforce" - an unsuppressed error-level finding fails the synth */
  readonly mode?: PolicyMode;
}

const byRule = new Map(RULES.map((r) => [r.id, r]));

/** One line per blocking finding: rule, stack, address, what is wrong and how to fix it. */
export function formatBlocking(f: Finding): string {
  const rule = byRule.get(f.ruleId);
  return `[${f.ruleId}] stack "${f.stack}", ${f.address}: ${rule?.title ?? f.ruleId}: ${f.message}. Fix: ${rule?.fix ?? "see policy/rules"} (or, if this is by design, suppress(<construct>, "${f.ruleId}", "<why>") next to the construct)`;
}

/** The findings of one synth: filled in as each stack is validated, complete once app.synth() returns. */
export class PolicyRun {
  readonly rules: readonly Rule[] = RULES;
  private readonly results = new Map<TerraformStack, Finding[]>();
  private readonly attached = new Set<TerraformStack>();

  constructor(
    private readonly app: App,
    readonly mode: PolicyMode,
  ) {}

  /** Every finding of every stack of the app (stacks not validated, e.g. with skipValidation, are evaluated now). */
  get findings(): Finding[] {
    for (const stack of this.stacks()) if (!this.results.has(stack)) this.evaluate(stack);
    return [...this.results.values()].flat();
  }

  /** Unsuppressed error-level findings. */
  get blocking(): Finding[] {
    return blocking(this.findings);
  }

  /** Registers the stack's validation (once): it runs after all aspects, so it sees the final tree. */
  attach(stack: TerraformStack): void {
    if (this.attached.has(stack)) return;
    this.attached.add(stack);
    stack.node.addValidation({ validate: () => this.messages(this.evaluate(stack)) });
  }

  /** Stacks created after applyPolicyPack got no aspect; they are evaluated when the app validates. */
  validateLateStacks(): string[] {
    return this.stacks()
      .filter((stack) => !this.attached.has(stack))
      .flatMap((stack) => {
        this.attached.add(stack);
        return this.messages(this.evaluate(stack));
      });
  }

  private stacks(): TerraformStack[] {
    return this.app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  }

  private evaluate(stack: TerraformStack): Finding[] {
    // toTerraform() resolves every token: the JSON is exactly what is written to cdk.tf.json.
    const findings = evaluateStack(stack.node.id, stack.toTerraform(), suppressionsOf(stack));
    this.results.set(stack, findings);
    return findings;
  }

  private messages(findings: readonly Finding[]): string[] {
    return this.mode === "enforce" ? blocking(findings).map(formatBlocking) : [];
  }
}

/** cdk-nag's manner on cdktf: an aspect that hands each stack it visits to the run. */
export class PolicyAspect implements IAspect {
  constructor(private readonly run: PolicyRun) {}

  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.run.attach(node);
  }
}

const runs = new WeakMap<App, PolicyRun>();

/**
 * Applies the policy pack to every stack of the app: call it after the stacks are built and before
 * app.synth(). In enforce mode, synth fails on any unsuppressed error-level finding, naming stack,
 * address, rule and fix. Applying twice returns the first run.
 */
export function applyPolicyPack(app: App, options: PolicyPackOptions = {}): PolicyRun {
  const existing = runs.get(app);
  if (existing) return existing;
  const fromContext = app.node.tryGetContext(POLICY_MODE_CONTEXT) as unknown;
  const mode = fromContext ?? options.mode ?? "enforce";
  if (!POLICY_MODES.includes(mode as PolicyMode)) {
    throw new Error(`applyPolicyPack: mode ${JSON.stringify(mode)} is not one of ${POLICY_MODES.join(", ")} (context ${POLICY_MODE_CONTEXT} or options.mode)`);
  }
  const run = new PolicyRun(app, mode as PolicyMode);
  const aspect = new PolicyAspect(run);
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) Aspects.of(stack).add(aspect);
  app.node.addValidation({ validate: () => run.validateLateStacks() });
  runs.set(app, run);
  return run;
}

/** The run applyPolicyPack created for an app, if any. */
export const policyRunOf = (app: App): PolicyRun | undefined => runs.get(app);
