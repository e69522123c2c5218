import * as fs from "fs";
import * as path from "path";
import { AwsCli, BUCKET_PROBES, CliResult, errorCode, githubOidcProvider, uploadsBucketSettings } from "../tools/discover/aws";
import {
  CloudflareApi,
  CloudflareEnvelope,
  DiscoverError,
  entryPointRulesets,
  httpCloudflareApi,
  recordsNamed,
} from "../tools/discover/cloudflare";
import { discover, DiscoverTarget, renderTfvars } from "../tools/discover/report";
import { deploymentWarnings } from "../tools/discover/warnings";
import { parseTfvars } from "../config/tfvars";
import { INPUT_FIELDS } from "../config/deployment";
import { Issues } from "../config/errors";
import { validateDeployment } from "../config/validate";
import { discoverReadPermissions, RULESET_PHASE_PERMISSIONS } from "../lib/cloudflare-token";
import { spec as discoverSpec } from "../scripts/discover";
import { EXAMPLE_VARS } from "./helpers";

/** Recorded answers (shapes of the Cloudflare API docs and of the AWS CLI's JSON output). */
const FIXTURES = path.join(__dirname, "fixtures", "discover");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const json = (name: string) => JSON.parse(fixture(name));

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN = "cf-token-0123456789abcdef-SECRET";
const target: DiscoverTarget = {
  zoneId: ZONE,
  domain: "example.com",
  accountId: "123456789012",
  region: "eu-central-1",
  hostnames: { core: "api.example.com", telemetry: "telemetry.example.com" },
  uploadsBucket: "restartix-uploads-prod",
};

/** A Cloudflare API answering recorded responses by path. */
function cloudflare(answers: Record<string, string>): CloudflareApi & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async get(p) {
      paths.push(p);
      const file = Object.entries(answers).find(([prefix]) => p.startsWith(prefix))?.[1];
      if (!file) throw new Error(`unexpected call ${p}`);
      return json(file) as CloudflareEnvelope;
    },
  };
}

const ZONE_ANSWERS = {
  [`/zones/${ZONE}/dns_records?name=api.example.com`]: "cloudflare-dns-records-api.json",
  [`/zones/${ZONE}/dns_records?name=telemetry.example.com`]: "cloudflare-dns-records-empty.json",
  [`/zones/${ZONE}/rulesets/2f2feab2026849078ba485f918791bdc`]: "cloudflare-ruleset-custom.json",
  [`/zones/${ZONE}/rulesets/7c1ab0b3e2e54a3d9f0b6a5c4d3e2f1a`]: "cloudflare-ruleset-ratelimit.json",
  [`/zones/${ZONE}/rulesets/0aa1bb2cc3dd4ee5ff6a7b8c9d0e1f2a`]: "cloudflare-ruleset-late-transform.json",
  [`/zones/${ZONE}/rulesets`]: "cloudflare-rulesets.json",
};

const ok = (stdout: string): CliResult => ({ code: 0, stdout, stderr: "" });
const fail = (code: string): CliResult => ({ code: 254, stdout: "", stderr: json("aws-errors.json")[code] });

/** An AWS CLI answering recorded outputs; `overrides` replaces the answer of one command. */
function awsCli(overrides: Record<string, CliResult> = {}): AwsCli & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(args) {
      calls.push([...args]);
      const command = args.slice(0, 2).join(" ");
      if (overrides[command]) return overrides[command];
      const file = `aws-${args[0]}-${args[1]}.json`;
      if (!fs.existsSync(path.join(FIXTURES, file))) throw new Error(`unexpected call aws ${args.join(" ")}`);
      return ok(fixture(file));
    },
  };
}

describe("discover: Cloudflare", () => {
  test("finds the record of a hostname by its exact name", async () => {
    const api = cloudflare(ZONE_ANSWERS);
    expect(await recordsNamed(api, ZONE, "api.example.com")).toEqual([
      { id: "372e67954025e0ba6aaa6d586b9e0b59", type: "CNAME", content: "restartix-core-api.up.railway.app", proxied: true },
    ]);
    expect(api.paths).toEqual([`/zones/${ZONE}/dns_records?name=api.example.com&per_page=100`]);
  });

  test("keeps the zone's own entry points of the managed phases, with their rules; skips Cloudflare's managed rulesets and other phases", async () => {
    const rulesets = await entryPointRulesets(cloudflare(ZONE_ANSWERS), ZONE);
    expect([...rulesets.keys()].sort()).toEqual(["http_ratelimit", "http_request_firewall_custom", "http_request_late_transform"]);
    expect(rulesets.get("http_request_firewall_custom")).toEqual({
      id: "2f2feab2026849078ba485f918791bdc",
      name: "default",
      phase: "http_request_firewall_custom",
      rules: [
        { action: "block", expression: '(ip.src.country eq "KP")', description: "Block sanctioned countries", enabled: true },
        {
          action: "managed_challenge",
          expression: '(http.host eq "www.example.com" and http.request.uri.path eq "/login")',
          description: "",
          enabled: false,
        },
      ],
    });
  });

  test("the late-transform entry point (request header rules) is discovered with each rule's header operations", async () => {
    const rulesets = await entryPointRulesets(cloudflare(ZONE_ANSWERS), ZONE);
    expect(rulesets.get("http_request_late_transform")).toEqual({
      id: "0aa1bb2cc3dd4ee5ff6a7b8c9d0e1f2a",
      name: "default",
      phase: "http_request_late_transform",
      rules: [
        {
          action: "rewrite",
          expression: '(http.host eq "www.example.com")',
          description: "Country header for the marketing site",
          enabled: true,
          headers: {
            "X-Client-Country": { operation: "set", expression: "ip.src.country" },
            "X-Powered-Via": { operation: "set", value: "cloudflare" },
            "X-Debug": { operation: "remove" },
          },
        },
        {
          action: "rewrite",
          expression: '(http.host eq "legacy.example.com")',
          description: "Legacy backend auth",
          enabled: false,
          headers: { "X-Legacy-Auth": { operation: "set", value: "legacy-shared-value-123" } },
        },
      ],
    });
  });

  test("the HTTP client sends the token as a bearer header and never puts it in a message", async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const fetchFn = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get("authorization") });
      // An answer that (absurdly) echoes the token must not leak it either.
      return new Response(
        JSON.stringify({ ...json("cloudflare-error-auth.json"), errors: [{ code: 10000, message: `Authentication error for ${TOKEN}` }] }),
        { status: 403 },
      );
    }) as unknown as typeof fetch;
    const api = httpCloudflareApi(TOKEN, fetchFn);
    const error = await api.get(`/zones/${ZONE}/rulesets`).catch((e: Error) => e);
    expect(seen).toEqual([{ url: `https://api.cloudflare.com/client/v4/zones/${ZONE}/rulesets`, auth: `Bearer ${TOKEN}` }]);
    expect(String((error as Error).message)).toBe(
      `Cloudflare GET /zones/${ZONE}/rulesets: HTTP 403 (10000 Authentication error for <redacted>)`,
    );
    const down = httpCloudflareApi(TOKEN, (async () =>
      Promise.reject(new TypeError(`fetch failed (${TOKEN})`))) as unknown as typeof fetch);
    expect(String(((await down.get("/x").catch((e: Error) => e)) as Error).message)).not.toContain(TOKEN);
  });
});

describe("discover: AWS", () => {
  test("finds the GitHub OIDC provider among the account's providers, with its audiences", async () => {
    const cli = awsCli();
    expect(await githubOidcProvider(cli)).toEqual({
      arn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
      clientIds: ["sts.amazonaws.com"],
    });
    expect(cli.calls[1]).toEqual([
      "iam",
      "get-open-id-connect-provider",
      "--open-id-connect-provider-arn",
      "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    ]);
    expect(
      await githubOidcProvider(awsCli({ "iam list-open-id-connect-providers": ok('{"OpenIDConnectProviderList": []}') })),
    ).toBeUndefined();
  });

  test("reads every uploads-bucket setting with its s3api call; set ones are listed in the input's order", async () => {
    const cli = awsCli({ "s3api get-bucket-lifecycle-configuration": fail("NoSuchLifecycleConfiguration") });
    const found = await uploadsBucketSettings(cli, "restartix-uploads-prod", "eu-central-1");
    expect(found.settings).toEqual(["public_access_block", "ownership", "versioning", "encryption", "policy"]);
    expect(found.details).toEqual({
      public_access_block: "4 of 4 blocks on",
      ownership: "BucketOwnerEnforced",
      versioning: "Enabled",
      encryption: "AES256",
      policy: "1 statement",
    });
    expect(cli.calls.map((c) => c[1]).sort()).toEqual(BUCKET_PROBES.map((p) => p.command).sort());
    expect(cli.calls.every((c) => c.includes("--bucket") && c.includes("restartix-uploads-prod") && c.includes("eu-central-1"))).toBe(true);
  });

  test.each([
    ["policy", "s3api get-bucket-policy", fail("NoSuchBucketPolicy")],
    ["ownership", "s3api get-bucket-ownership-controls", fail("OwnershipControlsNotFoundError")],
    ["public_access_block", "s3api get-public-access-block", fail("NoSuchPublicAccessBlockConfiguration")],
    ["versioning", "s3api get-bucket-versioning", ok("")],
    ["lifecycle", "s3api get-bucket-lifecycle-configuration", fail("NoSuchLifecycleConfiguration")],
  ])("%s is left out when S3 says it is not set", async (setting, command, answer) => {
    const found = await uploadsBucketSettings(awsCli({ [command]: answer }), "restartix-uploads-prod", "eu-central-1");
    expect(found.settings).not.toContain(setting);
  });

  test("logging is listed only when enabled", async () => {
    const withLogs = ok('{"LoggingEnabled": {"TargetBucket": "restartix-logs", "TargetPrefix": "uploads/"}}');
    expect((await uploadsBucketSettings(awsCli({ "s3api get-bucket-logging": withLogs }), "b", "eu-central-1")).details.logging).toBe(
      "to restartix-logs",
    );
    expect((await uploadsBucketSettings(awsCli(), "b", "eu-central-1")).settings).not.toContain("logging");
  });

  test("a missing bucket and a denied read are errors, not silently 'not set'", async () => {
    await expect(
      uploadsBucketSettings(awsCli({ "s3api get-public-access-block": fail("NoSuchBucket") }), "restartix-uploads-prod", "eu-central-1"),
    ).rejects.toThrow(/bucket restartix-uploads-prod does not exist/);
    await expect(
      uploadsBucketSettings(awsCli({ "s3api get-bucket-policy": fail("AccessDenied") }), "restartix-uploads-prod", "eu-central-1"),
    ).rejects.toThrow(/get-bucket-policy --bucket restartix-uploads-prod: AccessDenied/);
    expect(errorCode(json("aws-errors.json").NoCredentials)).toBeUndefined();
  });
});

describe("discover: the printed terraform.tfvars lines", () => {
  test("ids to paste, what each does at the first deploy, and the rules an adopted ruleset replaces", async () => {
    const found = await discover(target, { cloudflare: cloudflare(ZONE_ANSWERS), aws: awsCli() });
    expect(found.problems).toEqual([
      expect.stringMatching(
        /^the request header rule "Legacy backend auth" sets X-Legacy-Auth to a static value that may be a secret: discover does not print it/,
      ),
    ]);
    const text = renderTfvars(target, found);
    expect(text).toContain(
      'core_record_id = "372e67954025e0ba6aaa6d586b9e0b59"  # api.example.com: CNAME -> restartix-core-api.up.railway.app, proxied; adopted; its content then follows core_target',
    );
    expect(text).toContain('telemetry_record_id = ""  # telemetry.example.com: no record; the edge stack creates it');
    expect(text).toContain(
      'waf_custom_ruleset_id = "2f2feab2026849078ba485f918791bdc"  # http_request_firewall_custom entry point "default" with 2 rules; adopted, rules replaced',
    );
    expect(text).toContain('rate_limit_ruleset_id = "7c1ab0b3e2e54a3d9f0b6a5c4d3e2f1a"');
    expect(text).toContain('waf_managed_ruleset_id = ""  # no http_request_firewall_managed entry point; the edge stack creates it');
    expect(text).toContain('config_rules_ruleset_id = ""');
    // Names are kept: provider 5.x replaces a renamed ruleset.
    expect(text).toContain(
      'waf_custom_ruleset_name = "default"  # kept: a new name would make the provider replace the ruleset (delete, then create)',
    );
    expect(text).toContain('waf_managed_ruleset_name = ""');
    // The late-transform entry point is adopted and its own rules are kept, not replaced.
    expect(text).toContain(
      'origin_header_ruleset_id = "0aa1bb2cc3dd4ee5ff6a7b8c9d0e1f2a"  # http_request_late_transform entry point "default" with 2 rules; adopted, rules kept (origin_header_kept_rules), the origin header rule added after them',
    );
    expect(text).toContain('origin_header_ruleset_name = "default"');
    expect(text).toContain('      "X-Client-Country" = { operation = "set", expression = "ip.src.country" }');
    expect(text).not.toContain("http_request_late_transform: rewrite");
    // A header value that may be a credential is not printed.
    expect(text).toContain('      "X-Legacy-Auth" = { operation = "set", value = "" }  # value not printed');
    expect(text).not.toContain("legacy-shared-value-123");
    expect(text).toContain('#   http_request_firewall_custom: block "Block sanctioned countries"');
    expect(text).toContain(
      '#   http_request_firewall_custom: managed_challenge "(http.host eq \\"www.example.com\\" and http.request.uri.path eq \\"/login\\")" (disabled)',
    );
    expect(text).toContain('github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"');
    expect(text).toContain(
      'uploads_existing_settings = ["public_access_block", "ownership", "versioning", "encryption", "policy", "lifecycle"]',
    );
    // Never the policy document itself.
    expect(text).not.toContain("DenyInsecureTransport");
  });

  test("the lines are valid terraform.tfvars, and every field is a deployment input", async () => {
    const found = await discover(target, { cloudflare: cloudflare(ZONE_ANSWERS), aws: awsCli() });
    const parsed = parseTfvars(renderTfvars(target, found), "discover");
    const known = new Set(INPUT_FIELDS.map((f) => f.name));
    expect(Object.keys(parsed).filter((k) => !known.has(k))).toEqual([]);
    expect(Object.keys(parsed).sort()).toEqual(
      [
        "existing_platform",
        "core_record_id",
        "telemetry_record_id",
        "waf_managed_ruleset_id",
        "waf_custom_ruleset_id",
        "rate_limit_ruleset_id",
        "config_rules_ruleset_id",
        "origin_header_ruleset_id",
        "waf_managed_ruleset_name",
        "waf_custom_ruleset_name",
        "rate_limit_ruleset_name",
        "config_rules_ruleset_name",
        "origin_header_ruleset_name",
        "origin_header_kept_rules",
        "github_oidc_provider_arn",
        "uploads_existing_settings",
      ].sort(),
    );
    // Pasted over the example, the lines are valid inputs: the kept rules read back as written.
    const issues = new Issues();
    const d = validateDeployment({ ...parseTfvars(fs.readFileSync(EXAMPLE_VARS, "utf8")), ...parsed }, EXAMPLE_VARS, issues);
    expect(issues.all).toEqual([]);
    expect(d.adoption.rulesetNames).toEqual({ custom: "default", rateLimit: "default", originHeader: "default" });
    expect(d.adoption.keptLateTransformRules).toEqual([
      {
        description: "Country header for the marketing site",
        expression: '(http.host eq "www.example.com")',
        enabled: true,
        headers: {
          "X-Client-Country": { operation: "set", expression: "ip.src.country" },
          "X-Powered-Via": { operation: "set", value: "cloudflare" },
          "X-Debug": { operation: "remove" },
        },
      },
      {
        description: "Legacy backend auth",
        expression: '(http.host eq "legacy.example.com")',
        enabled: false,
        headers: { "X-Legacy-Auth": { operation: "set", value: "" } },
      },
    ]);
  });

  test("problems are collected and printed, not thrown: two records on one name, an audience missing, the wrong account", async () => {
    const answers = { ...ZONE_ANSWERS, [`/zones/${ZONE}/dns_records?name=telemetry.example.com`]: "cloudflare-dns-records-telemetry.json" };
    const noAudience = ok(JSON.stringify({ ...json("aws-iam-get-open-id-connect-provider.json"), ClientIDList: ["sigstore"] }));
    const found = await discover(target, {
      cloudflare: cloudflare(answers),
      aws: awsCli({ "iam get-open-id-connect-provider": noAudience }),
    });
    expect(found.problems).toEqual([
      expect.stringMatching(/^telemetry\.example\.com has 2 records \(A, AAAA\): a CNAME must be the only record of its name/),
      expect.stringMatching(/sets X-Legacy-Auth to a static value that may be a secret/),
      expect.stringMatching(/does not list the audience sts\.amazonaws\.com: add it \(aws iam add-client-id-to-open-id-connect-provider/),
    ]);
    const text = renderTfvars(target, found);
    expect(text).toContain(
      'telemetry_record_id = ""  # telemetry.example.com: 2 records (A 5e3f1a0c9d2b4e6f8a7b6c5d4e3f2a1b, AAAA 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d); keep one',
    );
    expect(text).toContain("# 3 problems to fix before deploying:");

    const otherAccount = ok(JSON.stringify({ ...json("aws-sts-get-caller-identity.json"), Account: "999999999999" }));
    const wrong = await discover(target, { aws: awsCli({ "sts get-caller-identity": otherAccount }) });
    expect(wrong.problems).toEqual([expect.stringMatching(/belong to account 999999999999, not account_id 123456789012/)]);
    expect(wrong.aws).toBeUndefined();
  });

  test("a Cloudflare error becomes a problem line and the AWS part still runs", async () => {
    const api: CloudflareApi = {
      get: async () => Promise.reject(new DiscoverError("Cloudflare GET /zones/x: HTTP 403 (10000 Authentication error)")),
    };
    const found = await discover(target, { cloudflare: api, aws: awsCli() });
    expect(found.problems).toEqual(["Cloudflare GET /zones/x: HTTP 403 (10000 Authentication error)"]);
    expect(found.aws?.oidc?.arn).toMatch(/token\.actions\.githubusercontent\.com$/);
  });
});

describe("discover: availability zones (subnets are placed by AZ name, which AWS maps per account)", () => {
  test("prints each configured zone's id in this account; a missing or unavailable name is a problem", async () => {
    const withAzs = { ...target, azs: { "eu-central-1": ["eu-central-1a", "eu-central-1b"] } };
    const cli = awsCli();
    const found = await discover(withAzs, { aws: cli });
    expect(cli.calls).toContainEqual(["ec2", "describe-availability-zones", "--region", "eu-central-1", "--all-availability-zones"]);
    expect(found.problems).toEqual([]);
    expect(renderTfvars(withAzs, found)).toContain(
      "# availability zones (network.azs; names map to physical zones per account): eu-central-1 eu-central-1a = euc1-az2, eu-central-1 eu-central-1b = euc1-az3",
    );
    const bad = await discover({ ...target, azs: { "eu-central-1": ["eu-central-1c", "eu-central-1d"] } }, { aws: awsCli() });
    expect(bad.problems).toEqual([
      expect.stringMatching(/^availability zone eu-central-1c \(euc1-az1\) is "impaired" in this account: choose another in network\.azs/),
      expect.stringMatching(/^availability zone eu-central-1d does not exist in eu-central-1 for this account/),
    ]);
  });
});

describe("npm start warnings", () => {
  const inputs = {
    existingPlatform: true,
    zoneWideTls: false,
    adoption: { records: {}, rulesets: {}, rulesetNames: {}, keptLateTransformRules: [], uploadsSettings: [] },
  };

  test("an existing platform with no adoption input set is warned about, with the fix", () => {
    expect(deploymentWarnings(inputs)).toEqual([
      expect.stringMatching(/existing_platform = true, but no adoption input is set.*npm run discover/),
    ]);
  });

  test("no warning once one adoption input is set, or for a new platform", () => {
    expect(deploymentWarnings({ ...inputs, adoption: { ...inputs.adoption, records: { core: "x".repeat(32) } } })).toEqual([]);
    expect(
      deploymentWarnings({
        ...inputs,
        adoption: {
          ...inputs.adoption,
          githubOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        },
      }),
    ).toEqual([]);
    expect(deploymentWarnings({ ...inputs, existingPlatform: false })).toEqual([]);
  });

  test("zone-wide TLS is warned about: it changes every hostname of the zone", () => {
    expect(deploymentWarnings({ ...inputs, existingPlatform: false, zoneWideTls: true })).toEqual([
      expect.stringMatching(/zone_wide_tls = true: .*every hostname of the zone/),
    ]);
  });
});

describe("the Cloudflare token discover needs", () => {
  test("every phase discover reads has its read permission in discover's help and in docs/adoption.md (Transform Rules: Read for the late-transform phase)", () => {
    expect(RULESET_PHASE_PERMISSIONS.http_request_late_transform.read).toBe("Transform Rules: Read");
    const help = discoverSpec.epilog!.join("\n");
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "adoption.md"), "utf8");
    for (const permission of discoverReadPermissions()) {
      expect(help).toContain(permission);
      expect(doc).toContain(`**${permission}**`);
    }
  });
});
