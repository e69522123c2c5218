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
  resources(type: string): readonly ResourceView[];
  find(address: string): ResourceView | undefined;
  /** Resources of `type` whose `attr` points at `target` (by reference or by its literal `targetAttr`). */
  attached(target: ResourceView, type: string, attr: string, targetAttr?: string): readonly ResourceView[];
  /** Resources of `type` that `value` points at (by reference or by their literal `typeAttr`). */
  targets(value: unknown, type: string, typeAttr?: string): readonly ResourceView[];
  /** Every address a resource's configuration mentions anywhere. */
  referencesOf(resource: ResourceView): ReadonlySet<string>;
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
  /** IDs of the public rule sets this rule corresponds to (docs/policy-catalogue.md); empty when none covers it. */
  readonly mirrors: readonly string[];
  /** Terraform types it reads; `*` is every block of the stack (providers, variables and outputs included). */
  readonly appliesTo: readonly string[];
  evaluate(resource: ResourceView, stack: StackView): Verdict;
}

export interface Suppression {
  readonly ruleId: string;
  /** Why the finding is acceptable here; shown in every report. */
  readonly reason: string;
  /** Resource address the suppression covers. */
  readonly address?: string;
  /** Construct path: covers every resource at or below it (matched against the JSON's `//` metadata). */
  readonly path?: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly level: Level;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
  readonly suppressed: boolean;
  /** The suppression's reason, when suppressed. */
  readonly reason?: string;
  /** Construct path of the resource, when the JSON records it. */
  readonly constructPath?: string;
}
