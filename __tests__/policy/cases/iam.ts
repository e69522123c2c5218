import { RuleCase, stack } from "../harness";

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action: string | string[], resource: string | string[], sid?: string) => ({
  ...(sid ? { Sid: sid } : {}),
  Effect: "Allow",
  Action: action,
  Resource: resource,
});
const scoped = allow(["s3:GetObject", "s3:PutObject"], "${aws_s3_bucket.uploads.arn}/*", "Uploads");
const P = (name: string) => `aws_iam_policy.${name}`;
const R = (name: string) => `aws_iam_role.${name}`;

const trust = (service = "tasks.apprunner.amazonaws.com") =>
  doc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const HOST = "token.actions.githubusercontent.com";
const github = (condition: object, federated = "${aws_iam_openid_connect_provider.github.arn}") =>
  doc({ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition });
const AUD = { [`${HOST}:aud`]: "sts.amazonaws.com" };

export const iamCases: RuleCase[] = [
  {
    rule: "RX-IAM-1",
    title: 'Action "*" or NotAction in an identity policy fails; resource policies are not identity policies',
    json: stack(
      {
        aws_iam_policy: {
          pass: { policy: doc(scoped) },
          fail: { policy: doc(allow("*", "*", "Admin")) },
          fail2: { policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) },
          fail_document: { policy: "${data.aws_iam_policy_document.used.json}" },
        },
        aws_iam_role: {
          pass: { assume_role_policy: trust() },
          fail_inline: { assume_role_policy: trust(), inline_policy: [{ name: "x", policy: doc(allow(["*"], "${aws_s3_bucket.b.arn}")) }] },
        },
      },
      {
        aws_iam_policy_document: {
          pass_key_policy: {
            statement: [
              {
                effect: "Allow",
                actions: ["*"],
                resources: ["*"],
                principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }],
              },
            ],
          },
          fail: { statement: [{ actions: ["*"], resources: ["*"] }] },
          // The form lib/iam.ts synthesizes: the finding is reported once, on the policy that uses the document.
          used: { statement: [{ effect: "Allow", actions: ["*"], resources: ["*"] }] },
        },
      },
    ),
    pass: [P("pass"), R("pass"), "data.aws_iam_policy_document.pass_key_policy", "data.aws_iam_policy_document.used"],
    fail: [P("fail"), P("fail2"), R("fail_inline"), "data.aws_iam_policy_document.fail", P("fail_document")],
  },
  {
    rule: "RX-IAM-2",
    title: '"svc:*" fails in policies and inline role policies; Deny statements are fine',
    json: stack({
      aws_iam_policy: {
        pass: { policy: doc(scoped, { Effect: "Deny", Action: "s3:*", Resource: "*" }) },
        fail: { policy: doc(allow("s3:*", "${aws_s3_bucket.b.arn}")) },
      },
      aws_iam_role_policy: { fail: { role: "r", policy: doc(allow(["kms:Decrypt", "kms:*"], "${aws_kms_key.k.arn}")) } },
    }),
    pass: [P("pass")],
    fail: [P("fail"), "aws_iam_role_policy.fail"],
  },
  {
    rule: "RX-IAM-3",
    title: 'Resource "*" only for actions without resource-level permissions',
    json: stack({
      aws_iam_policy: {
        pass: { policy: doc(scoped, allow("ecr:GetAuthorizationToken", "*"), allow(["xray:PutTraceSegments", "xray:Put*"], "*")) },
        fail: { policy: doc(allow(["ecr:GetAuthorizationToken", "secretsmanager:GetSecretValue"], "*", "TooWide")) },
        fail2: { policy: doc(allow("s3:Get*", ["*"])) },
        // RegisterTaskDefinition takes task-definition/<family>:* (issue 20 item 21); DescribeTaskDefinition has no resource type.
        pass2: {
          policy: doc(
            allow("ecs:DescribeTaskDefinition", "*"),
            allow("ecs:RegisterTaskDefinition", "arn:aws:ecs:eu-central-1:123456789012:task-definition/app:*"),
          ),
        },
        fail3: { policy: doc(allow(["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"], "*")) },
        // The deploy workflow's discovery: ListServices has no resource type (held to clusters by ecs:cluster); DescribeServices has one.
        pass3: {
          policy: doc({
            ...allow("ecs:ListServices", "*"),
            Condition: { ArnEquals: { "ecs:cluster": ["arn:aws:ecs:eu-central-1:123456789012:cluster/app"] } },
          }),
        },
        fail4: { policy: doc(allow(["ecs:ListServices", "ecs:DescribeServices"], "*")) },
      },
    }),
    pass: [P("pass"), P("pass2"), P("pass3")],
    fail: [P("fail"), P("fail2"), P("fail3"), P("fail4")],
  },
  {
    rule: "RX-IAM-4",
    title: "AdministratorAccess or IAMFullAccess attached fails",
    json: stack({
      aws_iam_role_policy_attachment: {
        pass: { role: "r", policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole" },
        fail: { role: "r", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      },
      aws_iam_role: {
        pass: { assume_role_policy: trust() },
        fail: { assume_role_policy: trust(), managed_policy_arns: ["arn:aws:iam::aws:policy/IAMFullAccess"] },
      },
    }),
    pass: ["aws_iam_role_policy_attachment.pass", R("pass")],
    fail: ["aws_iam_role_policy_attachment.fail", R("fail")],
  },
  {
    rule: "RX-IAM-5",
    title: "IAM users and access keys fail by existing",
    json: stack({
      aws_iam_user: { fail: { name: "ci" } },
      aws_iam_access_key: { fail: { user: "${aws_iam_user.fail.name}" } },
      aws_iam_role: { pass: { assume_role_policy: trust() } },
    }),
    pass: [],
    fail: ["aws_iam_user.fail", "aws_iam_access_key.fail"],
  },
  {
    rule: "RX-IAM-6",
    title: "GitHub OIDC trust needs a repository-scoped sub and the sts audience",
    json: stack({
      aws_iam_openid_connect_provider: { github: { url: `https://${HOST}`, client_id_list: ["sts.amazonaws.com"] } },
      aws_iam_role: {
        pass: {
          assume_role_policy: github({
            StringEquals: { ...AUD, [`${HOST}:sub`]: ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:production"] },
          }),
        },
        pass_like: { assume_role_policy: github({ StringEquals: AUD, StringLike: { [`${HOST}:sub`]: "repo:acme/app:*" } }) },
        pass_service: { assume_role_policy: trust() },
        fail_no_sub: { assume_role_policy: github({ StringEquals: AUD }) },
        fail_wildcard: { assume_role_policy: github({ StringEquals: AUD, StringLike: { [`${HOST}:sub`]: "repo:acme/*" } }) },
        fail_any_repo: { assume_role_policy: github({ StringLike: { [`${HOST}:sub`]: "*" }, StringEquals: AUD }) },
        fail_no_aud: { assume_role_policy: github({ StringEquals: { [`${HOST}:sub`]: "repo:acme/app:ref:refs/heads/main" } }) },
        fail_literal_arn: { assume_role_policy: github({}, `arn:aws:iam::123456789012:oidc-provider/${HOST}`) },
      },
    }),
    pass: [R("pass"), R("pass_like"), R("pass_service")],
    fail: [R("fail_no_sub"), R("fail_wildcard"), R("fail_any_repo"), R("fail_no_aud"), R("fail_literal_arn")],
  },
  {
    rule: "RX-IAM-7",
    title: 'a trust policy allowing "*" fails',
    json: stack({
      aws_iam_role: {
        pass: { assume_role_policy: trust() },
        fail: { assume_role_policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) },
        fail2: {
          assume_role_policy: doc({
            Effect: "Allow",
            Principal: "*",
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
          }),
        },
      },
    }),
    pass: [R("pass")],
    fail: [R("fail"), R("fail2")],
  },
  {
    rule: "RX-IAM-8",
    title: "inline policies warn; a managed policy attachment passes",
    json: stack({
      aws_iam_role: {
        pass: { assume_role_policy: trust() },
        fail: { assume_role_policy: trust(), inline_policy: [{ name: "inline", policy: doc(scoped) }] },
      },
      aws_iam_role_policy: { fail: { role: "r", policy: doc(scoped) } },
    }),
    pass: [R("pass")],
    fail: [R("fail"), "aws_iam_role_policy.fail"],
  },
];
