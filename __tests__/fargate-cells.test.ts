import * as fs from "fs";
import * as path from "path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerCertificate } from "@cdktf/provider-aws/lib/lb-listener-certificate";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { App, TerraformStack } from "cdktf";
import { DEFAULT_COMPUTE, loadInputs, ROOT } from "../config/deployment";
import { ConfigError, Issues } from "../config/errors";
import { resolveSettings } from "../config/settings";
import { validateDeployment, validateTenants } from "../config/validate";
import { phaseConfig } from "../phases";
import { quotaProblems, quotaUse } from "../policy/quotas";
import { engineNotice } from "../scripts/start";
import { firstDeploySteps, runsServices } from "../tools/deploy-order";
import { DEFAULT_ENGINE, EXAMPLE_VARS, json, only, policy, resources, stack, synth, varsWith } from "./helpers";
import { tempDir } from "./temp-dirs";

const p3 = synth({ phase: 3, compute: DEFAULT_ENGINE });
const p4 = synth({ phase: 4, compute: DEFAULT_ENGINE });

describe("the default engine is Fargate (App Runner accepts no new customers since 2026-04-30)", () => {
  test("inputs that name no engine get fargate; the example names it", () => {
    expect(DEFAULT_COMPUTE).toBe("fargate");
    expect(fs.readFileSync(EXAMPLE_VARS, "utf8")).toMatch(/^compute = "fargate"$/m);
    expect(fs.readFileSync(EXAMPLE_VARS, "utf8")).toMatch(/2026-04-30.*apprunner/);
    const values = { ...loadInputs(EXAMPLE_VARS).values };
    delete values.compute;
    const d = validateDeployment(
      { ...values, compute: DEFAULT_COMPUTE, backend: "local", existing_platform: false },
      EXAMPLE_VARS,
      new Issues(),
      {},
      Object.keys(values).filter((k) => k !== "compute"),
      [],
    );
    expect(d.compute).toBe("fargate");
  });

  test("npm start says which engine, why Fargate is the default (the notice and its date), and that apprunner stays for accounts running it", () => {
    expect(engineNotice("fargate")).toMatch(
      /Engine: Fargate \(the default\)\. AWS App Runner accepts no new customers since 2026-04-30 \(AWS's "App Runner availability change" notice\); compute = "apprunner" stays for accounts that already run App Runner/,
    );
    expect(engineNotice("apprunner")).toMatch(/kept for accounts that already run App Runner.*2026-04-30/);
  });

  test("a deployment that may already run App Runner must name its engine: a backend, existing_platform or local state", () => {
    const named = (file: string) => Object.keys(loadInputs(file).values);
    const without = (overrides: Record<string, string>) => {
      const file = varsWith(overrides);
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^compute = .*\n/m, ""));
      return file;
    };
    // backend = "s3" (the example's) and existing_platform = true: refused, naming the field and the fix.
    expect(() => resolveSettings({ varsFile: without({}) })).toThrow(ConfigError);
    expect(() => resolveSettings({ varsFile: without({}) })).toThrow(
      /compute \(terraform\.tfvars\).*is required with backend = "s3".*existing_platform = true.*compute = "apprunner" if this account already runs/s,
    );
    // A new account on local state with nothing to adopt gets the default.
    expect(resolveSettings({ varsFile: without({ backend: '"local"', existing_platform: "false" }) }).deployment.compute).toBe("fargate");
    // The same with local state files present is refused.
    const file = without({ backend: '"local"', existing_platform: "false" });
    const issues = new Issues();
    validateDeployment(
      loadInputs(file).values,
      file,
      issues,
      {},
      named(file).filter((n) => n !== "compute"),
      ["terraform.compute.tfstate"],
    );
    expect(() => issues.throwIfAny()).toThrow(/local state exists \(terraform\.compute\.tfstate\)/);
    // Naming it (file or --compute) always works.
    expect(resolveSettings({ varsFile: without({}), compute: "apprunner" }).deployment.compute).toBe("apprunner");
  });
});

describe("no App Runner resource in a Fargate layout", () => {
  test.each([1, 2, 3, 4])("phase %i with the default engine synthesizes zero aws_apprunner_* resources", (phase) => {
    const result = synth({ phase, compute: DEFAULT_ENGINE });
    const found = result.stacks.flatMap((s) =>
      Object.keys(s.json.resource ?? {})
        .filter((t) => t.startsWith("aws_apprunner_"))
        .map((t) => `${s.name}: ${t}`),
    );
    expect(found).toEqual([]);
  });
});

describe("cells on Fargate (phases 3 and 4, both regions)", () => {
  const data = stack(p3, "tenant-org-101");
  const service = stack(p3, "tenant-org-101-service");

  test("each cell has its data stack (same name, same stateful IDs) and a service stack; the data stack runs no service", () => {
    expect(runsServices(data)).toBe(false);
    expect(runsServices(service)).toBe(true);
    expect(resources(data, "aws_db_instance").map(([id]) => id)).toEqual([expect.stringMatching(/^postgres_/)]);
    expect(service.dependencies).toEqual(expect.arrayContaining(["tenant-org-101", "gateways"]));
    expect(data.dependencies).not.toContain("tenant-org-101-service");
    for (const s of p4.stacks.filter((x) => /^(tenant|shard)-/.test(x.name) && !x.name.endsWith("-service"))) {
      expect(p4.stacks.some((x) => x.name === `${s.name}-service`)).toBe(true);
    }
  });

  test("sized from the cell's spec, target tracking between min and max, circuit breaker, hardened containers, TLS to the task", () => {
    const task = only(service, "aws_ecs_task_definition");
    expect(task).toMatchObject({ cpu: "1024", memory: "2048", requires_compatibilities: ["FARGATE"] });
    for (const c of json(task.container_definitions)) {
      expect(c).toMatchObject({
        user: "65534:65534",
        readonlyRootFilesystem: true,
        privileged: false,
        linuxParameters: { capabilities: { drop: ["ALL"] } },
      });
      // ECS drops empty values and the provider then plans a replacement forever.
      for (const e of c.environment ?? []) expect(e.value).not.toBe("");
    }
    expect(json(task.container_definitions)[0].environment).toContainEqual({ name: "CELL_ID", value: "tenant:org-101" });
    expect(only(service, "aws_ecs_service")).toMatchObject({
      launch_type: "FARGATE",
      desired_count: 1,
      deployment_circuit_breaker: { enable: true, rollback: true },
    });
    expect(only(service, "aws_appautoscaling_target")).toMatchObject({
      min_capacity: 1,
      max_capacity: 2,
      resource_id: "service/restartix-cells/restartix-tenant-org-101",
    });
    expect(only(service, "aws_appautoscaling_policy").policy_type).toBe("TargetTrackingScaling");
    expect(only(service, "aws_lb_target_group")).toMatchObject({
      protocol: "HTTPS",
      port: 9443,
      name: "rx-t-org-101",
      health_check: { protocol: "HTTPS", path: "/health" },
    });
  });

  test("its listener rule on its gateway matches its cell header, priority = its slot; the gateway answers 404 otherwise", () => {
    expect(only(service, "aws_lb_listener_rule")).toMatchObject({
      priority: 11,
      condition: [{ http_header: { http_header_name: "X-Restartix-Cell", values: ["tenant-org-101"] } }],
    });
    const gateways = stack(p3, "gateways");
    const listener = resources(gateways, "aws_lb_listener").find(([id]) => id.includes("https"))![1];
    expect(listener.default_action[0]).toMatchObject({ type: "fixed-response", fixed_response: { status_code: "404" } });
    expect(resources(gateways, "aws_wafv2_web_acl_association")).toHaveLength(1);
    const cidrs = resources(gateways, "aws_vpc_security_group_ingress_rule")
      .map(([, r]) => r.cidr_ipv4)
      .filter(Boolean);
    expect(cidrs).toEqual(expect.arrayContaining(["173.245.48.0/20", "104.16.0.0/13"]));
    expect(only(stack(p3, "gateway-certificates"), "aws_acm_certificate")).toMatchObject({
      domain_name: "cells-eu-1.example.com",
      validation_method: "DNS",
    });
    expect(only(stack(p3, "gateways-dns"), "cloudflare_dns_record")).toMatchObject({ name: "cells-eu-1.example.com", type: "CNAME" });
    expect(resources(stack(p3, "gateway-certificates-dns"), "cloudflare_dns_record")[0][1]).toMatchObject({
      proxied: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("its own task role reads its own secrets and the shared ones it needs, nothing of another cell", () => {
    const role = resources(data, "aws_iam_role").find(([, r]) => r.name === "restartix-tenant-org-101-instance")!;
    expect(JSON.stringify(policy(role[1].assume_role_policy, data))).toContain("ecs-tasks.amazonaws.com");
    const docs = resources(data, "aws_iam_policy").filter(([id]) => id.startsWith("instance-role"));
    const text = JSON.stringify(docs.map(([, p]) => policy(p.policy, data)));
    expect(text).toContain("secretsmanager:GetSecretValue");
    expect(text).not.toMatch(/org-102|shard/);
  });

  test("its own group; its database admits only that group; Redis admits the region's client group once", () => {
    const ingress = resources(data, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    // The service's group and the rotation task (ALTER ROLE), nothing else.
    const toDb = ingress.filter((r) => r.from_port === 5432 && !r.description.endsWith("-db-rotation"));
    expect(toDb).toHaveLength(1);
    expect(toDb[0].referenced_security_group_id).toMatch(/aws_security_group\.tasks-sg_.*\.id/);
    expect(ingress.some((r) => r.from_port === 6379)).toBe(false);
    const sgs = only(service, "aws_ecs_service").network_configuration.security_groups;
    expect(sgs).toEqual([expect.stringMatching(/tasks-sg/), expect.stringMatching(/redis-clients-sg/)]);
  });

  test("phase 4: us-east-1 cells run on gateways-us's cluster and gateway; shards keep their fixed slots", () => {
    const us = stack(p4, "shard-us-2-service");
    expect(us.dependencies).toContain("gateways-us");
    expect(only(us, "aws_lb_listener_rule").priority).toBe(2);
    expect(only(stack(p4, "gateways-us"), "aws_ecs_cluster").name).toBe("restartix-cells-us");
  });

  test("rotation redeploys the cell with an ECS deployment (its service ARN), and sets no empty variable", () => {
    const task = resources(data, "aws_ecs_task_definition").find(([id]) => id.startsWith("db-rotation"))![1];
    const env = json(task.container_definitions)[0].environment as { name: string; value: string }[];
    expect(env).toContainEqual({
      name: "ECS_SERVICE_ARNS",
      value: "arn:aws:ecs:eu-central-1:123456789012:service/restartix-cells/restartix-tenant-org-101",
    });
    expect(env.map((e) => e.name)).not.toContain("APPRUNNER_SERVICE_ARNS");
    for (const e of env) expect(e.value).not.toBe("");
  });

  test("alarms on the cell's ALB target group (5xx, latency, unhealthy targets: the health probe) in its service stack", () => {
    const alarms = resources(service, "aws_cloudwatch_metric_alarm").map(([, a]) => a.alarm_name);
    expect(alarms).toEqual(expect.arrayContaining(["restartix-tenant-org-101-5xx-rate", expect.stringMatching(/unhealthy/)]));
  });

  test("routeEntry: the gateway hostname as origin and the header value the Worker adds", () => {
    const cell =
      p4.built.cells.find((c) => c.cell.id === "org-201") ??
      p4.built.cells.find((c) => c.cell.kind === "tenant" && c.cell.region === "us-east-1")!;
    expect(cell.routeEntry).toMatchObject({ origin: expect.stringMatching(/^cells-us-1\.example\.com$/), cell: `tenant-${cell.cell.id}` });
  });

  test("deploy order: the service stacks come in the services step; foundation has no stack with an ECS or App Runner service", () => {
    const steps = firstDeploySteps(p4.stacks);
    const foundation = steps.find((s) => s.key === "foundation")!.stacks;
    const byName = new Map(p4.stacks.map((s) => [s.name, s]));
    expect(foundation.filter((n) => runsServices(byName.get(n)!))).toEqual([]);
    expect(foundation).toEqual(expect.arrayContaining(["tenant-org-101", "shard-us-2"]));
    expect(foundation).not.toContain("tenant-org-101-service");
    expect(steps.find((s) => s.key === "services")!.command).toContain("tenant-org-101-service");
    // The primary region's cells name the alert topic by ARN rather than waiting for observability.
    expect(stack(p4, "tenant-org-101").dependencies).not.toContain("observability");
  });
});

describe("slots: unique per region, stable, refused with a clear error", () => {
  const phase = phaseConfig(3);
  const entry = (id: string, slot?: number) => ({
    ...JSON.parse(fs.readFileSync(path.join(ROOT, "phases/tenants/phase3.json"), "utf8"))[0],
    id,
    slot,
  });
  test("a duplicate slot in a region and a missing slot on Fargate are refused; App Runner needs none", () => {
    const issues = new Issues();
    validateTenants([entry("org-1", 11), entry("org-2", 11), entry("org-3")], "phases/tenants/test.json", phase, issues, "fargate");
    expect(() => issues.throwIfAny()).toThrow(/tenants\[org-2\].*slot.*11.*is also the slot of org-1/s);
    expect(() => issues.throwIfAny()).toThrow(/tenants\[org-3\].*slot.*is required on Fargate/s);
    const appRunner = new Issues();
    validateTenants([entry("org-3")], "phases/tenants/test.json", phase, appRunner, "apprunner");
    expect(appRunner.all).toEqual([]);
  });
  test("an invalid Fargate CPU/memory pair is refused with the value and the fix", () => {
    const issues = new Issues();
    validateTenants(
      [{ ...entry("org-4", 12), service: { ...entry("x").service, cpu: 256, memory: 4096 } }],
      "phases/tenants/test.json",
      phase,
      issues,
      "fargate",
    );
    expect(() => issues.throwIfAny()).toThrow(/256\/4096.*Fargate does not accept 0.25 vCPU with 4 GB.*use one of/s);
  });
});

describe("the synth-time quota check counts the gateways and Fargate", () => {
  const phase = phaseConfig(4);
  const build = (f: (stack: TerraformStack) => void) => {
    const app = new App({ outdir: tempDir("rx-q-") });
    const s = new TerraformStack(app, "s");
    new AwsProvider(s, "aws", { region: "eu-central-1" });
    f(s);
    return quotaProblems(quotaUse(app, phase)).join("\n");
  };
  const alb = (s: TerraformStack, id: string) => {
    const lb = new Lb(s, `${id}-lb`, { name: id });
    const l = new LbListener(s, `${id}-https`, {
      loadBalancerArn: lb.arn,
      port: 443,
      protocol: "HTTPS",
      certificateArn: "arn:cert",
      defaultAction: [{ type: "fixed-response" }],
    });
    return l;
  };

  test("target groups and listener rules per ALB (100), certificates per ALB (25)", () => {
    const out = build((s) => {
      const l = alb(s, "gw");
      for (let i = 1; i <= 101; i++)
        new LbListenerRule(s, `r${i}`, {
          listenerArn: l.arn,
          priority: i,
          action: [{ type: "forward", targetGroupArn: `tg-${i}` }],
          condition: [],
        });
      for (let i = 1; i <= 25; i++) new LbListenerCertificate(s, `c${i}`, { listenerArn: l.arn, certificateArn: `c-${i}` });
    });
    expect(out).toMatch(
      /"Target Groups per Application Load Balancer" in load balancer gw: this layout needs 101, above AWS's ceiling of 100/,
    );
    expect(out).toMatch(
      /"Rules per Application Load Balancer" \(quota code L-7EED9B64\) in load balancer gw: this layout needs 101, the quota is 100/,
    );
    expect(out).toMatch(
      /"Certificates per Application Load Balancer" \(quota code L-9365A611\) in load balancer gw: this layout needs 26, the quota is 25/,
    );
  });

  test("ALBs per region (50)", () => {
    const out = build((s) => {
      for (let i = 1; i <= 51; i++) new Lb(s, `lb${i}`, { name: `lb-${i}` });
    });
    expect(out).toMatch(
      /"Application Load Balancers per Region" \(quota code L-53DA6B97\) in eu-central-1: this layout needs 51, the quota is 50/,
    );
  });

  test("Fargate On-Demand vCPU per region (L-3032A538): minimum tasks x vCPU, doubled for a deployment", () => {
    const out = build((s) => {
      const t = new EcsTaskDefinition(s, "t", { family: "f", cpu: "1024", memory: "2048", containerDefinitions: "[]" });
      new EcsService(s, "svc", { name: "svc", taskDefinition: t.arn, desiredCount: 51 });
    });
    expect(out).toMatch(
      /AWS Fargate quota "Fargate On-Demand vCPU resource count" \(quota code L-3032A538\) in eu-central-1: this layout needs 102, the quota is 100 .*request an increase of L-3032A538/,
    );
    // A new account's default (6) is far below phase 3's cells: the phase configs record the increase to request.
    expect(phaseConfig(3).quotas?.fargateOnDemandVcpu).toBeGreaterThanOrEqual(23);
  });
});
