import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { postgresAvailability } from "../tools/rehearse/postgres";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * backup/rotate-db-credentials.sh under BusyBox (the shell of the postgres:17-alpine image) against
 * a throwaway PostgreSQL that only accepts TLS logins and logs DDL (as the RDS parameter group
 * does), with `aws` replaced by a stand-in that serves secrets from files and records every call,
 * and `psql` by a wrapper that records its command line before running the real one.
 */
// Found as the restore rehearsal finds them: next to initdb on PATH, else Debian's /usr/lib/postgresql/<v>/bin.
const pg = postgresAvailability();
const PG = pg.ok ? pg.bin : "";
const PSQL = path.join(PG, "psql");
const tool = (name: string) => {
  const r = spawnSync("which", [name], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
// RESTARTIX_BUSYBOX: a busybox binary outside PATH (for example unpacked from Debian's package with dpkg -x).
const busybox = process.env.RESTARTIX_BUSYBOX ?? (fs.existsSync("/usr/bin/busybox") ? "/usr/bin/busybox" : tool("busybox"));
const reason = !busybox
  ? "busybox not installed (apt-get install busybox, or RESTARTIX_BUSYBOX=<path to a busybox binary>)"
  : !pg.ok
    ? pg.reason
    : !tool("openssl") || !tool("jq")
      ? "openssl or jq not installed"
      : undefined;

if (layerAvailable(reason, "credential rotation against PostgreSQL")) suite();

const MASTER = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-0c1d2e3f-AbCdEf";
const CORE = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:restartix/production/core-api/DATABASE_URL-AbCdEf";
const TELEMETRY = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:restartix/production/telemetry-api/DATABASE_URL-GhIjKl";
const SERVICE = "arn:aws:apprunner:eu-central-1:123456789012:service/restartix-core-api/0123456789abcdef";
const ECS_SERVICE = "arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-telemetry-api";
const MASTER_PASSWORD = "Master-Pw_0a9b8c7d6e5f";
const APP_PASSWORD = "OriginalAppPassword123";

function suite(): void {
  const dir = tempDir("rx-rotate-");
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, "pgdata");
  const socketDir = path.join(dir, "socket");
  const serverLog = path.join(dir, "server.log");
  const secrets = path.join(dir, "secrets");
  const bin = path.join(dir, "bin");
  const calls = path.join(dir, "calls.log");
  const port = 20000 + (process.pid % 20000);
  // initdb refuses to run as root: the server runs as nobody then.
  const asServer = process.getuid?.() === 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--"] : [];
  const server = (cmd: string[]): SpawnSyncReturns<string> => {
    const argv = [...asServer, ...cmd];
    return spawnSync(argv[0], argv.slice(1), { encoding: "utf8", env: { PATH: "/usr/bin:/bin", LC_ALL: "C" } });
  };
  const secretFile = (arn: string) => path.join(secrets, arn.replace(/[^A-Za-z0-9_-]/g, "_"));
  const url = (arn: string) => fs.readFileSync(secretFile(arn), "utf8");
  const setUrl = (arn: string, value: string) => fs.writeFileSync(secretFile(arn), value);

  /** psql as anyone, with the password in the environment (what the services do with their URL). */
  function login(user: string, password: string, sslmode = "require"): SpawnSyncReturns<string> {
    return spawnSync(
      PSQL,
      [
        `host=127.0.0.1 port=${port} dbname=restartix user=${user} sslmode=${sslmode}`,
        "-X",
        "-A",
        "-t",
        "-c",
        "SELECT session_user || ' ' || current_user",
      ],
      {
        encoding: "utf8",
        env: { PATH: "/usr/bin:/bin", PGPASSWORD: password, PGCONNECT_TIMEOUT: "5" },
      },
    );
  }
  const loginUrl = (u: string) => {
    const m = /^postgres(?:ql)?:\/\/([^:]+):([^@]+)@/.exec(u);
    if (!m) throw new Error(`not a URL: ${u}`);
    return login(m[1], m[2]);
  };
  const userOf = (u: string) => /^postgres(?:ql)?:\/\/([^:]+):/.exec(u)![1];
  const passwordOf = (u: string) => /^postgres(?:ql)?:\/\/[^:]+:([^@]+)@/.exec(u)![1];
  /** One query as the master user: its unaligned, tuples-only answer. */
  const admin = (sql: string, db = "postgres") => {
    const r = spawnSync(
      PSQL,
      [
        `host=127.0.0.1 port=${port} dbname=${db} user=restartix_admin sslmode=require`,
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        sql,
      ],
      {
        encoding: "utf8",
        env: { PATH: "/usr/bin:/bin", PGPASSWORD: MASTER_PASSWORD },
      },
    );
    if (r.status !== 0) throw new Error(`admin query failed: ${r.stderr}`);
    return r.stdout.trim();
  };

  function rotate(extraEnv: Record<string, string | undefined> = {}) {
    fs.writeFileSync(calls, "");
    const r = spawnSync(busybox!, ["sh", path.join(ROOT, "backup", "rotate-db-credentials.sh")], {
      encoding: "utf8",
      env: {
        PATH: bin,
        AWS_REGION: "eu-central-1",
        MASTER_CREDENTIALS_ARN: MASTER,
        DATABASE_URL_ARNS: `${CORE} ${TELEMETRY}`,
        APPRUNNER_SERVICE_ARNS: SERVICE,
        ECS_SERVICE_ARNS: ECS_SERVICE,
        REDEPLOY_POLL_SECONDS: "0",
        REDEPLOY_TIMEOUT_SECONDS: "3",
        ...extraEnv,
      },
    });
    return {
      status: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      calls: fs.readFileSync(calls, "utf8").trim().split("\n").filter(Boolean),
    };
  }

  beforeAll(() => {
    fs.mkdirSync(secrets);
    fs.mkdirSync(bin);
    fs.mkdirSync(socketDir);
    fs.mkdirSync(data, { mode: 0o700 });
    fs.writeFileSync(path.join(dir, "pwfile"), `${MASTER_PASSWORD}\n`);
    if (asServer.length) {
      for (const p of [data, socketDir, path.join(dir, "pwfile")]) fs.chownSync(p, 65534, 65534);
      fs.writeFileSync(serverLog, "");
      fs.chownSync(serverLog, 65534, 65534);
    }
    const init = server([
      path.join(PG, "initdb"),
      "-D",
      data,
      "-U",
      "restartix_admin",
      "--pwfile",
      path.join(dir, "pwfile"),
      "--auth",
      "scram-sha-256",
      "-E",
      "UTF8",
    ]);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    // TLS only, as RDS with rds.force_ssl: a self-signed certificate, no plain host lines.
    const cert = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-keyout",
        path.join(data, "server.key"),
        "-out",
        path.join(data, "server.crt"),
      ],
      { encoding: "utf8" },
    );
    if (cert.status !== 0) throw new Error(`openssl failed: ${cert.stderr}`);
    fs.chmodSync(path.join(data, "server.key"), 0o600);
    if (asServer.length) for (const f of ["server.key", "server.crt"]) fs.chownSync(path.join(data, f), 65534, 65534);
    fs.writeFileSync(path.join(data, "pg_hba.conf"), "local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n");
    fs.appendFileSync(
      path.join(data, "postgresql.conf"),
      `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${socketDir}'\nssl = on\nlog_statement = 'ddl'\npassword_encryption = 'scram-sha-256'\n`,
    );
    const start = server([path.join(PG, "pg_ctl"), "-D", data, "-l", serverLog, "-w", "-t", "30", "start"]);
    if (start.status !== 0)
      throw new Error(`pg_ctl start failed: ${start.stderr}\n${fs.existsSync(serverLog) ? fs.readFileSync(serverLog, "utf8") : ""}`);
    // The document's application role, which owns the schema, with its hand-set password.
    const setup = spawnSync(
      PSQL,
      [`host=127.0.0.1 port=${port} dbname=postgres user=restartix_admin sslmode=require`, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
      {
        encoding: "utf8",
        env: { PATH: "/usr/bin:/bin", PGPASSWORD: MASTER_PASSWORD },
        input: `CREATE ROLE restartix LOGIN PASSWORD '${APP_PASSWORD}';\nCREATE DATABASE restartix OWNER restartix;\n`,
      },
    );
    if (setup.status !== 0) throw new Error(`setup failed: ${setup.stderr}`);

    setUrl(MASTER, JSON.stringify({ username: "restartix_admin", password: MASTER_PASSWORD }));
    const appUrl = (db: string) => `postgres://restartix:${APP_PASSWORD}@127.0.0.1:${port}/${db}?sslmode=require`;
    setUrl(CORE, appUrl("restartix"));
    setUrl(TELEMETRY, appUrl("restartix"));

    // aws: records its command line; get-secret-value and put-secret-value work on the files.
    fs.writeFileSync(
      path.join(bin, "aws"),
      `#!${busybox} sh
echo "aws $*" >> ${calls}
[ -e ${dir}/aws-fails ] && { echo "aws: stubbed failure" >&2; exit 255; }
# Redeploys: the state each status read answers is in ecs-state / apprunner-state (default: done).
case "$1 $2" in
  "apprunner start-deployment") echo op-0001; exit 0 ;;
  "apprunner list-operations") cat ${dir}/apprunner-state 2>/dev/null || echo SUCCEEDED; exit 0 ;;
  "ecs update-service") echo ecs-svc/0001; exit 0 ;;
  "ecs describe-services") cat ${dir}/ecs-state 2>/dev/null || echo COMPLETED; exit 0 ;;
esac
id=""; value=""
while [ $# -gt 0 ]; do
  case "$1" in
    --secret-id) id=$2; shift ;;
    --secret-string) value=$2; shift ;;
  esac
  shift
done
file=${secrets}/$(printf '%s' "$id" | tr -c 'A-Za-z0-9_-' '_')
case "$value" in file://*) value=$(cat "\${value#file://}") ;; esac
if [ -n "$value" ]; then printf '%s' "$value" > "$file"; echo v2; exit 0; fi
if [ -n "$id" ]; then cat "$file"; echo; exit 0; fi
echo ok
`,
      { mode: 0o755 },
    );
    // psql: records its command line (and whether a password is in its environment), then runs.
    fs.writeFileSync(path.join(bin, "psql"), `#!${busybox} sh\necho "psql $*" >> ${calls}\nexec ${PSQL} "$@"\n`, { mode: 0o755 });
    for (const applet of ["sh", "head", "tr", "cat", "printf", "echo", "sleep"]) fs.symlinkSync(busybox!, path.join(bin, applet));
    // setsid: the real one, unless a test makes the password step fail (psql then reads no password).
    fs.writeFileSync(
      path.join(bin, "setsid"),
      `#!${busybox} sh\nif [ -e ${dir}/no-password ]; then exec ${busybox} setsid "$@" < /dev/null; fi\nexec ${busybox} setsid "$@"\n`,
      { mode: 0o755 },
    );
    fs.symlinkSync(tool("jq")!, path.join(bin, "jq"));
  }, 60000);

  afterAll(() => {
    server([path.join(PG, "pg_ctl"), "-D", data, "-m", "immediate", "stop"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("backup/rotate-db-credentials.sh", () => {
    const seen: string[] = [];
    const allCalls: string[] = [];

    test("the setup only admits TLS logins", () => {
      expect(login("restartix", APP_PASSWORD).stdout.trim()).toBe("restartix restartix");
      const plain = login("restartix", APP_PASSWORD, "disable");
      expect(plain.status).not.toBe(0);
      expect(plain.stderr).toMatch(/no pg_hba\.conf entry|SSL off/);
    });

    test("the first rotation creates the login roles, moves both secrets to restartix_a and redeploys", () => {
      const r = rotate();
      allCalls.push(...r.calls);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      for (const arn of [CORE, TELEMETRY]) {
        expect(userOf(url(arn))).toBe("restartix_a");
        expect(url(arn)).toMatch(
          new RegExp(`^postgres://restartix_a:[A-Za-z0-9]{40}@127\\.0\\.0\\.1:${port}/restartix\\?sslmode=require$`),
        );
      }
      expect(url(CORE)).toBe(url(TELEMETRY));
      seen.push(passwordOf(url(CORE)));
      // The new URL logs in, acting as the application role.
      expect(loginUrl(url(CORE)).stdout.trim()).toBe("restartix_a restartix");
      const aws = r.calls.filter((c) => c.startsWith("aws "));
      expect(aws.filter((c) => c.includes("put-secret-value")).map((c) => c.split(" ")[4])).toEqual([CORE, TELEMETRY]);
      expect(aws).toContain(`aws apprunner start-deployment --service-arn ${SERVICE} --output text --query OperationId`);
      expect(aws).toContain(
        "aws ecs update-service --cluster restartix-prod --service restartix-telemetry-api --force-new-deployment --output text --query service.deployments[?status==`PRIMARY`].id | [0]",
      );
      // Redeploys come after the secrets are written, and the run waits for exactly the deployments it started.
      expect(aws.findIndex((c) => c.includes("start-deployment"))).toBeGreaterThan(
        aws.map((c) => c.includes("put-secret-value")).lastIndexOf(true),
      );
      expect(aws).toContain(
        `aws apprunner list-operations --service-arn ${SERVICE} --output text --query OperationSummaryList[?Id=='op-0001'].Status | [0]`,
      );
      expect(aws).toContain(
        "aws ecs describe-services --cluster restartix-prod --services restartix-telemetry-api --output text --query services[0].deployments[?id=='ecs-svc/0001'].rolloutState | [0]",
      );
      expect(r.stdout).toContain(
        "ECS arn:aws:ecs:eu-central-1:123456789012:service/restartix-prod/restartix-telemetry-api deployment ecs-svc/0001: COMPLETED",
      );
      // The redeploys finished on the new login: the base role's hand-set password is retired, and
      // the role keeps owning the database (the login roles act as it).
      const plain = login("restartix", APP_PASSWORD);
      expect(plain.status).not.toBe(0);
      expect(plain.stderr).toMatch(/not permitted to log in|password authentication failed/);
      expect(admin("SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = 'restartix'")).toBe("f|t");
      expect(admin("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'restartix'")).toBe("restartix");
      expect(r.stdout).toContain("restartix cannot log in (NOLOGIN, no password); it still owns the objects");
    });

    test("the second rotation moves to restartix_b; restartix_a keeps working until the next one", () => {
      const before = url(CORE);
      const r = rotate();
      allCalls.push(...r.calls);
      expect(r.status).toBe(0);
      expect(userOf(url(CORE))).toBe("restartix_b");
      expect(userOf(url(TELEMETRY))).toBe("restartix_b");
      seen.push(passwordOf(url(CORE)));
      expect(loginUrl(url(CORE)).stdout.trim()).toBe("restartix_b restartix");
      expect(loginUrl(before).stdout.trim()).toBe("restartix_a restartix");
    });

    test("the third rotation is back on restartix_a with a new password; the one before it stops working", () => {
      const first = `postgres://restartix_a:${seen[0]}@x`;
      const r = rotate();
      allCalls.push(...r.calls);
      expect(r.status).toBe(0);
      expect(userOf(url(CORE))).toBe("restartix_a");
      seen.push(passwordOf(url(CORE)));
      expect(new Set(seen).size).toBe(3);
      expect(loginUrl(url(CORE)).status).toBe(0);
      expect(loginUrl(first).status).not.toBe(0);
    });

    test("when ALTER ROLE is refused (a master without CREATEROLE), the secrets are not written and the services not redeployed", () => {
      const before = [url(CORE), url(TELEMETRY)];
      // The master user loses the right to change roles: \password's ALTER ROLE fails.
      const revoke = spawnSync(
        PSQL,
        [`host=127.0.0.1 port=${port} dbname=postgres user=restartix_admin sslmode=require`, "-X", "-q", "-v", "ON_ERROR_STOP=1"],
        {
          encoding: "utf8",
          env: { PATH: "/usr/bin:/bin", PGPASSWORD: MASTER_PASSWORD },
          input: "CREATE ROLE limited_admin LOGIN PASSWORD 'limited-admin-pw';\n",
        },
      );
      expect(revoke.status).toBe(0);
      setUrl(MASTER, JSON.stringify({ username: "limited_admin", password: "limited-admin-pw" }));
      try {
        const r = rotate();
        allCalls.push(...r.calls);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/FAILED at step/);
        expect([url(CORE), url(TELEMETRY)]).toEqual(before);
        expect(r.calls.filter((c) => /put-secret-value|start-deployment|update-service/.test(c))).toEqual([]);
        expect(loginUrl(url(CORE)).status).toBe(0);
      } finally {
        setUrl(MASTER, JSON.stringify({ username: "restartix_admin", password: MASTER_PASSWORD }));
      }
    });

    test("when psql reads no password, the rotation stops at setting it or at the login check, and nothing is written", () => {
      const before = [url(CORE), url(TELEMETRY)];
      fs.writeFileSync(path.join(dir, "no-password"), "");
      try {
        const r = rotate();
        allCalls.push(...r.calls);
        expect(r.status).not.toBe(0);
        // psql either refuses the empty input (\password fails) or sets it and the login check fails:
        // which one depends on whether it finds a terminal to read from; both stop before any write.
        expect(r.stderr).toMatch(
          /restartix_b cannot log in with its new password; nothing was written|could not set the password of restartix_b \(ALTER ROLE failed\); nothing was written/,
        );
        expect([url(CORE), url(TELEMETRY)]).toEqual(before);
        expect(r.calls.filter((c) => /put-secret-value|start-deployment|update-service/.test(c))).toEqual([]);
      } finally {
        fs.rmSync(path.join(dir, "no-password"));
      }
    });

    test("secrets that log in as different roles are refused before anything changes", () => {
      const before = [url(CORE), url(TELEMETRY)];
      setUrl(TELEMETRY, `postgres://restartix:${APP_PASSWORD}@127.0.0.1:${port}/restartix`);
      try {
        const r = rotate();
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain("log in as different roles");
        expect(url(CORE)).toBe(before[0]);
        expect(r.calls.filter((c) => c.startsWith("psql"))).toEqual([]);
      } finally {
        setUrl(TELEMETRY, before[1]);
      }
    });

    test("a weaker PGSSLMODE is refused", () => {
      const r = rotate({ PGSSLMODE: "prefer" });
      expect(r.status).toBe(2);
      expect(r.calls).toEqual([]);
    });

    test.each([
      ["ECS rolled the deployment back (it is gone)", { ecs: "None" }, /ECS .* deployment ecs-svc\/0001: None/],
      ["the ECS deployment FAILED", { ecs: "FAILED" }, /deployment ecs-svc\/0001: FAILED/],
      ["App Runner rolled back", { apprunner: "ROLLBACK_SUCCEEDED" }, /operation op-0001: ROLLBACK_SUCCEEDED/],
      ["App Runner FAILED", { apprunner: "FAILED" }, /operation op-0001: FAILED/],
      ["the ECS deployment did not finish in time", { ecs: "IN_PROGRESS" }, /deployment ecs-svc\/0001: still IN_PROGRESS after 3s/],
    ])("a redeploy that fails (%s): the previous secrets are put back and the run exits non-zero", (_, states, message) => {
      const before = [url(CORE), url(TELEMETRY)];
      const inUse = userOf(before[0]);
      if ("ecs" in states) fs.writeFileSync(path.join(dir, "ecs-state"), `${states.ecs}\n`);
      if ("apprunner" in states) fs.writeFileSync(path.join(dir, "apprunner-state"), `${states.apprunner}\n`);
      try {
        const r = rotate();
        allCalls.push(...r.calls);
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toContain(`the redeploy did not finish; the secrets name ${inUse} again (its password is unchanged)`);
        // Written once with the new login, then once more with the previous value, which still logs in.
        expect(r.calls.filter((c) => c.includes("put-secret-value")).map((c) => c.split(" ")[4])).toEqual([
          CORE,
          TELEMETRY,
          CORE,
          TELEMETRY,
        ]);
        expect([url(CORE), url(TELEMETRY)]).toEqual(before);
        expect(loginUrl(url(CORE)).stdout.trim()).toBe(`${inUse} restartix`);
        // The base role is not touched by a failed run.
        expect(r.calls.filter((c) => c.startsWith("psql")).length).toBe(3);
      } finally {
        for (const f of ["ecs-state", "apprunner-state"]) fs.rmSync(path.join(dir, f), { force: true });
      }
    });

    test("unset service lists mean none: nothing is redeployed, and the run succeeds", () => {
      const r = rotate({ APPRUNNER_SERVICE_ARNS: undefined, ECS_SERVICE_ARNS: undefined });
      allCalls.push(...r.calls);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.calls.filter((c) => /apprunner|ecs /.test(c))).toEqual([]);
      expect(loginUrl(url(CORE)).status).toBe(0);
    });

    test("the backup job's role: its own rotation (no services) moves it to restartix_backup_a and retires restartix_backup's login", () => {
      const BACKUP = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:restartix/production/backup/DATABASE_URL-MnOpQr";
      admin("CREATE ROLE restartix_backup LOGIN PASSWORD 'RailwayEraBackupPw1'");
      setUrl(BACKUP, `postgres://restartix_backup:RailwayEraBackupPw1@127.0.0.1:${port}/restartix?sslmode=require`);
      expect(login("restartix_backup", "RailwayEraBackupPw1").status).toBe(0);
      const r = rotate({ DATABASE_URL_ARNS: BACKUP, APPRUNNER_SERVICE_ARNS: undefined, ECS_SERVICE_ARNS: undefined });
      allCalls.push(...r.calls);
      expect(r.status).toBe(0);
      expect(userOf(url(BACKUP))).toBe("restartix_backup_a");
      expect(loginUrl(url(BACKUP)).stdout.trim()).toBe("restartix_backup_a restartix_backup");
      expect(login("restartix_backup", "RailwayEraBackupPw1").status).not.toBe(0);
      expect(admin("SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = 'restartix_backup'")).toBe("f|t");
      // The application's roles are untouched by the backup rotation.
      expect(loginUrl(url(CORE)).status).toBe(0);
    });

    test("no password is on any command line, nor in the server's DDL log", () => {
      expect(allCalls.length).toBeGreaterThan(20);
      expect(allCalls.some((c) => c.startsWith("psql "))).toBe(true);
      const log = fs.readFileSync(serverLog, "utf8");
      // The DDL log shows the rotation happened, as a SCRAM verifier.
      expect(log).toMatch(/ALTER (ROLE|USER) restartix_b PASSWORD 'SCRAM-SHA-256\$/);
      for (const pw of [...seen, MASTER_PASSWORD, APP_PASSWORD]) {
        for (const c of allCalls) expect(c).not.toContain(pw);
      }
      for (const pw of seen) expect(log).not.toContain(pw);
    });
  });
}
