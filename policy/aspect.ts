import * as fs from "fs";
import * as path from "path";
import { App, Aspects, IAspect, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { blocking, evaluateDeployment, evaluateStack } from "./engine";
import { RULES } from "./rules";
import { suppressionsOf } from "./suppress";
import { Finding, Rule } from "./types";

export type PolicyMode = "enforce" | "report";
const POLICY_MODES: readonly PolicyMode[] = ["enforce", "report"];

/**
 * App context key that overrides the mode given in code. `npm run check` sets it to "report" so
 * that it can list every finding even when the app builder applies the pack in enforce mode.
 */
export const POLICY_MODE_CONTEXT = "restartix:policy-mode";

export interface PolicyPackOptions {
  /** @default "enforce" - an unsuppressed error-level finding fails the synth */
  readonly mode?: PolicyMode;
  /**
   * Also evaluate the deployment rules (controls the deployment as a whole must have, such as an
   * audit trail) over all the stacks: for an app that is a whole deployment (the app builder).
   * @default false - only per-stack rules (an app of a few stacks is not a deployment)
   */
  readonly deploymentRules?: boolean;
}

const byRule = new Map(RULES.map((r) => [r.id, r]));

/** One line per blocking finding: rule, stack, address, what is wrong and how to fix it. */
export function formatBlocking(f: Finding): string {
  const rule = byRule.get(f.ruleId);
  return `[${f.ruleId}] stack "${f.stack}", ${f.address}: ${rule?.title ?? f.ruleId}: ${f.message}. Fix: ${rule?.fix ?? "see policy/rules"} (or, if this is by design, suppress(<construct>, "${f.ruleId}", "<why>") next to the construct)`;
}

/**
 * The findings of one synth. The app's validation, which cdktf runs after writing every stack,
 * evaluates each stack once from the JSON just written (parsing it is far cheaper than resolving the
 * tree a second time with toTerraform()) and, in enforce mode, fails app.synth() with every blocking
 * finding of every stack at once.
 */
class PolicyRun {
  readonly rules: readonly Rule[] = RULES;
  private readonly results = new Map<TerraformStack, Finding[]>();
  private readonly jsons = new Map<TerraformStack, Record<string, any>>();
  private readonly jsonsByName = new Map<string, Record<string, any>>();
  private readonly stacks = new Set<TerraformStack>();

  constructor(
    private readonly app: App,
    readonly mode: PolicyMode,
    /** Whether the deployment rules run too (PolicyPackOptions.deploymentRules). */
    readonly deploymentRules: boolean = false,
  ) {}

  /** Every finding of every stack checked (stacks not synthesized yet are evaluated from the tree), and of the deployment rules. */
  get findings(): Finding[] {
    for (const stack of this.checked()) if (!this.results.has(stack)) this.evaluate(stack);
    return [...[...this.results.values()].flat(), ...this.deployment()];
  }

  /** Unsuppressed error-level findings. */
  get blocking(): Finding[] {
    return blocking(this.findings);
  }

  /** The synthesized JSON the run evaluated for a stack, by stack name (read-only: other tools reuse it instead of parsing the file again). */
  evaluatedJson(stackName: string): Readonly<Record<string, unknown>> | undefined {
    return this.jsonsByName.get(stackName);
  }

  /** Marks a stack for checking (the aspect's job). */
  attach(stack: TerraformStack): void {
    this.stacks.add(stack);
  }

  /** The app validation: evaluates every stack and returns the blocking findings in enforce mode. */
  validate(): string[] {
    const findings = [...this.checked().flatMap((stack) => this.evaluate(stack)), ...this.deployment()];
    return this.mode === "enforce" ? blocking(findings).map(formatBlocking) : [];
  }

  /** The attached stacks, plus any created after applyPolicyPack (they never met the aspect). */
  private checked(): TerraformStack[] {
    for (const c of this.app.node.findAll()) if (TerraformStack.isStack(c)) this.stacks.add(c);
    return [...this.stacks];
  }

  private evaluate(stack: TerraformStack): Finding[] {
    const json = this.synthesized(stack) ?? stack.toTerraform();
    const findings = evaluateStack(stack.node.id, json, suppressionsOf(stack));
    this.results.set(stack, findings);
    this.jsons.set(stack, json);
    this.jsonsByName.set(stack.node.id, json);
    return findings;
  }

  /** The deployment rules over every stack evaluated so far (all of them, after validate or findings). */
  private deployment(): Finding[] {
    if (!this.deploymentRules) return [];
    return evaluateDeployment([...this.jsons.entries()].map(([stack, json]) => ({ name: stack.node.id, json })));
  }

  /** The stack's cdk.tf.json if this app has written it (the manifest lists only stacks it synthesized). */
  private synthesized(stack: TerraformStack): Record<string, any> | undefined {
    const entry = this.app.manifest.stacks[stack.node.id];
    if (!entry || !entry.synthesizedStackPath.endsWith(".json")) return undefined;
    const file = path.join(this.app.outdir, entry.synthesizedStackPath);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, any>) : undefined;
  }
}

/** cdk-nag's manner on cdktf: an aspect that hands each stack it visits to the run. */
class PolicyAspect implements IAspect {
  constructor(private readonly run: PolicyRun) {}

  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.run.attach(node);
  }
}

const runs = new WeakMap<App, PolicyRun>();

/**
 * Applies the policy pack to every stack of the app: call it after the stacks are built and before
 * app.synth() (stacks added later are still checked). In enforce mode, app.synth() fails on any
 * unsuppressed error-level finding, naming stack, address, rule and fix. Applying twice returns the
 * first run.
 */
export function applyPolicyPack(app: App, options: PolicyPackOptions = {}): PolicyRun {
  const existing = runs.get(app);
  if (existing) return existing;
  const fromContext = app.node.tryGetContext(POLICY_MODE_CONTEXT) as unknown;
  const mode = fromContext ?? options.mode ?? "enforce";
  if (!POLICY_MODES.includes(mode as PolicyMode)) {
    throw new Error(
      `applyPolicyPack: mode ${JSON.stringify(mode)} is not one of ${POLICY_MODES.join(", ")} (context ${POLICY_MODE_CONTEXT} or options.mode)`,
    );
  }
  const run = new PolicyRun(app, mode as PolicyMode, options.deploymentRules ?? false);
  const aspect = new PolicyAspect(run);
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) Aspects.of(stack).add(aspect);
  app.node.addValidation({ validate: () => run.validate() });
  runs.set(app, run);
  return run;
}

/** The run applyPolicyPack created for an app, if any. */
export const policyRunOf = (app: App): PolicyRun | undefined => runs.get(app);

/**
 * When an enforce-mode synth of `app` failed on the pack, the report for the person who ran it:
 * every blocking finding, one per line, and where to go next. Undefined when the pack did not fail
 * it (no pack, report mode, or no blocking finding).
 */
export function policyFailureReport(app: App): string | undefined {
  const run = runs.get(app);
  if (!run || run.mode !== "enforce") return undefined;
  const blockingFindings = run.blocking;
  if (blockingFindings.length === 0) return undefined;
  return [
    `policy pack: ${blockingFindings.length} unsuppressed error${blockingFindings.length === 1 ? "" : "s"}:`,
    ...blockingFindings.map((f) => `  ${formatBlocking(f)}`),
    "Every finding with its explanation: npm run check -- --phase N (README, Policy pack).",
  ].join("\n");
}
