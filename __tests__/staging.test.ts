import * as fs from "fs";
import * as path from "path";
import { loadInputs, ROOT } from "../config/deployment";
import { AUDIT_SINGLETONS, renderStagingExample, STAGING_EXAMPLE } from "../config/environment";
import { resolveSettings } from "../config/settings";
import { stagingRehearsalInputs } from "../tools/rehearse/staging-inputs";
import { MOTO_ACCOUNT_ID } from "../tools/rehearse/emulator";
import { Issues } from "../config/errors";
import { validateDeployment } from "../config/validate";
import { environmentName, stagingName, stateKey, workspaceName } from "../lib/naming";
import { phaseConfig } from "../phases";
import { forEnvironment, STAGING_DB_CLASS, STAGING_SERVICE } from "../phases/environment";
import type { SynthStack } from "../tools/synth";
import { DEFAULT_ENGINE, EXAMPLE_VARS, policy, resources, stack, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

/** Staging beside the example's production: an account and a zone of its own (the recommended set-up). */
const STAGING_VARS = path.join(ROOT, "staging.tfvars.example");

/**
 * Attributes whose values are not names AWS, Cloudflare or GitHub key a resource by: equal values in
 * both environments are expected (a metric's name, an engine family, a service principal).
 */
const NOT_KEYED = new Set([
  "metric_name", // CloudWatch metric names (the namespace and dimensions tell staging's apart)
  "family", // postgres17
  "service_name", // com.amazonaws.<region>.s3
  "aws_service_name", // config.amazonaws.com (the service-linked role: only with manage_config)
  "ca_cert_identifier",
  "db_name", // the database inside each instance
  "target_id", // an EventBridge target's id, unique within its own rule
  "pattern", // log metric filter patterns (the filter's name and log group are staging's)
  "variable_name", // GitHub Actions variable names: the staging-delivery helper's design (docs/staging-delivery.md)
  "branch_pattern",
  "dashboard_body",
  "hash_key", // a DynamoDB attribute name (organization_id), in staging's own table
]);
/** Resource types whose names are scoped to something staging never shares. */
const SCOPED_TYPES = new Set([
  "aws_guardduty_detector_feature", // a feature of staging's own detector (RDS_LOGIN_EVENTS)
  "cloudflare_ruleset", // rulesets live in staging's own zone (the validation requires one)
  "github_repository_pull_request", // the staging-delivery helper's design (GitHub side)
  "github_repository_file",
  "aws_s3_object", // keys inside staging's own buckets
  "cloudflare_workers_kv", // keys inside staging's own KV namespace (its title is staging's)
]);
const NAME_KEY = /(^|_)(name|identifier|bucket|alias|title|key|path)$|_name$|_prefix$|^replication_group_id$/;
const REFERENCE_ID = /(^|_)(key_id|vpc_id|subnet_id|zone_id|account_id|security_group_id|registry_id)$/;

/** Every name-like value of every resource, and each stack's state key, with where it was found. */
function namesOf(stacks: readonly SynthStack[]): Map<string, string> {
  const out = new Map<string, string>();
  const add = (v: unknown, where: string) => {
    if (typeof v === "string" && v !== "" && !v.includes("${")) out.set(v, where);
  };
  for (const s of stacks) {
    for (const [type, list] of Object.entries((s.json.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
      if (SCOPED_TYPES.has(type)) continue;
      for (const [id, r] of Object.entries(list)) {
        for (const [k, v] of Object.entries(r))
          if (NAME_KEY.test(k) && !REFERENCE_ID.test(k) && !NOT_KEYED.has(k)) add(v, `${s.name}: ${type}.${id}.${k}`);
      }
    }
    const backend = (s.json.terraform?.backend ?? {}) as Record<string, { key?: string; path?: string }>;
    for (const b of Object.values(backend)) add(b.key ?? b.path, `${s.name}: backend`);
  }
  return out;
}

describe("staging: names of its own, nothing in common with production", () => {
  test.each([1, 4] as const)("phase %i (Fargate): no name, state key or hostname in common", (phase) => {
    const production = namesOf(synth({ phase, compute: DEFAULT_ENGINE }).stacks);
    const staging = namesOf(synth({ phase, compute: DEFAULT_ENGINE, varsFile: STAGING_VARS }).stacks);
    expect(staging.size).toBeGreaterThan(phase === 1 ? 100 : 500);
    const common = [...staging.keys()].filter((n) => production.has(n)).map((n) => `${n} (${staging.get(n)})`);
    expect(common).toEqual([]);
  });

  test("phase 1 in production's account: no name in common, and no audit singleton of its own", () => {
    const shared = fs
      .readFileSync(STAGING_VARS, "utf8")
      .replace(/^account_id = .*$/m, 'account_id = "123456789012"')
      .replace(/^state_bucket = .*$/m, 'state_bucket = "restartix-terraform-state-staging-123456789012"')
      .replace(/^(manage_[a-z_]+) = true$/gm, "$1 = false")
      .replace(
        /^github_oidc_provider_arn = .*$/m,
        'github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"',
      );
    const file = path.join(tempDir("restartix-staging-"), "staging.tfvars");
    fs.writeFileSync(file, shared);
    const result = synth({ phase: 1, compute: DEFAULT_ENGINE, varsFile: file });
    const production = namesOf(synth({ phase: 1, compute: DEFAULT_ENGINE }).stacks);
    expect([...namesOf(result.stacks).keys()].filter((n) => production.has(n))).toEqual([]);
    for (const type of [
      "aws_cloudtrail",
      "aws_guardduty_detector",
      "aws_config_configuration_recorder",
      "aws_securityhub_account",
      "aws_iam_openid_connect_provider",
    ]) {
      expect(result.stacks.flatMap((s) => resources(s, type))).toEqual([]);
    }
  });

  test("phase 1 on App Runner: no name in common", () => {
    const production = namesOf(synth({ phase: 1 }).stacks);
    const staging = namesOf(synth({ phase: 1, varsFile: STAGING_VARS }).stacks);
    expect([...staging.keys()].filter((n) => production.has(n))).toEqual([]);
  });

  test("each environment's plans key admits only its own CI roles' tag values (staging cannot decrypt production's plans)", () => {
    const conditions = (varsFile?: string) => {
      const b = stack(synth({ phase: 1, compute: DEFAULT_ENGINE, ...(varsFile ? { varsFile } : {}) }), "bootstrap");
      const [, key] = resources(b, "aws_kms_key")[0];
      return policy(key.policy, b)
        .Statement.filter((st) => st.Condition)
        .map((st) => [st.Sid, st.Condition.StringEquals["aws:PrincipalTag/restartix-ci-role"]]);
    };
    expect(conditions()).toEqual([
      ["PlanRoleEncrypts", "plan"],
      ["ApplyRoleDecrypts", "apply"],
    ]);
    expect(conditions(STAGING_VARS)).toEqual([
      ["PlanRoleEncrypts", "plan-staging"],
      ["ApplyRoleDecrypts", "apply-staging"],
    ]);
  });

  test("state keys under staging/, hostnames staging-*, secrets under restartix/staging/", () => {
    const result = synth({ phase: 1, compute: DEFAULT_ENGINE, varsFile: STAGING_VARS });
    for (const s of result.stacks.filter((x) => x.name !== "bootstrap")) {
      expect((s.json.terraform?.backend as any).s3.key).toBe(`staging/${s.name}/terraform.tfstate`);
    }
    expect((stack(result, "bootstrap").json.terraform?.backend as any).local.path).toBe("../../../terraform.staging-bootstrap.tfstate");
    const records = resources(stack(result, "edge"), "cloudflare_dns_record").map(([, r]) => r.name);
    expect(records.sort()).toEqual(["staging-api.example-staging.com", "staging-telemetry.example-staging.com"]);
    const secrets = result.stacks.flatMap((s) => resources(s, "aws_secretsmanager_secret").map(([, r]) => r.name as string));
    expect(secrets.length).toBeGreaterThan(3);
    for (const name of secrets) expect(name).toMatch(/^restartix\/staging\//);
    // Every AWS provider refuses any account but staging's own.
    for (const s of result.stacks) {
      for (const p of ((s.json.provider as any)?.aws ?? []) as { allowed_account_ids: string[] }[])
        expect(p.allowed_account_ids).toEqual(["210987654321"]);
    }
  });

  test("phase 4: the cells' short names (target groups, 32 characters) and gateway hostnames are staging's", () => {
    const result = synth({ phase: 4, compute: DEFAULT_ENGINE, varsFile: STAGING_VARS });
    const groups = result.stacks.flatMap((s) => resources(s, "aws_lb_target_group").map(([, r]) => r.name as string));
    expect(groups).toContain("rxs-t-org-101");
    for (const g of groups) expect(g.length).toBeLessThanOrEqual(32);
    const canaries = result.stacks.flatMap((s) => resources(s, "aws_synthetics_canary").map(([, r]) => r.name as string));
    for (const c of canaries) expect(c.length).toBeLessThanOrEqual(21);
    const certificates = result.stacks.flatMap((s) => resources(s, "aws_acm_certificate").map(([, r]) => r.domain_name as string));
    expect(certificates).toContain("staging-cells-eu-1.example-staging.com");
  });
});

describe("staging size preset: the architecture at the smallest size, HIPAA controls on", () => {
  // Synthesized on first use (once per file: helpers.ts caches it).
  const all = (type: string) =>
    synth({ phase: 4, compute: DEFAULT_ENGINE, varsFile: STAGING_VARS }).stacks.flatMap((s) => resources(s, type).map(([, r]) => r));

  test("databases: Single-AZ, the staging class, encrypted, backed up, protected, no replicas", () => {
    const dbs = all("aws_db_instance");
    expect(dbs.length).toBeGreaterThan(10); // the shared tier, every shard and tenant: the same architecture
    for (const db of dbs) {
      expect(db).toMatchObject({
        multi_az: false,
        instance_class: STAGING_DB_CLASS,
        storage_encrypted: true,
        deletion_protection: true,
        backup_retention_period: 7,
      });
      expect(db.replicate_source_db).toBeUndefined();
      expect(db.allocated_storage).toBe(20);
    }
    expect(all("aws_db_instance_automated_backups_replication")).toEqual([]);
  });

  test("caches, services and logs: the smallest node, one instance of each service, 30 days of logs", () => {
    for (const c of all("aws_elasticache_replication_group")) {
      expect(c).toMatchObject({ node_type: "cache.t4g.micro", at_rest_encryption_enabled: "true", transit_encryption_enabled: true });
      expect(c.num_cache_clusters ?? 1).toBe(1);
    }
    const tasks = all("aws_ecs_task_definition");
    expect(tasks.length).toBeGreaterThan(10);
    // The backup job and the credential rotation keep their own task size (a dump, not a service).
    for (const t of tasks.filter((x) => !/pg-dump|rotation/.test(String(x.family))))
      expect(t).toMatchObject({ cpu: String(STAGING_SERVICE.cpu), memory: String(STAGING_SERVICE.memory) });
    for (const s of all("aws_ecs_service")) expect(s.desired_count).toBe(STAGING_SERVICE.minInstances);
    for (const t of all("aws_appautoscaling_target")) expect(t).toMatchObject({ min_capacity: 1, max_capacity: 2 });
    for (const g of all("aws_cloudwatch_log_group").filter((x) => !String(x.name).startsWith("/aws/cloudtrail/"))) {
      expect(g.retention_in_days).toBe(30);
      expect(g.kms_key_id).toBeDefined();
    }
  });

  test("the settings say staging: its environment and the Single-AZ preset", () => {
    const checked = synth({ phase: 1, compute: DEFAULT_ENGINE, varsFile: STAGING_VARS });
    expect(checked.settings.phase.environment).toBe("staging");
    expect(checked.settings.phase.database.multiAz).toBe(false);
  });
});

describe("production is unchanged by the environment", () => {
  test.each([1, 2, 3, 4] as const)("phase %i: forEnvironment(production) is the phase config itself", (phase) => {
    expect(forEnvironment(phaseConfig(phase), "production")).toBe(phaseConfig(phase));
  });

  test("production names, state keys and workspaces keep their form", () => {
    expect(environmentName("GitHubActionsDeployRole", "production")).toBe("GitHubActionsDeployRole");
    expect(stateKey("network", "production")).toBe("network/terraform.tfstate");
    expect(workspaceName("restartix", "production", "network")).toBe("restartix-production-network");
  });
});

describe("the staging naming rule", () => {
  test.each([
    ["restartix-prod", "restartix-staging"],
    ["restartix-uploads-prod", "restartix-staging-uploads"],
    ["restartix-production", "restartix-staging"],
    ["restartix-redis-us", "restartix-staging-redis-us"],
    ["/aws/cloudtrail/restartix-audit", "/aws/cloudtrail/restartix-staging-audit"],
    ["alias/restartix-ci-plans", "alias/restartix-staging-ci-plans"],
    ["GitHubActionsDeployRole", "GitHubActionsDeployRole-staging"],
  ])("%s -> %s", (production, staging) => {
    expect(stagingName(production)).toBe(staging);
  });

  test("staging's workspaces and state keys", () => {
    expect(workspaceName("restartix-staging", "staging", "network")).toBe("restartix-staging-network");
    expect(stateKey("network", "staging")).toBe("staging/network/terraform.tfstate");
  });
});

describe("environment validations: each names the field, the value and the fix", () => {
  const stagingValues = () => ({ ...loadInputs(STAGING_VARS).values });
  const issuesOf = (values: Record<string, unknown>) => {
    const issues = new Issues();
    validateDeployment(values as Parameters<typeof validateDeployment>[0], STAGING_VARS, issues);
    return issues.all;
  };
  const fields = (list: readonly { field: string }[]) => list.map((i) => i.field.replace(/ \(.*\)$/, ""));

  test("the staging inputs are valid", () => {
    expect(issuesOf(stagingValues())).toEqual([]);
  });

  test("staging.tfvars.example is the example with staging's values, generated from one list", () => {
    expect(fs.readFileSync(STAGING_VARS, "utf8")).toBe(renderStagingExample());
  });

  test("--environment staging without --vars reads staging.tfvars, else staging.tfvars.example (never deployment.tfvars)", () => {
    const settings = resolveSettings({ environment: "staging", phase: 1 });
    expect(settings.inputsFile).toBe(fs.existsSync(path.join(ROOT, "staging.tfvars")) ? path.join(ROOT, "staging.tfvars") : STAGING_VARS);
    expect(settings.deployment.environment).toBe("staging");
  });

  test("the staging rehearsal's inputs: staging in the emulator's account, valid", () => {
    const file = stagingRehearsalInputs(tempDir("restartix-staging-"), MOTO_ACCOUNT_ID);
    const settings = resolveSettings({ varsFile: file, phase: 1 });
    expect(settings.deployment).toMatchObject({ environment: "staging", accountId: MOTO_ACCOUNT_ID, audit: { cloudtrail: true } });
    expect(settings.deployment.production?.accountId).not.toBe(MOTO_ACCOUNT_ID);
  });

  test("production refuses the production_* inputs", () => {
    const values = {
      ...loadInputs(EXAMPLE_VARS).values,
      production_account_id: "123456789012",
      production_cloudflare_zone_id: "023e105f4ecef8ad9ca31a8372d0c353",
    };
    const issues = new Issues();
    validateDeployment(values, EXAMPLE_VARS, issues);
    expect(fields(issues.all)).toEqual(["production_account_id", "production_cloudflare_zone_id"]);
    expect(issues.all[0].fix).toContain('production_account_id = ""');
  });

  test("staging requires production's account and zone", () => {
    const list = issuesOf({ ...stagingValues(), production_account_id: "", production_cloudflare_zone_id: "" });
    expect(fields(list)).toEqual(["production_account_id", "production_cloudflare_zone_id"]);
  });

  test("staging in production's Cloudflare zone is refused (one entry-point ruleset per zone and phase)", () => {
    const list = issuesOf({ ...stagingValues(), cloudflare_zone_id: STAGING_EXAMPLE.production_cloudflare_zone_id });
    expect(fields(list)).toEqual(["cloudflare_zone_id"]);
    expect(list[0].problem).toMatch(/entry-point ruleset per phase/);
  });

  test("staging needs a state bucket of its own", () => {
    const list = issuesOf({ ...stagingValues(), state_bucket: "restartix-terraform-state-210987654321" });
    expect(fields(list)).toEqual(["state_bucket"]);
  });

  test("in production's account: the audit singletons off, production's OIDC provider, no phase 4", () => {
    const shared = { ...stagingValues(), account_id: "123456789012", state_bucket: "restartix-terraform-state-staging-123456789012" };
    expect(fields(issuesOf(shared))).toEqual([...AUDIT_SINGLETONS, "github_oidc_provider_arn"]);
    const fixed = {
      ...shared,
      ...Object.fromEntries(AUDIT_SINGLETONS.map((n) => [n, false])),
      github_oidc_provider_arn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    };
    expect(issuesOf(fixed)).toEqual([]);
    expect(fields(issuesOf({ ...fixed, phase: 4 }))).toEqual(["phase"]);
  });
});

describe("deploy-order for staging", () => {
  test("every printed cdktf command carries ENVIRONMENT=staging (cdktf runs the app with the environment only)", () => {
    const { main } = require("../scripts/deploy-order") as typeof import("../scripts/deploy-order");
    const lines: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((s: string) => void lines.push(s));
    try {
      expect(main({ flags: { environment: "staging", phase: "1", format: "json", vars: STAGING_VARS }, positionals: [] } as never)).toBe(0);
    } finally {
      log.mockRestore();
    }
    const { steps } = JSON.parse(lines.join("\n")) as { steps: { command?: string }[] };
    const commands = steps.map((s) => s.command).filter((c): c is string => c !== undefined && c.includes("cdktf"));
    expect(commands.length).toBeGreaterThan(1);
    for (const c of commands) expect(c).toMatch(/\bENVIRONMENT=staging\b/);
  });
});
