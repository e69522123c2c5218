import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import {
  backupTarget,
  DUMP_SCRIPT,
  requiredVariables,
  RESTORE_COMMANDS,
  restoreAvailability,
  restoreRehearsal,
} from "../tools/rehearse/restore";
import { stack, synth } from "./helpers";
import { layerAvailable } from "./layers";

/**
 * Restore rehearsal of backup layer 2: backup/dump.sh against a real PostgreSQL server, uploading to
 * the emulated Object Lock bucket, restored with the runbook's commands (docs/restore.md; tools/rehearse/restore.ts).
 */
describe("what the restore rehearsal relies on", () => {
  const target = backupTarget(stack(synth({ phase: 1 }), "backups"));

  test("the backup task writes to the Object Lock bucket, locked in compliance mode for 30 days and encrypted with KMS", () => {
    expect(target).toMatchObject({ region: "eu-central-1", objectLock: { mode: "COMPLIANCE", days: 30 }, sseAlgorithm: "aws:kms" });
    expect(target.bucket).toMatch(/^restartix-backups-primary/);
  });

  test("the task definition provides every variable dump.sh requires", () => {
    expect(requiredVariables()).toEqual([
      "BACKUP_BUCKET",
      "BACKUP_ENCRYPTION_KEY",
      "DATABASE_IDENTIFIER",
      "DATABASE_URL",
      "MAX_RUNTIME_SECONDS",
      "METRIC_NAMESPACE",
    ]);
    expect(target.containerVariables).toEqual(expect.arrayContaining(requiredVariables()));
  });

  test("the rehearsed restore commands are docs/restore.md's, and decrypt what dump.sh encrypts", () => {
    const runbook = fs.readFileSync(path.join(ROOT, "docs", "restore.md"), "utf8");
    expect(runbook).toContain(RESTORE_COMMANDS.decrypt);
    expect(runbook).toContain("pg_restore --no-owner --dbname <target>");
    const script = fs.readFileSync(DUMP_SCRIPT, "utf8");
    const encrypt = /openssl enc (.*) -pass env:BACKUP_ENCRYPTION_KEY/.exec(script)![1].replace(" -salt", "");
    expect(RESTORE_COMMANDS.decrypt).toBe(`openssl enc -d ${encrypt} -pass env:BACKUP_ENCRYPTION_KEY`);
  });

  test("a failed pg_dump terminates the upload instead of only setting the exit status", () => {
    // pipefail alone lets `aws s3 cp` complete a truncated object on EOF (the rehearsal below proves it).
    expect(fs.readFileSync(DUMP_SCRIPT, "utf8")).toMatch(/pg_dump [^\n]*\|\| \{[^}]*pkill -TERM -P \$\$; exit 1; \}/);
  });
});

const availability = restoreAvailability();
if (layerAvailable(availability.ok ? undefined : availability.reason, "restore rehearsal") && availability.ok) {
  describe(`restore rehearsal (PostgreSQL ${availability.postgres}, moto ${availability.moto}, ${availability.shell})`, () => {
    let report: Awaited<ReturnType<typeof restoreRehearsal>>;
    beforeAll(async () => {
      report = await restoreRehearsal();
    }, 300_000);

    test("the restored database has the same rows, checksums, sequences and views as the source", () => {
      expect(report.mismatches).toEqual([]);
      expect(report.restored).toEqual(report.source);
      expect(report.source.patients).toMatch(/^3000 rows, md5 [0-9a-f]{32}$/);
      expect(report.source.appointments).toMatch(/^9000 rows/);
    });

    test("the dump is locked in compliance mode and encrypted with the bucket's KMS key", () => {
      expect(report.object).toMatch(/^s3:\/\/restartix-backups-primary[a-z0-9-]*\/daily\/\d{4}\/\d{2}\/\d{2}\/restartix-.*\.pgdump\.enc$/);
      expect(report.objectLock.mode).toBe("COMPLIANCE");
      expect(report.objectLock.deleteRefused).toBe(true);
      const days = (Date.parse(report.objectLock.retainUntil) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29);
      expect(days).toBeLessThanOrEqual(30);
      expect(report.encryption).toMatch(/^aws:kms \(arn:aws:kms:eu-central-1:/);
    });

    test("a dump that fails exits non-zero and leaves nothing in the bucket", () => {
      expect(report.failedDump.exitCode).not.toBe(0);
      expect(report.failedDump.objectsLeft).toEqual([]);
    });

    test("only the complete dump reports DumpsCompleted (what the missing-dump alarm counts)", () => {
      expect(report.completedMetric).toEqual({ namespace: "RestartiX/Backups", name: "DumpsCompleted", sum: 1 });
    });
  });
}
