import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/**
 * IAM policy documents built in TypeScript and rendered by an `aws_iam_policy_document` data
 * source. A JSON string with references inside (`"Resource": "${aws_s3_bucket.b.arn}"`) is valid
 * Terraform JSON but `cdktf synth --hcl` turns it into invalid HCL (hashicorp/terraform-cdk#3911);
 * the data source's blocks render as plain HCL, the provider builds the JSON, and the policy pack
 * reads the blocks (policy/policy-document.ts).
 */

export interface PolicyStatement {
  /** @default - no Sid */
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  /** @default - no resources (a trust policy names a Principal instead) */
  readonly Resource?: string | readonly string[];
  /** @default - no principal (an identity policy) */
  readonly Principal?: Record<string, string | readonly string[]> | "*";
  /** @default - no condition */
  readonly Condition?: Record<string, Record<string, string | boolean | readonly string[]>>;
}

const list = (v: string | readonly string[]): string[] => (typeof v === "string" ? [v] : [...v]);

/** The data source's statement block for one IAM JSON-shaped statement. */
function statementBlock(s: PolicyStatement): DataAwsIamPolicyDocumentStatement {
  const principals =
    s.Principal === undefined
      ? undefined
      : s.Principal === "*"
        ? [{ type: "*", identifiers: ["*"] }]
        : Object.entries(s.Principal).map(([type, ids]) => ({ type, identifiers: list(ids) }));
  const condition = Object.entries(s.Condition ?? {}).flatMap(([test, entries]) =>
    Object.entries(entries).map(([variable, values]) => ({
      test,
      variable,
      values: typeof values === "boolean" ? [String(values)] : list(values),
    })),
  );
  return {
    sid: s.Sid,
    effect: s.Effect,
    actions: list(s.Action),
    resources: s.Resource === undefined ? undefined : list(s.Resource),
    principals,
    condition: condition.length > 0 ? condition : undefined,
  };
}

/**
 * A policy document as an `aws_iam_policy_document` data source under `scope`; returns its `json`
 * (a reference) for a `policy` or `assume_role_policy` argument. The data source is evaluated by
 * the provider locally, without calling AWS.
 * @param provider - @default the stack's default AWS provider (any region renders the same JSON)
 */
export function policyDocument(scope: Construct, id: string, statements: readonly PolicyStatement[], provider?: TerraformProvider): string {
  if (statements.length === 0) throw new Error(`policyDocument ${scope.node.path}/${id}: a policy needs at least one statement`);
  return new DataAwsIamPolicyDocument(scope, id, { version: "2012-10-17", statement: statements.map(statementBlock), provider }).json;
}

/** Trust policy for one or more AWS service principals, as a data source under `scope`. */
export function serviceTrust(
  scope: Construct,
  id: string,
  service: string | readonly string[],
  condition?: PolicyStatement["Condition"],
  provider?: TerraformProvider,
): string {
  return policyDocument(
    scope,
    id,
    [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }],
    provider,
  );
}

export const accountRoot = (accountId: string): string => `arn:aws:iam::${accountId}:root`;

/** The key-policy statement every customer managed key starts with: the account administers the key through IAM. */
export const accountAdministersKey = (accountId: string): PolicyStatement => ({
  Sid: "AccountAdministersThroughIam",
  Effect: "Allow",
  Principal: { AWS: accountRoot(accountId) },
  Action: "kms:*",
  Resource: "*",
});

/** The key-policy statement that lets CloudWatch Logs encrypt this account's log groups of `region` with the key. */
export const cloudWatchLogsUseKey = (region: string, accountId: string): PolicyStatement => ({
  Sid: "CloudWatchLogs",
  Effect: "Allow",
  Principal: { Service: `logs.${region}.amazonaws.com` },
  Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
  Resource: "*",
  Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:*` } },
});
