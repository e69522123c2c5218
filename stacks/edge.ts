import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Ruleset } from "@cdktf/provider-cloudflare/lib/ruleset";
import { WorkersKvNamespace } from "@cdktf/provider-cloudflare/lib/workers-kv-namespace";
import { WorkersRoute } from "@cdktf/provider-cloudflare/lib/workers-route";
import { WorkersScript } from "@cdktf/provider-cloudflare/lib/workers-script";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import * as fs from "fs";
import * as path from "path";
import { KeptHeaderRule, ROOT } from "../config/deployment";
import { jsonExpression } from "../lib/json-expression";
import { terraformLiteral } from "../lib/terraform-literal";
import { Fn, Op, TerraformIterator, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { ServiceKey } from "../phases/types";
import { ProjectStack, ProjectStackProps } from "./base";
import { ComputeStack } from "./compute";
import { OriginSecret } from "./platform";
import { WorkerOrigin } from "./routing";

/**
 * A phase 4 region as the router sees it: its key, its default origin and its shards' origins. An
 * origin is a hostname (the shared tier, an App Runner service), or for a Fargate cell the region's
 * cell gateway and the cell, which the Worker sends as X-Restartix-Cell (worker/router.js).
 */
export interface RoutedRegion {
  readonly key: string;
  /** Origin of requests routed to the region without a shard of their own. */
  readonly origin: WorkerOrigin;
  /** Shard id -> the shard's origin. */
  readonly shards: Readonly<Record<string, WorkerOrigin>>;
}

export interface EdgeStackProps extends ProjectStackProps {
  readonly compute: ComputeStack;
  /** The origin header's value (platform stack): Cloudflare adds it to every request to the origins. */
  readonly originSecret: OriginSecret;
  /** Phase 4 global routing: the regions the Worker routes to. @default - no Worker */
  readonly routing?: { readonly workerName: string; readonly defaultRegionKey: string; readonly regions: readonly RoutedRegion[] };
}

/** The Worker's source, uploaded as-is (tests in __tests__/worker-router.test.ts). */
export const WORKER_SOURCE = path.join(ROOT, "worker", "router.js");

/** Cloudflare's managed rulesets (ids are fixed across accounts). */
const CLOUDFLARE_MANAGED_RULESET = "efb7b8c949ac4650a09736fc376e9aee";
const CLOUDFLARE_OWASP_RULESET = "4814384a9e5d4991b9815dcfc25d2f1f";

/**
 * The Cloudflare side: the public hostnames (proxied CNAMEs whose target is the cutover switch),
 * the certificate validation records of the AWS custom domains (DNS-only, never deleted), TLS for
 * the API hostnames, the WAF (managed + OWASP rulesets, custom rules, rate limits). What already
 * exists in a Railway-era zone (the records, the entry-point rulesets) is adopted with import
 * blocks when its id is configured (docs/adoption.md).
 */
export class EdgeStack extends ProjectStack {
  readonly records = new Map<ServiceKey, DnsRecord>();
  /** Phase 4: the Worker's ROUTES namespace; each cell's route stack writes its entry into it. */
  readonly routes?: WorkersKvNamespace;

  constructor(scope: Construct, name: string, props: EdgeStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    // The API token comes from CLOUDFLARE_API_TOKEN in the environment, never from code.
    new CloudflareProvider(this, "cloudflare", {});
    const zoneId = deployment.cloudflareZoneId;
    const adoption = deployment.adoption;

    for (const svc of props.compute.allServices.filter((s) => s.engine === "apprunner" && s.validationRecords)) {
      const key = svc.config.key;
      // Known values: this stack reads them from the compute stack's state after it is applied.
      const records = TerraformIterator.fromComplexList(svc.validationRecords!, "name");
      new DnsRecord(this, `${key}-validation`, {
        forEach: records,
        zoneId,
        name: Fn.trimsuffix(records.getString("name"), "."),
        type: records.getString("type"),
        content: Fn.trimsuffix(records.getString("value"), "."),
        // Validation must see the record itself, not Cloudflare's proxy; deleting it stops renewals.
        proxied: false,
        ttl: 1,
        comment: `Certificate validation for ${svc.hostname}: never delete`,
        lifecycle: { preventDestroy: true },
      });
    }

    for (const svc of props.compute.services.values()) {
      const key = svc.config.key;
      const cutover = deployment.cutover[key];
      // The edge reads the AWS target whichever way the switch points, so the compute stack's
      // outputs never change with the switch: the cutover and the rollback change only this record.
      const awsTarget = new TerraformOutput(this, `${key}_aws_target`, {
        value: svc.dnsTarget,
        description: `Where ${svc.hostname} points once ${key}_target = "aws"`,
      });
      // The cutover switch: "railway" keeps today's origin, "aws" points at App Runner (or the ALB).
      // Setting it back is the rollback; only this record's content changes either way.
      const record = new DnsRecord(this, `${key}-record`, {
        zoneId,
        name: svc.hostname,
        type: "CNAME",
        content: cutover.target === "aws" ? awsTarget.value : cutover.railwayOrigin,
        proxied: true,
        ttl: 1,
        comment: `${svc.config.name}: the cutover switch ${key}_target (railway | aws) chooses the origin`,
        // The validation records come from the compute stack's output, written when compute was
        // last applied: an empty list there would silently create none, and the App Runner
        // certificate would never validate. Refuse the plan instead (docs/edge-and-delivery.md).
        lifecycle:
          svc.engine === "apprunner" && svc.validationRecords
            ? {
                precondition: [
                  {
                    // (Op.gt(x, 0) renders "> undefined" in cdktf 0.21: compare with 1.)
                    condition: Op.gte(Fn.lengthOf(svc.validationRecords), 1),
                    errorMessage: `The compute stack's output holds no certificate validation records for ${svc.hostname}: App Runner had not published them when compute was applied. Run the deploy command again (compute first: its apply refreshes the output), then this stack; docs/edge-and-delivery.md, "Certificate validation records".`,
                  },
                ],
              }
            : undefined,
      });
      // The Railway-era record already exists (a second one fails with error 81053): adopt it.
      const existing = adoption.records[key];
      if (existing) record.importFrom(`${zoneId}/${existing}`);
      this.records.set(key, record);
    }

    const hostnames = [...props.compute.services.values()].map((s) => s.hostname);
    const apiHosts = hostExpression(hostnames);
    this.addTls(zoneId, hostnames, phase.edge.minTlsVersion, deployment.zoneWideTls);

    const managed = new Ruleset(this, "waf-managed", {
      zoneId,
      kind: "zone",
      name: adoption.rulesetNames.managed ?? "RestartiX managed WAF",
      description: "Cloudflare Managed Ruleset and OWASP Core Ruleset",
      phase: "http_request_firewall_managed",
      rules: [
        {
          action: "execute",
          actionParameters: { id: CLOUDFLARE_MANAGED_RULESET },
          expression: "true",
          description: "Cloudflare Managed Ruleset",
          enabled: true,
        },
        {
          action: "execute",
          actionParameters: { id: CLOUDFLARE_OWASP_RULESET },
          expression: "true",
          description: "Cloudflare OWASP Core Ruleset",
          enabled: true,
        },
      ],
    });
    const custom = new Ruleset(this, "waf-custom", {
      zoneId,
      kind: "zone",
      name: adoption.rulesetNames.custom ?? "RestartiX custom rules",
      description: "HTTPS and minimum TLS on the API hostnames, and the custom firewall rules of the phase config (edge.customRules)",
      phase: "http_request_firewall_custom",
      rules: [
        ...(deployment.zoneWideTls ? [] : transportRules(apiHosts, phase.edge.minTlsVersion)),
        // The phase's rules are about the APIs: they apply to the API hostnames, not the whole zone.
        ...phase.edge.customRules.map((r) => ({
          action: r.action,
          expression: `${apiHosts} and ${r.expression}`,
          description: r.description,
          enabled: true,
        })),
      ],
    });
    if (props.routing) this.routes = this.addRouter(props.routing, zoneId, props.compute.service("core").hostname, props.originSecret);
    this.addOriginHeader(
      zoneId,
      [...props.compute.services.values()].map((s) => s.hostname),
      props.originSecret,
    );

    const rateLimits = new Ruleset(this, "rate-limits", {
      zoneId,
      kind: "zone",
      name: adoption.rulesetNames.rateLimit ?? "RestartiX rate limits",
      description: "Edge rate limiting from the phase config (edge.rateLimits)",
      phase: "http_ratelimit",
      rules: phase.edge.rateLimits.map((r) => {
        const host = props.compute.service(r.service).hostname;
        const scope = `(http.host eq "${host}")`;
        return {
          action: "block",
          description: r.description,
          expression: r.expression === "true" ? scope : `${scope} and (${r.expression})`,
          enabled: true,
          ratelimit: {
            characteristics: ["cf.colo.id", "ip.src"],
            period: r.periodSeconds,
            requestsPerPeriod: r.requestsPerPeriod,
            mitigationTimeout: r.mitigationTimeoutSeconds,
          },
        };
      }),
    });

    // The zone's entry-point rulesets may already exist (one per phase per zone: a second create
    // fails with error 20217): adopt them. Their rules are then replaced by these (docs/adoption.md);
    // their names are kept (adoption.rulesetNames): provider 5.x replaces a renamed ruleset.
    const adopted: [Ruleset, string | undefined][] = [
      [managed, adoption.rulesets.managed],
      [custom, adoption.rulesets.custom],
      [rateLimits, adoption.rulesets.rateLimit],
    ];
    for (const [ruleset, id] of adopted) if (id) ruleset.importFrom(rulesetImportId(zoneId, id));
  }

  /**
   * SSL Full (strict), TLS >= the minimum and HTTPS only. By default for the API hostnames only: a
   * configuration rule sets SSL strict for them, and custom firewall rules (transportRules) refuse
   * plain HTTP and older TLS on them; the zone's other hostnames keep their settings.
   * `zone_wide_tls = true` sets the three zone settings instead, which changes every hostname.
   */
  private addTls(zoneId: string, hostnames: readonly string[], minTlsVersion: string, zoneWide: boolean): void {
    if (zoneWide) {
      const settings: [string, string, unknown][] = [
        ["ssl", "ssl", "strict"],
        ["min-tls", "min_tls_version", minTlsVersion],
        ["always-https", "always_use_https", "on"],
      ];
      for (const [id, settingId, value] of settings) {
        new ZoneSetting(this, id, { zoneId, settingId, value: value as Record<string, unknown> });
      }
      return;
    }
    // A configuration rule can set `ssl` per request, but neither the minimum TLS version nor Always
    // Use HTTPS (zone settings; per-hostname minimum TLS needs Advanced Certificate Manager).
    const config = new Ruleset(this, "tls-config", {
      zoneId,
      kind: "zone",
      name: this.settings.deployment.adoption.rulesetNames.config ?? "RestartiX configuration rules",
      description: "SSL Full (strict) to the origin for the API hostnames",
      phase: "http_config_settings",
      rules: [
        {
          action: "set_config",
          actionParameters: { ssl: "strict" },
          expression: hostExpression(hostnames),
          description: "API hostnames: SSL Full (strict), the origin certificate is verified",
          enabled: true,
        },
      ],
    });
    const existing = this.settings.deployment.adoption.rulesets.config;
    if (existing) config.importFrom(rulesetImportId(zoneId, existing));
  }

  /**
   * Phase 4: the Worker on the API hostname sends each request to its organization's region and
   * shard; ROUTES is the edge copy of the DynamoDB routing table. Failover stays off (EU data
   * residency): turning it on is an incident decision (docs/global-routing.md).
   */
  private addRouter(
    routing: NonNullable<EdgeStackProps["routing"]>,
    zoneId: string,
    apiHostname: string,
    originSecret: OriginSecret,
  ): WorkersKvNamespace {
    const accountId = this.settings.deployment.cloudflareAccountId;
    const routes = new WorkersKvNamespace(this, "routes", { accountId, title: `${routing.workerName}-routes` });
    const origins = Object.fromEntries(routing.regions.map((r) => [r.key, r.origin]));
    const shardOrigins = Object.assign({}, ...routing.regions.map((r) => r.shards));
    const script = new WorkersScript(this, "router", {
      accountId,
      scriptName: routing.workerName,
      // The script's own template literals must not be read as Terraform interpolation.
      content: terraformLiteral(fs.readFileSync(WORKER_SOURCE, "utf8")),
      mainModule: "router.js",
      compatibilityDate: "2026-01-01",
      bindings: [
        { name: "ROUTES", type: "kv_namespace", namespaceId: routes.id },
        { name: "ORIGINS", type: "plain_text", text: jsonExpression(origins) },
        { name: "SHARD_ORIGINS", type: "plain_text", text: jsonExpression(shardOrigins) },
        { name: "DEFAULT_REGION", type: "plain_text", text: routing.defaultRegionKey },
        { name: "FAILOVER", type: "plain_text", text: "off" },
        // The Worker's own fetches to the App Runner domains skip the zone's transform rules: it adds the header itself.
        { name: "ORIGIN_HEADER", type: "plain_text", text: this.settings.phase.originGuard.headerName },
        { name: "ORIGIN_VERIFY", type: "secret_text", text: originSecret.value },
      ],
    });
    new WorkersRoute(this, "router-route", { zoneId, pattern: `${apiHostname}/*`, script: script.scriptName });
    return routes;
  }

  /**
   * The origin guard's Cloudflare half: a late transform rule sets the secret origin header on
   * every request to the API hostnames, after the WAF and rate limits ran; the AWS web ACLs admit
   * nothing without it. The value comes from the platform stack's state (Secrets Manager generated
   * it), so it is in this stack's state too, never in code or JSON. A zone has one
   * http_request_late_transform entry point: set origin_header_ruleset_id to adopt an existing one.
   */
  private addOriginHeader(zoneId: string, hostnames: readonly string[], originSecret: OriginSecret): void {
    const header = this.settings.phase.originGuard.headerName;
    const adoption = this.settings.deployment.adoption;
    const ruleset = new Ruleset(this, "origin-header", {
      zoneId,
      kind: "zone",
      name: adoption.rulesetNames.originHeader ?? "RestartiX origin header",
      description: `Sets ${header} on requests to the AWS origins; their WAF admits nothing else`,
      phase: "http_request_late_transform",
      rules: [
        // The zone's own request header rules, kept first and in their order: a ruleset is one
        // resource, so an adopted entry point holds exactly the rules listed here.
        ...keptTransformRules(adoption.keptLateTransformRules, header),
        {
          action: "rewrite",
          description: `Set ${header} (value from Secrets Manager ${originSecret.name})`,
          expression: `(http.host in {${hostnames.map((h) => JSON.stringify(h)).join(" ")}})`,
          enabled: true,
          // A function call: cdktf's HCL output writes a map of objects with a dashed key as invalid HCL.
          actionParameters: { headers: Fn.tomap({ [header]: { operation: "set", value: originSecret.value } }) },
        },
      ],
    });
    const adopted = adoption.rulesets.originHeader;
    if (adopted) ruleset.importFrom(rulesetImportId(zoneId, adopted));
  }
}

/**
 * The adopted late-transform entry point's own rules as ruleset rules (origin_header_kept_rules).
 * The origin header rule comes after them, so it has the last word on its header; a kept rule that
 * touches that header is refused: it would fight the origin guard.
 */
function keptTransformRules(kept: readonly KeptHeaderRule[], originHeader: string) {
  return kept.map((r, i) => {
    const clash = Object.keys(r.headers).find((h) => h.toLowerCase() === originHeader.toLowerCase());
    if (clash) {
      throw new Error(
        `origin_header_kept_rules[${i}] (${JSON.stringify(r.description)}) changes ${clash}, the origin guard's header: ` +
          `the edge stack sets it on every request to the API hostnames. Fix: drop that header from the kept rule (or the rule), then deploy.`,
      );
    }
    // Every operation carries all three attributes (null where unused): one object type for tomap.
    const headers = Object.fromEntries(
      Object.entries(r.headers).map(([name, op]) => [
        name,
        { operation: op.operation, value: op.value ?? null, expression: op.expression ?? null },
      ]),
    );
    return {
      action: "rewrite",
      description: r.description,
      expression: r.expression,
      enabled: r.enabled,
      actionParameters: { headers: Fn.tomap(headers) },
    };
  });
}

/** Rules language: the request's host is one of `hostnames`. */
function hostExpression(hostnames: readonly string[]): string {
  const quoted = hostnames.map((h) => JSON.stringify(h));
  return quoted.length === 1 ? `(http.host eq ${quoted[0]})` : `(http.host in {${quoted.join(" ")}})`;
}

/** `cf.tls_version` values below a minimum TLS version ("1.2" -> TLSv1, TLSv1.1). */
function tlsVersionsBelow(minimum: string): string[] {
  const all: [string, string][] = [
    ["1.0", "TLSv1"],
    ["1.1", "TLSv1.1"],
    ["1.2", "TLSv1.2"],
    ["1.3", "TLSv1.3"],
  ];
  const index = all.findIndex(([v]) => v === minimum);
  if (index < 0)
    throw new Error(`EdgeStack: minimum TLS version ${JSON.stringify(minimum)} is not one of ${all.map(([v]) => v).join(", ")}`);
  return all.slice(0, index).map(([, name]) => name);
}

/**
 * HTTPS only and TLS >= the minimum on the API hostnames, as custom firewall rules. Plain HTTP is
 * refused (403), not redirected: a misconfigured client fails at once instead of sending its token
 * in clear text first. A request over an older TLS version is refused before it reaches the origin.
 */
function transportRules(
  apiHosts: string,
  minimum: string,
): { action: string; expression: string; description: string; enabled: boolean }[] {
  const old = tlsVersionsBelow(minimum);
  return [
    {
      action: "block",
      expression: `${apiHosts} and not ssl`,
      description: "API hostnames: HTTPS only (plain HTTP is refused)",
      enabled: true,
    },
    ...(old.length > 0
      ? [
          {
            action: "block",
            expression: `${apiHosts} and cf.tls_version in {${old.map((v) => JSON.stringify(v)).join(" ")}}`,
            description: `API hostnames: TLS ${minimum} or newer`,
            enabled: true,
          },
        ]
      : []),
  ];
}

/** Import id of a zone-level ruleset (cloudflare provider 5.x: `zones/<zone_id>/<ruleset_id>`). */
const rulesetImportId = (zoneId: string, rulesetId: string): string => `zones/${zoneId}/${rulesetId}`;
