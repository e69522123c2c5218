import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Ruleset } from "@cdktf/provider-cloudflare/lib/ruleset";
import { WorkersKvNamespace } from "@cdktf/provider-cloudflare/lib/workers-kv-namespace";
import { WorkersRoute } from "@cdktf/provider-cloudflare/lib/workers-route";
import { WorkersScript } from "@cdktf/provider-cloudflare/lib/workers-script";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { jsonExpression } from "../lib/json-expression";
import { terraformLiteral } from "../lib/terraform-literal";
import { Fn, TerraformIterator } from "cdktf";
import { Construct } from "constructs";
import { ServiceKey } from "../phases/types";
import { ProjectStack, ProjectStackProps } from "./base";
import { ComputeStack } from "./compute";

/** A phase 4 region as the router sees it: its key, its default origin and its shards' origins. */
export interface RoutedRegion {
  readonly key: string;
  /** Origin of requests routed to the region without a shard of their own. */
  readonly origin: string;
  /** Shard id -> the shard service's default domain. */
  readonly shards: Readonly<Record<string, string>>;
}

export interface EdgeStackProps extends ProjectStackProps {
  readonly compute: ComputeStack;
  /** Phase 4 global routing: the regions the Worker routes to. @default - no Worker */
  readonly routing?: { readonly workerName: string; readonly defaultRegionKey: string; readonly regions: readonly RoutedRegion[] };
}

/** The Worker's source, uploaded as-is (tests in worker/router.test.ts). */
export const WORKER_SOURCE = path.join(ROOT, "worker", "router.js");

/** Cloudflare's managed rulesets (ids are fixed across accounts). */
export const CLOUDFLARE_MANAGED_RULESET = "efb7b8c949ac4650a09736fc376e9aee";
export const CLOUDFLARE_OWASP_RULESET = "4814384a9e5d4991b9815dcfc25d2f1f";

/**
 * The Cloudflare side: the public hostnames (proxied CNAMEs whose target is the cutover switch),
 * the certificate validation records of the AWS custom domains (DNS-only, never deleted), zone TLS
 * settings, the WAF (managed + OWASP rulesets, custom rules, rate limits).
 */
export class EdgeStack extends ProjectStack {
  readonly records = new Map<ServiceKey, DnsRecord>();

  constructor(scope: Construct, name: string, props: EdgeStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    // The API token comes from CLOUDFLARE_API_TOKEN in the environment, never from code.
    new CloudflareProvider(this, "cloudflare", {});
    const zoneId = deployment.cloudflareZoneId;

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
      // The cutover switch: "railway" keeps today's origin, "aws" points at App Runner. Setting it
      // back is the rollback; only this record changes either way.
      this.records.set(
        key,
        new DnsRecord(this, `${key}-record`, {
          zoneId,
          name: svc.hostname,
          type: "CNAME",
          content: cutover.target === "aws" ? svc.dnsTarget : cutover.railwayOrigin,
          proxied: true,
          ttl: 1,
          comment: `${svc.config.name}: served by ${cutover.target} (cutover switch ${key}_target)`,
        }),
      );
    }

    const settings: [string, string, unknown][] = [
      ["ssl", "ssl", "strict"],
      ["min-tls", "min_tls_version", phase.edge.minTlsVersion],
      ["always-https", "always_use_https", "on"],
    ];
    for (const [id, settingId, value] of settings) {
      new ZoneSetting(this, id, { zoneId, settingId, value: value as Record<string, unknown> });
    }

    new Ruleset(this, "waf-managed", {
      zoneId,
      kind: "zone",
      name: "RestartiX managed WAF",
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
    new Ruleset(this, "waf-custom", {
      zoneId,
      kind: "zone",
      name: "RestartiX custom rules",
      description: "Custom firewall rules from the phase config (edge.customRules)",
      phase: "http_request_firewall_custom",
      rules: phase.edge.customRules.map((r) => ({ action: r.action, expression: r.expression, description: r.description, enabled: true })),
    });
    if (props.routing) this.addRouter(props.routing, zoneId, props.compute.service("core").hostname);

    new Ruleset(this, "rate-limits", {
      zoneId,
      kind: "zone",
      name: "RestartiX rate limits",
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
  }

  /**
   * Phase 4: the Worker on the API hostname sends each request to its organization's region and
   * shard; ROUTES is the edge copy of the DynamoDB routing table. Failover stays off (EU data
   * residency): turning it on is an incident decision (docs/global-routing.md).
   */
  private addRouter(routing: NonNullable<EdgeStackProps["routing"]>, zoneId: string, apiHostname: string): void {
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
      ],
    });
    new WorkersRoute(this, "router-route", { zoneId, pattern: `${apiHostname}/*`, script: script.scriptName });
  }
}
