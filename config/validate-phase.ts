import { DatabaseConfig, PhaseConfig, PhaseNumber } from "../phases/types";
import { cidrsOverlap, parseCidr } from "../lib/cidr";
import { allBucketNames } from "../lib/naming";
import {
  parseDailyCron,
  parseDailyWindow,
  parseWeeklyWindow,
  scheduleConflicts,
  Window,
  windowMinutes,
  windowsOverlap,
} from "../lib/windows";
import { ALLOWED_REGIONS, CACHE_NODE_TYPES, DB_INSTANCE_CLASSES, POSTGRES_MAJOR_VERSIONS, REDIS_ENGINE_VERSIONS } from "./allowed";
import { computeEngines, DeploymentInputs } from "./deployment";
import { Issues } from "./errors";
import { s3BucketProblem } from "./formats";
import { EMAIL } from "./validate-deployment";
import { validatePhaseFormats } from "./validate-formats";
import { validatePhaseKinds } from "./validate-phase-kinds";
import { validateCellConnections, validateConnectionMath, validateSizing, validateStorage } from "./validate-sizing";
import { SHARD_SLOTS } from "./validate-tenants";

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Checks a phase configuration against the deployment it is used with. */
export function validatePhase(config: PhaseConfig, deployment: DeploymentInputs, issues: Issues): void {
  // The kinds first (phases/*.ts are transpiled unchecked): the checks below read each value as its type.
  if (!validatePhaseKinds(config, issues)) return;
  const p = `phase${config.phase}`;
  validatePhaseFormats(config, deployment, issues);
  const regions = config.regions;
  issues.check(
    regions.filter((r) => r.primary).length === 1,
    `${p}.regions`,
    regions.map((r) => r.region),
    "exactly one region must be primary",
    "mark the region of the shared tier primary: true",
  );
  if (config.phase < 4) {
    issues.check(
      regions.length === 1,
      `${p}.regions`,
      regions.map((r) => r.region),
      "a second region is a phase 4 feature",
      "remove the extra region or move to phase 4",
    );
  }
  const seenKeys = new Set<string>();
  regions.forEach((r, i) => {
    const f = `${p}.regions[${i}]`;
    issues.check(!seenKeys.has(r.key), `${f}.key`, r.key, "region keys must be unique", "give each region its own short key");
    seenKeys.add(r.key);
    issues.check(
      /^[a-z]{2,4}$/.test(r.key),
      `${f}.key`,
      r.key,
      "expected 2-4 lower-case letters (used in stack names)",
      'use e.g. "eu" or "us"',
    );
    issues.oneOf(`${f}.region`, r.region, ALLOWED_REGIONS);
    issues.oneOf(`${f}.backupRegion`, r.backupRegion, ALLOWED_REGIONS);
    issues.check(
      r.backupRegion !== r.region,
      `${f}.backupRegion`,
      r.backupRegion,
      "cross-region backups need a different region",
      "pick another region in the same jurisdiction",
    );
    const n = r.network;
    issues.check(
      n.azs.length >= 2,
      `${f}.network.azs`,
      n.azs,
      "RDS Multi-AZ needs at least 2 availability zones",
      "list two AZs of the region",
    );
    n.azs.forEach((az, j) =>
      issues.check(
        new RegExp(`^${r.region}[a-f]$`).test(az),
        `${f}.network.azs[${j}]`,
        az,
        `expected an AZ of ${r.region}`,
        `use ${r.region}a, ${r.region}b, ...`,
      ),
    );
    issues.check(new Set(n.azs).size === n.azs.length, `${f}.network.azs`, n.azs, "AZs must be distinct", "list each AZ once");
    const cidr = parseCidr(n.cidr);
    if (
      issues.check(cidr !== undefined, `${f}.network.cidr`, n.cidr, "expected an IPv4 network in CIDR notation", 'use e.g. "10.0.0.0/16"')
    ) {
      issues.check(cidr!.prefix >= 16 && cidr!.prefix <= 24, `${f}.network.cidr`, n.cidr, "a VPC prefix must be /16 to /24", "use a /16");
      const subnetPrefix = cidr!.prefix + n.subnetNewBits;
      issues.check(
        n.subnetNewBits >= 1 && subnetPrefix <= 28 && 2 ** (n.subnetNewBits - 1) >= n.azs.length,
        `${f}.network.subnetNewBits`,
        n.subnetNewBits,
        `subnets of /${subnetPrefix} must be /28 or larger and ${n.azs.length} public + ${n.azs.length} private must fit in the VPC`,
        "use 4 for a /16 VPC (/20 subnets)",
      );
    }
    issues.check(
      n.natGateways >= 1 && n.natGateways <= n.azs.length,
      `${f}.network.natGateways`,
      n.natGateways,
      `expected 1 to ${n.azs.length} (one per AZ at most)`,
      "use 1 (the document) or one per AZ",
    );
    const backupWindow = parseDailyWindow(r.databaseWindows.backup);
    const maintenanceWindow = parseWeeklyWindow(r.databaseWindows.maintenance);
    issues.check(
      backupWindow !== undefined,
      `${f}.databaseWindows.backup`,
      r.databaseWindows.backup,
      'expected an RDS backup window "hh:mm-hh:mm" (UTC)',
      'use e.g. "00:00-00:30"',
    );
    issues.check(
      maintenanceWindow !== undefined,
      `${f}.databaseWindows.maintenance`,
      r.databaseWindows.maintenance,
      'expected an RDS maintenance window "ddd:hh:mm-ddd:hh:mm" (UTC)',
      'use e.g. "sun:00:45-sun:01:45"',
    );
    if (backupWindow) {
      issues.check(
        windowMinutes(backupWindow) >= 30,
        `${f}.databaseWindows.backup`,
        r.databaseWindows.backup,
        "RDS needs a backup window of at least 30 minutes",
        "widen the window to 30 minutes",
      );
    }
    if (maintenanceWindow) {
      issues.check(
        windowMinutes(maintenanceWindow) >= 30,
        `${f}.databaseWindows.maintenance`,
        r.databaseWindows.maintenance,
        "RDS needs a maintenance window of at least 30 minutes",
        "widen the window to 30 minutes",
      );
    }
    if (backupWindow && maintenanceWindow) {
      issues.check(
        !windowsOverlap(backupWindow, maintenanceWindow),
        `${f}.databaseWindows`,
        r.databaseWindows,
        "RDS rejects a backup window that overlaps the maintenance window",
        "move the maintenance window after the backup window",
      );
    }
    issues.oneOf(`${f}.cache.nodeType`, r.cache.nodeType, CACHE_NODE_TYPES);
    issues.oneOf(`${f}.cache.engineVersion`, r.cache.engineVersion, REDIS_ENGINE_VERSIONS);
    issues.intRange(`${f}.cache.replicas`, r.cache.replicas, 0, 5);
    issues.intRange(`${f}.cache.snapshotRetentionDays`, r.cache.snapshotRetentionDays, 0, 35);
  });
  for (let i = 0; i < regions.length; i++) {
    for (let j = i + 1; j < regions.length; j++) {
      issues.check(
        !cidrsOverlap(regions[i].network.cidr, regions[j].network.cidr),
        `${p}.regions[${j}].network.cidr`,
        regions[j].network.cidr,
        `overlaps ${regions[i].network.cidr} of ${regions[i].region} (VPCs must never overlap, so they can be peered later)`,
        "use the next free /16, e.g. 10.1.0.0/16",
      );
    }
  }

  const primary = regions.find((r) => r.primary) ?? regions[0];
  validateDatabase(`${p}.database`, config.database, primary.network.azs, config.phase, issues, deployment.environment);
  validateConnectionMath(`${p}.database`, config.database, Object.values(config.services), issues);

  const names = new Set<string>();
  const subdomains = new Set<string>();
  for (const svc of Object.values(config.services)) {
    const f = `${p}.services.${svc.key}`;
    validateSizing(f, svc, computeEngines(deployment), issues);
    issues.check(!names.has(svc.name), `${f}.name`, svc.name, "service names must be unique", "rename one service");
    names.add(svc.name);
    issues.check(
      /^[a-z][a-z0-9-]{3,39}$/.test(svc.name),
      `${f}.name`,
      svc.name,
      "App Runner service names are 4-40 lower-case characters",
      "shorten the name",
    );
    const host = `${svc.subdomain}.${deployment.domain}`;
    issues.check(
      !subdomains.has(host),
      `${f}.subdomain`,
      host,
      "duplicate hostname: two services cannot share one",
      "give each service its own subdomain",
    );
    subdomains.add(host);
    issues.intRange(`${f}.port`, svc.port, 1, 65535);
    issues.check(
      !(svc.env.PORT !== undefined || svc.secretEnv.includes("PORT")),
      `${f}.env.PORT`,
      svc.env.PORT ?? "PORT",
      "PORT is reserved: App Runner sets it from the service port",
      `remove PORT from env and set ${f}.port instead`,
    );
    issues.check(
      svc.env.DB_POOL_MAX === undefined,
      `${f}.env.DB_POOL_MAX`,
      svc.env.DB_POOL_MAX,
      "DB_POOL_MAX is derived from dbPoolMax (the connection math uses it)",
      `remove it from env and set ${f}.dbPoolMax`,
    );
    for (const name of [...Object.keys(svc.env), ...svc.secretEnv]) {
      issues.check(
        ENV_NAME.test(name),
        `${f}.env`,
        name,
        "environment variable names are upper-case letters, digits and _",
        "rename the variable",
      );
    }
    for (const name of svc.secretEnv) {
      issues.check(
        svc.env[name] === undefined,
        `${f}.env.${name}`,
        name,
        "is both a plain and a secret variable",
        "keep it in secretEnv only",
      );
    }
    issues.check(
      svc.outbound.length > 0,
      `${f}.outbound`,
      svc.outbound,
      "a service with no outbound dependency cannot even reach AWS APIs (Secrets Manager, X-Ray)",
      '{ name: "AWS APIs", port: 443 }',
    );
    const seenOutbound = new Set<string>();
    svc.outbound.forEach((d, i) => {
      issues.check(
        Number.isInteger(d.port) && d.port >= 1 && d.port <= 65535,
        `${f}.outbound[${i}].port`,
        d.port,
        "expected a TCP port from 1 to 65535",
        "use the port of the dependency's URL (443 for https://, 8443 for ClickHouse Cloud)",
      );
      issues.check(
        typeof d.name === "string" && d.name.trim().length > 0,
        `${f}.outbound[${i}].name`,
        d.name,
        "expected the name of what the service calls (it becomes the rule's description)",
        'e.g. "ClickHouse Cloud"',
      );
      issues.check(
        !seenOutbound.has(`${d.name}:${d.port}`),
        `${f}.outbound[${i}]`,
        d,
        "is declared twice",
        "list each dependency and port once",
      );
      seenOutbound.add(`${d.name}:${d.port}`);
    });
    const hc = svc.healthCheck;
    issues.check(hc.path.startsWith("/"), `${f}.healthCheck.path`, hc.path, "expected an absolute path", 'use "/health"');
    issues.intRange(`${f}.healthCheck.intervalSeconds`, hc.intervalSeconds, 1, 20);
    issues.intRange(`${f}.healthCheck.timeoutSeconds`, hc.timeoutSeconds, 1, 20);
    issues.check(
      hc.timeoutSeconds <= hc.intervalSeconds,
      `${f}.healthCheck.timeoutSeconds`,
      hc.timeoutSeconds,
      `must not exceed the interval (${hc.intervalSeconds} s)`,
      "shorten the timeout",
    );
    issues.intRange(`${f}.healthCheck.healthyThreshold`, hc.healthyThreshold, 1, 20);
    issues.intRange(`${f}.healthCheck.unhealthyThreshold`, hc.unhealthyThreshold, 1, 20);
  }

  const buckets = {
    "storage.uploadsBucket": config.storage.uploadsBucket,
    "storage.accessLogsBucket": config.storage.accessLogsBucket,
    "backups.primaryBucket": config.backups.primaryBucket,
    "backups.replicaBucket": config.backups.replicaBucket,
  };
  for (const [key, bucket] of Object.entries(buckets)) {
    const problem = s3BucketProblem(bucket);
    issues.check(
      problem === undefined,
      `${p}.${key}`,
      bucket,
      `expected an S3 bucket name: ${problem}`,
      "use 3-63 lower-case letters, digits and hyphens, e.g. restartix-uploads-prod",
    );
  }
  // Bucket names are global: all but the adopted uploads bucket end in the account id (lib/naming.ts),
  // so the names actually created must be valid too.
  for (const bucket of allBucketNames(config, deployment.accountId)) {
    const problem = s3BucketProblem(bucket);
    issues.check(
      problem === undefined,
      `${p}.storage`,
      bucket,
      `expected an S3 bucket name once the account id is added: ${problem}`,
      "shorten storage.uploadsBucket / accessLogsBucket or backups.primaryBucket / replicaBucket",
    );
  }
  issues.check(
    config.backups.replicaRegion !== primary.region,
    `${p}.backups.replicaRegion`,
    config.backups.replicaRegion,
    "the replica bucket must be in another region",
    `pick a region other than ${primary.region}`,
  );
  issues.oneOf(`${p}.backups.replicaRegion`, config.backups.replicaRegion, ALLOWED_REGIONS);
  issues.check(
    config.backups.replicaRegion === primary.backupRegion,
    `${p}.backups.replicaRegion`,
    config.backups.replicaRegion,
    `the dump replica must live in the primary region's backup region (${primary.backupRegion}), where the uploads replica and its log bucket are`,
    `set backups.replicaRegion = "${primary.backupRegion}" or change the region's backupRegion`,
  );
  issues.intRange(`${p}.backups.objectLockDays`, config.backups.objectLockDays, 1, 3650);
  validateBackupSchedule(`${p}.backups`, config, primary.databaseWindows, issues);
  issues.check(
    config.backups.transitionToInfrequentAccessDays >= 30 &&
      config.backups.transitionToGlacierDays >= config.backups.transitionToInfrequentAccessDays + 30 &&
      config.backups.expireDays > config.backups.transitionToGlacierDays &&
      config.backups.expireDays >= config.backups.objectLockDays,
    `${p}.backups`,
    [config.backups.transitionToInfrequentAccessDays, config.backups.transitionToGlacierDays, config.backups.expireDays],
    "lifecycle days must respect S3 minimums (IA >= 30, Glacier >= IA + 30, expiry after Glacier and after the lock)",
    "use 30 / 90 / 365",
  );

  const a = config.observability.alarms;
  issues.check(EMAIL.test(deployment.alertEmail), "alert_email", deployment.alertEmail, "alarms need a valid address", "fix alert_email");
  issues.check(
    a.dbConnectionsFraction > 0 && a.dbConnectionsFraction <= 1,
    `${p}.observability.alarms.dbConnectionsFraction`,
    a.dbConnectionsFraction,
    "expected a fraction in (0, 1]",
    "use 0.8 (160 of 200)",
  );
  issues.check(
    a.errorRatePercent > 0 && a.errorRatePercent < 100,
    `${p}.observability.alarms.errorRatePercent`,
    a.errorRatePercent,
    "expected a percentage between 0 and 100",
    "use 1",
  );
  issues.check(
    config.observability.budgetUsd > 0,
    `${p}.observability.budgetUsd`,
    config.observability.budgetUsd,
    "expected a positive amount",
    "use the document's $200 for phase 1",
  );
  issues.check(
    config.observability.budgetAlertPercents.every((x) => x > 0 && x <= 200),
    `${p}.observability.budgetAlertPercents`,
    config.observability.budgetAlertPercents,
    "expected percentages from 1 to 200",
    "use [80, 100]",
  );
  issues.check(
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(
      config.observability.logRetentionDays,
    ),
    `${p}.observability.logRetentionDays`,
    config.observability.logRetentionDays,
    "CloudWatch accepts only its fixed retention values",
    "use 365",
  );

  for (const rl of config.edge.rateLimits) {
    issues.check(
      rl.requestsPerPeriod > 0 && [10, 60, 120, 300, 600, 3600].includes(rl.periodSeconds),
      `${p}.edge.rateLimits`,
      rl,
      "Cloudflare accepts periods of 10, 60, 120, 300, 600 or 3600 s and a positive request count",
      "use periodSeconds 10 on a Free zone",
    );
  }
  if (config.enterprise) {
    issues.check(
      config.phase >= 3,
      `${p}.enterprise`,
      config.enterprise.registryFile,
      "the enterprise tier starts in phase 3",
      "remove enterprise from this phase",
    );
    issues.check(
      config.enterprise.sizes[config.enterprise.defaultSize] !== undefined,
      `${p}.enterprise.defaultSize`,
      config.enterprise.defaultSize,
      `expected one of ${Object.keys(config.enterprise.sizes).join(", ")}`,
      "name an existing size",
    );
  }
  if (config.globalRouting) {
    issues.check(
      config.phase === 4 && regions.length > 1,
      `${p}.globalRouting`,
      config.globalRouting.tableName,
      "global routing needs phase 4's second region",
      "remove globalRouting or add the region",
    );
    issues.check(
      regions.some((r) => r.key === config.globalRouting!.defaultRegionKey),
      `${p}.globalRouting.defaultRegionKey`,
      config.globalRouting.defaultRegionKey,
      "is not a region key of this phase",
      `use one of ${regions.map((r) => r.key).join(", ")}`,
    );
  }
  const shardIds = new Set<string>();
  for (const region of regions) {
    for (const s of region.shards) {
      const f = `${p}.regions[${region.key}].shards[${s.id}]`;
      issues.check(config.phase === 4, f, s.id, "shards are a phase 4 feature", "remove the shard");
      issues.check(
        /^[a-z]{2,4}-\d{1,2}$/.test(s.id) && s.id.startsWith(`${region.key}-`),
        `${f}.id`,
        s.id,
        `expected <region key>-<number>, e.g. ${region.key}-2`,
        "rename the shard (before its first deploy only)",
      );
      issues.check(!shardIds.has(s.id), `${f}.id`, s.id, "shard ids must be unique", "rename one shard");
      shardIds.add(s.id);
      const taken = region.shards.filter((o) => o.slot === s.slot).length > 1;
      issues.check(
        deployment.compute !== "fargate" || (Number.isInteger(s.slot) && s.slot! >= 1 && s.slot! <= SHARD_SLOTS && !taken),
        `${f}.slot`,
        s.slot ?? null,
        taken
          ? `another shard of ${region.region} has slot ${s.slot} (a slot is the cell's listener rule on its gateway: unique per region)`
          : `expected a whole number from 1 to ${SHARD_SLOTS} (slots above ${SHARD_SLOTS} are the tenants')`,
        `give each shard of ${region.key} its own slot from 1 to ${SHARD_SLOTS}, and never change a deployed shard's slot`,
      );
      issues.oneOf(`${f}.instanceClass`, s.instanceClass, DB_INSTANCE_CLASSES);
      validateSizing(`${f}.service`, s.service, computeEngines(deployment), issues);
      validateCellConnections(f, s.service, config, issues);
    }
  }
}

/**
 * The daily pg_dump: a daily cron in a real time zone, a bounded runtime, an age alarm CloudWatch
 * can evaluate, and a run that never touches the primary database's backup or maintenance window,
 * on any day of the current year (both daylight-saving offsets; the rules repeat yearly).
 */
function validateBackupSchedule(f: string, config: PhaseConfig, windows: { backup: string; maintenance: string }, issues: Issues): void {
  const b = config.backups;
  const cron = parseDailyCron(b.schedule);
  issues.check(
    cron !== undefined,
    `${f}.schedule`,
    b.schedule,
    "expected a daily EventBridge Scheduler cron, cron(M H * * ? *)",
    'use e.g. "cron(0 4 * * ? *)"',
  );
  let zoneOk = true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: b.scheduleTimezone });
  } catch {
    zoneOk = false;
  }
  issues.check(zoneOk, `${f}.scheduleTimezone`, b.scheduleTimezone, "is not an IANA time zone", 'use e.g. "Europe/Berlin"');
  issues.intRange(`${f}.maxRuntimeMinutes`, b.maxRuntimeMinutes, 5, 240);
  // CloudWatch evaluates at most 7 days (hourly periods x evaluation periods <= 604,800 s), and
  // a daily job needs more than 24 hours before a missing dump is certain.
  issues.intRange(
    `${f}.maxDumpAgeHours`,
    b.maxDumpAgeHours,
    25,
    168,
    "use 26: more than a day (the dump is daily), at most 168 (CloudWatch evaluates at most 7 days)",
  );
  const parsed: Record<string, Window | undefined> = {
    "RDS backup window": parseDailyWindow(windows.backup),
    "RDS maintenance window": parseWeeklyWindow(windows.maintenance),
  };
  if (!cron || !zoneOk || !parsed["RDS backup window"] || !parsed["RDS maintenance window"] || !Number.isInteger(b.maxRuntimeMinutes))
    return;
  const year = new Date().getUTCFullYear();
  const conflicts = scheduleConflicts(
    { ...cron, timeZone: b.scheduleTimezone, runtimeMinutes: b.maxRuntimeMinutes },
    parsed as Record<string, Window>,
    [year],
  );
  issues.check(
    conflicts.length === 0,
    `${f}.schedule`,
    b.schedule,
    conflicts.length === 0
      ? ""
      : `the dump (up to ${b.maxRuntimeMinutes} minutes from ${cron.hour}:${String(cron.minute).padStart(2, "0")} ${b.scheduleTimezone}) overlaps the ${conflicts[0].window} (${windows.backup} / ${windows.maintenance} UTC) on ${conflicts.length} days, first ${conflicts[0].date} (starts ${conflicts[0].startUtc})`,
    "move the schedule or the RDS windows apart (both daylight-saving offsets count)",
  );
}

function validateDatabase(
  f: string,
  db: DatabaseConfig,
  azs: readonly string[],
  phase: PhaseNumber,
  issues: Issues,
  environment = "production",
): void {
  issues.oneOf(`${f}.instanceClass`, db.instanceClass, DB_INSTANCE_CLASSES);
  issues.oneOf(`${f}.engineVersion`, db.engineVersion, POSTGRES_MAJOR_VERSIONS);
  issues.check(
    /^[a-z][a-z0-9-]{0,62}$/.test(db.identifier) && !db.identifier.endsWith("-") && !db.identifier.includes("--"),
    `${f}.identifier`,
    db.identifier,
    "expected an RDS identifier (lower-case letters, digits, single hyphens)",
    "rename it (only before the first deploy: a new identifier is a new database)",
  );
  validateStorage(f, db, issues);
  issues.check(
    db.backupRetentionDays >= 7,
    `${f}.backupRetentionDays`,
    db.backupRetentionDays,
    "below the document's 7-day PITR window",
    "set 7 or more",
  );
  issues.intRange(`${f}.backupRetentionDays`, db.backupRetentionDays, 1, 35);
  issues.oneOf(`${f}.monitoringIntervalSeconds`, db.monitoringIntervalSeconds, [1, 5, 10, 15, 30, 60]);
  issues.check(
    db.performanceInsightsRetentionDays === 7 ||
      (db.performanceInsightsRetentionDays % 31 === 0 && db.performanceInsightsRetentionDays <= 731),
    `${f}.performanceInsightsRetentionDays`,
    db.performanceInsightsRetentionDays,
    "Performance Insights keeps 7 days (free tier) or a multiple of 31 up to 731",
    "use 7",
  );
  issues.check(
    db.masterUsername !== "postgres" && db.masterUsername !== "admin" && /^[a-z][a-z0-9_]{0,62}$/.test(db.masterUsername),
    `${f}.masterUsername`,
    db.masterUsername,
    "expected a custom admin name (not postgres/admin)",
    'use "restartix_admin"',
  );
  // Staging holds no patient data (docs/staging.md): its preset is Single-AZ.
  issues.check(
    db.multiAz || environment === "staging",
    `${f}.multiAz`,
    db.multiAz,
    "patient data needs a standby in a second AZ",
    "set multiAz: true",
  );
  if (phase < 2) {
    issues.check(
      db.readReplicas.length === 0,
      `${f}.readReplicas`,
      db.readReplicas.map((r) => r.id),
      "read replicas start in phase 2 (the read/write split)",
      "remove them from this phase",
    );
  }
  const ids = new Set<string>();
  db.readReplicas.forEach((r, i) => {
    issues.check(!ids.has(r.id), `${f}.readReplicas[${i}].id`, r.id, "replica ids must be unique", "rename one replica");
    ids.add(r.id);
    issues.oneOf(`${f}.readReplicas[${i}].instanceClass`, r.instanceClass, DB_INSTANCE_CLASSES);
    issues.check(
      azs.includes(r.az),
      `${f}.readReplicas[${i}].az`,
      r.az,
      `expected one of the VPC's AZs (${azs.join(", ")})`,
      "place the replica in a VPC AZ",
    );
  });
  const pm = db.parameters;
  issues.intRange(`${f}.parameters.maxConnections`, pm.maxConnections, 20, 5000);
  issues.check(
    Number.isInteger(pm.sharedBuffersPercent) && pm.sharedBuffersPercent >= 10 && pm.sharedBuffersPercent <= 40,
    `${f}.parameters.sharedBuffersPercent`,
    pm.sharedBuffersPercent,
    "expected a whole percentage of the instance's memory from 10 to 40 (PostgreSQL's guidance is about 25%)",
    "use 25 (1 GB on db.t4g.medium)",
  );
  issues.check(
    Number.isInteger(pm.effectiveCacheSizePercent) &&
      pm.effectiveCacheSizePercent >= pm.sharedBuffersPercent &&
      pm.effectiveCacheSizePercent <= 90,
    `${f}.parameters.effectiveCacheSizePercent`,
    pm.effectiveCacheSizePercent,
    `expected a whole percentage from sharedBuffersPercent (${pm.sharedBuffersPercent}) to 90: effective_cache_size at least as large as shared_buffers`,
    "use 75 (3 GB on db.t4g.medium)",
  );
}
