import { ApprunnerAutoScalingConfigurationVersion } from "@cdktf/provider-aws/lib/apprunner-auto-scaling-configuration-version";
import { ApprunnerCustomDomainAssociation } from "@cdktf/provider-aws/lib/apprunner-custom-domain-association";
import { policy, resources, stack, synth, text } from "./helpers";

const compute = stack(synth({ phase: 1 }), "compute");
const platform = stack(synth({ phase: 1 }), "platform");
const services = Object.fromEntries(resources(compute, "aws_apprunner_service").map(([, s]) => [s.service_name, s]));
const core = services["restartix-core-api"];
const telemetry = services["restartix-telemetry-api"];

function role(nameSuffix: string): { trust: any; statements: any[] } {
  const [logical, r] = resources(compute, "aws_iam_role").find(([, x]) => x.name.endsWith(nameSuffix))!;
  const policyDoc = resources(compute, "aws_iam_policy").find(([, p]) => p.name === r.name)![1].policy;
  expect(resources(compute, "aws_iam_role_policy_attachment").some(([, a]) => a.role === `\${aws_iam_role.${logical}.name}`)).toBe(true);
  return { trust: policy(r.assume_role_policy, compute), statements: policy(policyDoc, compute).Statement };
}

describe("phase 1 App Runner services", () => {
  test("core API: 1 vCPU / 2 GB, 1-5 instances at concurrency 100", () => {
    expect(core.instance_configuration).toMatchObject({ cpu: "1024", memory: "2048" });
    // Shared per size and region by the platform stack (App Runner allows 10 names per region).
    expect(text(platform)).toHaveResourceWithProperties(ApprunnerAutoScalingConfigurationVersion, {
      auto_scaling_configuration_name: "restartix-min1-max5-c100",
      min_size: 1,
      max_size: 5,
      max_concurrency: 100,
    });
    expect(core.auto_scaling_configuration_arn).toMatch(
      /cross-stack-reference-input-platform.*aws_apprunner_auto_scaling_configuration_versionrestartix-min1-max5-c100arn/,
    );
    expect(resources(compute, "aws_apprunner_auto_scaling_configuration_version")).toEqual([]);
  });

  test("telemetry API: 0.5 vCPU / 1 GB, 1-3 instances at concurrency 200", () => {
    expect(telemetry.instance_configuration).toMatchObject({ cpu: "512", memory: "1024" });
    expect(text(platform)).toHaveResourceWithProperties(ApprunnerAutoScalingConfigurationVersion, {
      auto_scaling_configuration_name: "restartix-min1-max3-c200",
      min_size: 1,
      max_size: 3,
      max_concurrency: 200,
    });
    expect(telemetry.auto_scaling_configuration_arn).toMatch(/aws_apprunner_auto_scaling_configuration_versionrestartix-min1-max3-c200arn/);
  });

  test("health checks: /health over HTTP every 10 s, 5 s timeout, healthy 1 / unhealthy 5", () => {
    for (const s of [core, telemetry]) {
      expect(s.health_check_configuration).toEqual({
        path: "/health",
        protocol: "HTTP",
        interval: 10,
        timeout: 5,
        healthy_threshold: 1,
        unhealthy_threshold: 5,
      });
    }
  });

  test("created from the bootstrap tag, deployed by immutable commit tag (no auto-deploy; Terraform ignores the image)", () => {
    for (const s of [core, telemetry]) {
      expect(s.source_configuration.auto_deployments_enabled).toBe(false);
      expect(s.source_configuration.image_repository.image_repository_type).toBe("ECR");
      expect(s.source_configuration.image_repository.image_identifier).toMatch(/repository_url\}:bootstrap$/);
      expect(s.lifecycle).toEqual({ ignore_changes: ["source_configuration[0].image_repository[0].image_identifier"] });
      expect(s.source_configuration.authentication_configuration.access_role_arn).toMatch(
        /cross-stack-output-aws_iam_roleapprunner-pull-role_.*arn/,
      );
    }
  });

  test("egress through the VPC connector; encrypted with the region's key; X-Ray observability", () => {
    for (const s of [core, telemetry]) {
      expect(s.network_configuration.egress_configuration).toEqual({
        egress_type: "VPC",
        vpc_connector_arn: expect.stringMatching(/aws_apprunner_vpc_connectorconnectorarn/),
      });
      expect(s.encryption_configuration.kms_key).toMatch(/aws_kms_keyeu-central-1/);
      expect(s.observability_configuration.observability_enabled).toBe(true);
    }
  });

  test("ports: one setting each (core 9000, telemetry 4000); PORT itself is App Runner's to set", () => {
    expect(core.source_configuration.image_repository.image_configuration.port).toBe("9000");
    expect(telemetry.source_configuration.image_repository.image_configuration.port).toBe("4000");
    for (const s of [core, telemetry])
      expect(s.source_configuration.image_repository.image_configuration.runtime_environment_variables.PORT).toBeUndefined();
  });

  test("the document's plain variables, DB_POOL_MAX from the connection math", () => {
    expect(core.source_configuration.image_repository.image_configuration.runtime_environment_variables).toEqual({
      APP_ENV: "production",
      LOG_LEVEL: "info",
      DB_POOL_MAX: "20",
      S3_BUCKET: "restartix-uploads-prod",
      S3_REGION: "eu-central-1",
    });
    expect(telemetry.source_configuration.image_repository.image_configuration.runtime_environment_variables).toEqual({
      APP_ENV: "production",
      LOG_LEVEL: "info",
      DB_POOL_MAX: "15",
    });
  });

  test("every secret variable is a Secrets Manager reference, never a value", () => {
    const secrets = (s: any) => s.source_configuration.image_repository.image_configuration.runtime_environment_secrets;
    expect(Object.keys(secrets(core)).sort()).toEqual([
      "CLERK_SECRET_KEY",
      "CLERK_WEBHOOK_SECRET",
      "DAILY_API_KEY",
      "DATABASE_URL",
      "ENCRYPTION_KEY",
      "REDIS_URL",
    ]);
    expect(Object.keys(secrets(telemetry)).sort()).toEqual(["CLICKHOUSE_URL", "DATABASE_URL"]);
    for (const v of [...Object.values(secrets(core)), ...Object.values(secrets(telemetry))]) {
      expect(v).toMatch(
        /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-data\.outputs\.cross-stack-output-aws_secretsmanager_secret.*arn\}$/,
      );
    }
  });

  test("custom domains api.<domain> and telemetry.<domain> are associated with the services", () => {
    expect(text(compute)).toHaveResourceWithProperties(ApprunnerCustomDomainAssociation, {
      domain_name: "api.example.com",
      enable_www_subdomain: false,
    });
    expect(text(compute)).toHaveResourceWithProperties(ApprunnerCustomDomainAssociation, { domain_name: "telemetry.example.com" });
  });
});

describe("phase 1 IAM: least privilege, no wildcard actions", () => {
  test("core instance role: its own secrets, Decrypt via Secrets Manager, Get/PutObject on uploads, X-Ray", () => {
    const { trust, statements } = role("restartix-core-api-instance");
    expect(trust.Statement[0].Principal.Service).toBe("tasks.apprunner.amazonaws.com");
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    expect(bySid.OwnSecrets.Action).toBe("secretsmanager:GetSecretValue");
    expect(bySid.OwnSecrets.Resource).toHaveLength(6);
    expect(bySid.OwnSecrets.Resource.every((r: string) => /core-secrets_/.test(r))).toBe(true);
    expect(bySid.DecryptSecrets.Condition).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.eu-central-1.amazonaws.com" } });
    expect(bySid.PatientFiles).toEqual(
      expect.objectContaining({
        Action: ["s3:PutObject", "s3:GetObject"],
        Resource: expect.stringMatching(/aws_s3_bucketuploads_bucket_.*arn\}\/\*$/),
      }),
    );
  });

  test("telemetry instance role: no uploads access, only its two secrets", () => {
    const { statements } = role("restartix-telemetry-api-instance");
    expect(statements.find((s: any) => s.Sid === "PatientFiles")).toBeUndefined();
    expect(statements.find((s: any) => s.Sid === "OwnSecrets").Resource).toHaveLength(2);
  });

  test("ECR access role (registry stack): pull-only on the two service repositories", () => {
    const registry = stack(synth({ phase: 1 }), "registry");
    const [, r] = resources(registry, "aws_iam_role").find(([, x]) => x.name === "restartix-apprunner-ecr-access")!;
    const trust = policy(r.assume_role_policy, registry);
    const statements = policy(resources(registry, "aws_iam_policy").find(([, p]) => p.name === r.name)![1].policy, registry).Statement;
    expect(trust.Statement[0].Principal.Service).toBe("build.apprunner.amazonaws.com");
    const pull = statements.find((s: any) => s.Sid === "PullImages")!;
    expect(pull.Action).toEqual([
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchCheckLayerAvailability",
      "ecr:DescribeImages",
    ]);
    expect(pull.Resource).toHaveLength(2);
  });

  test("no statement anywhere in the app has a wildcard action", () => {
    for (const s of synth({ phase: 1 }).stacks) {
      for (const [, p] of resources(s, "aws_iam_policy")) {
        for (const st of policy(p.policy, s).Statement) {
          for (const a of [st.Action].flat()) expect(a).not.toMatch(/(^\*$|:\*$)/);
        }
      }
    }
  });
});
