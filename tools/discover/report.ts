import { ServiceKey } from "../../phases/types";
import {
  AwsCli,
  BucketSettings,
  callerAccount,
  githubOidcProvider,
  OidcProvider,
  uploadsBucketSettings,
  ZoneMapping,
  zoneMappings,
} from "./aws";
import {
  CloudflareApi,
  DiscoverError,
  ENTRY_POINT_PHASES,
  entryPointRulesets,
  ExistingRecord,
  ExistingRuleset,
  recordsNamed,
} from "./cloudflare";

/** What discovery needs to know about the deployment (from deployment.tfvars and the phase config). */
export interface DiscoverTarget {
  readonly zoneId: string;
  readonly domain: string;
  readonly accountId: string;
  readonly region: string;
  /** The public hostnames by service (api.<domain>, telemetry.<domain>). */
  readonly hostnames: Readonly<Record<ServiceKey, string>>;
  readonly uploadsBucket: string;
  /** The phase config's availability zone names, by region (network.azs). @default - none: the zones are not checked */
  readonly azs?: Readonly<Record<string, readonly string[]>>;
}

export interface Discovery {
  /** @default - absent: Cloudflare was not read (--skip-cloudflare) or failed (see problems) */
  readonly cloudflare?: {
    readonly records: Readonly<Record<ServiceKey, readonly ExistingRecord[]>>;
    readonly rulesets: ReadonlyMap<string, ExistingRuleset>;
  };
  /** @default - absent: AWS was not read (--skip-aws) or failed (see problems) */
  readonly aws?: {
    /** @default - absent: the account has no GitHub OIDC provider */
    readonly oidc?: OidcProvider;
    /** @default - absent: the uploads bucket could not be read (see problems) */
    readonly uploads?: BucketSettings;
    /**
     * The configured zone names with their ids in this account.
     * @default - none: discover always sets it (empty when DiscoverTarget.azs names no zones)
     */
    readonly zones?: readonly ZoneMapping[];
  };
  /** What a person must look at before deploying (each also shown next to its line). */
  readonly problems: readonly string[];
}

const AUDIENCE = "sts.amazonaws.com";

/** Header names whose static value may be a credential: discover does not print those values. */
const SECRET_HEADER = /auth|token|secret|key|pass|signature|verify|credential|cookie|session/i;

/** A late-transform rule's header whose static value discover leaves out (it may be a secret). */
const withheld = (name: string, op: { operation: string; value?: string }) =>
  op.operation === "set" && op.value !== undefined && SECRET_HEADER.test(name);

/** An HCL quoted string: JSON's escapes, plus HCL's template sequences escaped. */
const hcl = (text: string) => JSON.stringify(text).replace(/([$%])\{/g, (_, sign: string) => `${sign}${sign}{`);

/** Reads everything (read-only calls), collecting problems instead of stopping at the first. */
export async function discover(target: DiscoverTarget, clients: { cloudflare?: CloudflareApi; aws?: AwsCli }): Promise<Discovery> {
  const problems: string[] = [];
  let cloudflare: Discovery["cloudflare"];
  if (clients.cloudflare) {
    try {
      const records = {} as Record<ServiceKey, readonly ExistingRecord[]>;
      for (const [key, hostname] of Object.entries(target.hostnames) as [ServiceKey, string][]) {
        records[key] = await recordsNamed(clients.cloudflare, target.zoneId, hostname);
        if (records[key].length > 1) {
          problems.push(
            `${hostname} has ${records[key].length} records (${records[key].map((r) => r.type).join(", ")}): a CNAME must be the only record of its name; delete all but one in Cloudflare, then run discover again`,
          );
        }
      }
      const rulesets = await entryPointRulesets(clients.cloudflare, target.zoneId);
      for (const rule of rulesets.get("http_request_late_transform")?.rules ?? []) {
        for (const [name, op] of Object.entries(rule.headers ?? {})) {
          if (withheld(name, op)) {
            problems.push(
              `the request header rule ${JSON.stringify(rule.description || rule.expression)} sets ${name} to a static value that may be a secret: discover does not print it. ` +
                `Fill in its value in origin_header_kept_rules by hand (it then sits in deployment.tfvars, the synthesized edge stack and its state), or move the rule's purpose elsewhere and drop it`,
            );
          }
        }
      }
      cloudflare = { records, rulesets };
    } catch (e) {
      if (!(e instanceof DiscoverError)) throw e;
      problems.push(e.message);
    }
  }
  let aws: Discovery["aws"];
  if (clients.aws) {
    try {
      const account = await callerAccount(clients.aws);
      if (account !== target.accountId) {
        throw new DiscoverError(
          `the AWS credentials belong to account ${account || "?"}, not account_id ${target.accountId}: use the deployment account's credentials (AWS_PROFILE)`,
        );
      }
      const oidc = await githubOidcProvider(clients.aws);
      if (oidc && !oidc.clientIds.includes(AUDIENCE)) {
        problems.push(
          `the GitHub OIDC provider ${oidc.arn} does not list the audience ${AUDIENCE}: add it (aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${oidc.arn} --client-id ${AUDIENCE}) or the deploy role cannot be assumed`,
        );
      }
      let uploads: BucketSettings | undefined;
      try {
        uploads = await uploadsBucketSettings(clients.aws, target.uploadsBucket, target.region);
      } catch (e) {
        if (!(e instanceof DiscoverError)) throw e;
        problems.push(e.message);
      }
      const zones: ZoneMapping[] = [];
      for (const [region, names] of Object.entries(target.azs ?? {})) {
        try {
          const found = await zoneMappings(clients.aws, region, names);
          zones.push(...found.zones);
          problems.push(...found.problems);
        } catch (e) {
          if (!(e instanceof DiscoverError)) throw e;
          problems.push(e.message);
        }
      }
      aws = { oidc, uploads, zones };
    } catch (e) {
      if (!(e instanceof DiscoverError)) throw e;
      problems.push(e.message);
    }
  }
  return { cloudflare, aws, problems };
}

const assign = (field: string, value: string | readonly string[], note: string): string => {
  const rendered = typeof value === "string" ? JSON.stringify(value) : `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
  return `${field} = ${rendered}${note ? `  # ${note}` : ""}`;
};

/**
 * Ready-to-paste deployment.tfvars lines, each with a comment saying what was found and what the
 * first deploy does with it. Nothing printed is secret: ids, record targets, rule descriptions,
 * counts (never a policy document or a token).
 */
export function renderTfvars(target: DiscoverTarget, d: Discovery): string {
  const lines = [
    "# npm run discover: what already exists, for deployment.tfvars (nothing here is secret).",
    "# Review the comments: adopted WAF, rate-limit and configuration rulesets have their rules REPLACED by this",
    "# code's at the first deploy; the request header transform rules are kept (origin_header_kept_rules).",
    "existing_platform = true  # the zone and account already run RestartiX (the Railway era)",
  ];
  if (d.cloudflare) {
    lines.push("", `# Cloudflare zone ${target.zoneId} (${target.domain})`);
    for (const [key, hostname] of Object.entries(target.hostnames) as [ServiceKey, string][]) {
      const found = d.cloudflare.records[key] ?? [];
      const field = `${key}_record_id`;
      if (found.length === 0) lines.push(assign(field, "", `${hostname}: no record; the edge stack creates it`));
      else if (found.length > 1)
        lines.push(
          assign(
            field,
            "",
            `${hostname}: ${found.length} records (${found.map((r) => `${r.type} ${r.id}`).join(", ")}); keep one, then run discover again`,
          ),
        );
      else {
        const r = found[0];
        const change =
          r.type === "CNAME"
            ? "adopted; its content then follows " + `${key}_target`
            : `adopted; it becomes a CNAME (check the plan: a type change may replace the record)`;
        lines.push(assign(field, r.id, `${hostname}: ${r.type} -> ${r.content}${r.proxied ? ", proxied" : ", DNS only"}; ${change}`));
      }
    }
    const replaced: string[] = [];
    const plural = (n: number) => `${n} rule${n === 1 ? "" : "s"}`;
    for (const { field, nameField, phase } of ENTRY_POINT_PHASES) {
      const rs = d.cloudflare.rulesets.get(phase);
      if (!rs) {
        lines.push(assign(field, "", `no ${phase} entry point; the edge stack creates it`));
        lines.push(assign(nameField, "", ""));
        continue;
      }
      const kept = phase === "http_request_late_transform";
      lines.push(
        assign(
          field,
          rs.id,
          `${phase} entry point "${rs.name}" with ${plural(rs.rules.length)}; adopted, ${kept ? "rules kept (origin_header_kept_rules), the origin header rule added after them" : "rules replaced"}`,
        ),
      );
      lines.push(assign(nameField, rs.name, "kept: a new name would make the provider replace the ruleset (delete, then create)"));
      if (!kept)
        for (const rule of rs.rules)
          replaced.push(
            `#   ${phase}: ${rule.action} ${JSON.stringify(rule.description || rule.expression)}${rule.enabled ? "" : " (disabled)"}`,
          );
    }
    lines.push(...keptRulesLines(d.cloudflare.rulesets.get("http_request_late_transform")));
    if (replaced.length > 0) {
      lines.push("# These existing rules are replaced by this code's rules at the first deploy of the edge stack;");
      lines.push("# carry over any you still need (phases/phaseN.ts edge.customRules) before deploying:", ...replaced);
    }
  }
  if (d.aws) {
    lines.push("", `# AWS account ${target.accountId}`);
    const o = d.aws.oidc;
    lines.push(
      o
        ? assign(
            "github_oidc_provider_arn",
            o.arn,
            `audiences ${o.clientIds.join(", ") || "none"}; referenced by the deploy role, never imported or deleted`,
          )
        : assign("github_oidc_provider_arn", "", "no GitHub OIDC provider; the delivery stack creates it"),
    );
    if (d.aws.zones?.length) {
      // Not inputs: AZ names map to physical zones per account. Kept with the network's state.
      lines.push(
        `# availability zones (network.azs; names map to physical zones per account): ${d.aws.zones.map((z) => `${z.region} ${z.name} = ${z.id ?? "missing"}`).join(", ")}`,
      );
    }
    const u = d.aws.uploads;
    if (u) {
      const details = u.settings.map((s) => `${s}: ${u.details[s]}`).join("; ");
      lines.push(assign("uploads_existing_settings", u.settings, `${u.bucket}: ${details || "no separate settings"}`));
    }
  }
  if (d.problems.length > 0) {
    lines.push(
      "",
      `# ${d.problems.length} problem${d.problems.length === 1 ? "" : "s"} to fix before deploying:`,
      ...d.problems.map((p) => `#   - ${p}`),
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * origin_header_kept_rules: the late-transform entry point's own rules, in their order, as HCL. A
 * static value of a header that may carry a credential is left empty (discover reports it).
 */
function keptRulesLines(rs: ExistingRuleset | undefined): string[] {
  const rules = rs?.rules ?? [];
  if (rules.length === 0) return ["origin_header_kept_rules = []"];
  const out = ["origin_header_kept_rules = ["];
  for (const r of rules) {
    out.push(
      "  {",
      `    description = ${hcl(r.description)}`,
      `    expression  = ${hcl(r.expression)}`,
      `    enabled     = ${r.enabled}`,
      "    headers = {",
    );
    for (const [name, op] of Object.entries(r.headers ?? {})) {
      const parts = [`operation = ${hcl(op.operation)}`];
      if (withheld(name, op)) parts.push('value = ""');
      else if (op.value !== undefined) parts.push(`value = ${hcl(op.value)}`);
      if (op.expression !== undefined) parts.push(`expression = ${hcl(op.expression)}`);
      out.push(
        `      ${hcl(name)} = { ${parts.join(", ")} }${withheld(name, op) ? "  # value not printed: fill it in (see the problems below)" : ""}`,
      );
    }
    out.push("    }", "  },");
  }
  out.push("]");
  return out;
}
