import { ComputeEngine, DatabaseConfig, PhaseConfig, ServiceConfig, ServiceSizing } from "../phases/types";
import {
  APPRUNNER_MAX_CONCURRENCY,
  APPRUNNER_MAX_INSTANCES,
  APPRUNNER_SIZES,
  DB_STORAGE_TYPE,
  FARGATE_SIZES,
  RDS_POSTGRES_STORAGE_GB,
} from "./allowed";
import { Issues } from "./errors";

/**
 * The document's connection math: sum over services of pool x maximum instances, plus background
 * connections, must stay within 80% of max_connections (100 of 200 in phase 1, alarm at 160).
 */
export function validateConnectionMath(f: string, db: DatabaseConfig, services: readonly ServiceSizing[], issues: Issues): void {
  const need = services.reduce((sum, s) => sum + s.dbPoolMax * s.maxInstances, 0) + db.backgroundConnections;
  const limit = Math.floor(db.parameters.maxConnections * 0.8);
  issues.check(
    need <= limit,
    `${f}.parameters.maxConnections`,
    db.parameters.maxConnections,
    `the services can open ${services.map((s) => `${s.maxInstances} x ${s.dbPoolMax}`).join(" + ")} + ${db.backgroundConnections} = ${need} connections, above 80% of max_connections (${limit})`,
    `raise max_connections to at least ${Math.ceil(need / 0.8)} or lower the pools or maximum instances`,
  );
}

export function validateCellConnections(f: string, service: ServiceSizing, config: PhaseConfig, issues: Issues): void {
  validateConnectionMath(f, { ...config.database, parameters: config.database.parameters }, [service], issues);
}

export function validateSizing(f: string, s: ServiceSizing | ServiceConfig, engines: readonly ComputeEngine[], issues: Issues): void {
  issues.check(
    s.minInstances >= 1 && Number.isInteger(s.minInstances),
    `${f}.minInstances`,
    s.minInstances,
    "expected at least 1",
    "use 1",
  );
  issues.check(
    s.minInstances <= s.maxInstances,
    `${f}.minInstances`,
    s.minInstances,
    `must not exceed maxInstances (${s.maxInstances})`,
    "lower minInstances or raise maxInstances",
  );
  issues.check(
    s.maxInstances <= APPRUNNER_MAX_INSTANCES,
    `${f}.maxInstances`,
    s.maxInstances,
    `App Runner scales to at most ${APPRUNNER_MAX_INSTANCES} instances`,
    "split the load across shards",
  );
  issues.intRange(`${f}.maxConcurrency`, s.maxConcurrency, 1, APPRUNNER_MAX_CONCURRENCY);
  issues.intRange(`${f}.dbPoolMax`, s.dbPoolMax, 1, 500);
  // Every engine in use must accept the size (both during a migration).
  for (const compute of engines) {
    const table = compute === "fargate" ? FARGATE_SIZES : APPRUNNER_SIZES;
    const engine = compute === "fargate" ? "Fargate" : "App Runner";
    const ok = (table[s.cpu] ?? []).includes(s.memory);
    issues.check(
      ok,
      `${f}.cpu/memory`,
      `${s.cpu}/${s.memory}`,
      `${engine} does not accept ${s.cpu / 1024} vCPU with ${s.memory / 1024} GB`,
      `use one of ${Object.entries(table)
        .map(
          ([c, ms]) =>
            `${Number(c) / 1024} vCPU: ${ms
              .slice(0, 4)
              .map((m) => `${m / 1024} GB`)
              .join("/")}${ms.length > 4 ? "/..." : ""}`,
        )
        .join("; ")}`,
    );
  }
}

/**
 * RDS storage: the allocated size within the storage type's bounds, and the autoscaling ceiling at
 * least 10% above it (RDS refuses a smaller "maximum storage threshold") and within the same bounds.
 */
export function validateStorage(
  f: string,
  s: { readonly allocatedStorageGb: number; readonly maxAllocatedStorageGb: number },
  issues: Issues,
  fix?: string,
): void {
  const { min, max } = RDS_POSTGRES_STORAGE_GB[DB_STORAGE_TYPE];
  const allocated = s.allocatedStorageGb;
  const ok = issues.check(
    Number.isInteger(allocated) && allocated >= min && allocated <= max,
    `${f}.allocatedStorageGb`,
    allocated,
    `expected a whole number of GB from ${min} to ${max}: RDS ${DB_STORAGE_TYPE} storage needs at least ${min} GB and holds at most ${max}`,
    fix ?? `set ${min} to ${max}`,
  );
  if (!ok) return;
  const ceiling = s.maxAllocatedStorageGb;
  issues.check(
    ceiling >= allocated,
    `${f}.maxAllocatedStorageGb`,
    ceiling,
    `must be at least allocatedStorageGb (${allocated})`,
    fix ?? "raise the autoscaling ceiling",
  );
  if (ceiling >= allocated) {
    issues.check(
      Number.isInteger(ceiling) && ceiling >= Math.ceil((allocated * 11) / 10) && ceiling <= max,
      `${f}.maxAllocatedStorageGb`,
      ceiling,
      `RDS needs the autoscaling ceiling at least 10% above the allocated ${allocated} GB (${Math.ceil((allocated * 11) / 10)}) and at most ${max} GB`,
      fix ?? `set it to ${Math.min(max, Math.ceil(allocated * 1.26))} or more (26% above avoids the "maximum reached" event)`,
    );
  }
}
