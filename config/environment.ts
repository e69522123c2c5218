import { renderExample } from "./deployment";
import { Issues } from "./errors";

/** 12 digits; 32 lower-case hex characters (the same forms validate.ts checks for account_id and the zone id). */
const ACCOUNT_ID = /^\d{12}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/** What a staging deployment knows about the production it stands beside (docs/staging.md). */
export interface ProductionPeer {
  /** Production's AWS account id: the same as account_id when staging shares production's account. */
  readonly accountId: string;
  /** Production's Cloudflare zone id: staging's zone must be another one. */
  readonly cloudflareZoneId: string;
}

/** The account-wide singletons of the audit stack: one per account, owned by production when staging shares its account. */
export const AUDIT_SINGLETONS = ["manage_cloudtrail", "manage_guardduty", "manage_config", "manage_security_hub"] as const;

/**
 * The inputs that only make sense for one environment, and what staging must not share with
 * production. Staging names production's account and zone (production_account_id,
 * production_cloudflare_zone_id) so these can be checked here, before anything is synthesized:
 *   - a zone of its own: Cloudflare allows one entry-point ruleset per zone and phase (WAF, rate
 *     limits, configuration rules, the origin header); staging's would replace production's (or fail
 *     with 20217), so staging never deploys into production's zone;
 *   - a state bucket of its own (a name with "staging" in it): the bootstrap stack creates its
 *     state bucket, and production's exists;
 *   - in production's account: no second CloudTrail trail, GuardDuty detector, Config recorder or
 *     Security Hub (account-wide singletons production's audit stack owns), production's GitHub OIDC
 *     provider (one per account and URL), and no phase 4 (the ECR replication configuration is one per
 *     registry: staging's would overwrite production's).
 * Production must leave both production_* inputs empty: they describe production from staging's side.
 */
export function validateEnvironment(
  values: Readonly<Record<string, unknown>>,
  where: (name: string) => string,
  environment: string,
  issues: Issues,
): ProductionPeer | undefined {
  const text = (name: string): string => (typeof values[name] === "string" ? (values[name] as string) : "");
  const productionAccountId = text("production_account_id");
  const productionZoneId = text("production_cloudflare_zone_id");
  if (environment !== "staging") {
    for (const [name, value] of [
      ["production_account_id", productionAccountId],
      ["production_cloudflare_zone_id", productionZoneId],
    ] as const) {
      issues.check(
        value === "",
        where(name),
        value,
        "is set in a production deployment: it names production from a staging deployment's inputs",
        `set ${name} = "" (or environment = "staging" if this file describes staging)`,
      );
    }
    return undefined;
  }

  issues.check(
    ACCOUNT_ID.test(productionAccountId),
    where("production_account_id"),
    productionAccountId,
    "is required for staging: expected production's 12-digit AWS account id (the same as account_id when staging shares production's account)",
    "copy account_id from production's inputs file (a separate account for staging is recommended: docs/staging.md)",
  );
  issues.check(
    HEX32.test(productionZoneId),
    where("production_cloudflare_zone_id"),
    productionZoneId,
    "is required for staging: expected production's Cloudflare zone id (32 lower-case hex characters)",
    "copy cloudflare_zone_id from production's inputs file",
  );
  const zone = text("cloudflare_zone_id");
  issues.check(
    zone === "" || zone !== productionZoneId,
    where("cloudflare_zone_id"),
    zone,
    "is production's zone: a zone has one entry-point ruleset per phase (WAF, rate limits, configuration rules, the origin header), so staging's would replace production's",
    "give staging a zone of its own (for example restartix-staging.com) and set domain and cloudflare_zone_id to it (docs/staging.md)",
  );
  const stateBucket = text("state_bucket");
  issues.check(
    stateBucket.includes("staging"),
    where("state_bucket"),
    stateBucket,
    "is not a staging state bucket: the bootstrap stack creates state_bucket, and production's already exists",
    `set state_bucket = "restartix-terraform-state-staging-<account id>" (staging's own bucket)`,
  );

  if (productionAccountId !== "" && productionAccountId === text("account_id")) {
    const why =
      "staging shares production's account (account_id = production_account_id), where production's audit stack owns this account-wide singleton";
    for (const name of AUDIT_SINGLETONS) {
      issues.check(
        values[name] === false,
        where(name),
        values[name] ?? null,
        `must be false: ${why}`,
        `set ${name} = false (production's covers the account), or give staging an account of its own`,
      );
    }
    issues.check(
      text("github_oidc_provider_arn") !== "",
      where("github_oidc_provider_arn"),
      "",
      "is required when staging shares production's account: an account has one GitHub OIDC provider, which production's delivery stack created",
      `set it to arn:aws:iam::${productionAccountId}:oidc-provider/token.actions.githubusercontent.com`,
    );
    issues.check(
      values.phase !== 4,
      where("phase"),
      values.phase ?? null,
      "is not available to a staging that shares production's account: phase 4's ECR replication configuration is one per registry, and staging's would overwrite production's",
      "give staging an account of its own for phase 4 (docs/staging.md)",
    );
  }
  return { accountId: productionAccountId, cloudflareZoneId: productionZoneId };
}

/**
 * The example staging inputs (staging.tfvars.example): terraform.tfvars.example with the values a
 * staging beside that production differs in. The recommended set-up: an AWS account and a Cloudflare
 * zone of its own, so the audit controls run in staging's account too.
 */
export const STAGING_EXAMPLE: Readonly<Record<string, string | boolean>> = {
  environment: "staging",
  account_id: "210987654321",
  production_account_id: "123456789012",
  domain: "example-staging.com",
  cloudflare_zone_id: "3f2c9a7be41d4c0e8b6a5d1e2f3a4b5c",
  production_cloudflare_zone_id: "023e105f4ecef8ad9ca31a8372d0c353",
  state_bucket: "restartix-terraform-state-staging-210987654321",
  existing_platform: false,
  core_target: "aws",
  telemetry_target: "aws",
};

export function renderStagingExample(): string {
  let text = renderExample().replace(
    /^# Deployment inputs: copy to deployment.tfvars.*\n.*\n/m,
    "# Staging inputs: copy to staging.tfvars (git-ignored) and fill in; --environment staging (or ENVIRONMENT=staging)\n# reads it when no --vars is given. docs/staging.md says how staging stands beside production.\n",
  );
  for (const [k, v] of Object.entries(STAGING_EXAMPLE)) {
    text = text.replace(new RegExp(`^${k} = .*$`, "m"), `${k} = ${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
  }
  return text;
}
