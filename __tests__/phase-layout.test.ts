import { ApprunnerService } from "@cdktf/provider-aws/lib/apprunner-service";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { RepositoryPullRequest } from "@cdktf/provider-github/lib/repository-pull-request";
import { WORKFLOW_BRANCH } from "../stacks/delivery-github";
import { TerraformRemoteState, TerraformStack, Testing } from "cdktf";
import { DB_STORAGE_TYPE } from "../config/allowed";
import { bucketNames } from "../lib/naming";
import { resolveSettings, Settings } from "../config/settings";
import { RegionConfig } from "../phases/types";
import { buildStacks } from "../stacks";
import { EXAMPLE_VARS } from "./helpers";
import { tempDir } from "./temp-dirs";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { ApprunnerObservabilityConfiguration } from "@cdktf/provider-aws/lib/apprunner-observability-configuration";

/**
 * The phase layouts in cdktf's own testing idiom: each phase's stacks are built on a fresh
 * Testing.app(), every stack is synthesized on its own with Testing.synth(stack, true) (construct
 * validations on), and the document's values are asserted with toHaveResourceWithProperties /
 * toHaveDataSourceWithProperties / toHaveProviderWithProperties. The expected values are read from
 * the phase config and the deployment inputs, never copied.
 *
 * The property tests elsewhere (phase1-*.test.ts, phases.test.ts, ...) use the fast whole-app synth
 * of __tests__/helpers.ts, which reads the JSON cdktf writes to disk.
 */

interface Layout {
  readonly settings: Settings;
  readonly stacks: readonly TerraformStack[];
}

function layout(phase: 1 | 2 | 3 | 4, compute: "apprunner" | "fargate" = "apprunner"): Layout {
  const settings = resolveSettings({ varsFile: EXAMPLE_VARS, phase, compute });
  const app = Testing.app({ outdir: tempDir("cdktf.outdir.") });
  buildStacks(app, settings);
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  // What app.synth() does first: resolve the cross-stack references (remote state, outputs).
  for (const stack of stacks) stack.prepareStack();
  return { settings, stacks };
}

/** The tenant or shard a `tenant-<id>` / `shard-<id>` stack serves. */
function cellOf(settings: Settings, name: string) {
  const shards = settings.phase.regions.flatMap((r) => r.shards.map((s) => ({ ...s, kind: "shard" as const, region: r.region })));
  return [...settings.tenants, ...shards].find((c) => name === `${c.kind}-${c.id}`);
}

/** The region a stack lives in: its cell's (a Fargate cell's service stack too), `<kind>-<key>` for a secondary region, else the primary. */
function regionOf(settings: Settings, name: string): RegionConfig {
  const regions = settings.phase.regions;
  const cell = cellOf(settings, name) ?? cellOf(settings, name.replace(/-service$/, ""));
  if (cell) return regions.find((r) => r.region === cell.region)!;
  return regions.find((r) => !r.primary && name.endsWith(`-${r.key}`)) ?? regions.find((r) => r.primary)!;
}

/** Dependencies that only order deploys and read nothing: compute waits for the ALB certificate's validation records. */
const ORDER_ONLY: Readonly<Record<string, readonly string[]>> = {
  compute: ["certificates-dns"],
  gateways: ["gateway-certificates-dns"],
  "gateways-us": ["gateway-certificates-dns"],
};
/**
 * A routes stack follows every routed cell of its region (a Fargate cell's service stack): it reads an
 * App Runner cell's domain from its state, but a Fargate cell's origin (its region's gateway hostname)
 * is known at synth.
 */
const orderOnly = (name: string, dependency: string): boolean =>
  (ORDER_ONLY[name] ?? []).includes(dependency) || (/^routes(-|$)/.test(name) && /^(tenant|shard)-/.test(dependency));

/** What every stack of the kind its name says must hold, from the phase config and the inputs. */
function expectKind(name: string, json: string, settings: Settings): void {
  const { phase, deployment } = settings;
  const rc = regionOf(settings, name);
  const cell = cellOf(settings, name);
  const secondary = phase.regions.find((r) => !r.primary && name.endsWith(`-${r.key}`));
  const kind = cell ? cell.kind : secondary ? name.slice(0, -secondary.key.length - 1) : name;
  switch (kind) {
    case "bootstrap":
      expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: deployment.stateBucket });
      break;
    case "keys":
      for (const r of phase.regions) expect(json).toHaveProviderWithProperties(AwsProvider, { region: r.region });
      expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
      break;
    case "network":
      expect(json).toHaveResourceWithProperties(Vpc, {
        cidr_block: rc.network.cidr,
        tags: expect.objectContaining({ Name: rc.network.name }),
      });
      expect(json).toHaveResource(NatGateway);
      break;
    case "registry":
      for (const svc of Object.values(phase.services))
        expect(json).toHaveResourceWithProperties(EcrRepository, {
          name: svc.name,
          image_scanning_configuration: expect.objectContaining({ scan_on_push: true }),
        });
      expect(json).toHaveResourceWithProperties(EcrRepository, { name: phase.backups.jobRepository });
      break;
    case "data":
      expect(json).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
        replication_group_id: rc.cache.id,
        node_type: rc.cache.nodeType,
        transit_encryption_enabled: true,
      });
      if (rc.primary) {
        const db = phase.database;
        expect(json).toHaveResourceWithProperties(DbInstance, {
          identifier: db.identifier,
          instance_class: db.instanceClass,
          allocated_storage: db.allocatedStorageGb,
          max_allocated_storage: db.maxAllocatedStorageGb,
          storage_type: DB_STORAGE_TYPE,
          db_name: db.dbName,
          port: db.port,
          multi_az: db.multiAz,
          deletion_protection: true,
        });
        for (const replica of db.readReplicas)
          expect(json).toHaveResourceWithProperties(DbInstance, {
            identifier: `${db.identifier}-${replica.id}`,
            instance_class: replica.instanceClass,
            availability_zone: replica.az,
          });
      }
      break;
    case "storage": {
      // Names end in the account id, except the adopted primary uploads bucket (lib/naming.ts).
      const names = bucketNames(phase, deployment.accountId);
      expect(json).toHaveResourceWithProperties(S3Bucket, {
        bucket: rc.primary ? phase.storage.uploadsBucket : `${phase.storage.uploadsBucket}-${rc.key}-${deployment.accountId}`,
      });
      expect(json).toHaveResourceWithProperties(S3Bucket, {
        bucket: `${phase.storage.accessLogsBucket}-${rc.region}-${deployment.accountId}`,
      });
      expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: names.uploadsReplica(rc) });
      break;
    }
    case "backups":
      expect(json).toHaveResourceWithProperties(S3Bucket, {
        bucket: `${phase.backups.primaryBucket}-${deployment.accountId}`,
        object_lock_enabled: true,
      });
      expect(json).toHaveResourceWithProperties(S3Bucket, {
        bucket: `${phase.backups.replicaBucket}-${deployment.accountId}`,
        object_lock_enabled: true,
      });
      expect(json).toHaveResourceWithProperties(SchedulerSchedule, {
        schedule_expression: phase.backups.schedule,
        schedule_expression_timezone: phase.backups.scheduleTimezone,
      });
      break;
    case "compute":
      for (const svc of Object.values(phase.services)) {
        if (deployment.compute === "fargate")
          expect(json).toHaveResourceWithProperties(EcsService, { name: svc.name, desired_count: svc.minInstances });
        else expect(json).toHaveResourceWithProperties(ApprunnerService, { service_name: svc.name });
      }
      break;
    case "certificates": {
      const [first, ...others] = Object.values(phase.services).map((svc) => `${svc.subdomain}.${deployment.domain}`);
      expect(json).toHaveResourceWithProperties(AcmCertificate, {
        domain_name: first,
        subject_alternative_names: others,
        validation_method: "DNS",
      });
      break;
    }
    case "certificates-dns":
      expect(json).toHaveProviderWithProperties(CloudflareProvider, {});
      expect(json).toHaveResourceWithProperties(DnsRecord, { zone_id: deployment.cloudflareZoneId, proxied: false });
      break;
    case "platform":
      // The region's origin guard and its shared App Runner configurations.
      expect(json).toHaveResourceWithProperties(Wafv2WebAcl, {
        scope: "REGIONAL",
        default_action: { block: { custom_response: { response_code: 403 } } },
      });
      // App Runner's X-Ray configuration only where App Runner runs: a Fargate layout calls no App Runner API.
      if (settings.deployment.compute === "apprunner")
        expect(json).toHaveResourceWithProperties(ApprunnerObservabilityConfiguration, { trace_configuration: { vendor: "AWSXRAY" } });
      else expect(json).not.toHaveResource(ApprunnerObservabilityConfiguration);
      break;
    case "observability":
      // One restartix-alerts per region: in us-east-1 the primary stack's global topic is reused.
      if (rc.primary || rc.region !== "us-east-1")
        expect(json).toHaveResourceWithProperties(SnsTopic, { name: phase.observability.topicName });
      if (rc.primary)
        expect(json).toHaveResourceWithProperties(BudgetsBudget, {
          limit_amount: String(phase.observability.budgetUsd),
          limit_unit: "USD",
        });
      break;
    case "delivery":
      expect(json).toHaveResourceWithProperties(IamRole, { name: "GitHubActionsDeployRole" });
      if (!deployment.adoption.githubOidcProviderArn)
        expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: "https://token.actions.githubusercontent.com" });
      break;
    case "delivery-github":
      expect(json).toHaveProviderWithProperties(GithubProvider, { owner: deployment.githubOwner });
      // The workflow is proposed on its own branch by a pull request into the deploy branch.
      expect(json).toHaveResourceWithProperties(RepositoryFile, {
        repository: deployment.githubRepository,
        file: phase.delivery.workflowPath,
        branch: WORKFLOW_BRANCH,
        autocreate_branch_source_branch: phase.delivery.branch,
      });
      expect(json).toHaveResourceWithProperties(RepositoryPullRequest, {
        base_repository: deployment.githubRepository,
        base_ref: phase.delivery.branch,
        head_ref: WORKFLOW_BRANCH,
      });
      expect(json).toHaveResourceWithProperties(RepositoryEnvironment, {
        repository: deployment.githubRepository,
        environment: phase.delivery.environmentName,
      });
      break;
    case "edge":
      expect(json).toHaveProviderWithProperties(CloudflareProvider, {});
      for (const svc of Object.values(phase.services))
        expect(json).toHaveResourceWithProperties(DnsRecord, {
          zone_id: deployment.cloudflareZoneId,
          name: `${svc.subdomain}.${deployment.domain}`,
          proxied: true,
        });
      break;
    case "routing":
      expect(json).toHaveResourceWithProperties(DynamodbTable, {
        name: phase.globalRouting!.tableName,
        deletion_protection_enabled: true,
        point_in_time_recovery: expect.objectContaining({ enabled: true }),
      });
      break;
    case "routes": {
      // Cloudflare only: one KV entry per routed cell of the region.
      const doc = JSON.parse(json) as { provider?: Record<string, unknown>; resource?: Record<string, Record<string, unknown>> };
      expect(Object.keys(doc.provider ?? {})).toEqual(["cloudflare"]);
      const routed = [
        ...settings.tenants.filter((t) => !t.decommission),
        ...rc.shards.map((x) => ({ kind: "shard", id: x.id, region: rc.region })),
      ].filter((c) => c.region === rc.region);
      expect(Object.keys(doc.resource?.cloudflare_workers_kv ?? {}).sort()).toEqual(routed.map((c) => `${c.kind}-${c.id}`).sort());
      break;
    }
    case "tenant":
    case "shard":
      expect(json).toHaveResourceWithProperties(DbInstance, {
        identifier: `restartix-${name}`,
        instance_class: cell!.instanceClass,
        allocated_storage: cell!.allocatedStorageGb,
        max_allocated_storage: cell!.maxAllocatedStorageGb,
        storage_type: DB_STORAGE_TYPE,
        multi_az: true,
      });
      // Fargate: the cell's service is in its own stack (<cell>-service), after its data.
      if (deployment.compute === "apprunner")
        expect(json).toHaveResourceWithProperties(ApprunnerService, { service_name: `restartix-${name}` });
      else expect(json).not.toHaveResource(ApprunnerService);
      break;
    default:
      // A kind this file does not know yet still meets the checks every stack meets (below).
      break;
  }
}

const CASES: readonly [string, 1 | 2 | 3 | 4, "apprunner" | "fargate"][] = [
  ["phase 1", 1, "apprunner"],
  ["phase 1 on Fargate", 1, "fargate"],
  ["phase 2", 2, "apprunner"],
  ["phase 3", 3, "apprunner"],
  ["phase 4", 4, "apprunner"],
  ["phase 3 on Fargate", 3, "fargate"],
  ["phase 4 on Fargate", 4, "fargate"],
];

describe.each(CASES)("%s: every stack, synthesized with Testing.synth(stack, true)", (_title, phase, compute) => {
  const { settings, stacks } = layout(phase, compute);
  const byName = new Map(stacks.map((s) => [s.node.id, s]));

  test("the stacks of the phase", () => {
    const names = [...byName.keys()];
    const expected = [
      "bootstrap",
      "keys",
      "registry",
      "compute",
      "observability",
      "backups",
      "delivery",
      "delivery-github",
      "edge",
      ...settings.phase.regions.flatMap((r) => ["network", "data", "storage"].map((k) => (r.primary ? k : `${k}-${r.key}`))),
      ...settings.phase.regions.filter((r) => !r.primary).map((r) => `observability-${r.key}`),
      ...settings.phase.regions.map((r) => (r.primary ? "platform" : `platform-${r.key}`)),
      ...settings.phase.regions.flatMap((r) => r.shards.map((s) => `shard-${s.id}`)),
      ...settings.tenants.map((t) => `tenant-${t.id}`),
      ...(settings.phase.globalRouting
        ? ["routing", ...settings.phase.regions.map((r) => (r.primary ? "routes" : `routes-${r.key}`))]
        : []),
      ...(compute === "fargate" ? ["certificates", "certificates-dns"] : []),
    ];
    expect(names).toEqual(expect.arrayContaining(expected));
  });

  test.each([...byName.keys()])("%s", (name) => {
    const stack = byName.get(name)!;
    const json = Testing.synth(stack, true);
    const doc = JSON.parse(json) as { provider?: Record<string, unknown> };
    // Every AWS provider of every stack refuses any account but the deployment's.
    if (doc.provider?.aws) {
      expect(json).toHaveProviderWithProperties(AwsProvider, {
        region: regionOf(settings, name).region,
        allowed_account_ids: [settings.deployment.accountId],
      });
    }
    // Every stack it reads from is read through that stack's state in the state bucket.
    for (const dependency of stack.dependencies.filter((d) => !orderOnly(name, d.node.id))) {
      expect(json).toHaveDataSourceWithProperties(TerraformRemoteState, {
        backend: "s3",
        config: expect.objectContaining({
          bucket: settings.deployment.stateBucket,
          key: `${dependency.node.id}/terraform.tfstate`,
          encrypt: true,
        }),
      });
    }
    expectKind(name, json, settings);
  });
});
