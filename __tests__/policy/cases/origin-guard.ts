import { KEY, RuleCase, stack } from "../harness";

/** The shapes modules/waf.ts, modules/canary.ts and modules/fargate-service.ts synthesize. */
const headerRule = (value: string) => ({
  name: "cloudflare-origin-header",
  priority: 0,
  action: { allow: {} },
  statement: {
    byte_match_statement: {
      positional_constraint: "EXACTLY",
      search_string: value,
      field_to_match: { single_header: { name: "x-origin-verify" } },
      text_transformation: [{ priority: 0, type: "NONE" }],
    },
  },
  visibility_config: { cloudwatch_metrics_enabled: true, metric_name: "h", sampled_requests_enabled: true },
});
const SECRET =
  "${data.terraform_remote_state.cross-stack-reference-input-platform.outputs.cross-stack-output-aws_secretsmanager_secret_versionorigin-secret-valuesecret_string}";
const acl = (over: Record<string, unknown> = {}) => ({
  name: "restartix-origin-guard",
  scope: "REGIONAL",
  default_action: { block: { custom_response: { response_code: 403 } } },
  rule: [headerRule(SECRET)],
  visibility_config: { cloudwatch_metrics_enabled: true, metric_name: "g", sampled_requests_enabled: true },
  ...over,
});
const service = { service_name: "core-api" };
const association = (target: string) => ({ resource_arn: `\${${target}.arn}`, web_acl_arn: "${aws_wafv2_web_acl.guard.arn}" });
const canary = (over: Record<string, unknown> = {}) => ({
  name: "restartix-core",
  artifact_s3_location: "s3://restartix-observability/runs/restartix-core/",
  artifact_config: { s3_encryption: { encryption_mode: "SSE_KMS", kms_key_arn: KEY } },
  ...over,
});
const container = (over: Record<string, unknown> = {}) => ({
  name: "api",
  image: "x:sha",
  user: "65534:65534",
  readonlyRootFilesystem: true,
  privileged: false,
  linuxParameters: { capabilities: { drop: ["ALL"] } },
  ...over,
});
const task = (containers: object[]) => ({ family: "t", container_definitions: JSON.stringify(containers) });
const targetGroup = { port: 9443, protocol: "HTTPS", health_check: { enabled: true, path: "/health", protocol: "HTTPS" } };
const at = (type: string) => (name: string) => `${type}.${name}`;
const SVC = at("aws_apprunner_service");
const LB = at("aws_lb");
const ACL = at("aws_wafv2_web_acl");
const CANARY = at("aws_synthetics_canary");
const TASK = at("aws_ecs_task_definition");
const TG = at("aws_lb_target_group");

export const originGuardCases: RuleCase[] = [
  {
    rule: "RX-WAF-1",
    title: "every App Runner service and internet-facing ALB has a web ACL association",
    json: stack({
      aws_apprunner_service: { pass: service, fail: service },
      aws_lb: {
        pass: { load_balancer_type: "application" },
        pass_internal: { load_balancer_type: "application", internal: true },
        fail: { load_balancer_type: "application" },
      },
      aws_wafv2_web_acl_association: { a: association("aws_apprunner_service.pass"), b: association("aws_lb.pass") },
    }),
    pass: [SVC("pass"), LB("pass"), LB("pass_internal")],
    fail: [SVC("fail"), LB("fail")],
  },
  {
    rule: "RX-WAF-2",
    title: "a regional web ACL blocks by default and requires the origin header, compared with a reference",
    json: stack({
      aws_wafv2_web_acl: {
        pass: acl(),
        pass_cloudfront: acl({ scope: "CLOUDFRONT", default_action: { allow: {} }, rule: [] }),
        fail_allows: acl({ default_action: { allow: {} } }),
        fail_no_rule: acl({ rule: [] }),
        fail_literal: acl({ rule: [headerRule("hunter2-literal-secret")] }),
      },
    }),
    pass: [ACL("pass"), ACL("pass_cloudfront")],
    fail: [ACL("fail_allows"), ACL("fail_literal"), ACL("fail_no_rule")],
  },
  {
    rule: "RX-SYN-1",
    title: "canary artifacts go to a bucket location with SSE-KMS",
    json: stack({
      aws_synthetics_canary: {
        pass: canary(),
        fail_sse_s3: canary({ artifact_config: { s3_encryption: { encryption_mode: "SSE_S3" } } }),
        fail_no_config: canary({ artifact_config: undefined }),
        fail_no_location: canary({ artifact_s3_location: undefined }),
      },
    }),
    pass: [CANARY("pass")],
    fail: [CANARY("fail_no_config"), CANARY("fail_no_location"), CANARY("fail_sse_s3")],
  },
  {
    rule: "RX-ECS-6",
    title: "every container has a read-only root filesystem",
    json: stack({
      aws_ecs_task_definition: {
        pass: task([container(), container({ name: "tls-proxy" })]),
        fail: task([container(), container({ name: "x", readonlyRootFilesystem: false })]),
      },
    }),
    pass: [TASK("pass")],
    fail: [TASK("fail")],
  },
  {
    rule: "RX-ECS-7",
    title: "every container runs as a non-root user, unprivileged, with all capabilities dropped",
    json: stack({
      aws_ecs_task_definition: {
        pass: task([container()]),
        fail_root: task([container({ user: "0:0" })]),
        fail_image_user: task([container({ user: undefined })]),
        fail_privileged: task([container({ privileged: true })]),
        fail_caps: task([container({ linuxParameters: { capabilities: { drop: ["NET_RAW"] } } })]),
      },
    }),
    pass: [TASK("pass")],
    fail: [TASK("fail_caps"), TASK("fail_image_user"), TASK("fail_privileged"), TASK("fail_root")],
  },
  {
    rule: "RX-ELB-6",
    title: "the ALB reaches its targets and checks their health over HTTPS",
    json: stack({
      aws_lb_target_group: {
        pass: targetGroup,
        fail_http: { ...targetGroup, protocol: "HTTP" },
        fail_health: { ...targetGroup, health_check: { ...targetGroup.health_check, protocol: "HTTP" } },
      },
    }),
    pass: [TG("pass")],
    fail: [TG("fail_health"), TG("fail_http")],
  },
];
