import { App, TerraformStack } from "cdktf";
import { resolve } from "cdktf/lib/_tokens";
import { jsonExpression } from "../../../lib/json-expression";
import { RuleCase, stack } from "../harness";

/** The shapes modules/load-balancer.ts and modules/fargate-service.ts synthesize. */
const lb = {
  name: "restartix-prod",
  load_balancer_type: "application",
  enable_deletion_protection: true,
  drop_invalid_header_fields: true,
  access_logs: { bucket: "${aws_s3_bucket.logs.bucket}", prefix: "alb/x", enabled: true },
};
const https = {
  protocol: "HTTPS",
  port: 443,
  ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  default_action: [{ type: "fixed-response" }],
};
const redirect = {
  protocol: "HTTP",
  port: 80,
  default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
};
const targetGroup = { port: 9000, protocol: "HTTP", health_check: { enabled: true, path: "/health", interval: 10 } };
const cluster = { name: "c", setting: [{ name: "containerInsights", value: "enabled" }] };
const service = {
  name: "s",
  network_configuration: { subnets: ["${aws_subnet.a.id}"], assign_public_ip: false },
  deployment_circuit_breaker: { enable: true, rollback: true },
};
const container = (over: Record<string, unknown> = {}) => ({
  name: "api",
  image: "x:latest",
  environment: [
    { name: "APP_ENV", value: "production" },
    { name: "S3_BUCKET", value: "b" },
  ],
  secrets: [{ name: "DATABASE_URL", valueFrom: "${aws_secretsmanager_secret.db.arn}" }],
  logConfiguration: { logDriver: "awslogs", options: {} },
  ...over,
});
const task = (containers: object[]) => ({ family: "t", container_definitions: JSON.stringify(containers) });
/** The form modules/fargate-service.ts synthesizes: `${jsonencode([...])}`, references inside (HCL-safe). */
const scratch = new TerraformStack(new App({ outdir: "cdktf.out.unused" }), "scratch");
const encoded = (containers: object[]) => ({
  family: "t",
  container_definitions: resolve(scratch, jsonExpression(JSON.parse(JSON.stringify(containers)))) as string,
});

const at = (type: string) => (name: string) => `${type}.${name}`;
const LB = at("aws_lb");
const L = at("aws_lb_listener");
const TG = at("aws_lb_target_group");
const C = at("aws_ecs_cluster");
const S = at("aws_ecs_service");
const T = at("aws_ecs_task_definition");

export const ecsElbCases: RuleCase[] = [
  {
    rule: "RX-ELB-1",
    title: "deletion protection on the ALB",
    json: stack({
      aws_lb: { pass: lb, fail: { ...lb, enable_deletion_protection: false }, fail2: { ...lb, enable_deletion_protection: undefined } },
    }),
    pass: [LB("pass")],
    fail: [LB("fail"), LB("fail2")],
  },
  {
    rule: "RX-ELB-2",
    title: "invalid headers dropped",
    json: stack({
      aws_lb: {
        pass: lb,
        pass2: { ...lb, load_balancer_type: "network", drop_invalid_header_fields: undefined },
        fail: { ...lb, drop_invalid_header_fields: false },
      },
    }),
    pass: [LB("pass"), LB("pass2")],
    fail: [LB("fail")],
  },
  {
    rule: "RX-ELB-3",
    title: "access logs enabled with a bucket",
    json: stack({
      aws_lb: { pass: lb, fail: { ...lb, access_logs: undefined }, fail2: { ...lb, access_logs: { bucket: "b", enabled: false } } },
    }),
    pass: [LB("pass")],
    fail: [LB("fail"), LB("fail2")],
  },
  {
    rule: "RX-ELB-4",
    title: "HTTPS with TLS 1.2+, or HTTP that only redirects",
    json: stack({
      aws_lb_listener: {
        pass: https,
        pass2: redirect,
        fail: { ...https, ssl_policy: "ELBSecurityPolicy-2016-08" },
        fail2: { protocol: "HTTP", port: 80, default_action: [{ type: "forward", target_group_arn: "x" }] },
        fail3: { ...https, ssl_policy: undefined },
      },
    }),
    pass: [L("pass"), L("pass2")],
    fail: [L("fail"), L("fail2"), L("fail3")],
  },
  {
    rule: "RX-ELB-5",
    title: "target groups check an HTTP path",
    json: stack({
      aws_lb_target_group: {
        pass: targetGroup,
        fail: { ...targetGroup, health_check: { enabled: false, path: "/health" } },
        fail2: { ...targetGroup, health_check: undefined },
      },
    }),
    pass: [TG("pass")],
    fail: [TG("fail"), TG("fail2")],
  },
  {
    rule: "RX-ECS-1",
    title: "Container Insights on",
    json: stack({
      aws_ecs_cluster: {
        pass: cluster,
        fail: { name: "c" },
        fail2: { name: "c", setting: [{ name: "containerInsights", value: "disabled" }] },
      },
    }),
    pass: [C("pass")],
    fail: [C("fail"), C("fail2")],
  },
  {
    rule: "RX-ECS-2",
    title: "no public IPs on tasks",
    json: stack({
      aws_ecs_service: { pass: service, fail: { ...service, network_configuration: { subnets: ["x"], assign_public_ip: true } } },
    }),
    pass: [S("pass")],
    fail: [S("fail")],
  },
  {
    rule: "RX-ECS-3",
    title: "circuit breaker with rollback",
    json: stack({
      aws_ecs_service: {
        pass: service,
        fail: { ...service, deployment_circuit_breaker: { enable: true, rollback: false } },
        fail2: { ...service, deployment_circuit_breaker: undefined },
      },
    }),
    pass: [S("pass")],
    fail: [S("fail"), S("fail2")],
  },
  {
    rule: "RX-ECS-4",
    title: "every container logs",
    json: stack({
      aws_ecs_task_definition: {
        pass: task([container()]),
        pass2: { family: "t", container_definitions: "${local.defs}" },
        pass_encoded: encoded([container()]),
        fail: task([container(), container({ name: "sidecar", logConfiguration: undefined })]),
        fail_encoded: encoded([container(), container({ name: "sidecar", logConfiguration: undefined })]),
      },
    }),
    pass: [T("pass"), T("pass2"), T("pass_encoded")],
    fail: [T("fail"), T("fail_encoded")],
  },
  {
    rule: "RX-ECS-5",
    title: "credentials come through secrets, not environment",
    json: stack({
      aws_ecs_task_definition: {
        pass: task([container()]),
        fail: task([container({ environment: [{ name: "CLERK_SECRET_KEY", value: "x" }] })]),
        fail2: task([container({ environment: [{ name: "DATABASE_URL", value: "postgres://h/db" }] })]),
        pass_encoded: encoded([container()]),
        fail_encoded: encoded([
          container({ environment: [{ name: "REDIS_URL", value: "${aws_elasticache_replication_group.r.primary_endpoint_address}" }] }),
        ]),
      },
    }),
    pass: [T("pass"), T("pass_encoded")],
    fail: [T("fail"), T("fail2"), T("fail_encoded")],
  },
  {
    rule: "RX-ECS-8",
    title: "no container environment value is empty (ECS drops it; the provider replaces forever)",
    json: stack({
      aws_ecs_task_definition: {
        pass: task([container()]),
        pass_encoded: encoded([container({ environment: [{ name: "ECS_SERVICE_ARNS", value: "${aws_ecs_service.s.id}" }] })]),
        fail: task([container({ environment: [{ name: "APPRUNNER_SERVICE_ARNS", value: "" }] })]),
        fail_encoded: encoded([
          container(),
          container({
            name: "rotate",
            environment: [
              { name: "APP_ENV", value: "production" },
              { name: "ECS_SERVICE_ARNS", value: "" },
            ],
          }),
        ]),
      },
    }),
    pass: [T("pass"), T("pass_encoded")],
    fail: [T("fail"), T("fail_encoded")],
  },
];
