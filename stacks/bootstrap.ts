import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { accountRoot, policyDocument } from "../lib/iam";
import { PrivateBucket } from "../modules/private-bucket";
import { suppress } from "../policy/suppress";
import { environmentName } from "../lib/naming";
import { BaseStack, BaseStackProps } from "./base";
import { LOG_LIFECYCLE } from "./storage";

/** Alias of the key CI encrypts saved plans with (.ci/tf-stacks, deploy.yml). */
export const CI_PLANS_KEY_ALIAS = "alias/restartix-ci-plans";
/** IAM principal tag that admits the CI roles to the plans key: `plan` generates data keys, `apply` decrypts them. */
export const CI_ROLE_TAG = "restartix-ci-role";

/**
 * The tag value of an environment's CI roles: production's `plan` / `apply` (unchanged since the key
 * exists), staging's `plan-staging` / `apply-staging`. In an account both share, staging's apply role
 * must not decrypt production's plans (they hold production's secrets), whatever the encryption context.
 */
function ciRoleTagValue(role: "plan" | "apply", environment: string): string {
  return environment === "production" ? role : `${role}-${environment}`;
}

/** The state bucket's access-log bucket: `<state bucket>-logs`, one clear error when that is not a valid name. */
export function stateLogBucketName(stateBucket: string): string {
  const name = `${stateBucket}-logs`;
  if (name.length > 63) {
    throw new Error(
      `state_bucket: "${stateBucket}" is ${stateBucket.length} characters; the bootstrap stack names its access-log bucket "<state_bucket>-logs", which S3 limits to 63. Fix: a state_bucket of at most 58 characters`,
    );
  }
  return name;
}

/**
 * The state bucket every other stack keeps its state in. It is the one stack on local state
 * (it cannot live in the bucket it creates); docs/deploying.md says how to move its state into the
 * bucket afterwards. SSE-S3: the KMS keys are themselves managed from this bucket's state.
 *
 * State holds secrets (the Redis AUTH token, the origin header value): every request to the bucket
 * is recorded as an S3 server access log in a bucket of its own here (CKV_AWS_18), since the
 * storage stack's access-log bucket keeps its state in this one.
 *
 * And the key CI encrypts saved plans with (plans hold the same secrets in clear): only a principal
 * tagged restartix-ci-role=plan may generate a data key, only one tagged =apply may decrypt one.
 */
export class BootstrapStack extends BaseStack {
  readonly stateBucket: PrivateBucket;
  readonly stateAccessLogs: PrivateBucket;
  readonly plansKey: KmsKey;

  constructor(scope: Construct, name: string, props: Omit<BaseStackProps, "backend">) {
    super(scope, name, { ...props, backend: "local" });
    const { deployment, phase } = props.settings;
    // alias/restartix-staging-ci-plans for staging: aliases are unique per account and region.
    const plansAlias = environmentName(CI_PLANS_KEY_ALIAS, phase.environment);
    this.stateAccessLogs = new PrivateBucket(this, "state-access-logs", {
      bucketName: stateLogBucketName(deployment.stateBucket),
      // S3 server access logging writes only to SSE-S3 buckets.
      accessLogTargetFor: { accountId: deployment.accountId },
      lifecycleRules: LOG_LIFECYCLE,
    });
    suppress(
      this.stateAccessLogs,
      "RX-S3-5",
      "This is the state bucket's access-log bucket: S3 cannot deliver a bucket's server access logs to the bucket itself",
    );
    suppress(
      this.stateAccessLogs,
      "RX-S3-4",
      "S3 server access log delivery only writes to buckets with SSE-S3 default encryption, not SSE-KMS",
    );
    this.stateBucket = new PrivateBucket(this, "state", {
      bucketName: deployment.stateBucket,
      accessLogs: { target: this.stateAccessLogs, prefix: `s3/${deployment.stateBucket}/` },
      lifecycleRules: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          // Old state versions are the undo history of every deploy: keep a year of them.
          noncurrentVersionExpiration: [{ noncurrentDays: 365 }],
        },
      ],
    });
    suppress(
      this.stateBucket,
      "RX-S3-4",
      "SSE-S3 on purpose: the KMS keys are managed from this bucket's state, which must stay readable without them",
    );

    const root = accountRoot(deployment.accountId);
    const ciRole = (value: "plan" | "apply") => ({
      StringEquals: { [`aws:PrincipalTag/${CI_ROLE_TAG}`]: ciRoleTagValue(value, phase.environment) },
    });
    this.plansKey = new KmsKey(this, "ci-plans-key", {
      description: "RestartiX CI: encrypts saved Terraform plans between the plan and apply jobs (.ci/tf-stacks)",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Only plans in flight depend on it, but a destroyed key would stop every deploy until CI is reconfigured.
      lifecycle: { preventDestroy: true },
      policy: policyDocument(this, "ci-plans-key-policy", [
        {
          // Administration only: no statement gives the account's IAM policies the use of the key.
          Sid: "AccountAdministers",
          Effect: "Allow",
          Principal: { AWS: root },
          Action: [
            "kms:Create*",
            "kms:Describe*",
            "kms:Enable*",
            "kms:List*",
            "kms:Put*",
            "kms:Update*",
            "kms:Revoke*",
            "kms:Disable*",
            "kms:Get*",
            "kms:Delete*",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:ScheduleKeyDeletion",
            "kms:CancelKeyDeletion",
          ],
          Resource: "*",
        },
        {
          Sid: "PlanRoleEncrypts",
          Effect: "Allow",
          Principal: { AWS: root },
          Action: "kms:GenerateDataKey",
          Resource: "*",
          Condition: ciRole("plan"),
        },
        {
          Sid: "ApplyRoleDecrypts",
          Effect: "Allow",
          Principal: { AWS: root },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: ciRole("apply"),
        },
      ]),
      tags: { Name: plansAlias.replace("alias/", "") },
    });
    new KmsAlias(this, "ci-plans-key-alias", { name: plansAlias, targetKeyId: this.plansKey.keyId });
    new TerraformOutput(this, "plan_kms_key_arn", {
      value: this.plansKey.arn,
      description: "The repository variable PLAN_KMS_KEY_ARN (deploy.yml, apply-wave.yml)",
    });
  }
}
