import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fromTerraformLiteral } from "../lib/terraform-literal";
import { lintWorkflow } from "../tools/workflow-lint";
import { EXAMPLE_VARS, only, policy, resources, stack, synth } from "./helpers";

const result = synth({ phase: 1 });
const edge = stack(result, "edge");
const delivery = stack(result, "delivery");
const github = stack(result, "delivery-github");
const records = (s = edge) => Object.fromEntries(resources(s, "cloudflare_dns_record").map(([n, r]) => [n, r]));

/** Synthesizes phase 1 with one deployment input changed. */
function synthWith(changes: Record<string, string>) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rx-vars-")), "terraform.tfvars");
  let text = fs.readFileSync(EXAMPLE_VARS, "utf8");
  for (const [k, v] of Object.entries(changes)) text = text.replace(new RegExp(`^${k} = .*$`, "m"), `${k} = ${JSON.stringify(v)}`);
  fs.writeFileSync(file, text);
  return synth({ phase: 1, varsFile: file });
}

describe("Cloudflare edge", () => {
  test("api.<domain> and telemetry.<domain> are proxied CNAMEs to today's Railway origins", () => {
    const r = records();
    expect(r["core-record"]).toMatchObject({ name: "api.example.com", type: "CNAME", proxied: true, ttl: 1, content: "restartix-core-api.up.railway.app" });
    expect(r["telemetry-record"]).toMatchObject({ name: "telemetry.example.com", type: "CNAME", proxied: true, content: "restartix-telemetry-api.up.railway.app" });
  });

  test("certificate validation records: for_each over the compute stack's state, DNS-only, never deleted", () => {
    for (const key of ["core", "telemetry"]) {
      const v = records()[`${key}-validation`];
      expect(v.for_each).toContain(`data.terraform_remote_state.cross-stack-reference-input-compute.outputs.cross-stack-output-aws_apprunner_custom_domain_association${key}-domaincertificate_validation_records`);
      expect(v).toMatchObject({ proxied: false, lifecycle: { prevent_destroy: true }, type: "${each.value.type}" });
    }
    expect(edge.json.data?.terraform_remote_state).toHaveProperty(["cross-stack-reference-input-compute"]);
  });

  test("switching one hostname to aws changes exactly that record (and back is the rollback)", () => {
    const switched = stack(synthWith({ core_target: "aws" }), "edge");
    const before = records();
    const after = records(switched);
    const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    expect(changed).toEqual(["core-record"]);
    expect(after["core-record"].content).toMatch(/cross-stack-output-aws_apprunner_custom_domain_associationcore-domaindns_target/);
    const { "core-record": a, ...restAfter } = after;
    const { "core-record": b, ...restBefore } = before;
    expect(a.proxied && b.proxied).toBe(true);
    expect(restAfter).toEqual(restBefore);
    // No other resource anywhere changes; compute only gains the output the record now reads.
    const switchedApp = synthWith({ core_target: "aws" });
    for (const s of result.stacks.filter((x) => x.name !== "edge")) {
      const other = stack(switchedApp, s.name).json;
      expect(other.resource).toEqual(s.json.resource);
    }
    const addedOutputs = Object.keys(stack(switchedApp, "compute").json.output ?? {}).filter((k) => !(k in (stack(result, "compute").json.output ?? {})));
    expect(addedOutputs).toEqual([expect.stringMatching(/core-domaindns_target$/)]);
  });

  test("zone settings: SSL full (strict), minimum TLS 1.2, always HTTPS", () => {
    const settings = Object.fromEntries(resources(edge, "cloudflare_zone_setting").map(([, s]) => [s.setting_id, s.value]));
    expect(settings).toEqual({ ssl: "strict", min_tls_version: "1.2", always_use_https: "on" });
  });

  test("WAF: managed + OWASP rulesets, custom rules from config, rate limits from config", () => {
    const rulesets = Object.fromEntries(resources(edge, "cloudflare_ruleset").map(([, r]) => [r.phase, r]));
    expect(rulesets.http_request_firewall_managed.rules.map((r: any) => [r.action, r.action_parameters.id])).toEqual([
      ["execute", "efb7b8c949ac4650a09736fc376e9aee"],
      ["execute", "4814384a9e5d4991b9815dcfc25d2f1f"],
    ]);
    expect(rulesets.http_request_firewall_custom.rules[0]).toMatchObject({ action: "block", description: "Block HTTP methods the APIs never serve" });
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

  test("the deploy role can only push the two images and deploy the two services", () => {
    const doc = policy(resources(delivery, "aws_iam_policy").find(([, p]) => p.name === "GitHubActionsDeployRole")![1].policy, delivery);
    const bySid = Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(["RegistryLogin", "PushServiceImages", "StartDeployment"]);
    expect(bySid.PushServiceImages.Resource).toHaveLength(2);
    expect(bySid.StartDeployment.Resource).toEqual([
      "arn:aws:apprunner:eu-central-1:123456789012:service/restartix-core-api/*",
      "arn:aws:apprunner:eu-central-1:123456789012:service/restartix-telemetry-api/*",
    ]);
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
      AWS_DEPLOY_ROLE_ARN: expect.stringMatching(/cross-stack-reference-input-delivery\.outputs\.cross-stack-output-aws_iam_roledeploy-role_.*arn/),
    });
    expect(resources(github, "github_actions_secret")).toEqual([]);
  });

  test("deploy.yml is managed as a repository file and lints clean", async () => {
    const file = only(github, "github_repository_file");
    expect(file).toMatchObject({ file: ".github/workflows/deploy.yml", branch: "main", repository: "restartix-platform" });
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
});
