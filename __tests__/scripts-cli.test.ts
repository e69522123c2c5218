import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";

/** The scripts converted to the shared strict parser: --help does nothing else, bad flags exit 2 in one line. */
const SCRIPTS = ["bench", "diagram", "eject", "ci-plan"];

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, "scripts", "build.js")], { cwd: ROOT });
}, 120_000);

const run = (script: string, args: string[], tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rx-cli-"))) =>
  spawnSync(process.execPath, [path.join(ROOT, "dist", "scripts", `${script}.js`), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, TMPDIR: tmp } });

test.each(SCRIPTS)("npm run %s -- --help prints the usage, exits 0 and writes nothing", (script) => {
  const benchmark = fs.statSync(path.join(ROOT, "docs", "benchmark.md")).mtimeMs;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rx-cli-"));
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
