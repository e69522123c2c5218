import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * backup/dump.sh under BusyBox (the shell and timeout of the postgres:17-alpine image), with
 * pg_dump, openssl and aws replaced by recording stand-ins: a failed or overlong dump exits
 * non-zero and reports nothing; only a complete upload writes the metric the age alarm counts.
 */
const which = spawnSync("which", ["busybox"], { encoding: "utf8" });
const busybox = which.status === 0 ? which.stdout.trim() : undefined;
const describeIf = layerAvailable(busybox ? undefined : "busybox not installed (apt-get install busybox)", "backup/dump.sh under BusyBox")
  ? describe
  : describe.skip;

function run(pgDump: string, maxRuntime = "10") {
  const dir = tempDir("rx-dump-");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  for (const applet of ["sh", "timeout", "date", "cat", "sleep"]) fs.symlinkSync(busybox!, path.join(bin, applet));
  const log = path.join(dir, "calls.log");
  const write = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!${busybox} sh\n${body}\n`, { mode: 0o755 });
  write("pg_dump", pgDump);
  write("openssl", "cat");
  write("aws", `echo "aws $*" >> ${log}; if [ "$1" = s3 ]; then cat > ${dir}/uploaded; fi`);
  const result = spawnSync(busybox!, ["sh", path.join(ROOT, "backup", "dump.sh")], {
    encoding: "utf8",
    env: {
      PATH: bin,
      DATABASE_URL: "postgres://backup@db.internal:5432/restartix",
      BACKUP_ENCRYPTION_KEY: "test-only",
      BACKUP_BUCKET: "restartix-backups-primary-123456789012",
      MAX_RUNTIME_SECONDS: maxRuntime,
      METRIC_NAMESPACE: "RestartiX/Backups",
      DATABASE_IDENTIFIER: "restartix-prod",
    },
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
  const uploaded = fs.existsSync(path.join(dir, "uploaded")) ? fs.readFileSync(path.join(dir, "uploaded"), "utf8") : undefined;
  return { status: result.status, calls, uploaded, stderr: result.stderr };
}

describeIf("backup/dump.sh", () => {
  test("a complete dump is uploaded under daily/<date>/ and then reported as DumpsCompleted", () => {
    const r = run("echo DUMPDATA");
    expect(r.status).toBe(0);
    expect(r.uploaded).toBe("DUMPDATA\n");
    expect(r.calls[0]).toMatch(
      /^aws s3 cp - s3:\/\/restartix-backups-primary-123456789012\/daily\/\d{4}\/\d{2}\/\d{2}\/restartix-.*\.pgdump\.enc --only-show-errors$/,
    );
    expect(r.calls[1]).toBe(
      "aws cloudwatch put-metric-data --namespace RestartiX/Backups --metric-name DumpsCompleted --dimensions Database=restartix-prod --value 1 --unit Count",
    );
  });

  test("a failing pg_dump exits non-zero and reports nothing", () => {
    const r = run("echo PARTIAL; exit 3");
    expect(r.status).not.toBe(0);
    expect(r.calls.filter((c) => c.includes("put-metric-data"))).toEqual([]);
  });

  test("a dump past MAX_RUNTIME_SECONDS is killed, exits non-zero and reports nothing", () => {
    const r = run("sleep 3; echo LATE", "1");
    expect(r.status).not.toBe(0);
    expect(r.calls.filter((c) => c.includes("put-metric-data"))).toEqual([]);
  });
});
