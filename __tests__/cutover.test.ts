import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { Cluster, postgresAvailability, startCluster } from "../tools/rehearse/postgres";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * docs/cutover.md's role creation and step 3 (pg_restore) against a real PostgreSQL: a "Neon" dump
 * whose objects belong to, and are granted to, roles the target does not have, restored as the
 * runbook says; the application role must own every object and use them. The same restore without
 * --role shows why it is there.
 */
const CUTOVER = fs.readFileSync(path.join(ROOT, "docs", "cutover.md"), "utf8");

/** The runbook's role statements: the sql block of its "application roles" section, \password lines left out (interactive). */
function roleStatements(): string {
  const section = CUTOVER.slice(CUTOVER.indexOf("### The application roles on RDS"));
  const block = /```sql\n([\s\S]*?)```/.exec(section)![1];
  return block
    .split("\n")
    .filter((l) => !l.startsWith("\\password"))
    .join("\n");
}

/** Step 3's pg_restore command, from the runbook's table. */
function restoreCommand(): string[] {
  const row = CUTOVER.split("\n").find((l) => l.startsWith("| 3. restore to RDS |"))!;
  const cmd = /`(pg_restore [^`]+)`/.exec(row)![1];
  return cmd.replace("<rds endpoint>", "RDS_ENDPOINT").split(/\s+/).slice(1);
}

/** Its options, with the connection ones (host, user, database) and the file left to the test. */
const restoreOptions = (): string[] => restoreCommand().filter((a) => a.startsWith("--") && !/^--(host|username|dbname)=/.test(a));

test("the runbook restores with --no-owner --role=restartix --no-privileges and creates the roles first", () => {
  expect(restoreCommand()).toEqual(expect.arrayContaining(["--no-owner", "--role=restartix", "--no-privileges", "--exit-on-error"]));
  expect(roleStatements()).toMatch(
    /CREATE ROLE restartix LOGIN;[\s\S]*GRANT restartix TO restartix_admin WITH ADMIN OPTION;[\s\S]*ALTER DATABASE restartix OWNER TO restartix;/,
  );
  // The roles come before step 3 (the "before" row links to them).
  expect(CUTOVER).toMatch(/\| before \| create the application roles on RDS/);
});

const pg = postgresAvailability();
const BIN = pg.ok ? pg.bin : "";
if (layerAvailable(pg.ok ? undefined : pg.reason, "cutover restore against PostgreSQL") && pg.ok) {
  describe(`the cutover restore against PostgreSQL ${pg.version}`, () => {
    let cluster: Cluster;
    let dump: string;
    beforeAll(async () => {
      cluster = await startCluster(BIN);
      // "Neon": objects owned by its own role, and granted to a role RDS does not have.
      cluster.sql("postgres", "CREATE ROLE neon_owner; CREATE ROLE neon_superuser; CREATE DATABASE neon OWNER neon_owner;");
      cluster.sql(
        "neon",
        "SET ROLE neon_owner; CREATE TABLE patients (id serial PRIMARY KEY, name text); INSERT INTO patients (name) VALUES ('a'), ('b'); GRANT SELECT ON patients TO neon_superuser;",
      );
      dump = path.join(tempDir("rx-cutover-"), "restartix-dump.pgdump");
      // Step 2, as the runbook writes it.
      const d = spawnSync(path.join(BIN, "pg_dump"), [cluster.url("neon"), "--format=custom", "--no-owner", "--file", dump], {
        encoding: "utf8",
      });
      if (d.status !== 0) throw new Error(d.stderr);
      cluster.sql("postgres", "DROP DATABASE neon; DROP ROLE neon_owner; DROP ROLE neon_superuser;");
    }, 60_000);
    afterAll(() => cluster?.stop());

    /** A fresh "RDS" database owned by the master, the runbook's roles in it, then step 3. */
    function restore(db: string, args: string[]) {
      cluster.sql("postgres", `CREATE DATABASE ${db} OWNER ${cluster.admin};`);
      const r = spawnSync(path.join(BIN, "pg_restore"), [`--dbname=${cluster.url(db)}`, ...args, dump], { encoding: "utf8" });
      return r;
    }
    /** The application's view: logs in as restartix (a password set for the test) and uses the table. */
    function asApplication(db: string) {
      return spawnSync(
        path.join(BIN, "psql"),
        [
          "-X",
          "-q",
          "-At",
          "-v",
          "ON_ERROR_STOP=1",
          "-d",
          `postgresql://restartix:app-test-pw@127.0.0.1:${cluster.port}/${db}`,
          "-c",
          "INSERT INTO patients (name) VALUES ('c')",
          "-c",
          "SELECT count(*) FROM patients",
        ],
        { encoding: "utf8" },
      );
    }

    test("the runbook's statements, then its pg_restore: restartix owns every object and the application works", () => {
      // The roles are cluster-wide: created once, with the database they name.
      cluster.sql("postgres", `CREATE DATABASE restartix OWNER ${cluster.admin};`);
      cluster.sql("restartix", roleStatements());
      cluster.sql("postgres", "ALTER ROLE restartix PASSWORD 'app-test-pw';");
      const r = spawnSync(path.join(BIN, "pg_restore"), [`--dbname=${cluster.url("restartix")}`, ...restoreOptions(), dump], {
        encoding: "utf8",
      });
      expect([r.status, r.stderr.split("\n").filter((l) => /error/i.test(l))]).toEqual([0, []]);
      expect(cluster.sql("restartix", "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public';")).toBe("restartix");
      expect(
        cluster.sql("restartix", "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace;"),
      ).toBe("restartix");
      const app = asApplication("restartix");
      expect([app.status, app.stdout.trim()]).toEqual([0, "3"]);
      // The backup login reads everything (pg_read_all_data) and writes nothing.
      cluster.sql("postgres", "ALTER ROLE restartix_backup PASSWORD 'backup-test-pw';");
      // As the backup login, over TCP with its password.
      const asBackup = (sql: string) =>
        spawnSync(
          path.join(BIN, "psql"),
          ["-X", "-At", "-d", `postgresql://restartix_backup:backup-test-pw@127.0.0.1:${cluster.port}/restartix`, "-c", sql],
          { encoding: "utf8" },
        );
      const read = asBackup("SELECT count(*) FROM patients");
      expect(read.stdout.trim()).toBe("3");
      const write = asBackup("DELETE FROM patients");
      expect(write.stderr).toMatch(/permission denied/);
    });

    test("without --role (the old runbook), the objects belong to the master and the application is refused", () => {
      const r = restore("restartix_old", ["--no-owner", "--no-privileges"]);
      expect(r.status).toBe(0);
      expect(cluster.sql("restartix_old", "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public';")).toBe(cluster.admin);
      const app = asApplication("restartix_old");
      expect(app.status).not.toBe(0);
      expect(app.stderr).toMatch(/permission denied/);
    });
  });
}
