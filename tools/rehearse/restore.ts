import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../../config/deployment";
import { readJsonExpression } from "../../lib/json-expression";
import { BACKUP_CONTAINER } from "../../modules/backup-job";
import { resolveSettings } from "../../config/settings";
import { synthesize, SynthStack } from "../synth";
import { emulatorAvailability, startEmulator } from "./emulator";
import { loadGaps } from "./gaps";
import { alive, Cluster, postgresAvailability, startCluster } from "./postgres";
import { stopAll } from "./processes";

/**
 * The restore rehearsal of backup layer 2: backup/dump.sh (the script the scheduled task runs, under
 * the image's shell) dumps a seeded PostgreSQL database into the emulated Object Lock bucket
 * configured as the backups stack configures it; the runbook's restore commands (docs/restore.md) bring it back into a
 * fresh database; row counts and checksums must match.
 */

export const DUMP_SCRIPT = path.join(ROOT, "backup", "dump.sh");
const EXAMPLE_INPUTS = path.join(ROOT, "terraform.tfvars.example");

/** The restore runbook's pipeline (docs/restore.md, step 2), with the object and the target filled in. */
export const RESTORE_COMMANDS = {
  download: "aws s3 cp s3://<bucket>/<key> -",
  decrypt: "openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -pass env:BACKUP_ENCRYPTION_KEY",
  restore: "pg_restore --no-owner --dbname <target>",
} as const;

type Json = any;

/** What the backups stack deploys for the job: the bucket it writes to and the settings that protect it. */
export interface BackupTarget {
  readonly bucket: string;
  readonly region: string;
  readonly objectLock: { readonly mode: string; readonly days: number };
  readonly sseAlgorithm: string;
  /** Variables the task definition gives the container (environment and secrets). */
  readonly containerVariables: readonly string[];
  /** The container's environment values that are plain strings (no references): passed to dump.sh as they are. */
  readonly literalEnvironment: Readonly<Record<string, string>>;
}

/** Reads the job's bucket and the bucket's Object Lock and encryption settings from the synthesized backups stack. */
export function backupTarget(backups: SynthStack): BackupTarget {
  const r = (backups.json.resource ?? {}) as Record<string, Record<string, Json>>;
  // The backups stack also runs the credential rotations: the dump is the task whose container is pg-dump.
  const dumps = Object.values(r.aws_ecs_task_definition ?? {})
    .map((t) => readJsonExpression(t.container_definitions) as Json[] | undefined)
    .filter((defs) => defs?.some((c) => c.name === BACKUP_CONTAINER)) as Json[][];
  if (dumps.length !== 1)
    throw new Error(`expected one task definition with a ${BACKUP_CONTAINER} container in the backups stack, found ${dumps.length}`);
  const container = dumps[0].find((c) => c.name === BACKUP_CONTAINER)!;
  const env = new Map<string, string>((container.environment ?? []).map((e: Json) => [e.name, e.value]));
  const bucketRef = /^\$\{aws_s3_bucket\.([^.]+)\.bucket\}$/.exec(env.get("BACKUP_BUCKET") ?? "");
  if (!bucketRef) throw new Error(`BACKUP_BUCKET of the backup task is not a bucket of the backups stack: ${env.get("BACKUP_BUCKET")}`);
  const bucket = r.aws_s3_bucket[bucketRef[1]];
  const byBucket = (type: string) =>
    Object.values(r[type] ?? {}).find((c: Json) => c.bucket === `\${aws_s3_bucket.${bucketRef[1]}.id}`) as Json;
  const lock = byBucket("aws_s3_bucket_object_lock_configuration");
  const sse = byBucket("aws_s3_bucket_server_side_encryption_configuration");
  if (!bucket.object_lock_enabled || !lock) throw new Error(`${bucket.bucket} has no Object Lock`);
  return {
    bucket: bucket.bucket,
    region: env.get("AWS_REGION") ?? "",
    objectLock: { mode: lock.rule.default_retention.mode, days: lock.rule.default_retention.days },
    sseAlgorithm: sse?.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm ?? "none",
    containerVariables: [...env.keys(), ...(container.secrets ?? []).map((s: Json) => s.name)].sort(),
    literalEnvironment: Object.fromEntries([...env].filter(([, v]) => typeof v === "string" && !v.includes("${"))),
  };
}

/** The variables dump.sh refuses to run without (`: "${NAME:?}"`). */
export function requiredVariables(script = fs.readFileSync(DUMP_SCRIPT, "utf8")): string[] {
  return [...script.matchAll(/\$\{([A-Z_]+):\?\}/g)].map((m) => m[1]).sort();
}

/** The shell the image runs dump.sh with (busybox ash on Alpine); bash where busybox is missing. */
function imageShell(): { cmd: string; args: string[]; name: string } | undefined {
  for (const [cmd, args, name] of [
    ["busybox", ["sh"], "busybox ash (the image's shell)"],
    ["bash", [], "bash (busybox not installed)"],
  ] as const) {
    if (spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0) return { cmd, args: [...args], name };
  }
  return undefined;
}

export type RestoreAvailability = { ok: true; postgres: string; moto: string; aws: string; shell: string } | { ok: false; reason: string };

export function restoreAvailability(): RestoreAvailability {
  if (process.env.RESTARTIX_SKIP_TERRAFORM === "1")
    return { ok: false, reason: "RESTARTIX_SKIP_TERRAFORM=1 (emulator-backed tests left out on purpose)" };
  const pg = postgresAvailability();
  if (!pg.ok) return { ok: false, reason: pg.reason };
  const moto = emulatorAvailability(loadGaps().moto);
  if (!moto.ok) return { ok: false, reason: moto.reason };
  const aws = spawnSync("aws", ["--version"], { encoding: "utf8" });
  if (aws.error || aws.status !== 0)
    return { ok: false, reason: "the AWS CLI (aws) is not installed; dump.sh streams the dump with `aws s3 cp` (apt-get install awscli)" };
  if (spawnSync("openssl", ["version"]).status !== 0) return { ok: false, reason: "openssl is not installed" };
  const shell = imageShell();
  if (!shell) return { ok: false, reason: "neither busybox nor bash is installed to run dump.sh" };
  return { ok: true, postgres: pg.version, moto: moto.version, aws: (aws.stdout || aws.stderr).trim().split(" ")[0], shell: shell.name };
}

/** A schema with the shapes that break naive dumps: identity and serial keys, foreign keys, jsonb, bytea, enum, timestamptz, unicode, a view. */
const SEED_SQL = `
CREATE TYPE appointment_status AS ENUM ('booked', 'done', 'cancelled');
CREATE TABLE organizations (id uuid PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE patients (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id),
  full_name text NOT NULL,
  birth_date date,
  notes jsonb NOT NULL DEFAULT '{}',
  photo bytea
);
CREATE INDEX patients_org ON patients (organization_id);
CREATE TABLE appointments (
  id bigserial PRIMARY KEY,
  patient_id bigint NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  starts_at timestamptz NOT NULL,
  status appointment_status NOT NULL,
  price numeric(10,2)
);
CREATE VIEW upcoming AS SELECT a.id, p.full_name, a.starts_at FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE a.status = 'booked';
INSERT INTO organizations SELECT md5('org' || i)::uuid, 'Klinik ' || i || ' Zürich – Physio', timestamptz '2026-01-01 00:00+00' + i * interval '1 day' FROM generate_series(1, 12) i;
INSERT INTO patients (organization_id, full_name, birth_date, notes, photo)
  SELECT md5('org' || (1 + i % 12))::uuid, 'Patient ' || i || ' Ñúñez', date '1950-01-01' + i, jsonb_build_object('allergies', ARRAY['pollen', i::text], 'score', i * 1.5), decode(md5(i::text), 'hex')
  FROM generate_series(1, 3000) i;
INSERT INTO appointments (patient_id, starts_at, status, price)
  SELECT 1 + i % 3000, timestamptz '2026-06-01 08:00+00' + i * interval '17 minutes', (ARRAY['booked','done','cancelled'])[1 + i % 3]::appointment_status, (i % 200) + 0.99
  FROM generate_series(1, 9000) i;
`;

const TABLES = ["organizations", "patients", "appointments"];

/** Row count and an order-independent checksum of every row's text form, per table, plus the sequences' positions. */
function fingerprint(cluster: Cluster, db: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    out[t] = cluster.sql(
      db,
      `SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM ${t} t;`,
    );
  }
  out.sequences = cluster.sql(
    db,
    "SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ',' ORDER BY sequencename) FROM pg_sequences;",
  );
  out.view = cluster.sql(db, "SELECT count(*) FROM upcoming;");
  return out;
}

export interface RestoreReport {
  readonly ok: boolean;
  readonly postgres: string;
  readonly shell: string;
  readonly target: BackupTarget;
  readonly object: string;
  readonly objectLock: { readonly mode: string; readonly retainUntil: string; readonly deleteRefused: boolean };
  /** dump.sh against a database that does not exist: its exit code and the objects it left. */
  readonly failedDump: { readonly exitCode: number; readonly objectsLeft: readonly string[] };
  /** Data points dump.sh wrote to the completed-dump metric (the age alarm counts them): one per complete upload. */
  readonly completedMetric: { readonly namespace: string; readonly name: string; readonly sum: number };
  readonly encryption: string;
  readonly source: Record<string, string>;
  readonly restored: Record<string, string>;
  readonly dumpBytes: number;
  readonly seconds: number;
  readonly mismatches: readonly string[];
}

function awsJson(args: string[], env: NodeJS.ProcessEnv): Json {
  const r = spawnSync("aws", [...args, "--output", "json"], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`aws ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

/** Runs the whole restore rehearsal; throws on a broken step, reports mismatches otherwise. */
export async function restoreRehearsal(log: (line: string) => void = () => undefined): Promise<RestoreReport> {
  const started = Date.now();
  const available = restoreAvailability();
  if (!available.ok) throw new Error(`cannot run: ${available.reason}`);
  const pg = postgresAvailability();
  if (!pg.ok) throw new Error(pg.reason);
  const shell = imageShell()!;
  const settings = resolveSettings({ phase: 1, backend: "local", varsFile: EXAMPLE_INPUTS });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-restore-"));
  let prepared: { target: ReturnType<typeof backupTarget>; emulator: Awaited<ReturnType<typeof startEmulator>> };
  try {
    const backups = synthesize({}, path.join(work, "synth"), settings).stacks.find((s) => s.name === "backups");
    if (!backups) throw new Error("phase 1 has no backups stack");
    const target = backupTarget(backups);
    const missing = requiredVariables().filter((v) => !target.containerVariables.includes(v));
    if (missing.length) throw new Error(`dump.sh needs ${missing.join(", ")}, which the backup task definition does not provide`);
    prepared = { target, emulator: await startEmulator(loadGaps(), path.join(work, "moto.log")) };
  } catch (e) {
    // A failed start removes the scratch directory too (the run's own finally below comes later).
    fs.rmSync(work, { recursive: true, force: true });
    throw e;
  }
  const { target, emulator } = prepared;
  let cluster: Cluster | undefined;
  try {
    // `aws` on PATH with the emulator's endpoint: dump.sh itself runs unchanged.
    const shim = path.join(work, "bin");
    fs.mkdirSync(shim);
    const realAws = spawnSync("sh", ["-c", "command -v aws"], { encoding: "utf8" }).stdout.trim();
    fs.writeFileSync(path.join(shim, "aws"), `#!/bin/sh\nexec ${JSON.stringify(realAws)} --endpoint-url ${emulator.endpoint} "$@"\n`, {
      mode: 0o755,
    });
    // The image's `sh` and `timeout` for what dump.sh starts itself (timeout ... sh -euc '...'): on
    // Alpine both are busybox; the machine's /bin/sh (dash on Debian) has no pipefail.
    const shellPath = spawnSync("sh", ["-c", `command -v ${shell.cmd}`], { encoding: "utf8" }).stdout.trim();
    fs.symlinkSync(shellPath, path.join(shim, "sh"));
    if (shell.cmd === "busybox") fs.symlinkSync(shellPath, path.join(shim, "timeout"));
    const awsEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${shim}:${pg.bin}:${process.env.PATH}`,
      AWS_ACCESS_KEY_ID: "rehearsal-stub-key",
      AWS_SECRET_ACCESS_KEY: "rehearsal-stub-secret",
      AWS_REGION: target.region,
      AWS_DEFAULT_REGION: target.region,
      AWS_PROFILE: "",
      AWS_CONFIG_FILE: path.join(work, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(work, "aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    };
    delete awsEnv.AWS_PROFILE;
    const aws = (args: string[]) => awsJson(args, awsEnv);

    // The bucket as the backups stack configures it (Object Lock, default retention, SSE-KMS).
    const key = aws(["kms", "create-key", "--description", "restartix backups (rehearsal)"]).KeyMetadata.Arn as string;
    aws([
      "s3api",
      "create-bucket",
      "--bucket",
      target.bucket,
      "--object-lock-enabled-for-bucket",
      ...(target.region === "us-east-1" ? [] : ["--create-bucket-configuration", `LocationConstraint=${target.region}`]),
    ]);
    aws(["s3api", "put-bucket-versioning", "--bucket", target.bucket, "--versioning-configuration", "Status=Enabled"]);
    aws([
      "s3api",
      "put-object-lock-configuration",
      "--bucket",
      target.bucket,
      "--object-lock-configuration",
      JSON.stringify({
        ObjectLockEnabled: "Enabled",
        Rule: { DefaultRetention: { Mode: target.objectLock.mode, Days: target.objectLock.days } },
      }),
    ]);
    aws([
      "s3api",
      "put-bucket-encryption",
      "--bucket",
      target.bucket,
      "--server-side-encryption-configuration",
      JSON.stringify({
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: target.sseAlgorithm, KMSMasterKeyID: key }, BucketKeyEnabled: true }],
      }),
    ]);
    log(
      `restore: bucket ${target.bucket} (${target.region}) in moto ${available.moto}: Object Lock ${target.objectLock.mode} ${target.objectLock.days} days, ${target.sseAlgorithm}`,
    );

    cluster = await startCluster(pg.bin);
    log(`restore: PostgreSQL ${pg.version} on 127.0.0.1:${cluster.port} (pid ${cluster.pid})`);
    cluster.sql("postgres", "CREATE DATABASE restartix; CREATE DATABASE restartix_restore;");
    cluster.sql("restartix", SEED_SQL);
    const source = fingerprint(cluster, "restartix");

    // 1. The backup job: dump.sh under the image's shell, with the task's variables. First with a
    //    database that does not exist: the job must fail and leave nothing in the bucket (an object
    //    there would be locked for the retention period, named like a good dump).
    const encryptionKey = crypto.randomBytes(32).toString("base64");
    const runDump = (db: string) =>
      spawnSync(shell.cmd, [...shell.args, DUMP_SCRIPT], {
        env: {
          ...awsEnv,
          ...target.literalEnvironment,
          AWS_REGION: target.region,
          DATABASE_URL: cluster!.url(db),
          BACKUP_ENCRYPTION_KEY: encryptionKey,
          BACKUP_BUCKET: target.bucket,
        },
        encoding: "utf8",
        cwd: work,
      });
    const failing = runDump("restartix_missing");
    const leftBehind = ((aws(["s3api", "list-object-versions", "--bucket", target.bucket]).Versions ?? []) as Json[]).map(
      (v) => v.Key as string,
    );
    const failedDump = { exitCode: failing.status ?? -1, objectsLeft: leftBehind };
    log(`restore: dump.sh against a missing database: exit ${failedDump.exitCode}, ${leftBehind.length} object(s) left in the bucket`);
    const dump = runDump("restartix");
    if (dump.status !== 0) throw new Error(`dump.sh failed (${dump.status}): ${dump.stderr}${dump.stdout}`);
    const written = /backup written: s3:\/\/([^/]+)\/(\S+)/.exec(dump.stdout);
    if (!written || written[1] !== target.bucket) throw new Error(`dump.sh did not report the object it wrote: ${dump.stdout}`);
    const objectKey = written[2];
    log(`restore: dump.sh (${shell.name}) wrote s3://${target.bucket}/${objectKey}`);

    // 2. What the bucket did with it: locked in compliance mode, encrypted with the key.
    const head = aws(["s3api", "head-object", "--bucket", target.bucket, "--key", objectKey]);
    const del = spawnSync(
      "aws",
      ["s3api", "delete-object", "--bucket", target.bucket, "--key", objectKey, "--version-id", head.VersionId],
      { env: awsEnv, encoding: "utf8" },
    );
    const deleteRefused = del.status !== 0 && /AccessDenied/.test(del.stderr);

    // The metric the missing-dump alarm counts: written once, by the complete dump only.
    const namespace = target.literalEnvironment.METRIC_NAMESPACE ?? "";
    const stats = aws([
      "cloudwatch",
      "get-metric-statistics",
      "--namespace",
      namespace,
      "--metric-name",
      "DumpsCompleted",
      "--dimensions",
      `Name=Database,Value=${target.literalEnvironment.DATABASE_IDENTIFIER ?? ""}`,
      "--start-time",
      new Date(started - 3_600_000).toISOString(),
      "--end-time",
      new Date(Date.now() + 3_600_000).toISOString(),
      "--period",
      "86400",
      "--statistics",
      "Sum",
    ]);
    const completedMetric = {
      namespace,
      name: "DumpsCompleted",
      sum: ((stats.Datapoints ?? []) as Json[]).reduce((n, d) => n + Number(d.Sum ?? 0), 0),
    };

    // 3. The runbook's restore commands (docs/restore.md), into a fresh database.
    const pipeline = [
      RESTORE_COMMANDS.download.replace("<bucket>", target.bucket).replace("<key>", objectKey),
      RESTORE_COMMANDS.decrypt,
      RESTORE_COMMANDS.restore.replace("<target>", JSON.stringify(cluster.url("restartix_restore"))),
    ].join(" | ");
    const restore = spawnSync("bash", ["-o", "pipefail", "-c", pipeline], {
      env: { ...awsEnv, BACKUP_ENCRYPTION_KEY: encryptionKey },
      encoding: "utf8",
      cwd: work,
    });
    if (restore.status !== 0) throw new Error(`restore pipeline failed (${restore.status}): ${pipeline}\n${restore.stderr}`);
    const restored = fingerprint(cluster, "restartix_restore");
    const mismatches = Object.keys(source)
      .filter((k) => source[k] !== restored[k])
      .map((k) => `${k}: source ${source[k]}, restored ${restored[k]}`);
    if (failedDump.exitCode === 0) mismatches.push("dump.sh exited 0 although pg_dump failed");
    if (completedMetric.sum !== 1)
      mismatches.push(`${namespace}/DumpsCompleted sum ${completedMetric.sum}, expected 1 (the complete dump only)`);
    if (leftBehind.length) mismatches.push(`a failed dump left ${leftBehind.join(", ")} in the bucket`);
    if (!deleteRefused) mismatches.push(`deleting the locked dump version was not refused: ${del.stderr || "deleted"}`);
    if (head.ObjectLockMode !== target.objectLock.mode)
      mismatches.push(`object lock mode ${head.ObjectLockMode}, expected ${target.objectLock.mode}`);
    if (head.ServerSideEncryption !== target.sseAlgorithm)
      mismatches.push(`object encrypted with ${head.ServerSideEncryption}, expected ${target.sseAlgorithm}`);
    log(
      `restore: ${TABLES.map((t) => `${t} ${restored[t].split(",")[0]}`).join(", ")}; ${mismatches.length ? `${mismatches.length} mismatch(es)` : "row counts and checksums match"}`,
    );
    return {
      ok: mismatches.length === 0,
      postgres: pg.version,
      shell: shell.name,
      target,
      object: `s3://${target.bucket}/${objectKey}`,
      objectLock: { mode: head.ObjectLockMode, retainUntil: head.ObjectLockRetainUntilDate, deleteRefused },
      failedDump,
      completedMetric,
      encryption: `${head.ServerSideEncryption}${head.SSEKMSKeyId ? ` (${head.SSEKMSKeyId})` : ""}`,
      source,
      restored,
      dumpBytes: Number(head.ContentLength ?? 0),
      seconds: (Date.now() - started) / 1000,
      mismatches,
    };
  } finally {
    cluster?.stop();
    await emulator.stop();
    await stopAll();
    if (cluster && alive(cluster.pid)) log(`restore: warning: postmaster ${cluster.pid} still running after stop`);
    fs.rmSync(work, { recursive: true, force: true });
  }
}
