import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { Construct } from "constructs";
import { cellsClusterNameOf, hostLabel, regionalStackName } from "../lib/naming";
import { tlsProxyPort } from "../modules/fargate-service";
import { LoadBalancer } from "../modules/load-balancer";
import { allowIngress, Firewall } from "../modules/firewall";
import { guard } from "../modules/waf";
import { suppress } from "../policy/suppress";
import { CellSpec, RegionConfig } from "../phases/types";
import { BaseStack, BaseStackProps, ProjectStack, ProjectStackProps } from "./base";
import { acmValidationRecords } from "./certificates-dns";
import { NetworkStack } from "./network";
import { PlatformStack } from "./platform";
import { StorageStack } from "./storage";

/**
 * Cell gateways (Fargate cells, phases 3 and 4). Every cell is its own ECS service; the cells of a
 * region share a few ALBs, each holding up to CELLS_PER_GATEWAY cells:
 *   - an ALB has at most 100 target groups and 100 listener rules (AWS's defaults; target groups per
 *     ALB cannot be raised): one target group and one rule per cell leaves 10 for growth and repairs;
 *   - the listener has one certificate, for the gateway's own hostname (cells-<region key>-<n>.<domain>):
 *     a cell needs no DNS record and no certificate of its own (25 certificates per listener);
 *   - a cell's rule matches the header the Worker adds (X-Restartix-Cell: tenant-org-101); a request
 *     without a known cell header gets the listener's fixed 404;
 *   - ALBs per region (50 by default): 1000 cells in one region need 12.
 * A cell's slot (CellSpec.slot) fixes its gateway and its rule priority for life: adding or removing
 * a cell never moves another one.
 */
const CELLS_PER_GATEWAY = 90;
/** The request header the Worker adds so the gateway forwards to the cell's target group. */
export const CELL_HEADER = "X-Restartix-Cell";
/** The header's value for one cell: tenant-org-101, shard-us-2. */
export { cellHeaderValue } from "./routing";
/** The gateway (1-based) a slot lives on. */
const gatewayOfSlot = (slot: number): number => Math.ceil(slot / CELLS_PER_GATEWAY);
const gatewayHostname = (regionKey: string, n: number, domain: string, environment = "production"): string =>
  `${hostLabel(`cells-${regionKey}-${n}`, environment)}.${domain}`;

/** A cell's slot; a Fargate cell without one is a bug the validation should have refused. */
export function cellSlot(cell: CellSpec): number {
  if (cell.slot === undefined)
    throw new Error(
      `${cell.kind} ${cell.id} has no slot: Fargate cells need one (phases/phase4.ts shards, npm run tenant -- add for tenants)`,
    );
  return cell.slot;
}

/** Gateways a region needs for its cells: at least one while the phase has cells, then one per CELLS_PER_GATEWAY slots. */
export function gatewayCount(cells: readonly CellSpec[]): number {
  return Math.max(1, ...cells.map((c) => gatewayOfSlot(cellSlot(c))));
}

/**
 * Two cells with one slot in one region would get the same listener rule priority: AWS refuses the
 * second rule halfway through a deploy. Refused at synth, naming both.
 */
export function checkSlots(cells: readonly CellSpec[]): void {
  const seen = new Map<string, CellSpec>();
  for (const c of cells) {
    const key = `${c.region} ${cellSlot(c)}`;
    const other = seen.get(key);
    if (other) {
      throw new Error(
        `${c.kind} ${c.id} and ${other.kind} ${other.id} both have slot ${c.slot} in ${c.region}: a slot is the cell's listener rule priority on its gateway (unique per region). ` +
          `Fix: give ${c.kind === "tenant" ? `tenant ${c.id}` : `tenant ${other.id}`} a free slot above 10 in its registry entry (never change a deployed cell's slot)`,
      );
    }
    seen.set(key, c);
  }
}

export interface GatewayCertificatesStackProps extends BaseStackProps {
  /** Gateways per region (only regions with cells). */
  readonly regions: readonly { readonly config: RegionConfig; readonly count: number }[];
}

/**
 * The gateways' ACM certificates (one per gateway, in the gateway's region), DNS-validated. Their
 * own stack, like the shared tier's `certificates`: the validation records (gateway-certificates-dns)
 * must exist before a gateway stack's listener waits for its certificate.
 */
export class GatewayCertificatesStack extends BaseStack {
  private readonly certificates = new Map<string, AcmCertificate>();

  constructor(scope: Construct, name: string, props: GatewayCertificatesStackProps) {
    super(scope, name, props);
    const domain = props.settings.deployment.domain;
    for (const { config: rc, count } of props.regions) {
      for (let n = 1; n <= count; n++) {
        const hostname = gatewayHostname(rc.key, n, domain, props.settings.phase.environment);
        this.certificates.set(
          `${rc.key}-${n}`,
          new AcmCertificate(this, `${rc.key}-${n}`, {
            domainName: hostname,
            validationMethod: "DNS",
            keyAlgorithm: "RSA_2048",
            tags: { Name: hostname },
            lifecycle: { createBeforeDestroy: true },
            provider: rc.region === this.region ? undefined : this.awsIn(rc.region),
          }),
        );
      }
    }
  }

  certificate(regionKey: string, n: number): AcmCertificate {
    const c = this.certificates.get(`${regionKey}-${n}`);
    if (!c) throw new Error(`GatewayCertificatesStack: no certificate for gateway ${regionKey}-${n}`);
    return c;
  }

  get all(): [string, AcmCertificate][] {
    return [...this.certificates];
  }
}

export interface GatewayCertificatesDnsStackProps extends ProjectStackProps {
  readonly certificates: GatewayCertificatesStack;
}

/** The gateways' ACM validation records in Cloudflare (DNS-only, never deleted: ACM renews against them). */
export class GatewayCertificatesDnsStack extends ProjectStack {
  constructor(scope: Construct, name: string, props: GatewayCertificatesDnsStackProps) {
    super(scope, name, props);
    new CloudflareProvider(this, "cloudflare", {});
    for (const [key, certificate] of props.certificates.all) {
      acmValidationRecords(
        this,
        `${key}-validation`,
        certificate,
        props.settings.deployment.cloudflareZoneId,
        `ACM validation of the cell gateway ${key}: never delete`,
      );
    }
  }
}

export interface GatewaysStackProps extends BaseStackProps {
  readonly regionConfig: RegionConfig;
  readonly network: NetworkStack;
  readonly storage: StorageStack;
  /** The region's origin guard web ACL. */
  readonly platform: PlatformStack;
  readonly certificates: GatewayCertificatesStack;
  readonly count: number;
}

/** One gateway: its ALB and the hostname the Worker fetches (with the cell header). */
export interface Gateway {
  readonly n: number;
  readonly hostname: string;
  readonly alb: LoadBalancer;
}

/**
 * What the Fargate cells of one region share (gateways, gateways-us): the ECS cluster they run on,
 * the cell gateways, the ALBs' group (Cloudflare's ranges in), and the "redis client" group every
 * cell task joins, which the region's Redis admits once, so Redis's rule count no longer grows with
 * cells (AWS caps rules per group at 1000 with no increase beyond). Its own cluster rather than the
 * shared tier's: a cell never depends on the compute stack (applied in the services step, and the
 * shared tier's engine may differ during a migration), and secondary regions have no compute stack.
 */
export class GatewaysStack extends BaseStack {
  readonly cluster: EcsCluster;
  readonly clusterName: string;
  readonly albSg: Firewall;
  readonly redisClients: Firewall;
  readonly gateways: Gateway[] = [];

  constructor(scope: Construct, name: string, props: GatewaysStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const rc = props.regionConfig;
    const project = phase.project;
    const vpcId = props.network.network.vpc.id;
    const core = phase.services.core;
    const suffix = rc.primary ? "" : `-${rc.key}`;

    this.clusterName = cellsClusterNameOf(project, rc);
    this.cluster = new EcsCluster(this, "cluster", {
      name: this.clusterName,
      setting: [{ name: "containerInsights", value: "enabled" }],
      tags: { Name: this.clusterName },
    });

    this.albSg = new Firewall(this, "alb-sg", {
      name: `${project}-cells-alb${suffix}`,
      description: "Cell gateways: HTTPS from Cloudflare's published ranges only",
      vpcId,
    });
    phase.fargate.cloudflareIpv4.forEach((cidr, i) => {
      this.albSg.allowIn({ id: `https-cloudflare-${i}`, port: 443, cidr, description: `HTTPS from Cloudflare ${cidr}` });
      this.albSg.allowIn({ id: `http-cloudflare-${i}`, port: 80, cidr, description: `HTTP (redirect) from Cloudflare ${cidr}` });
    });
    // One rule to the VPC's cell port: a rule per cell on this shared group would grow with cells.
    // Each cell's own group admits only this group, so the ALBs reach cells and nothing else.
    this.albSg.allowOut({
      id: "to-cells",
      port: tlsProxyPort(core.port),
      cidr: rc.network.cidr,
      description: `Cell gateways to the cells' TLS sidecars (${tlsProxyPort(core.port)})`,
    });

    this.redisClients = new Firewall(this, "redis-clients-sg", {
      name: `${project}-cells-redis-client${suffix}`,
      description: "Every Fargate cell task of the region: Redis out; the cache admits this group once",
      vpcId,
    });
    this.redisClients.allowOut({
      id: "redis",
      port: rc.cache.port,
      peerGroupId: props.network.redisSg.id,
      description: "Redis to the region's cache",
    });
    allowIngress(this, props.network.redisSg.id, {
      id: "redis-from-cells",
      port: rc.cache.port,
      peerGroupId: this.redisClients.id,
      description: "Redis from every Fargate cell of the region (one rule)",
    });

    for (let n = 1; n <= props.count; n++) {
      const hostname = gatewayHostname(rc.key, n, deployment.domain, phase.environment);
      const alb = new LoadBalancer(this, `gateway-${n}`, {
        name: `${project}-cells-${rc.key}-${n}`,
        subnetIds: props.network.network.publicSubnets.map((s) => s.id),
        securityGroupId: this.albSg.id,
        certificateArn: props.certificates.certificate(rc.key, n).arn,
        sslPolicy: phase.fargate.sslPolicy,
        idleTimeoutSeconds: core.requestTimeoutSeconds,
        accessLogsBucket: props.storage.accessLogs.name,
        notFoundBody: '{"error":"unknown cell"}',
      });
      // The ALB's public DNS name admits only requests that carry Cloudflare's origin header.
      guard(this, `gateway-${n}-origin-guard`, alb.lb.arn, props.platform.webAclArn);
      this.gateways.push({ n, hostname, alb });
    }
  }

  gateway(slot: number): Gateway {
    const g = this.gateways[gatewayOfSlot(slot) - 1];
    if (!g) throw new Error(`${this.node.id}: no gateway for slot ${slot} (${this.gateways.length} gateways)`);
    return g;
  }
}

export interface GatewaysDnsStackProps extends ProjectStackProps {
  readonly gateways: readonly GatewaysStack[];
}

/**
 * The gateways' hostnames in Cloudflare: DNS-only CNAMEs to the ALBs. A gateway is an origin, not a
 * public entry point: only the Worker fetches it (from Cloudflare's ranges, with the origin header
 * and the cell header), and it validates the gateway's certificate, which names this hostname. Not
 * proxied, so no second pass through the zone's rules; the ALB's own DNS name is public anyway, and
 * the origin guard refuses every request without the origin header. After the gateway stacks: it
 * reads their ALBs' DNS names.
 */
export class GatewaysDnsStack extends ProjectStack {
  constructor(scope: Construct, name: string, props: GatewaysDnsStackProps) {
    super(scope, name, props);
    new CloudflareProvider(this, "cloudflare", {});
    for (const stack of props.gateways) {
      for (const g of stack.gateways) {
        const record = new DnsRecord(this, g.hostname.split(".")[0], {
          zoneId: props.settings.deployment.cloudflareZoneId,
          name: g.hostname,
          type: "CNAME",
          content: g.alb.lb.dnsName,
          proxied: false,
          ttl: 300,
          comment: `Cell gateway ${g.hostname}: the Worker fetches it with the ${CELL_HEADER} header`,
        });
        suppress(
          record,
          "RX-CF-1",
          "A cell gateway is an origin only the Worker fetches (origin header + cell header, certificate validated); the origin guard WAF refuses every other request, as it does on the ALB's own public DNS name",
        );
      }
    }
  }
}

export const gatewaysStackName = (rc: RegionConfig): string => regionalStackName("gateways", rc);
