import * as fs from "fs";
import * as path from "path";
import { fromTerraformLiteral } from "../lib/terraform-literal";
import { Options } from "../config/settings";
import { evaluateStack } from "../policy";
import { deployCommand, missingDependencies } from "../tools/waves";
import { lintWorkflow } from "../tools/workflow-lint";
import { SynthResult } from "../tools/synth";
import { EXAMPLE_VARS, only, policy, resources, stack, synth } from "./helpers";
import { RULESET_PHASE_PERMISSIONS } from "../lib/cloudflare-token";

// cdktf-cli's own check, the one `cdktf deploy` runs before anything else.
import { checkIfAllDependenciesAreIncluded } from "@cdktf/cli-core/src/lib/helpers/stack-helpers";
import { tempDir } from "./temp-dirs";

const result = synth({ phase: 1 });
const edge = stack(result, "edge");
const delivery = stack(result, "delivery");
const github = stack(result, "delivery-github");
const records = (s = edge) => Object.fromEntries(resources(s, "cloudflare_dns_record").map(([n, r]) => [n, r]));

/** A copy of the example inputs with some fields changed. */
function varsWith(changes: Record<string, string | boolean>): string {
  const file = path.join(tempDir("rx-vars-"), "terraform.tfvars");
  let text = fs.readFileSync(EXAMPLE_VARS, "utf8");
  for (const [k, v] of Object.entries(changes)) {
    const re = new RegExp(`^${k} = .*$`, "m");
    if (!re.test(text)) throw new Error(`no input ${k} in the example`);
    text = text.replace(re, `${k} = ${JSON.stringify(v)}`);
  }
  fs.writeFileSync(file, text);
  return file;
}

/** Synthesizes phase 1 (or `options`) with some deployment inputs changed. */
const synthWith = (changes: Record<string, string | boolean>, options: Options = { phase: 1 }) =>
  synth({ ...options, varsFile: varsWith(changes) });

/** Paths (a.b.c) at which two JSON values differ. */
function diffPaths(a: unknown, b: unknown, at = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k));
  }
  return [at];
}

/** Stack name -> the paths of its JSON that differ between two synths (only stacks that differ). */
function changedStacks(before: SynthResult, after: SynthResult): Record<string, string[]> {
  expect(after.stacks.map((s) => s.name).sort()).toEqual(before.stacks.map((s) => s.name).sort());
  const out: Record<string, string[]> = {};
  for (const s of before.stacks) {
    const paths = diffPaths(s.json, stack(after, s.name).json);
    if (paths.length > 0) out[s.name] = paths;
  }
  return out;
}

describe("Cloudflare edge", () => {
  test("api.<domain> and telemetry.<domain> are proxied CNAMEs to today's Railway origins", () => {
    const r = records();
    expect(r["core-record"]).toMatchObject({
      name: "api.example.com",
      type: "CNAME",
      proxied: true,
      ttl: 1,
      content: "restartix-core-api.up.railway.app",
    });
    expect(r["telemetry-record"]).toMatchObject({
      name: "telemetry.example.com",
      type: "CNAME",
      proxied: true,
      content: "restartix-telemetry-api.up.railway.app",
    });
  });

  test("certificate validation records: for_each over the compute stack's state, DNS-only, never deleted", () => {
    for (const key of ["core", "telemetry"]) {
      const v = records()[`${key}-validation`];
      expect(v.for_each).toContain(
        `data.terraform_remote_state.cross-stack-reference-input-compute.outputs.cross-stack-output-aws_apprunner_custom_domain_association${key}-domaincertificate_validation_records`,
      );
      expect(v).toMatchObject({ proxied: false, lifecycle: { prevent_destroy: true }, type: "${each.value.type}" });
    }
    expect(edge.json.data?.terraform_remote_state).toHaveProperty(["cross-stack-reference-input-compute"]);
  });

  test("an empty validation record list in the compute stack's output refuses the edge plan instead of creating none (issue 20 item 19)", () => {
    for (const key of ["core", "telemetry"]) {
      const [pre] = records()[`${key}-record`].lifecycle.precondition;
      expect(pre.condition).toMatch(
        new RegExp(
          `^\\$\\{\\(length\\(tolist\\(data\\.terraform_remote_state\\.cross-stack-reference-input-compute\\.outputs\\.cross-stack-output-aws_apprunner_custom_domain_association${key}-domaincertificate_validation_records\\)\\) >= 1\\)\\}$`,
        ),
      );
      expect(pre.error_message).toMatch(/holds no certificate validation records for .*Run the deploy command again \(compute first/);
    }
  });

  test("switching one hostname to aws changes exactly that record's content (and back is the rollback)", () => {
    const switched = synthWith({ core_target: "aws" });
    expect(changedStacks(result, switched)).toEqual({ edge: ["resource.cloudflare_dns_record.core-record.content"] });
    expect(records(stack(switched, "edge"))["core-record"].content).toMatch(
      /cross-stack-output-aws_apprunner_custom_domain_associationcore-domaindns_target/,
    );
  });

  // The cutover flips both switches in the maintenance window; the rollback flips them back.
  test.each<[string, Options]>([
    ["phase 1, App Runner", { phase: 1 }],
    ["phase 1, Fargate", { phase: 1, compute: "fargate" }],
    ["phase 4", { phase: 4 }],
  ])("%s: the cutover changes only the two public records' contents; every other stack's JSON is identical", (_, options) => {
    const railway = synth({ ...options, varsFile: EXAMPLE_VARS });
    const aws = synthWith({ core_target: "aws", telemetry_target: "aws" }, options);
    expect(changedStacks(railway, aws)).toEqual({
      edge: ["resource.cloudflare_dns_record.core-record.content", "resource.cloudflare_dns_record.telemetry-record.content"],
    });
    // The edge reads the AWS targets either way: the compute stack exports them before the switch.
    for (const key of ["core", "telemetry"]) {
      const target = stack(railway, "edge").json.output?.[`${key}_aws_target`];
      expect(target?.value).toMatch(/terraform_remote_state\.cross-stack-reference-input-compute\.outputs\./);
      expect(records(stack(aws, "edge"))[`${key}-record`].content).toBe(target?.value);
    }
  });

  test.each([1, 4])("phase %i: the cutover and rollback command is one deploy that cdktf accepts", (phase) => {
    const stacks = synth({ phase }).stacks;
    const command = deployCommand(stacks, ["edge"]);
    const names = command.split(" ").slice(3);
    expect(names[names.length - 1]).toBe("edge");
    expect(missingDependencies(stacks, names)).toEqual([]);
    expect(() => checkIfAllDependenciesAreIncluded(stacks.filter((s) => names.includes(s.name)) as any)).not.toThrow();
    // Without the closure cdktf refuses it: the old runbook's `cdktf deploy edge`.
    expect(() => checkIfAllDependenciesAreIncluded(stacks.filter((s) => s.name === "edge") as any)).toThrow(
      /dependencies are not included/,
    );
    if (phase === 1) expect(command).toBe("npx cdktf deploy keys network platform registry storage data compute edge");
  });

  test("TLS is scoped to the API hostnames by default: a configuration rule (SSL strict) and firewall rules (HTTPS only, TLS >= 1.2); no zone setting", () => {
    expect(resources(edge, "cloudflare_zone_setting")).toEqual([]);
    const rulesets = Object.fromEntries(resources(edge, "cloudflare_ruleset").map(([, r]) => [r.phase, r]));
    const hosts = '(http.host in {"api.example.com" "telemetry.example.com"})';
    expect(rulesets.http_config_settings.rules).toEqual([
      { action: "set_config", action_parameters: { ssl: "strict" }, expression: hosts, description: expect.any(String), enabled: true },
    ]);
    expect(rulesets.http_request_firewall_custom.rules.slice(0, 2)).toEqual([
      { action: "block", expression: `${hosts} and not ssl`, description: expect.stringMatching(/HTTPS only/), enabled: true },
      {
        action: "block",
        expression: `${hosts} and cf.tls_version in {"TLSv1" "TLSv1.1"}`,
        description: expect.stringMatching(/TLS 1\.2/),
        enabled: true,
      },
    ]);
    // The policy pack proves SSL strict and TLS >= 1.2 for both proxied records from these rules.
    expect(evaluateStack("edge", edge.json).filter((f) => ["RX-CF-3", "RX-CF-5"].includes(f.ruleId))).toEqual([]);
  });

  test("zone_wide_tls = true sets the three zone settings instead, for every hostname of the zone", () => {
    const zoneWide = stack(synthWith({ zone_wide_tls: true }), "edge");
    const settings = Object.fromEntries(resources(zoneWide, "cloudflare_zone_setting").map(([, s]) => [s.setting_id, s.value]));
    expect(settings).toEqual({ ssl: "strict", min_tls_version: "1.2", always_use_https: "on" });
    expect(resources(zoneWide, "cloudflare_ruleset").map(([, r]) => r.phase)).not.toContain("http_config_settings");
    const custom = resources(zoneWide, "cloudflare_ruleset").find(([, r]) => r.phase === "http_request_firewall_custom")![1];
    expect(custom.rules.map((r: any) => r.description)).toEqual(["Block HTTP methods the APIs never serve"]);
    expect(evaluateStack("edge", zoneWide.json).filter((f) => ["RX-CF-3", "RX-CF-5"].includes(f.ruleId))).toEqual([]);
  });

  test("the phase's custom firewall rules apply to the API hostnames, not the whole zone", () => {
    const custom = resources(edge, "cloudflare_ruleset").find(([, r]) => r.phase === "http_request_firewall_custom")![1];
    const methods = custom.rules.find((r: any) => r.description === "Block HTTP methods the APIs never serve");
    expect(methods.expression).toBe(
      '(http.host in {"api.example.com" "telemetry.example.com"}) and (not http.request.method in {"GET" "HEAD" "POST" "PUT" "PATCH" "DELETE" "OPTIONS"})',
    );
  });

  test("nothing is imported while the adoption inputs are empty", () => {
    expect(edge.json.import).toBeUndefined();
  });

  test("existing records and entry-point rulesets are adopted with import blocks in the provider's id formats", () => {
    const zone = "023e105f4ecef8ad9ca31a8372d0c353";
    const id = (n: number) => String(n).repeat(32);
    const adopted = stack(
      synthWith({
        core_record_id: id(1),
        telemetry_record_id: id(2),
        waf_managed_ruleset_id: id(3),
        waf_managed_ruleset_name: "RestartiX managed WAF",
        waf_custom_ruleset_id: id(4),
        waf_custom_ruleset_name: "RestartiX custom rules",
        rate_limit_ruleset_id: id(5),
        rate_limit_ruleset_name: "RestartiX rate limits",
        config_rules_ruleset_id: id(6),
        config_rules_ruleset_name: "RestartiX configuration rules",
      }),
      "edge",
    );
    expect(adopted.json.import).toEqual(
      expect.arrayContaining([
        { to: "cloudflare_dns_record.core-record", id: `${zone}/${id(1)}` },
        { to: "cloudflare_dns_record.telemetry-record", id: `${zone}/${id(2)}` },
        { to: "cloudflare_ruleset.waf-managed", id: `zones/${zone}/${id(3)}` },
        { to: "cloudflare_ruleset.waf-custom", id: `zones/${zone}/${id(4)}` },
        { to: "cloudflare_ruleset.rate-limits", id: `zones/${zone}/${id(5)}` },
        { to: "cloudflare_ruleset.tls-config", id: `zones/${zone}/${id(6)}` },
      ]),
    );
    expect(adopted.json.import).toHaveLength(6);
    // Adoption changes no resource of the stack.
    expect(adopted.json.resource).toEqual(edge.json.resource);
  });

  test("an adopted entry point keeps its current name: provider 5.x replaces a renamed ruleset (issue 20 item 9)", () => {
    const zone = "023e105f4ecef8ad9ca31a8372d0c353";
    const id = (n: number) => String(n).repeat(32);
    const adopted = stack(
      synthWith({
        waf_managed_ruleset_id: id(3),
        waf_managed_ruleset_name: "default",
        waf_custom_ruleset_id: id(4),
        waf_custom_ruleset_name: "zone",
        rate_limit_ruleset_id: id(5),
        rate_limit_ruleset_name: "default",
        config_rules_ruleset_id: id(6),
        config_rules_ruleset_name: "default",
        origin_header_ruleset_id: id(7),
        origin_header_ruleset_name: "Transform rules",
      }),
      "edge",
    );
    const names = Object.fromEntries(resources(adopted, "cloudflare_ruleset").map(([n, r]) => [n, r.name]));
    expect(names).toEqual({
      "waf-managed": "default",
      "waf-custom": "zone",
      "rate-limits": "default",
      "tls-config": "default",
      "origin-header": "Transform rules",
    });
    expect(adopted.json.import).toContainEqual({ to: "cloudflare_ruleset.origin-header", id: `zones/${zone}/${id(7)}` });
    // Not adopted: this code's own names.
    expect(Object.fromEntries(resources(edge, "cloudflare_ruleset").map(([n, r]) => [n, r.name]))["origin-header"]).toBe(
      "RestartiX origin header",
    );
  });

  test("an adoption id without its name, or a name without its id, is refused with the fix", () => {
    expect(() => synthWith({ waf_custom_ruleset_id: "4".repeat(32) })).toThrow(
      /waf_custom_ruleset_name \(terraform\.tfvars\): .*is required when waf_custom_ruleset_id is set.*replaces a renamed ruleset.*Fix: set waf_custom_ruleset_name to the name npm run discover prints/s,
    );
    expect(() => synthWith({ origin_header_ruleset_name: "default" })).toThrow(
      /origin_header_ruleset_name \(terraform\.tfvars\): got "default"; is set but origin_header_ruleset_id is empty/,
    );
  });

  describe("the adopted late-transform entry point keeps the zone's request header rules (issue 20 item 3)", () => {
    const kept = `origin_header_kept_rules = [
  {
    description = "Country header for the marketing site"
    expression  = "(http.host eq \\"www.example.com\\")"
    enabled     = true
    headers = {
      "X-Client-Country" = { operation = "set", expression = "ip.src.country" }
      "X-Debug" = { operation = "remove" }
    }
  },
  {
    description = "Static header"
    expression  = "true"
    enabled     = false
    headers = {
      "X-Powered-Via" = { operation = "set", value = "cloudflare" }
    }
  },
]`;
    const withKept = (
      rules: string,
      changes: Record<string, string> = { origin_header_ruleset_id: "7".repeat(32), origin_header_ruleset_name: "default" },
    ) => {
      const file = varsWith(changes);
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^origin_header_kept_rules = .*$/m, rules));
      return stack(synth({ phase: 1, varsFile: file }), "edge");
    };

    test("the kept rules come first, in their order, the origin header rule last", () => {
      const rs = resources(withKept(kept), "cloudflare_ruleset").find(([n]) => n === "origin-header")![1];
      expect(rs.rules).toHaveLength(3);
      expect(rs.rules[0]).toEqual({
        action: "rewrite",
        description: "Country header for the marketing site",
        expression: '(http.host eq "www.example.com")',
        enabled: true,
        action_parameters: {
          headers:
            '${tomap({"X-Client-Country" = {"operation" = "set", "value" = null, "expression" = "ip.src.country"}, "X-Debug" = {"operation" = "remove", "value" = null, "expression" = null}})}',
        },
      });
      expect(rs.rules[1]).toMatchObject({ description: "Static header", enabled: false, expression: "true" });
      expect(rs.rules[1].action_parameters.headers).toContain(
        '"X-Powered-Via" = {"operation" = "set", "value" = "cloudflare", "expression" = null}',
      );
      expect(rs.rules[2].description).toMatch(/^Set X-Origin-Verify/);
    });

    test("a kept rule that changes the origin guard's header is refused", () => {
      const clash = kept.replace('"X-Debug" = { operation = "remove" }', '"x-origin-verify" = { operation = "remove" }');
      expect(() => withKept(clash)).toThrow(
        /origin_header_kept_rules\[0\] \("Country header for the marketing site"\) changes x-origin-verify, the origin guard's header.*Fix: drop that header/,
      );
    });

    test("kept rules without the adopted entry point, and malformed rules, are refused naming the field", () => {
      expect(() => withKept(kept, {})).toThrow(/origin_header_kept_rules .*lists rules, but origin_header_ruleset_id is empty/);
      expect(() => withKept('origin_header_kept_rules = [{ expression = "true", headers = { "X-A" = { operation = "set" } } }]')).toThrow(
        /origin_header_kept_rules\[0\]\.headers\["X-A"\].*a set operation needs exactly one of value \(static\) or expression \(dynamic\)/,
      );
      expect(() => withKept('origin_header_kept_rules = [{ expression = "", headers = { "X-A" = { operation = "remove" } } }]')).toThrow(
        /origin_header_kept_rules\[0\]\.expression/,
      );
    });
  });

  test("the documented token covers every ruleset phase the edge stack writes (Transform Rules: Edit for the origin header)", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "edge-and-delivery.md"), "utf8");
    const phases = new Set(
      [1, 4].flatMap((p) =>
        resources(stack(p === 1 ? result : synth({ phase: 4 }), "edge"), "cloudflare_ruleset").map(([, r]) => r.phase as string),
      ),
    );
    expect(phases).toContain("http_request_late_transform");
    for (const phase of phases) {
      expect(RULESET_PHASE_PERMISSIONS[phase]).toBeDefined();
      expect(doc).toContain(`| Zone | ${RULESET_PHASE_PERMISSIONS[phase].edit} |`);
    }
    expect(RULESET_PHASE_PERMISSIONS.http_request_late_transform.edit).toBe("Transform Rules: Edit");
  });

  test("WAF: managed + OWASP rulesets, custom rules from config, rate limits from config", () => {
    const rulesets = Object.fromEntries(resources(edge, "cloudflare_ruleset").map(([, r]) => [r.phase, r]));
    expect(rulesets.http_request_firewall_managed.rules.map((r: any) => [r.action, r.action_parameters.id])).toEqual([
      ["execute", "efb7b8c949ac4650a09736fc376e9aee"],
      ["execute", "4814384a9e5d4991b9815dcfc25d2f1f"],
    ]);
    expect(rulesets.http_request_firewall_custom.rules[2]).toMatchObject({
      action: "block",
      description: "Block HTTP methods the APIs never serve",
    });
    expect(rulesets.http_ratelimit.rules[0]).toMatchObject({
      action: "block",
      expression: '(http.host eq "api.example.com")',
      ratelimit: { characteristics: ["cf.colo.id", "ip.src"], period: 10, requests_per_period: 100, mitigation_timeout: 10 },
    });
  });
});

describe("GitHub delivery: OIDC, no access keys", () => {
  test("an OIDC provider for token.actions.githubusercontent.com, audience sts.amazonaws.com", () => {
    expect(only(delivery, "aws_iam_openid_connect_provider")).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  test("GitHubActionsDeployRole trusts only the app repository's main branch or production environment", () => {
    const role = resources(delivery, "aws_iam_role").find(([, r]) => r.name === "GitHubActionsDeployRole")![1];
    const trust = policy(role.assume_role_policy, delivery).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      Action: "sts:AssumeRoleWithWebIdentity",
      Principal: { Federated: expect.stringMatching(/aws_iam_openid_connect_provider\.github-oidc\.arn/) },
      Condition: {
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": [
            "repo:restartix/restartix-platform:ref:refs/heads/main",
            "repo:restartix/restartix-platform:environment:production",
          ],
        },
      },
    });
  });

  test("the deploy role can only push the two images and move the project's App Runner services to a commit's tag", () => {
    const doc = policy(resources(delivery, "aws_iam_policy").find(([, p]) => p.name === "GitHubActionsDeployRole")![1].policy, delivery);
    const bySid = Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual([
      "RegistryLogin",
      "PushServiceImages",
      "FindBootstrapImages",
      "FindAppRunnerServices",
      "DeployAppRunnerServices",
      "PassImagePullRole",
      "WaitForReplicatedImages",
    ]);
    expect(bySid.PushServiceImages.Resource).toHaveLength(2);
    expect(bySid.DeployAppRunnerServices).toMatchObject({
      Action: ["apprunner:DescribeService", "apprunner:UpdateService", "apprunner:ListOperations"],
      Resource: "arn:aws:apprunner:eu-central-1:123456789012:service/restartix-*/*",
    });
    // UpdateService passes the image pull role back: to App Runner only.
    expect(bySid.PassImagePullRole.Condition).toEqual({ StringEquals: { "iam:PassedToService": "apprunner.amazonaws.com" } });
  });

  test("no IAM user or access key anywhere", () => {
    for (const s of result.stacks) {
      expect(resources(s, "aws_iam_user")).toEqual([]);
      expect(resources(s, "aws_iam_access_key")).toEqual([]);
    }
  });

  test("the app repository gets a production environment and three non-secret Actions variables", () => {
    expect(only(github, "github_repository_environment")).toMatchObject({ repository: "restartix-platform", environment: "production" });
    const vars = Object.fromEntries(resources(github, "github_actions_variable").map(([, v]) => [v.variable_name, v.value]));
    expect(vars).toEqual({
      AWS_REGION: "eu-central-1",
      ECR_REGISTRY: "123456789012.dkr.ecr.eu-central-1.amazonaws.com",
      AWS_DEPLOY_ROLE_ARN: expect.stringMatching(
        /cross-stack-reference-input-delivery\.outputs\.cross-stack-output-aws_iam_roledeploy-role_.*arn/,
      ),
    });
    expect(resources(github, "github_actions_secret")).toEqual([]);
  });

  test("production deploys only from the deploy branch, named: not 'protected branches', which counts classic protection only (a ruleset-protected main is not)", () => {
    expect(only(github, "github_repository_environment").deployment_branch_policy).toEqual({
      protected_branches: false,
      custom_branch_policies: true,
    });
    expect(only(github, "github_repository_environment_deployment_policy")).toMatchObject({
      repository: "restartix-platform",
      environment: "${github_repository_environment.production.environment}",
      branch_pattern: "main",
    });
  });

  test("deploy.yml is proposed on its own branch and lints clean", async () => {
    const file = only(github, "github_repository_file");
    expect(file).toMatchObject({
      file: ".github/workflows/deploy.yml",
      branch: "restartix-infra/deploy-workflow",
      autocreate_branch: true,
      autocreate_branch_source_branch: "main",
      repository: "restartix-platform",
    });
    // Escaped for Terraform: GitHub receives `${{`, Terraform sees no interpolation.
    expect(file.content).toContain("role-to-assume: $${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(file.content.replaceAll("$${", "")).not.toContain("${");
    const content = fromTerraformLiteral(file.content);
    expect(content).toContain("Dockerfile.api");
    expect(content).toContain("Dockerfile.telemetry");
    expect(content).toContain("role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(content).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
    expect(await lintWorkflow(content, ".github/workflows/deploy.yml")).toEqual([]);
  });

  test("nothing is committed to the deploy branch: a pull request proposes the workflow, and a new version opens a new one", () => {
    // A commit straight to main is refused by rulesets that require pull requests, and the production
    // environment deploys only from main (a custom branch policy).
    expect(resources(github, "github_repository_file").map(([, f]) => f.branch)).not.toContain("main");
    expect(only(github, "github_repository_pull_request")).toMatchObject({
      base_repository: "restartix-platform",
      base_ref: "main",
      head_ref: "restartix-infra/deploy-workflow",
      depends_on: ["github_repository_file.deploy-workflow"],
      // A plain address: cdktf's "${...}" form here is rejected by terraform (see the stack).
      lifecycle: { replace_triggered_by: ["github_repository_file.deploy-workflow"] },
    });
  });

  test("the workflow is written only after the environment and the Actions variables it reads exist", () => {
    expect(only(github, "github_repository_file").depends_on.sort()).toEqual(
      [
        "github_actions_variable.AWS_DEPLOY_ROLE_ARN",
        "github_actions_variable.AWS_REGION",
        "github_actions_variable.ECR_REGISTRY",
        "github_repository_environment.production",
      ].sort(),
    );
  });

  test("an existing GitHub OIDC provider is referenced by ARN, neither created nor imported (destroy must not delete it)", () => {
    const arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    const adopted = stack(synthWith({ github_oidc_provider_arn: arn }), "delivery");
    expect(resources(adopted, "aws_iam_openid_connect_provider")).toEqual([]);
    expect(adopted.json.import).toBeUndefined();
    const role = resources(adopted, "aws_iam_role").find(([, r]) => r.name === "GitHubActionsDeployRole")![1];
    expect(policy(role.assume_role_policy, adopted).Statement[0].Principal).toEqual({ Federated: arn });
  });
});
