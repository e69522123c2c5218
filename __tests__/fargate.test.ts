import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { isAwsOnly, offlinePlanAvailability, planAll, PlanResult } from "../tools/offline-plan";
import { dependencyOrder } from "../tools/synth";
import { fromTerraformLiteral } from "../lib/terraform-literal";
import { lintWorkflow } from "../tools/workflow-lint";
import { resolveSettings } from "../config/settings";
import { EXAMPLE_VARS, json, only, policy, resources, stack, synth, text } from "./helpers";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

const app = synth({ phase: 1, compute: "fargate" });
const compute = stack(app, "compute");
const network = stack(app, "network");
const byName = <T extends Record<string, any>>(type: string, key = "name") =>
  Object.fromEntries(resources(compute, type).map(([, r]) => [r[key], r as T]));

describe('Fargate: the second compute engine (compute = "fargate")', () => {
  test("the stack layout: certificates (ACM) and certificates-dns (Cloudflare) join; compute waits for the validation records", () => {
    expect(app.stacks.map((s) => s.name)).toEqual(expect.arrayContaining(["certificates", "certificates-dns"]));
    expect(compute.dependencies).toEqual(expect.arrayContaining(["certificates", "certificates-dns"]));
    const validation = resources(stack(app, "certificates-dns"), "cloudflare_dns_record")[0][1];
    expect(validation).toMatchObject({ proxied: false, lifecycle: { prevent_destroy: true } });
    expect(validation.for_each).toContain("domain_validation_options");
    expect(only(stack(app, "certificates"), "aws_acm_certificate")).toMatchObject({
      domain_name: "api.example.com",
      subject_alternative_names: ["telemetry.example.com"],
      validation_method: "DNS",
    });
    expect(resources(compute, "aws_apprunner_service")).toEqual([]);
    expect(resources(network, "aws_apprunner_vpc_connector")).toEqual([]);
  });

  test("an ECS cluster with Container Insights", () => {
    expect(text(compute)).toHaveResourceWithProperties(EcsCluster, {
      name: "restartix-prod",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  test("task definitions sized as the document sizes App Runner, secrets injected from Secrets Manager", () => {
    const tasks = byName("aws_ecs_task_definition", "family");
    expect(tasks["restartix-core-api"]).toMatchObject({
      cpu: "1024",
      memory: "2048",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
    });
    expect(tasks["restartix-telemetry-api"]).toMatchObject({ cpu: "512", memory: "1024" });
    const container = json(tasks["restartix-core-api"].container_definitions)[0];
    expect(container.portMappings).toEqual([{ containerPort: 9000, protocol: "tcp" }]);
    expect(container.environment).toContainEqual({ name: "PORT", value: "9000" });
    expect(container.secrets.map((s: any) => s.name).sort()).toEqual([
      "CLERK_SECRET_KEY",
      "CLERK_WEBHOOK_SECRET",
      "DAILY_API_KEY",
      "DATABASE_URL",
      "ENCRYPTION_KEY",
      "REDIS_URL",
    ]);
    for (const s of container.secrets) expect(s.valueFrom).toMatch(/cross-stack-output-aws_secretsmanager_secretcore-secrets_.*arn/);
    expect(container.logConfiguration.logDriver).toBe("awslogs");
  });

  test("services in the private subnets, same min as App Runner, circuit breaker with rollback", () => {
    const services = byName("aws_ecs_service");
    expect(services["restartix-core-api"]).toMatchObject({
      launch_type: "FARGATE",
      desired_count: 1,
      deployment_circuit_breaker: { enable: true, rollback: true },
      // The ALB's checks start after the container had a minute to start (the rehearsal cannot compare it: emulator gap).
      health_check_grace_period_seconds: 60,
      network_configuration: { assign_public_ip: false },
      // The deploy workflow owns the running revision (commit's immutable image).
      lifecycle: { ignore_changes: ["desired_count", "task_definition"] },
    });
    expect(services["restartix-core-api"].network_configuration.subnets.every((s: string) => /private-eu-central-1/.test(s))).toBe(true);
  });

  test("target tracking between the document's minimum and maximum, on requests per target", () => {
    const targets = resources(compute, "aws_appautoscaling_target").map(([, t]) => [t.resource_id, t.min_capacity, t.max_capacity]);
    expect(targets).toEqual(
      expect.arrayContaining([
        ["service/restartix-prod/restartix-core-api", 1, 5],
        ["service/restartix-prod/restartix-telemetry-api", 1, 3],
      ]),
    );
    const policies = resources(compute, "aws_appautoscaling_policy").map(([, p]) => p.target_tracking_scaling_policy_configuration);
    expect(policies.map((p) => [p.predefined_metric_specification.predefined_metric_type, p.target_value]).sort()).toEqual([
      ["ALBRequestCountPerTarget", 12000],
      ["ALBRequestCountPerTarget", 6000],
    ]);
  });

  test("log groups with retention, encrypted", () => {
    for (const [, g] of resources(compute, "aws_cloudwatch_log_group"))
      expect(g).toMatchObject({ retention_in_days: 365, kms_key_id: expect.stringMatching(/kms_key/) });
  });

  test("the ALB: public subnets, deletion protection, access logs to S3, invalid headers dropped", () => {
    expect(text(compute)).toHaveResourceWithProperties(Lb, {
      name: "restartix-prod",
      internal: false,
      enable_deletion_protection: true,
      drop_invalid_header_fields: true,
      idle_timeout: 30,
    });
    const lb = only(compute, "aws_lb");
    expect(lb.access_logs).toMatchObject({ enabled: true, prefix: "alb/restartix-prod" });
    expect(lb.subnets.every((s: string) => /public-eu-central-1/.test(s))).toBe(true);
    const logs = resources(stack(app, "storage"), "aws_s3_bucket_policy")
      .map(([, p]) => policy(p.policy, stack(app, "storage")))
      .find((p) => p.Statement.some((s: any) => s.Sid === "AlbAccessLogDelivery"))!;
    expect(logs.Statement.find((s: any) => s.Sid === "AlbAccessLogDelivery")!.Principal).toEqual({ AWS: "arn:aws:iam::054676820928:root" });
  });

  test("HTTPS with the validated ACM certificate, HTTP redirects to HTTPS", () => {
    const listeners = Object.fromEntries(resources(compute, "aws_lb_listener").map(([, l]) => [l.port, l]));
    expect(listeners[443]).toMatchObject({
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: expect.stringMatching(/aws_acm_certificate_validation\./),
    });
    expect(listeners[80].default_action[0]).toMatchObject({
      type: "redirect",
      redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" },
    });
    expect(only(compute, "aws_acm_certificate_validation").certificate_arn).toMatch(/cross-stack-reference-input-certificates/);
  });

  test("a target group per service with /health at the document's interval, timeout and thresholds", () => {
    const groups = byName("aws_lb_target_group");
    // HTTPS to each task's TLS sidecar (service port + 443), health check included (CKV_AWS_378).
    expect(groups["restartix-core-api"]).toMatchObject({
      port: 9443,
      protocol: "HTTPS",
      target_type: "ip",
      health_check: { path: "/health", protocol: "HTTPS", interval: 10, timeout: 5, healthy_threshold: 2, unhealthy_threshold: 5 },
    });
    const rules = resources(compute, "aws_lb_listener_rule").map(([, r]) => r.condition[0].host_header.values[0]);
    expect(rules.sort()).toEqual(["api.example.com", "telemetry.example.com"]);
  });

  test("security groups: ALB 443 (and the 80 redirect) only from Cloudflare's ranges; tasks only from the ALB; RDS and Redis accept the tasks", () => {
    const groups = Object.fromEntries(resources(network, "aws_security_group").map(([n, g]) => [g.name, `\${aws_security_group.${n}.id}`]));
    const ingress = resources(network, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    const albIn = ingress.filter((r) => r.security_group_id === groups["restartix-alb"]);
    expect(new Set(albIn.map((r) => r.from_port))).toEqual(new Set([443, 80]));
    expect(albIn.filter((r) => r.from_port === 443)).toHaveLength(15);
    expect(albIn.every((r) => r.cidr_ipv4 !== "0.0.0.0/0" && r.cidr_ipv4)).toBe(true);
    expect(
      ingress
        .filter((r) => r.security_group_id === groups["restartix-app-tasks"])
        .map((r) => [r.from_port, r.referenced_security_group_id]),
    ).toEqual(
      expect.arrayContaining([
        [9443, groups["restartix-alb"]],
        [4443, groups["restartix-alb"]],
      ]),
    );
    expect(ingress.filter((r) => r.security_group_id === groups["restartix-rds"]).map((r) => r.referenced_security_group_id)).toContain(
      groups["restartix-app-tasks"],
    );
    expect(ingress.filter((r) => r.security_group_id === groups["restartix-redis"]).map((r) => r.referenced_security_group_id)).toEqual([
      groups["restartix-app-tasks"],
    ]);
    expect(groups["restartix-apprunner-connector"]).toBeUndefined();
  });

  test("the same alarms on ALB metrics; Cloudflare records point at the ALB after the cutover", () => {
    const alarms = resources(stack(app, "observability"), "aws_cloudwatch_metric_alarm").map(([, a]) => a.alarm_name);
    expect(alarms).toEqual(
      expect.arrayContaining(["restartix-core-api-5xx-rate", "restartix-core-api-p99-latency", "restartix-core-api-unhealthy"]),
    );
    const latency = resources(stack(app, "observability"), "aws_cloudwatch_metric_alarm").find(
      ([, a]) => a.alarm_name === "restartix-core-api-p99-latency",
    )![1];
    expect(latency).toMatchObject({ namespace: "AWS/ApplicationELB", metric_name: "TargetResponseTime", threshold: 1 });
    const edge = stack(synth({ phase: 1, compute: "fargate", varsFile: aws() }), "edge");
    const core = resources(edge, "cloudflare_dns_record").find(([n]) => n === "core-record")![1];
    expect(core.content).toMatch(/cross-stack-reference-input-compute.*aws_lbalb_.*dns_name/);
    expect(resources(edge, "cloudflare_dns_record").filter(([n]) => n.includes("validation"))).toEqual([]);
  });

  test("delivery: the deploy role may roll exactly the two ECS services; the workflow rolls them after pushing", async () => {
    const doc = policy(resources(stack(app, "delivery"), "aws_iam_policy")[0][1].policy, stack(app, "delivery"));
    const roll = doc.Statement.find((s: any) => s.Sid === "RollEcsServices");
    expect(roll).toEqual({
      Sid: "RollEcsServices",
      Effect: "Allow",
      Action: "ecs:UpdateService",
      Resource: [
        "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-core-api",
        "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-telemetry-api",
      ],
    });
    // The workflow finds the services: it lists them on the shared tier's cluster only.
    expect(doc.Statement.find((s: any) => s.Sid === "ListEcsServices")?.Condition).toEqual({
      ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-central-1:123456789012:cluster/restartix-prod" },
    });
    const workflow = fromTerraformLiteral(only(stack(app, "delivery-github"), "github_repository_file").content);
    expect(workflow).toContain("aws ecs update-service");
    expect(await lintWorkflow(workflow, ".github/workflows/deploy.yml")).toEqual([]);
  });

  test("tenants and shards run on Fargate too (phases 3 and 4: fargate-cells.test.ts)", () => {
    expect(resolveSettings({ phase: 3, compute: "fargate", varsFile: EXAMPLE_VARS }).deployment.compute).toBe("fargate");
    expect(resolveSettings({ phase: 4, compute: "fargate", varsFile: EXAMPLE_VARS }).tenants).toHaveLength(40);
  });
});

function aws(): string {
  const file = path.join(tempDir("rx-fargate-"), "terraform.tfvars");
  fs.writeFileSync(
    file,
    fs
      .readFileSync(path.join(__dirname, "..", "terraform.tfvars.example"), "utf8")
      .replace('core_target = "railway"', 'core_target = "aws"'),
  );
  return file;
}

const availability = offlinePlanAvailability();
if (layerAvailable(availability.ok ? undefined : `${availability.reason} (the Fargate layout's offline plan)`, "Fargate offline plan")) {
  describe("offline plan of the Fargate layout", () => {
    const local = synth({ phase: 1, compute: "fargate", backend: "local" });
    const all = new Map(local.stacks.map((s) => [s.name, s]));
    // Every AWS stack whose JSON differs from the App Runner layout's (offline-plan.test.ts plans
    // those): with it, every AWS stack of phase 1 on Fargate is planned (fargate-plans.test.ts counts on it).
    const appRunner = new Map(synth({ phase: 1, backend: "local" }).stacks.map((s) => [s.name, JSON.stringify(s.json)]));
    const changed = local.stacks.filter((s) => isAwsOnly(s) && appRunner.get(s.name) !== JSON.stringify(s.json)).map((s) => s.name);
    let results: PlanResult[] = [];
    beforeAll(async () => {
      const targets = dependencyOrder(local.stacks).filter((s) => changed.includes(s.name));
      results = await planAll(targets, all, {
        workdir: tempDir("rx-fargate-plan-"),
        accountId: "123456789012",
        jobs: os.cpus().length,
      });
    }, 900_000);

    test("every stack the engine changes plans with the real provider", () => {
      expect([...changed].sort()).toEqual([
        "backups",
        "certificates",
        "compute",
        "delivery",
        "network",
        "observability",
        "platform",
        "registry",
        "storage",
      ]);
      expect(results.map((r) => r.stack).sort()).toEqual([...changed].sort());
      expect(results.filter((r) => !r.ok).map((r) => `${r.stack}: ${r.summary}\n${r.output.slice(-1500)}`)).toEqual([]);
    });
  });
}

describe("moving between engines: both run side by side while DNS moves", () => {
  const vars = (compute: string, standby: string, target: string) => {
    const file = path.join(tempDir("rx-migrate-"), "terraform.tfvars");
    fs.writeFileSync(
      file,
      fs
        .readFileSync(path.join(__dirname, "..", "terraform.tfvars.example"), "utf8")
        .replace(/^compute = .*$/m, `compute = "${compute}"`)
        .replace('compute_standby = ""', `compute_standby = "${standby}"`)
        .replace('core_target = "railway"', `core_target = "${target}"`),
    );
    return file;
  };
  const both = synth({ phase: 1, varsFile: vars("fargate", "apprunner", "aws"), compute: "fargate" });
  const c = stack(both, "compute");

  test("the compute stack runs the App Runner services and the Fargate services at once", () => {
    expect(resources(c, "aws_apprunner_service")).toHaveLength(2);
    expect(resources(c, "aws_ecs_service")).toHaveLength(2);
    expect(resources(c, "aws_apprunner_custom_domain_association")).toHaveLength(2);
    // One runtime role per service, trusted by both engines: it survives the move.
    const trust = policy(resources(c, "aws_iam_role").find(([, r]) => r.name === "restartix-core-api-instance")![1].assume_role_policy, c);
    expect(trust.Statement[0].Principal.Service).toEqual(["ecs-tasks.amazonaws.com", "tasks.apprunner.amazonaws.com"]);
  });

  test("RDS and Redis admit both the connector and the task group", () => {
    const n = stack(both, "network");
    const groups = Object.fromEntries(resources(n, "aws_security_group").map(([name, g]) => [g.name, `\${aws_security_group.${name}.id}`]));
    const into = (g: string) =>
      resources(n, "aws_vpc_security_group_ingress_rule")
        .map(([, r]) => r)
        .filter((r) => r.security_group_id === groups[g])
        .map((r) => r.referenced_security_group_id);
    expect(into("restartix-rds")).toEqual(expect.arrayContaining([groups["restartix-apprunner-connector"], groups["restartix-app-tasks"]]));
    expect(into("restartix-redis")).toEqual(
      expect.arrayContaining([groups["restartix-apprunner-connector"], groups["restartix-app-tasks"]]),
    );
  });

  test("the public record follows compute (the ALB); App Runner's validation records stay until it is gone", () => {
    const edge = stack(both, "edge");
    const records = Object.fromEntries(resources(edge, "cloudflare_dns_record"));
    expect(records["core-record"].content).toMatch(/aws_lbalb_.*dns_name/);
    expect(records["core-validation"]).toBeDefined();
  });

  test("alarm names stay unique: the standby engine's carry its name", () => {
    const names = resources(stack(both, "observability"), "aws_cloudwatch_metric_alarm").map(([, a]) => a.alarm_name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["restartix-core-api-5xx-rate", "restartix-core-api-apprunner-5xx-rate"]));
  });

  test("the deploy role may deploy both engines, and the workflow rolls ECS after pushing", () => {
    const sids = policy(resources(stack(both, "delivery"), "aws_iam_policy")[0][1].policy, stack(both, "delivery")).Statement.map(
      (s: any) => s.Sid,
    );
    expect(sids).toEqual(expect.arrayContaining(["DeployAppRunnerServices", "RollEcsServices", "RegisterTaskDefinitions"]));
    const workflow = only(stack(both, "delivery-github"), "github_repository_file").content;
    expect(workflow).toContain("aws ecs update-service");
    expect(workflow).toContain("aws apprunner update-service");
  });

  test("the data stacks do not change at all between App Runner, the migration and Fargate", () => {
    const dataOf = (r: typeof both) => JSON.stringify(stack(r, "data").json.resource);
    expect(dataOf(both)).toBe(dataOf(synth({ phase: 1 })));
    expect(dataOf(synth({ phase: 1, compute: "fargate" }))).toBe(dataOf(synth({ phase: 1 })));
  });
});
