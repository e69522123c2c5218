/** The policy pack's vocabulary: rules, the resources they read and the findings they produce. */

export type Level = "error" | "warning";

/** One block of the synthesized JSON as a rule sees it. */
export interface ResourceView {
  /** Terraform type; data sources carry a `data.` prefix (data.aws_iam_policy_document). */
  readonly type: string;
  /** Logical name in the JSON (postgres_instance_919E2690). */
  readonly name: string;
  /** Terraform address: `<type>.<name>` (aws_db_instance.postgres_instance_919E2690). */
  readonly address: string;
  readonly config: Readonly<Record<string, any>>;
}

/**
 * What a rule returns for one resource: nothing when it complies (or the rule does not apply to
 * it), otherwise one message per problem. The message says what is wrong with this resource; the
 * rule's `fix` says what to change.
 */
export type Verdict = string | readonly string[] | undefined;

/** Read access to one stack's JSON for relationship checks; see policy/stack-context.ts. */
export interface StackView {
  readonly stackName: string;
  /** The stack's whole JSON (outputs, providers), for what no resource view shows. */
  readonly json: Readonly<Record<string, any>>;
  resources(type: string): readonly ResourceView[];
  find(address: string): ResourceView | undefined;
  /** Resources of `type` whose `attr` points at `target` (by reference or by its literal `targetAttr`). */
  attached(target: ResourceView, type: string, attr: string, targetAttr?: string): readonly ResourceView[];
  /** Resources of `type` that `value` points at (by reference or by their literal `typeAttr`). */
  targets(value: unknown, type: string, typeAttr?: string): readonly ResourceView[];
  /** Every address a resource's configuration mentions anywhere. */
  referencesOf(resource: ResourceView): ReadonlySet<string>;
  /** The region of the AWS provider a resource uses (its `provider` alias, else the default one), if the stack names it. */
  regionOf(resource: ResourceView): string | undefined;
}

export interface Rule {
  /** Our own ID, stable forever (suppressions name it): RX-<SERVICE>-<n>. */
  readonly id: string;
  /** cdk-nag style name, also the rule's file name (RDSStorageEncrypted). */
  readonly name: string;
  readonly level: Level;
  /** Info line: what fired, in a few words. */
  readonly title: string;
  /** Why it matters. */
  readonly explanation: string;
  /** What to change. */
  readonly fix: string;
  /** IDs of the public rule sets this rule corresponds to (../shared/docs/policy-catalogue.md); empty when none covers it. */
  readonly mirrors: readonly string[];
  /** Terraform types it reads; `*` is every block of the stack (providers, variables and outputs included). */
  readonly appliesTo: readonly string[];
  evaluate(resource: ResourceView, stack: StackView): Verdict;
  /**
   * A deployment rule: what must exist somewhere among all the stacks of one synth (an account-wide
   * control), which no single stack can show. Called once with every stack when the app builder
   * turns deployment rules on (applyPolicyPack(app, { deploymentRules: true }), `npm run check`).
   * Such a rule's appliesTo is [DEPLOYMENT] and its `evaluate` returns nothing.
   */
  evaluateDeployment?(stacks: readonly StackView[]): readonly DeploymentVerdict[];
}

/** The appliesTo marker of a deployment rule: matches no Terraform type. */
export const DEPLOYMENT = "(deployment)";

/** One problem a deployment rule found: the stack it belongs to (DEPLOYMENT when no stack does) and what is missing. */
export interface DeploymentVerdict {
  readonly stack: string;
  readonly address: string;
  readonly message: string;
}

export interface Suppression {
  readonly ruleId: string;
  /** Why the finding is acceptable here; shown in every report. */
  readonly reason: string;
  /** Resource address the suppression covers. @default - none: the suppression covers `path` only (give one of address and path) */
  readonly address?: string;
  /**
   * Construct path: covers every resource at or below it (matched against the JSON's `//` metadata).
   * @default - none: the suppression covers `address` only
   */
  readonly path?: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly level: Level;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
  readonly suppressed: boolean;
  /** The suppression's reason, when suppressed. @default - none: the finding is open (not suppressed) */
  readonly reason?: string;
  /** Construct path of the resource, when the JSON records it. @default - none: the JSON records no `//` metadata for the resource */
  readonly constructPath?: string;
}
