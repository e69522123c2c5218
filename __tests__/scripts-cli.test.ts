import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { tempDir } from "./temp-dirs";

/** The scripts converted to the shared strict parser: --help does nothing else, bad flags exit 2 in one line. */
const SCRIPTS = ["bench", "diagram", "eject", "ci-plan"];

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "build.js")], { cwd: ROOT });
}, 120_000);

const run = (script: string, args: string[], tmp = tempDir("rx-cli-")) =>
  spawnSync(process.execPath, [path.join(ROOT, "dist", "scripts", `${script}.js`), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, TMPDIR: tmp },
  });

test.each(SCRIPTS)("npm run %s -- --help prints the usage, exits 0 and writes nothing", (script) => {
  const benchmark = fs.statSync(path.join(ROOT, "docs", "benchmark.md")).mtimeMs;
  const tmp = tempDir("rx-cli-");
  const r = run(script, ["--help"], tmp);
  expect([r.status, r.stderr]).toEqual([0, ""]);
  expect(r.stdout).toMatch(new RegExp(`Usage:\\n  npm run ${script} -- `));
  expect(fs.statSync(path.join(ROOT, "docs", "benchmark.md")).mtimeMs).toBe(benchmark);
  expect(fs.readdirSync(tmp)).toEqual([]);
});

test.each(SCRIPTS)("npm run %s refuses an unknown flag in one line, exit 2", (script) => {
  const r = run(script, ["--bogus"]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^${script}: --bogus: unknown flag\\. Fix: use one of .*\\n$`));
});

describe("paths and flags from the user's directory, under npm run", () => {
  // npm run starts every script in the package root and sets INIT_CWD to where the user was.
  const fromDir = (script: string, args: string[], dir: string) =>
    spawnSync(process.execPath, [path.join(ROOT, "dist", "scripts", `${script}.js`), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, INIT_CWD: dir, npm_lifecycle_script: `npm run -s build && node dist/scripts/${script}.js` },
    });

  test("a relative --base-dir is looked up in INIT_CWD, and the error names the flag and the resolved path", () => {
    const dir = tempDir("rx-cwd-");
    const r = fromDir("changed-stacks", ["--base-dir", "base", "--head-dir", "head"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `changed-stacks: --base-dir: ${path.join(dir, "base")} does not exist. Fix: synthesize first (CDKTF_OUTDIR=${path.join(dir, "base")} npm run synth) or pass the right directory\n`,
    );
  });

  test("plan-gate reads a relative plan file from INIT_CWD and names it as given", () => {
    const dir = tempDir("rx-cwd-");
    fs.copyFileSync(path.join(ROOT, "__tests__", "fixtures", "plan-gate", "safe.json"), path.join(dir, "plan.json"));
    const r = fromDir("plan-gate", ["plan.json"], dir);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^plan\.json: no deletes or replaces of stateful resources\nplan-gate: pass\n$/);
  });

  test("ci-plan: --tenants with --from names both flags and the fix", () => {
    const r = run("ci-plan", ["--from", "cdktf.out", "--tenants", "5"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^ci-plan: --tenants and --from: .*Fix: npm run ci-plan -- --phase 4 --tenants 1000, or drop --tenants\n$/);
  });
});
