import * as fs from "fs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { fromTerraformLiteral } from "../lib/terraform-literal";
import { WORKER_SOURCE } from "../stacks/edge";
import { json, only, resources, stack, synth, text } from "./helpers";

const [p1, p2, p3, p4] = [1, 2, 3, 4].map((phase) => synth({ phase }));
const names = (r: typeof p1) => r.stacks.map((s) => s.name).sort();
const BASE = [
  "audit",
  "backups",
  "bootstrap",
  "compute",
  "data",
  "delivery",
  "delivery-github",
  "edge",
  "keys",
  "network",
  "observability",
  "platform",
  "registry",
  "storage",
];

describe("stack layout per phase (names never contain the phase)", () => {
  test("phases 1 and 2 have the same thirteen stacks", () => {
    expect(names(p1)).toEqual(BASE.sort());
    expect(names(p2)).toEqual(names(p1));
  });

  test("phase 3 adds one stack per enterprise tenant (the document's 10)", () => {
    const tenants = names(p3).filter((n) => n.startsWith("tenant-"));
    expect(tenants).toEqual(Array.from({ length: 10 }, (_, i) => `tenant-org-${101 + i}`));
    expect(names(p3).filter((n) => !n.startsWith("tenant-"))).toEqual(BASE.sort());
  });

  test("phase 4 adds the US region, shards EU-2..3 and US-1..5, the routing table and 30 US tenants", () => {
    const n = names(p4);
    expect(n.filter((x) => x.startsWith("shard-"))).toEqual([
      "shard-eu-2",
      "shard-eu-3",
      "shard-us-1",
      "shard-us-2",
      "shard-us-3",
      "shard-us-4",
      "shard-us-5",
    ]);
    expect(n.filter((x) => x.endsWith("-us"))).toEqual([
      "data-us",
      "network-us",
      "observability-us",
      "platform-us",
      "routes-us",
      "storage-us",
    ]);
    expect(n.filter((x) => x.startsWith("tenant-"))).toHaveLength(40);
    expect(n).toContain("routing");
    for (const s of p4.stacks) expect(s.name).not.toMatch(/phase|p[1-4]\b/);
  });
});

describe("phase 2: read/write split", () => {
  const data = stack(p2, "data");
  const dbs = Object.fromEntries(resources(data, "aws_db_instance").map(([, d]) => [d.identifier, d]));

  test("the primary grows to db.r6g.large with 250 GB", () => {
    expect(dbs["restartix-prod"]).toMatchObject({ instance_class: "db.r6g.large", allocated_storage: 250, multi_az: true });
  });

  test("two db.r6g.large replicas in different AZs (B then A), encrypted, monitored, protected", () => {
    expect(dbs["restartix-prod-replica-1"]).toMatchObject({
      instance_class: "db.r6g.large",
      availability_zone: "eu-central-1b",
      storage_encrypted: true,
      monitoring_interval: 60,
      performance_insights_enabled: true,
      deletion_protection: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(dbs["restartix-prod-replica-2"]).toMatchObject({ availability_zone: "eu-central-1a" });
    for (const r of ["restartix-prod-replica-1", "restartix-prod-replica-2"])
      expect(dbs[r].replicate_source_db).toMatch(/aws_db_instance\.postgres_instance_.*\.identifier/);
  });

  test("Redis grows to cache.t4g.small", () => {
    expect(only(data, "aws_elasticache_replication_group").node_type).toBe("cache.t4g.small");
  });

  test("the services get the replicas' endpoints for the read/write split", () => {
    const core = resources(stack(p2, "compute"), "aws_apprunner_service").find(([, s]) => s.service_name === "restartix-core-api")![1];
    const env = core.source_configuration.image_repository.image_configuration.runtime_environment_variables;
    expect(env.DATABASE_REPLICA_HOSTS.split(",")).toHaveLength(2);
    expect(env.DATABASE_REPLICA_HOSTS).toMatch(/replica-1.*address.*,.*replica-2.*address/);
  });

  test("replicas are alarmed like the primary", () => {
    const alarms = resources(stack(p2, "observability"), "aws_cloudwatch_metric_alarm").map(([, a]) => a.alarm_name);
    expect(alarms.filter((a) => /connections$/.test(a))).toHaveLength(3);
  });
});

describe("phase 3: shared tier and enterprise tenants", () => {
  test("shared tier: db.r6g.xlarge primary and replicas, max_connections 400, core API up to 10 instances", () => {
    const data = stack(p3, "data");
    expect(resources(data, "aws_db_instance").map(([, d]) => d.instance_class)).toEqual([
      "db.r6g.xlarge",
      "db.r6g.xlarge",
      "db.r6g.xlarge",
    ]);
    const params = Object.fromEntries(only(data, "aws_db_parameter_group").parameter.map((p: any) => [p.name, p.value]));
    expect(params.max_connections).toBe("400");
    const scaling = resources(stack(p3, "platform"), "aws_apprunner_auto_scaling_configuration_version").find(
      ([, s]) => s.auto_scaling_configuration_name === "restartix-min1-max10-c100",
    )![1];
    expect(scaling.max_size).toBe(10);
    const core = resources(stack(p3, "compute"), "aws_apprunner_service").find(([, s]) => s.service_name === "restartix-core-api")![1];
    expect(core.auto_scaling_configuration_arn).toMatch(/restartix-min1-max10-c100arn/);
  });

  const tenant = stack(p3, "tenant-org-101");
  const groups = Object.fromEntries(resources(tenant, "aws_security_group").map(([n, g]) => [g.name, `\${aws_security_group.${n}.id}`]));

  test("each tenant: a dedicated db.r6g.large, encrypted, Multi-AZ, own parameter group, protected", () => {
    expect(only(tenant, "aws_db_instance")).toMatchObject({
      identifier: "restartix-tenant-org-101",
      instance_class: "db.r6g.large",
      storage_encrypted: true,
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(only(tenant, "aws_db_parameter_group").name).toBe("restartix-tenant-org-101-postgres17");
  });

  test("its database group admits only its own service's connector group and its credential rotation", () => {
    const ingress = resources(tenant, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    const toDb = ingress.filter((r) => r.security_group_id === groups["restartix-tenant-org-101-rds"]);
    expect(toDb).toHaveLength(2);
    expect(toDb).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from_port: 5432, referenced_security_group_id: groups["restartix-tenant-org-101-connector"] }),
        expect.objectContaining({ from_port: 5432, referenced_security_group_id: groups["restartix-tenant-org-101-db-rotation"] }),
      ]),
    );
    expect(only(tenant, "aws_apprunner_vpc_connector").security_groups).toEqual([groups["restartix-tenant-org-101-connector"]]);
  });

  test("the shared Redis admits the tenant through a rule the tenant stack owns", () => {
    const redisRule = resources(tenant, "aws_vpc_security_group_ingress_rule")
      .map(([, r]) => r)
      .find((r) => r.from_port === 6379)!;
    expect(redisRule.security_group_id).toMatch(/cross-stack-reference-input-network.*aws_security_groupredis-sg/);
  });

  test("an App Runner service on the shared image through its own connector, with its secrets and alarms", () => {
    const svc = only(tenant, "aws_apprunner_service");
    expect(svc.service_name).toBe("restartix-tenant-org-101");
    expect(svc.source_configuration.image_repository.image_identifier).toMatch(
      /cross-stack-reference-input-registry.*core_repository.*repository_url\}:bootstrap/,
    );
    expect(svc.network_configuration.egress_configuration.vpc_connector_arn).toMatch(/aws_apprunner_vpc_connector\.connector\.arn/);
    const secrets = svc.source_configuration.image_repository.image_configuration.runtime_environment_secrets;
    expect(secrets.DATABASE_URL).toMatch(/aws_secretsmanager_secret\.secrets_DATABASE_URL_/);
    expect(secrets.CLERK_SECRET_KEY).toMatch(/cross-stack-reference-input-data/);
    expect(
      resources(tenant, "aws_secretsmanager_secret")
        .map(([, s]) => s.name)
        .sort(),
    ).toEqual(["restartix/production/tenants/org-101/DATABASE_URL", "restartix/production/tenants/org-101/REDIS_URL"]);
    expect(
      resources(tenant, "aws_cloudwatch_metric_alarm")
        .map(([, a]) => a.alarm_name)
        .sort(),
    ).toEqual(
      [
        "restartix-tenant-org-101-5xx-rate",
        "restartix-tenant-org-101-p99-latency",
        "restartix-tenant-org-101-unhealthy-canary",
        "restartix-tenant-org-101-canary-stopped",
        "restartix-tenant-org-101-connections",
        "restartix-tenant-org-101-cpu",
        "restartix-tenant-org-101-free-storage",
        "restartix-tenant-org-101-db-rotation-not-started",
      ].sort(),
    );
  });

  test("its routing entry (tenant_shards) names where it is served", () => {
    const entry = only(tenant, "aws_ssm_parameter");
    expect(entry.name).toBe("/restartix/production/tenant-shards/tenant/org-101");
    expect(json(entry.value)).toMatchObject({ kind: "tenant", id: "org-101", region: "eu-central-1", service: "restartix-tenant-org-101" });
  });

  test("tenant stacks differ only by their own names: adding one touches nothing shared", () => {
    const normalize = (id: string) =>
      JSON.stringify(stack(p3, `tenant-${id}`).json.resource)
        .replaceAll(id, "ID")
        .replaceAll(`clinic ${id.slice(4)}`, "clinic N");
    expect(normalize("org-102")).toBe(normalize("org-101"));
  });
});

describe("phase 4: two regions, shards, global routing, cross-region backups", () => {
  test("the US VPC never overlaps the EU one", () => {
    expect(only(stack(p4, "network"), "aws_vpc").cidr_block).toBe("10.0.0.0/16");
    expect(only(stack(p4, "network-us"), "aws_vpc").cidr_block).toBe("10.1.0.0/16");
    expect(only(stack(p4, "network-us"), "aws_nat_gateway")).toBeDefined();
    expect(stack(p4, "network-us").json.provider?.aws[0].region).toBe("us-east-1");
  });

  test("a shard is a service + database stack in its region", () => {
    const shard = stack(p4, "shard-us-3");
    expect(shard.json.provider?.aws[0].region).toBe("us-east-1");
    expect(only(shard, "aws_db_instance")).toMatchObject({
      identifier: "restartix-shard-us-3",
      instance_class: "db.r6g.large",
      multi_az: true,
    });
    expect(only(shard, "aws_apprunner_service").service_name).toBe("restartix-shard-us-3");
  });

  test("the routing table: a DynamoDB global table replicated to us-east-1 with PITR, deletion protection and the regions' keys", () => {
    const routing = stack(p4, "routing");
    expect(text(routing)).toHaveResourceWithProperties(DynamodbTable, {
      name: "restartix-routing",
      hash_key: "organization_id",
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
      stream_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    const table = only(routing, "aws_dynamodb_table");
    expect(table.server_side_encryption).toEqual({ enabled: true, kms_key_arn: expect.stringMatching(/aws_kms_keyeu-central-1/) });
    expect(table.replica).toEqual([
      {
        region_name: "us-east-1",
        kms_key_arn: expect.stringMatching(/aws_kms_keyus-east-1/),
        point_in_time_recovery: true,
        propagate_tags: true,
      },
    ]);
  });

  test("US tenants write their routing item into the global table through the primary region", () => {
    const item = only(stack(p4, "tenant-org-201"), "aws_dynamodb_table_item");
    expect(item.provider).toBe("aws.eu-central-1");
    expect(json(item.item)).toMatchObject({ organization_id: { S: "org-201" }, region: { S: "us" }, shard: { S: "tenant-org-201" } });
  });

  test("cross-region backups (layer 3): every database's automated backups replicate to its region's backup region", () => {
    const rep = (name: string) => only(stack(p4, name), "aws_db_instance_automated_backups_replication");
    expect(rep("data")).toMatchObject({ provider: "aws.eu-west-1", retention_period: 7 });
    expect(rep("shard-us-1")).toMatchObject({ provider: "aws.us-west-2", kms_key_id: expect.stringMatching(/aws_kms_keyus-west-2/) });
    expect(rep("tenant-org-101").provider).toBe("aws.eu-west-1");
  });

  test("US patient files stay in the US: a regional uploads bucket, KMS-encrypted", () => {
    const bucket = resources(stack(p4, "storage-us"), "aws_s3_bucket").find(
      ([, b]) => b.bucket === "restartix-uploads-prod-us-123456789012",
    )![1];
    expect(bucket).toBeDefined();
    const env = only(stack(p4, "shard-us-1"), "aws_apprunner_service").source_configuration.image_repository.image_configuration
      .runtime_environment_variables;
    expect(env).toMatchObject({ S3_REGION: "us-east-1", CELL_ID: "shard:us-1" });
  });

  test("US cells read the shared secrets from their replicas in us-east-1", () => {
    const secrets = only(stack(p4, "shard-us-1"), "aws_apprunner_service").source_configuration.image_repository.image_configuration
      .runtime_environment_secrets;
    expect(secrets.CLERK_SECRET_KEY).toMatch(/^\$\{replace\(.*":eu-central-1:", ":us-east-1:"\)\}$/);
    const shared = resources(stack(p4, "data"), "aws_secretsmanager_secret").find(
      ([, s]) => s.name === "restartix/production/core-api/CLERK_SECRET_KEY",
    )![1];
    expect(shared.replica).toEqual([{ region: "us-east-1", kms_key_id: expect.stringMatching(/aws_kms_keyus-east-1/) }]);
  });

  test("ECR images replicate to us-east-1, where the same repositories exist", () => {
    const registry = stack(p4, "registry");
    expect(only(registry, "aws_ecr_replication_configuration").replication_configuration.rule[0].destination).toEqual([
      { region: "us-east-1", registry_id: "123456789012" },
    ]);
    expect(
      resources(registry, "aws_ecr_repository")
        .filter(([, r]) => r.provider === "aws.us-east-1")
        .map(([, r]) => r.name)
        .sort(),
    ).toEqual(["restartix-core-api", "restartix-telemetry-api"]);
  });

  test("the Worker routes api.<domain> by region and shard, with failover off", () => {
    const edge = stack(p4, "edge");
    const script = only(edge, "cloudflare_workers_script");
    const bindings = Object.fromEntries(script.bindings.map((b: any) => [b.name, b.text ?? b.namespace_id]));
    expect(Object.keys(json(bindings.ORIGINS))).toEqual(["eu", "us"]);
    expect(Object.keys(json(bindings.SHARD_ORIGINS)).sort()).toEqual(["eu-1", "eu-2", "eu-3", "us-1", "us-2", "us-3", "us-4", "us-5"]);
    expect(bindings).toMatchObject({ DEFAULT_REGION: "eu", FAILOVER: "off" });
    expect(only(edge, "cloudflare_workers_route").pattern).toBe("api.example.com/*");
    expect(script.content).toContain("export async function handle");
    // The script's template literals are escaped for Terraform, and come back exactly as the file.
    expect(script.content.replaceAll("$${", "")).not.toContain("${");
    expect(fromTerraformLiteral(script.content)).toBe(fs.readFileSync(WORKER_SOURCE, "utf8"));
    expect(resources(stack(p3, "edge"), "cloudflare_workers_script")).toEqual([]);
  });
});
