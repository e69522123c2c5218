import { parseCidr } from "../lib/cidr";

/**
 * The naming and syntax rules of the services this project configures, each as a function that
 * returns what is wrong with a value (undefined when it is fine). The rules are the services' own,
 * so that whatever AWS, Cloudflare, GitHub or HCP Terraform would reject at apply is rejected at
 * synth; each cites where it comes from.
 */
export type Problem = string | undefined;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * S3 general purpose bucket names (AWS "Bucket naming rules"): 3-63 characters of lower-case
 * letters, digits, dots and hyphens, starting and ending with a letter or digit; no two adjacent
 * dots; not an IP address; none of the prefixes and suffixes AWS reserves.
 */
export function s3BucketProblem(name: string): Problem {
  if (name.length < 3 || name.length > 63) return `a bucket name has 3 to 63 characters (this one has ${name.length})`;
  if (!/^[a-z0-9.-]+$/.test(name)) return "a bucket name holds only lower-case letters, digits, dots and hyphens";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "a bucket name starts and ends with a letter or digit";
  if (name.includes("..")) return "a bucket name has no two adjacent dots";
  if (IPV4.test(name)) return "a bucket name must not look like an IP address";
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) if (name.startsWith(prefix)) return `AWS reserves the prefix ${prefix}`;
  for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"])
    if (name.endsWith(suffix)) return `AWS reserves the suffix ${suffix}`;
  return undefined;
}

/**
 * GitHub user and organization names: letters, digits and hyphens, not starting or ending with a
 * hyphen, at most 39 characters. (New accounts may not use two hyphens in a row; some old ones
 * do, so that is allowed.)
 */
export function githubOwnerProblem(name: string): Problem {
  if (name.length < 1 || name.length > 39) return "a GitHub user or organization name has 1 to 39 characters";
  if (!/^[A-Za-z0-9-]+$/.test(name))
    return "a GitHub user or organization name holds only letters, digits and hyphens (no dots, underscores, slashes or spaces)";
  if (name.startsWith("-") || name.endsWith("-")) return "a GitHub user or organization name does not start or end with a hyphen";
  return undefined;
}

/** GitHub repository names: letters, digits, '.', '-', '_', at most 100, not "." or "..", no ".git" suffix. */
export function githubRepositoryProblem(name: string): Problem {
  if (name.length < 1 || name.length > 100) return "a repository name has 1 to 100 characters";
  if (name.includes("/")) return "this is the repository name only, without the owner";
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return "a repository name holds only letters, digits, '.', '-' and '_'";
  if (name === "." || name === "..") return "GitHub reserves the names . and ..";
  if (name.toLowerCase().endsWith(".git")) return 'GitHub drops a ".git" suffix, so the name would not match the repository';
  return undefined;
}

/** HCP Terraform (Terraform Cloud) organization names: letters, digits, underscores and hyphens. */
export function tfcOrganizationProblem(name: string): Problem {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return "an HCP Terraform organization name holds only letters, digits, underscores and hyphens";
  return undefined;
}

/** One DNS label (RFC 1035 as Cloudflare and ACM accept it): 1-63 of a-z, 0-9, '-', no hyphen at either end. */
export function dnsLabelProblem(label: string): Problem {
  if (label.length < 1 || label.length > 63) return "a DNS label has 1 to 63 characters";
  if (!/^[a-z0-9-]+$/.test(label)) return "a DNS label holds only lower-case letters, digits and hyphens";
  if (label.startsWith("-") || label.endsWith("-")) return "a DNS label does not start or end with a hyphen";
  if (/^..--/.test(label) && !label.startsWith("xn--")) return "labels with '--' in positions 3-4 are reserved (IDNA)";
  return undefined;
}

/** A subdomain under the deployment's domain: dot-separated DNS labels; the whole name <= 253. */
export function subdomainProblem(subdomain: string, domain: string): Problem {
  for (const label of subdomain.split(".")) {
    const p = dnsLabelProblem(label);
    if (p) return `${JSON.stringify(label)}: ${p}`;
  }
  const host = `${subdomain}.${domain}`;
  if (host.length > 253) return `${host} is longer than 253 characters`;
  return undefined;
}

/**
 * PostgreSQL key words that cannot name a database unquoted (the "reserved" column of the
 * PostgreSQL key word table), plus the names RDS and PostgreSQL keep for themselves.
 */
const POSTGRES_RESERVED: readonly string[] = [
  "all",
  "analyse",
  "analyze",
  "and",
  "any",
  "array",
  "as",
  "asc",
  "asymmetric",
  "authorization",
  "binary",
  "both",
  "case",
  "cast",
  "check",
  "collate",
  "collation",
  "column",
  "concurrently",
  "constraint",
  "create",
  "cross",
  "current_catalog",
  "current_date",
  "current_role",
  "current_schema",
  "current_time",
  "current_timestamp",
  "current_user",
  "default",
  "deferrable",
  "desc",
  "distinct",
  "do",
  "else",
  "end",
  "except",
  "false",
  "fetch",
  "for",
  "foreign",
  "freeze",
  "from",
  "full",
  "grant",
  "group",
  "having",
  "ilike",
  "in",
  "initially",
  "inner",
  "intersect",
  "into",
  "is",
  "isnull",
  "join",
  "lateral",
  "leading",
  "left",
  "like",
  "limit",
  "localtime",
  "localtimestamp",
  "natural",
  "not",
  "notnull",
  "null",
  "offset",
  "on",
  "only",
  "or",
  "order",
  "outer",
  "overlaps",
  "placing",
  "primary",
  "references",
  "returning",
  "right",
  "select",
  "session_user",
  "similar",
  "some",
  "symmetric",
  "system_user",
  "table",
  "tablesample",
  "then",
  "to",
  "trailing",
  "true",
  "union",
  "unique",
  "user",
  "using",
  "variadic",
  "verbose",
  "when",
  "where",
  "window",
  "with",
];
const POSTGRES_SYSTEM_DATABASES = ["postgres", "template0", "template1", "rdsadmin"];

/**
 * RDS for PostgreSQL DBName: 1-63 letters, digits and underscores, starting with a letter, not a
 * reserved word. Lower case only: PostgreSQL folds unquoted names to lower case, so "Restartix"
 * would have to be quoted in every connection string and query.
 */
export function postgresDatabaseProblem(name: string): Problem {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name))
    return "a database name has 1 to 63 lower-case letters, digits and underscores and starts with a letter";
  if (POSTGRES_RESERVED.includes(name)) return `${name} is a reserved word in PostgreSQL`;
  if (POSTGRES_SYSTEM_DATABASES.includes(name)) return `${name} is a database PostgreSQL or RDS keeps for itself`;
  return undefined;
}

/** RDS accepts database ports 1150-65535 for every engine but SQL Server. */
export const RDS_PORT_RANGE = { min: 1150, max: 65535 } as const;

/** An IPv4 network in CIDR notation with no host bits set (what the AWS provider accepts). */
export function cidrProblem(text: string): Problem {
  if (typeof text !== "string" || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text))
    return "expected an IPv4 network in CIDR notation, e.g. 10.0.0.0/16";
  const [ip, prefix] = text.split("/");
  if (ip.split(".").some((o) => Number(o) > 255) || Number(prefix) > 32)
    return "expected an IPv4 network in CIDR notation: an octet is above 255 or the prefix above /32";
  if (!parseCidr(text))
    return "expected an IPv4 network in CIDR notation: host bits are set (the address is not the network's first address)";
  return undefined;
}

/** The network address a CIDR with host bits set means (the fix for cidrProblem's last case). */
export function networkOf(text: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const prefix = Number(m[5]);
  const ip = m.slice(1, 5).reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(ip / size) * size;
  return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join(".")}/${prefix}`;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Special characters this field accepts beyond , - * / */
  readonly special: string;
}

const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59, special: "" },
  { name: "hours", min: 0, max: 23, special: "" },
  { name: "day-of-month", min: 1, max: 31, special: "?LW" },
  { name: "month", min: 1, max: 12, names: MONTHS, special: "" },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, special: "?L#" },
  { name: "year", min: 1970, max: 2199, special: "" },
];

function cronFieldProblem(text: string, f: CronField): Problem {
  const value = (v: string): boolean => {
    const i = f.names?.indexOf(v.toUpperCase()) ?? -1;
    const n = i >= 0 ? i + 1 : /^\d+$/.test(v) ? Number(v) : NaN;
    return n >= f.min && n <= f.max;
  };
  if (text === "?") return f.special.includes("?") ? undefined : `${f.name} does not take ?`;
  for (const item of text.split(",")) {
    if (item === "*") continue;
    if (f.special.includes("L") && (item === "L" || (f.name === "day-of-month" && item === "LW"))) continue;
    if (f.name === "day-of-month" && /^\d{1,2}W$/.test(item) && value(item.slice(0, -1))) continue;
    if (f.name === "day-of-week" && /^[A-Za-z0-9]+L$/.test(item) && value(item.slice(0, -1))) continue;
    if (f.name === "day-of-week" && /^[A-Za-z0-9]+#[1-5]$/.test(item) && value(item.split("#")[0])) continue;
    const m = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
    if (!m) return `${f.name}: cannot read ${JSON.stringify(item)}`;
    const [, start, end, step] = m;
    if (start !== "*" && !value(start))
      return `${f.name}: ${start} is outside ${f.min}-${f.max}${f.names ? ` (or ${f.names[0]}-${f.names[f.names.length - 1]})` : ""}`;
    if (end !== undefined && (start === "*" || !value(end))) return `${f.name}: ${start}-${end} is not a range within ${f.min}-${f.max}`;
    if (step !== undefined && Number(step) < 1) return `${f.name}: the step after / is at least 1`;
  }
  return undefined;
}

/**
 * An EventBridge Scheduler expression: cron(minutes hours day-of-month month day-of-week year) with
 * one of the two day fields "?", rate(value unit), or at(yyyy-mm-ddThh:mm:ss).
 */
export function scheduleExpressionProblem(expression: string): Problem {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) return "a rate is at least 1";
    if ((n === 1) !== !rate[2].endsWith("s"))
      return `write rate(${n} ${n === 1 ? rate[2].replace(/s$/, "") : `${rate[2].replace(/s$/, "")}s`})`;
    return undefined;
  }
  if (/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(expression)) return undefined;
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return "expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)";
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6)
    return `a cron expression has 6 fields (minutes hours day-of-month month day-of-week year); this one has ${fields.length}`;
  for (let i = 0; i < 6; i++) {
    const p = cronFieldProblem(fields[i], CRON_FIELDS[i]);
    if (p) return p;
  }
  if ((fields[2] === "?") === (fields[4] === "?")) return "exactly one of day-of-month and day-of-week is ? (the other says which days)";
  return undefined;
}

/** An IANA time zone name as EventBridge Scheduler takes it (Region/City, or UTC). */
export function timeZoneProblem(zone: string): Problem {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return "is not an IANA time zone name";
  }
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) return `time zone names are case-sensitive: ${resolved}`;
  if (!zone.includes("/") && !["UTC", "GMT"].includes(zone))
    return "abbreviations are ambiguous and not all services take them: use a Region/City name";
  return undefined;
}
