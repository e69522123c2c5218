import { App } from "cdktf";
import { computeEngines } from "../config/deployment";
import { Settings } from "../config/settings";
import { cellStackName, regionalStackName } from "../lib/naming";
import { applyPolicyPack } from "../policy";
import { CellSpec, RegionConfig, ServiceSizing } from "../phases/types";
import { AuditStack } from "./audit";
import { BackupsStack } from "./backups";
import { BootstrapStack } from "./bootstrap";
import { CellStack } from "./cell";
import { cellServiceStackName, CellServiceStack } from "./cell-service";
import {
  checkSlots,
  GatewayCertificatesDnsStack,
  GatewayCertificatesStack,
  gatewayCount,
  GatewaysDnsStack,
  GatewaysStack,
  gatewaysStackName,
} from "./gateways";
import { CertificatesStack } from "./certificates";
import { CertificatesDnsStack } from "./certificates-dns";
import { ComputeStack } from "./compute";
import { DataStack } from "./data";
import { DeliveryStack } from "./delivery";
import { DeliveryGithubStack } from "./delivery-github";
import { EdgeStack, RoutedRegion } from "./edge";
import { keyRegions, KeysStack } from "./keys";
import { NetworkStack } from "./network";
import { ObservabilityStack } from "./observability";
import { PlatformStack } from "./platform";
import { checkQuotas, quotaProblems, quotaUse } from "../policy/quotas";
import { RegistryStack } from "./registry";
import { RoutesStack, routesStackName, RoutingStack, workerOriginOf } from "./routing";
import { suppressForStaging } from "./staging-suppressions";
import { StorageStack } from "./storage";
import { tuneCdktfRuntime } from "../lib/cdktf-runtime";

/** The stacks one region has: its network, data, patient files and alerts. */
export interface RegionStacks {
  readonly config: RegionConfig;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly storage: StorageStack;
  readonly platform: PlatformStack;
  readonly observability: ObservabilityStack;
}

/** Every stack of one synth, by role, so callers (tests, tools) reach them by property. */
export interface Stacks {
  /** AWS quotas the layout exceeds, when settings.quotaCheck is "report" (else the synth refused it). */
  readonly quotaProblems: readonly string[];
  readonly bootstrap: BootstrapStack;
  readonly keys: KeysStack;
  readonly registry: RegistryStack;
  /** The primary region's stacks (network, data, storage, observability). */
  readonly primary: RegionStacks;
  /** Secondary regions' stacks (phase 4), by region name. */
  readonly regions: ReadonlyMap<string, RegionStacks>;
  readonly backups: BackupsStack;
  readonly compute: ComputeStack;
  readonly edge: EdgeStack;
  readonly delivery: DeliveryStack;
  readonly deliveryGithub: DeliveryGithubStack;
  /** @default - none: phases without global routing (1 to 3) */
  readonly routing?: RoutingStack;
  /** Account-level audit and detection: CloudTrail, GuardDuty, AWS Config, Security Hub, CIS alarms. */
  readonly audit: AuditStack;
  /** Shards (phase 4) and enterprise tenants (phase 3+), one stack each. */
  readonly cells: readonly CellStack[];
  /** Fargate cells: each cell's ECS service, target group, listener rule and alarms (<cell>-service). */
  readonly cellServices: readonly CellServiceStack[];
  /**
   * Fargate cells: the gateways' certificates, the per-region gateway stacks and their DNS records.
   * @default - none: no cell runs on Fargate
   */
  readonly gateways?: {
    readonly certificates: GatewayCertificatesStack;
    readonly certificatesDns: GatewayCertificatesDnsStack;
    readonly regions: ReadonlyMap<string, GatewaysStack>;
    readonly dns: GatewaysDnsStack;
  };
  /** Phase 4: every routed cell's entry in the Worker's KV namespace, one stack per region (docs/global-routing.md). */
  readonly routes: readonly RoutesStack[];
}

/**
 * Wires the stacks of one phase. Stack names never contain the phase: moving to the next phase
 * changes these same stacks (and adds new ones), planned against the same state.
 */
export function buildStacks(app: App, settings: Settings): Stacks {
  tuneCdktfRuntime();
  const { phase } = settings;
  const primaryConfig = phase.regions.find((r) => r.primary)!;
  const base = { settings, region: primaryConfig.region };

  const bootstrap = new BootstrapStack(app, "bootstrap", base);
  const keys = new KeysStack(app, "keys", base);
  const registry = new RegistryStack(app, "registry", { ...base, keys });

  // Cells (tenants, shards) run on the deployment's engine; a Fargate layout calls no App Runner API.
  const fargateCells = settings.deployment.compute === "fargate";
  // One shared App Runner auto scaling configuration per size and region: the shared tier, the
  // region's shards, every enterprise size preset and every size the registry's tenants use.
  const sizingsOf = (rc: RegionConfig): ServiceSizing[] => [
    ...(rc.primary && computeEngines(settings.deployment).includes("apprunner") ? Object.values(phase.services) : []),
    ...(fargateCells
      ? []
      : [
          ...rc.shards.map((s) => s.service),
          ...(phase.enterprise ? Object.values(phase.enterprise.sizes).map((s) => s.service) : []),
          ...settings.tenants.filter((t) => t.region === rc.region).map((t) => t.service),
        ]),
  ];
  const runsAppRunner = (rc: RegionConfig): boolean => sizingsOf(rc).length > 0;
  let primaryPlatform: PlatformStack | undefined;
  const regionStacks = (rc: RegionConfig): Omit<RegionStacks, "observability"> => {
    const props = { settings, region: rc.region, regionConfig: rc, keys };
    const network = new NetworkStack(app, regionalStackName("network", rc), props);
    const data = new DataStack(app, regionalStackName("data", rc), { ...props, network });
    const storage = new StorageStack(app, regionalStackName("storage", rc), props);
    const platform = new PlatformStack(app, regionalStackName("platform", rc), {
      ...props,
      sizings: sizingsOf(rc),
      primary: primaryPlatform,
      appRunner: runsAppRunner(rc),
    });
    if (rc.primary) primaryPlatform = platform;
    return { config: rc, network, data, storage, platform };
  };

  const p = regionStacks(primaryConfig);
  // Fargate's ALB certificate is validated in Cloudflare before the compute stack waits for it.
  let certificates: CertificatesStack | undefined;
  let certificatesDns: CertificatesDnsStack | undefined;
  if (computeEngines(settings.deployment).includes("fargate")) {
    const hostnames = Object.values(phase.services).map((s) => `${s.subdomain}.${settings.deployment.domain}`);
    certificates = new CertificatesStack(app, "certificates", { ...base, hostnames });
    certificatesDns = new CertificatesDnsStack(app, "certificates-dns", { settings, certificates });
  }
  const compute = new ComputeStack(app, "compute", {
    ...base,
    keys,
    network: p.network,
    registry,
    data: p.data,
    storage: p.storage,
    platform: p.platform,
    certificates,
  });
  if (certificatesDns) compute.addDependency(certificatesDns);
  const primary: RegionStacks = {
    ...p,
    observability: new ObservabilityStack(app, "observability", {
      ...base,
      regionConfig: primaryConfig,
      keys,
      compute,
      data: p.data,
      platform: p.platform,
      storage: p.storage,
      appRunner: runsAppRunner(primaryConfig),
    }),
  };
  const backups = new BackupsStack(app, "backups", {
    ...base,
    keys,
    storage: primary.storage,
    network: primary.network,
    data: primary.data,
    registry,
    alerts: primary.observability,
    compute,
  });

  const regions = new Map<string, RegionStacks>();
  for (const rc of phase.regions.filter((r) => !r.primary)) {
    const r = regionStacks(rc);
    regions.set(rc.region, {
      ...r,
      // us-east-1 already has the primary stack's restartix-alerts (billing and health alarms): reused, never created twice.
      observability: new ObservabilityStack(app, regionalStackName("observability", rc), {
        settings,
        region: rc.region,
        regionConfig: rc,
        keys,
        platform: r.platform,
        storage: r.storage,
        appRunner: runsAppRunner(rc),
        primary: primary.observability,
      }),
    });
  }
  const inRegion = (region: string): RegionStacks => (region === primaryConfig.region ? primary : regions.get(region)!);

  const routing = phase.globalRouting ? new RoutingStack(app, "routing", { ...base, config: phase.globalRouting, keys }) : undefined;

  const shards: CellSpec[] = phase.regions.flatMap((rc) =>
    rc.shards.map((s) => ({ ...s, kind: "shard" as const, name: `Shared shard ${s.id.toUpperCase()}`, region: rc.region })),
  );
  const cellSpecs = [...shards, ...settings.tenants];

  // Fargate cells: per region, the cell gateways (ALBs), the cells' cluster and Redis client group;
  // the gateways' certificates and their validation and hostname records in Cloudflare.
  const gatewaysByRegion = new Map<string, GatewaysStack>();
  let gatewayStacks: Stacks["gateways"];
  if (fargateCells && (phase.enterprise || shards.length > 0)) {
    checkSlots(cellSpecs);
    const regionsWithCells = phase.regions.map((rc) => ({
      config: rc,
      count: gatewayCount(cellSpecs.filter((c) => c.region === rc.region)),
    }));
    const gatewayCertificates = new GatewayCertificatesStack(app, "gateway-certificates", { ...base, regions: regionsWithCells });
    const gatewayCertificatesDns = new GatewayCertificatesDnsStack(app, "gateway-certificates-dns", {
      settings,
      certificates: gatewayCertificates,
    });
    for (const { config: rc, count } of regionsWithCells) {
      const r = inRegion(rc.region);
      const g = new GatewaysStack(app, gatewaysStackName(rc), {
        settings,
        region: rc.region,
        regionConfig: rc,
        network: r.network,
        storage: r.storage,
        platform: r.platform,
        certificates: gatewayCertificates,
        count,
      });
      g.addDependency(gatewayCertificatesDns);
      gatewaysByRegion.set(rc.region, g);
    }
    const dns = new GatewaysDnsStack(app, "gateways-dns", { settings, gateways: [...gatewaysByRegion.values()] });
    gatewayStacks = { certificates: gatewayCertificates, certificatesDns: gatewayCertificatesDns, regions: gatewaysByRegion, dns };
  }

  const cells = cellSpecs.map((cell) => {
    const r = inRegion(cell.region);
    return new CellStack(app, cellStackName(cell.kind, cell.id), {
      settings,
      region: cell.region,
      cell,
      regionConfig: r.config,
      keys,
      network: r.network,
      registry,
      platform: r.platform,
      sharedData: primary.data,
      regionData: r.data,
      storage: r.storage,
      alerts: r.observability,
      globalAlerts: primary.observability,
      routing,
      gateways: gatewaysByRegion.get(cell.region),
    });
  });
  // Fargate: each cell's service in its own stack, applied after the cell's DATABASE_URL has a value.
  const cellServices = cells
    .filter((c) => c.fargate)
    .map(
      (c) =>
        new CellServiceStack(app, cellServiceStackName(c.cell.kind, c.cell.id), {
          settings,
          region: c.cell.region,
          data: c,
          alerts: inRegion(c.cell.region).observability,
        }),
    );

  const byRegion = (region: string) => cells.filter((c) => c.cell.kind === "shard" && c.cell.region === region);
  const edge = new EdgeStack(app, "edge", {
    settings,
    compute,
    originSecret: p.platform.originSecret!,
    routing: phase.globalRouting && {
      workerName: phase.globalRouting.workerName,
      defaultRegionKey: phase.globalRouting.defaultRegionKey,
      regions: phase.regions.map((rc) => {
        // A cell's own App Runner domain, or its region's cell gateway and the cell (Fargate).
        const shardOrigins: RoutedRegion["shards"] = Object.fromEntries(
          byRegion(rc.region).map((c) => [c.cell.id, workerOriginOf(c.routeEntry)]),
        );
        // The shared tier of phases 1-3 is shard 1 of the primary region.
        if (rc.primary) Object.assign(shardOrigins, { [`${rc.key}-1`]: compute.service("core").url });
        const first = rc.primary ? compute.service("core").url : workerOriginOf(byRegion(rc.region)[0].routeEntry);
        return { key: rc.key, origin: first, shards: shardOrigins };
      }),
    },
  });
  // Account-level controls: after the primary storage stack (its access-log bucket), before any
  // compute; the data event buckets are read by name only (see AuditStack).
  const audit = new AuditStack(app, "audit", {
    ...base,
    storage: primary.storage,
    keys,
    // Every bucket holding patient data or dumps, replicas included: their object reads are audited.
    dataEventBuckets: [primary.storage, ...[...regions.values()].map((r) => r.storage)]
      .flatMap((s) => [s.uploads, s.uploadsReplica])
      .concat([backups.primary, backups.replica]),
    regions: keyRegions(phase),
  });
  // A cell being decommissioned has no route: its organization goes to the default region, and
  // cdktf can destroy its stack without a dependant (docs/tenants.md).
  const routes = edge.routes
    ? phase.regions.map((rc) => {
        const routed = cells.filter((c) => c.cell.region === rc.region && !c.cell.decommission);
        return new RoutesStack(app, routesStackName(rc), {
          settings,
          namespace: edge.routes!,
          cells: routed.map((c) => ({ stack: cellServices.find((s) => s.cell === c.cell) ?? c, cell: c.cell, entry: c.routeEntry })),
        });
      })
    : [];
  const delivery = new DeliveryStack(app, "delivery", { ...base, registry });
  const deliveryGithub = new DeliveryGithubStack(app, "delivery-github", { settings, delivery, region: primaryConfig.region });

  // AWS would refuse a layout above its quotas halfway through a deploy: refuse it at synth instead
  // (a dry run of CI scale only reports them).
  const quotaReport = settings.quotaCheck === "report" ? quotaProblems(quotaUse(app, phase)) : [];
  if (settings.quotaCheck === "enforce") checkQuotas(app, phase);
  // The policy pack checks every stack at synth, and the deployment as a whole (the audit
  // controls exist or are left to the organization); an unsuppressed error fails the synth.
  if (phase.environment === "staging") suppressForStaging(app);
  applyPolicyPack(app, { deploymentRules: true });

  return {
    bootstrap,
    keys,
    registry,
    primary,
    regions,
    backups,
    compute,
    edge,
    delivery,
    deliveryGithub,
    routing,
    audit,
    cells,
    cellServices,
    gateways: gatewayStacks,
    routes,
    quotaProblems: quotaReport,
  };
}
