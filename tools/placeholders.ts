import { SynthStack } from "./synth";

/**
 * Realistic stand-ins for values only a real apply knows (ids, ARNs, endpoints), shaped so the AWS
 * provider's own validation still runs when a stack that consumes them is planned offline.
 */
export interface PlaceholderContext {
  readonly accountId: string;
  readonly stack: SynthStack;
}

const REF = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

function hex(seed: string, length: number): string {
  let h = 2166136261;
  let out = "";
  while (out.length < length) {
    for (const c of seed + out.length) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, length);
}

const uuid = (seed: string) => {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const ID_PREFIX: Record<string, string> = {
  aws_vpc: "vpc",
  aws_subnet: "subnet",
  aws_security_group: "sg",
  aws_route_table: "rtb",
  aws_internet_gateway: "igw",
  aws_nat_gateway: "nat",
  aws_eip: "eipalloc",
  aws_vpc_endpoint: "vpce",
  aws_db_subnet_group: "",
};

const ARN_SERVICE: Record<string, string> = {
  apprunner: "apprunner",
  db: "rds",
  elasticache: "elasticache",
  secretsmanager: "secretsmanager",
  sns: "sns",
  ecr: "ecr",
  kms: "kms",
  dynamodb: "dynamodb",
  cloudwatch: "logs",
  ecs: "ecs",
  lb: "elasticloadbalancing",
  acm: "acm",
};

/** The region of the provider a resource uses in its stack. */
function regionOf(stack: SynthStack, config: Record<string, unknown> | undefined): string {
  const providers = stack.json.provider?.aws ?? [];
  const alias = typeof config?.provider === "string" ? /aws\.(.+)$/.exec(config.provider)?.[1] : undefined;
  const p = providers.find((x) => (alias ? x.alias === alias : x.alias === undefined)) ?? providers[0];
  return (p?.region as string) ?? "eu-central-1";
}

function literal(config: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = config?.[key];
  return typeof v === "string" && !v.includes("${") ? v : undefined;
}

/** A placeholder for `${type.name.attribute}` produced by `ctx.stack`. */
export function placeholderFor(expression: string, ctx: PlaceholderContext): unknown {
  const m = REF.exec(expression);
  if (!m) return `stub-${hex(expression, 8)}`;
  const [, type, name, attr] = m;
  const config = ctx.stack.json.resource?.[type]?.[name];
  const region = regionOf(ctx.stack, config);
  const acct = ctx.accountId;
  const given =
    literal(config, attr) ??
    literal(config, "name") ??
    literal(config, "bucket") ??
    literal(config, "identifier") ??
    literal(config, "service_name") ??
    literal(config, "replication_group_id") ??
    literal(config, "vpc_connector_name") ??
    `stub-${name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .slice(0, 40)}`;
  const short = type.replace(/^aws_/, "");
  const service = ARN_SERVICE[short.split("_")[0]] ?? short.split("_")[0];

  switch (attr) {
    case "arn":
      return arnFor(type, given, region, acct, service, name);
    case "id":
      if (type === "aws_kms_key") return uuid(name);
      if (type in ID_PREFIX && ID_PREFIX[type] !== "") return `${ID_PREFIX[type]}-${hex(name, 17)}`;
      if (type === "aws_route53_health_check") return uuid(name);
      return literal(config, "name") ?? literal(config, "bucket") ?? given;
    case "key_id":
      return uuid(name);
    case "cidr_block":
      return literal(config, "cidr_block") ?? "10.0.0.0/16";
    case "repository_url":
      return `${acct}.dkr.ecr.${region}.amazonaws.com/${given}`;
    case "service_url":
    case "dns_target":
      return `${hex(name, 10)}.${region}.awsapprunner.com`;
    case "service_id":
      return hex(name, 32);
    case "address":
    case "endpoint":
      return `${given}.${hex(name, 12)}.${region}.rds.amazonaws.com`;
    case "primary_endpoint_address":
    case "reader_endpoint_address":
      return `master.${given}.${hex(name, 6)}.euc1.cache.amazonaws.com`;
    case "dns_name":
      return `${given}-${hex(name, 8)}.${region}.elb.amazonaws.com`;
    case "arn_suffix":
      return `app/${given}/${hex(name, 16)}`;
    case "certificate_validation_records":
      return [
        {
          name: `_${hex(name, 32)}.api.example.com.`,
          type: "CNAME",
          value: `_${hex(name + "v", 32)}.acm-validations.aws.`,
          status: "PENDING_VALIDATION",
        },
      ];
    case "domain_validation_options":
      return [
        {
          domain_name: "api.example.com",
          resource_record_name: `_${hex(name, 32)}.api.example.com.`,
          resource_record_type: "CNAME",
          resource_record_value: `_${hex(name + "v", 32)}.acm-validations.aws.`,
        },
      ];
    case "arn_without_revision":
      // aws_ecs_task_definition: the family's ARN (a scheduler target reads it; the provider checks it is an ARN).
      return `arn:aws:ecs:${region}:${acct}:task-definition/${literal(config, "family") ?? given}`;
    case "stream_arn":
      return `arn:aws:dynamodb:${region}:${acct}:table/${given}/stream/2026-01-01T00:00:00.000`;
    default:
      return given;
  }
}

function arnFor(type: string, given: string, region: string, acct: string, service: string, name: string): string {
  switch (type) {
    case "aws_iam_role":
      return `arn:aws:iam::${acct}:role/${given}`;
    case "aws_iam_policy":
      return `arn:aws:iam::${acct}:policy/${given}`;
    case "aws_iam_openid_connect_provider":
      return `arn:aws:iam::${acct}:oidc-provider/token.actions.githubusercontent.com`;
    case "aws_s3_bucket":
      return `arn:aws:s3:::${given}`;
    case "aws_kms_key":
      return `arn:aws:kms:${region}:${acct}:key/${uuid(name)}`;
    case "aws_secretsmanager_secret":
      return `arn:aws:secretsmanager:${region}:${acct}:secret:${given}-${hex(name, 6)}`;
    case "aws_sns_topic":
      return `arn:aws:sns:${region}:${acct}:${given}`;
    case "aws_ecr_repository":
      return `arn:aws:ecr:${region}:${acct}:repository/${given}`;
    case "aws_db_instance":
      return `arn:aws:rds:${region}:${acct}:db:${given}`;
    case "aws_dynamodb_table":
      return `arn:aws:dynamodb:${region}:${acct}:table/${given}`;
    case "aws_cloudwatch_log_group":
      return `arn:aws:logs:${region}:${acct}:log-group:${given}`;
    case "aws_apprunner_service":
      return `arn:aws:apprunner:${region}:${acct}:service/${given}/${hex(name, 32)}`;
    case "aws_apprunner_vpc_connector":
      return `arn:aws:apprunner:${region}:${acct}:vpcconnector/${given}/1/${hex(name, 32)}`;
    case "aws_ecs_cluster":
      return `arn:aws:ecs:${region}:${acct}:cluster/${given}`;
    case "aws_lb":
      return `arn:aws:elasticloadbalancing:${region}:${acct}:loadbalancer/app/${given}/${hex(name, 16)}`;
    case "aws_lb_target_group":
      return `arn:aws:elasticloadbalancing:${region}:${acct}:targetgroup/${given}/${hex(name, 16)}`;
    case "aws_acm_certificate":
      return `arn:aws:acm:${region}:${acct}:certificate/${uuid(name)}`;
    default:
      return `arn:aws:${service}:${region}:${acct}:${type.replace(/^aws_/, "")}/${given}`;
  }
}

/** Terraform's JSON type of a value, as state files record output types. */
function terraformType(value: unknown): unknown {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(terraformType)];
  if (value && typeof value === "object") {
    return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terraformType(v)]))];
  }
  return "string";
}

/** Resolves an output value (a reference, a literal, or a structure of them) to placeholders. */
function stubValue(value: unknown, ctx: PlaceholderContext): unknown {
  if (typeof value === "string") return value.startsWith("${") ? placeholderFor(value, ctx) : value;
  if (Array.isArray(value)) return value.map((v) => stubValue(v, ctx));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stubValue(v, ctx)]));
  return value;
}

/** A state file holding only outputs: what terraform_remote_state reads. */
export function stubStateFile(producer: SynthStack, accountId: string): string {
  const ctx = { accountId, stack: producer };
  const outputs = Object.fromEntries(
    Object.entries(producer.json.output ?? {}).map(([k, o]) => {
      const value = stubValue(o.value, ctx);
      return [k, { value, type: terraformType(value), sensitive: o.sensitive ?? false }];
    }),
  );
  return JSON.stringify(
    { version: 4, terraform_version: "1.11.4", serial: 1, lineage: `offline-stub-${producer.name}`, outputs, resources: [] },
    null,
    2,
  );
}
