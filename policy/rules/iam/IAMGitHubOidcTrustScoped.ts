import { Statement, statementsOf } from "../../policy-document";
import { Rule, StackView } from "../../types";

const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
const SUB = `${GITHUB_OIDC_HOST}:sub`;
const AUD = `${GITHUB_OIDC_HOST}:aud`;
// repo:<owner>/<repo>[:<ref, environment, ...>], with owner and repository written out.
const NAMED_REPO = /^repo:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(:.+)?$/;

function trustsGitHub(s: Statement, stack: StackView): boolean {
  const federated = s.principals.get("Federated") ?? [];
  if (federated.some((f) => f.includes(GITHUB_OIDC_HOST))) return true;
  if (
    federated.some((f) => stack.targets(f, "aws_iam_openid_connect_provider").some((p) => String(p.config.url).includes(GITHUB_OIDC_HOST)))
  )
    return true;
  return s.conditions.some((c) => c.key.startsWith(`${GITHUB_OIDC_HOST}:`));
}

function problems(s: Statement): string[] {
  const out: string[] = [];
  const subs = s.conditions.filter((c) => c.key === SUB && /^(ForAnyValue:)?String(Equals|Like)$/.test(c.operator));
  if (subs.length === 0) out.push(`no StringEquals/StringLike condition on ${SUB}`);
  const loose = subs.flatMap((c) => c.values).filter((v) => !NAMED_REPO.test(v));
  if (loose.length > 0) out.push(`${SUB} ${loose.map((v) => JSON.stringify(v)).join(", ")} does not name one repository`);
  const aud = s.conditions.some(
    (c) => c.key === AUD && c.operator === "StringEquals" && c.values.length > 0 && c.values.every((v) => v === "sts.amazonaws.com"),
  );
  if (!aud) out.push(`no StringEquals ${AUD} = "sts.amazonaws.com"`);
  return out;
}

export const IAMGitHubOidcTrustScoped: Rule = {
  id: "RX-IAM-6",
  name: "IAMGitHubOidcTrustScoped",
  level: "error",
  title: "GitHub OIDC trust is not scoped to a repository",
  explanation:
    "Every GitHub Actions workflow in the world can get a token from token.actions.githubusercontent.com; only the sub condition decides which repository may assume the role.",
  fix: 'Condition the trust with StringEquals (or StringLike) "token.actions.githubusercontent.com:sub" = "repo:<owner>/<repo>:<ref or environment>" and StringEquals ":aud" = "sts.amazonaws.com".',
  mirrors: ["CKV_AWS_393"],
  appliesTo: ["aws_iam_role"],
  evaluate: (role, stack) =>
    (statementsOf(role.config.assume_role_policy, stack) ?? [])
      .filter((s) => s.effect === "Allow" && trustsGitHub(s, stack))
      .flatMap(problems),
};
