import { PhaseConfig } from "../phases/types";
import { DeploymentInputs } from "./deployment";
import { Issues } from "./errors";
import {
  cidrProblem,
  networkOf,
  postgresDatabaseProblem,
  RDS_PORT_RANGE,
  scheduleExpressionProblem,
  subdomainProblem,
  timeZoneProblem,
} from "./formats";
import { validateStorage } from "./validate-sizing";

/** Numbers in a phase config that may be fractional; every other number is a whole, non-negative count, size or duration. */
const FRACTIONAL = /fraction|percent|usd|ratio|utili[sz]ation|factor|weight/i;
/** Keys whose strings (or lists of strings) are IPv4 networks. */
const CIDR_KEY = /cidr|ipv4/i;

/**
 * The phase settings' formats, whichever phase file they are written in: whole numbers, every CIDR
 * list, names AWS and Cloudflare will check at apply (database name and port, subdomains), storage
 * bounds, lifecycle days and the backup schedule.
 */
export function validatePhaseFormats(config: PhaseConfig, deployment: DeploymentInputs, issues: Issues): void {
  const p = `phase${config.phase}`;
  const walk = (value: unknown, at: string, key: string): void => {
    if (typeof value === "number") {
      if (FRACTIONAL.test(key)) {
        issues.check(Number.isFinite(value) && value >= 0, at, value, "expected a non-negative number", "fix the value");
      } else {
        issues.check(
          Number.isSafeInteger(value) && value >= 0,
          at,
          value,
          "expected a whole number, 0 or more (a count, size or duration)",
          `use a whole number, e.g. ${Math.max(0, Math.round(Number.isFinite(value) ? value : 0))}`,
        );
      }
    } else if (typeof value === "string" && CIDR_KEY.test(key) && !at.endsWith(".network.cidr") /* checked with the VPC's own rules */) {
      const problem = cidrProblem(value);
      const network = networkOf(value);
      issues.check(
        problem === undefined,
        at,
        value,
        problem ?? "",
        network && network !== value ? `use ${network}` : "write a network such as 10.0.0.0/16 (four octets 0-255, a prefix 0-32)",
      );
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}[${i}]`, key));
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`, k);
    }
  };
  walk(config, p, "");

  const db = config.database;
  const dbNameProblem = postgresDatabaseProblem(db.dbName);
  issues.check(
    dbNameProblem === undefined,
    `${p}.database.dbName`,
    db.dbName,
    `expected a PostgreSQL database name: ${dbNameProblem}`,
    'use e.g. "restartix" (only before the first deploy: RDS creates it once)',
  );
  issues.intRange(
    `${p}.database.port`,
    db.port,
    RDS_PORT_RANGE.min,
    RDS_PORT_RANGE.max,
    `RDS accepts ports ${RDS_PORT_RANGE.min}-${RDS_PORT_RANGE.max}; use 5432`,
  );
  for (const region of config.regions) {
    for (const s of region.shards) validateStorage(`${p}.regions[${region.key}].shards[${s.id}]`, s, issues);
  }
  for (const [name, size] of Object.entries(config.enterprise?.sizes ?? {})) validateStorage(`${p}.enterprise.sizes.${name}`, size, issues);

  for (const svc of Object.values(config.services)) {
    // A subdomain that is fine under a short domain: the length is the domain's fault, reported as `domain`.
    if (subdomainProblem(svc.subdomain, "example.com") === undefined && `${svc.subdomain}.${deployment.domain}`.length > 253) {
      const longest = Math.max(...Object.values(config.services).map((s) => s.subdomain.length));
      issues.add(
        "domain",
        deployment.domain,
        `with the subdomain ${svc.subdomain} of ${p}.services.${svc.key} the hostname has ${svc.subdomain.length + 1 + deployment.domain.length} characters, above DNS's 253`,
        `use a domain of at most ${252 - longest} characters (253 minus the longest subdomain and its dot)`,
      );
      continue;
    }
    const problem = subdomainProblem(svc.subdomain, deployment.domain);
    issues.check(
      problem === undefined,
      `${p}.services.${svc.key}.subdomain`,
      svc.subdomain,
      `expected a DNS name under ${deployment.domain}: ${problem}`,
      'use lower-case letters, digits and hyphens, e.g. "api"',
    );
  }

  const b = config.backups;
  const scheduleProblem = scheduleExpressionProblem(b.schedule);
  issues.check(
    scheduleProblem === undefined,
    `${p}.backups.schedule`,
    b.schedule,
    `expected an EventBridge Scheduler expression: ${scheduleProblem}`,
    'use e.g. "cron(0 3 * * ? *)" (03:00 every day)',
  );
  const zoneProblem = timeZoneProblem(b.scheduleTimezone);
  issues.check(
    zoneProblem === undefined,
    `${p}.backups.scheduleTimezone`,
    b.scheduleTimezone,
    `expected an IANA time zone: ${zoneProblem}`,
    'use e.g. "Europe/Berlin" or "UTC"',
  );
  const rot = config.credentialRotation;
  const rotationProblem = scheduleExpressionProblem(rot.schedule);
  issues.check(
    rotationProblem === undefined,
    `${p}.credentialRotation.schedule`,
    rot.schedule,
    `expected an EventBridge Scheduler expression: ${rotationProblem}`,
    'use e.g. "cron(30 4 1 * ? *)" (04:30 on the 1st of every month)',
  );
  issues.check(
    rotationProblem !== undefined || rot.schedule.startsWith("cron("),
    `${p}.credentialRotation.schedule`,
    rot.schedule,
    "expected a recurring cron expression (a rate drifts with each deploy, an at() runs once)",
    'use e.g. "cron(30 4 1 * ? *)"',
  );
  const rotationZoneProblem = timeZoneProblem(rot.scheduleTimezone);
  issues.check(
    rotationZoneProblem === undefined,
    `${p}.credentialRotation.scheduleTimezone`,
    rot.scheduleTimezone,
    `expected an IANA time zone: ${rotationZoneProblem}`,
    'use e.g. "Europe/Berlin" or "UTC"',
  );
  issues.intRange(`${p}.registry.untaggedExpireDays`, config.registry.untaggedExpireDays, 1, 36500, "ECR lifecycle rules count from 1 day");
  issues.intRange(`${p}.registry.keepTaggedImages`, config.registry.keepTaggedImages, 1, 10000, "keep at least 1 image (the running one)");
}
