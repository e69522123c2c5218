import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort } from "./emulator";

/**
 * A throwaway PostgreSQL cluster for the restore rehearsal: initdb in a temporary directory, a
 * server on a free loopback port (trust authentication, no other listener), stopped with pg_ctl and
 * by the postmaster's pid as a last resort. As root, the server runs as the `postgres` user (or
 * `nobody`): PostgreSQL refuses to run as root.
 */

export type PgAvailability = { ok: true; bin: string; version: string } | { ok: false; reason: string };

const SERVER_TOOLS = ["initdb", "pg_ctl", "postgres", "psql", "pg_dump", "pg_restore", "createdb"];

function which(cmd: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Directories that may hold the server binaries: next to initdb on PATH, then Debian's layout (newest first). */
function candidateDirs(): string[] {
  const dirs: string[] = [];
  const initdb = which("initdb");
  if (initdb) dirs.push(path.dirname(fs.realpathSync(initdb)));
  const debian = "/usr/lib/postgresql";
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => path.join(debian, v, "bin")));
  }
  return [...new Set(dirs)];
}

export function postgresAvailability(): PgAvailability {
  if (process.env.RESTARTIX_SKIP_POSTGRES === "1") return { ok: false, reason: "RESTARTIX_SKIP_POSTGRES=1" };
  for (const dir of candidateDirs()) {
    if (SERVER_TOOLS.every((t) => fs.existsSync(path.join(dir, t)))) {
      const v = spawnSync(path.join(dir, "postgres"), ["--version"], { encoding: "utf8" });
      if (v.status === 0) return { ok: true, bin: dir, version: v.stdout.trim().replace(/^postgres \(PostgreSQL\) /, "") };
    }
  }
  return {
    ok: false,
    reason:
      "PostgreSQL server binaries (initdb, pg_ctl, postgres, pg_dump, pg_restore) not found; install Debian's postgresql package (apt-get install postgresql)",
  };
}

/** The user the server runs as: ourselves, or (as root) postgres / nobody. */
function serverUser(): { uid: number; gid: number; name: string } | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout), gid: Number(gid.stdout), name };
  }
  throw new Error("running as root and neither a postgres nor a nobody user exists to run the server");
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, uid, gid);
    else fs.chownSync(p, uid, gid);
  }
}

export interface Cluster {
  readonly port: number;
  readonly bin: string;
  readonly admin: string;
  /** postgresql://admin@127.0.0.1:port/db */
  url(db: string): string;
  /** Runs SQL with psql (ON_ERROR_STOP), returns unaligned tuples-only output. */
  sql(db: string, sql: string): string;
  readonly pid: number;
  stop(): void;
}

/** Starts a cluster in a new directory under the OS temp dir (owned by the server's user), removed by stop(). */
export function startCluster(bin: string): Promise<Cluster> {
  return freePort().then((port) => {
    const user = serverUser();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-pg-"));
    if (user) chownTree(dir, user.uid, user.gid);
    const admin = "restartix_admin";
    const data = path.join(dir, "data");
    const as = user ? { uid: user.uid, gid: user.gid } : {};
    const env = { ...process.env, LC_ALL: "C", LANG: "C", PGTZ: "UTC" };
    const run = (cmd: string, args: string[]) => {
      const r = spawnSync(path.join(bin, cmd), args, { ...as, cwd: dir, env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr || r.stdout || r.error}`);
      return r.stdout;
    };
    let pid: number;
    try {
      run("initdb", ["-D", data, "-A", "trust", "-U", admin, "-E", "UTF8", "--no-locale", "--no-sync"]);
      run("pg_ctl", [
        "-D",
        data,
        "-l",
        path.join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
        "start",
      ]);
      pid = Number(fs.readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch (e) {
      // A cluster that did not start leaves nothing behind (its error already carries initdb's or pg_ctl's output).
      spawnSync(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "-t", "10", "stop"], {
        ...as,
        cwd: dir,
        env,
        encoding: "utf8",
      });
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    let stopped = false;
    const cluster: Cluster = {
      port,
      bin,
      admin,
      pid,
      url: (db) => `postgresql://${admin}@127.0.0.1:${port}/${db}`,
      sql: (db, sql) => {
        const r = spawnSync(path.join(bin, "psql"), ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", cluster.url(db)], {
          input: sql,
          encoding: "utf8",
          env,
        });
        if (r.status !== 0) throw new Error(`psql on ${db} failed: ${r.stderr}`);
        return r.stdout.trim();
      },
      stop: () => {
        if (stopped) return;
        stopped = true;
        const r = spawnSync(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], {
          ...as,
          cwd: dir,
          env,
          encoding: "utf8",
        });
        if (r.status !== 0) {
          try {
            process.kill(pid, "SIGQUIT");
          } catch {
            // already gone
          }
        }
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    return cluster;
  });
}

/** Whether a process is alive (for tests: nothing is left behind). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
