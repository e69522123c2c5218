import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { optionsFrom } from "../config/settings";
import { parseCommandLine, SYNTH_FLAGS } from "../tools/cli";
import { varsWith } from "./helpers";
import { tempDir } from "./temp-dirs";
import { slowPart } from "./layers";

/**
 * Issue 21 item 8: paths resolve from the directory the user ran the command in. RESTARTIX_TFVARS
 * and RESTARTIX_TENANTS name the same files as --vars and --tenants: a relative path is resolved from
 * INIT_CWD when npm started the script, else from the working directory (lib/invocation-dir.ts).
 */
describe("RESTARTIX_TFVARS and RESTARTIX_TENANTS resolve like --vars and --tenants", () => {
  const user = "/home/me/infra/phases";

  test.each([
    ["vars", "RESTARTIX_TFVARS", "varsFile"],
    ["tenants", "RESTARTIX_TENANTS", "tenantsFile"],
  ] as const)("--%s and %s name the same file from the user's directory", (flag, variable, option) => {
    const env = { INIT_CWD: user };
    const fromFlag = parseCommandLine({ name: "synth", summary: "", usage: [], flags: SYNTH_FLAGS }, [`--${flag}`, "../x.file"], user);
    expect(optionsFrom(fromFlag.flags, env)[option]).toBe("/home/me/infra/x.file");
    expect(optionsFrom({}, { ...env, [variable]: "../x.file" })[option]).toBe("/home/me/infra/x.file");
    // Without npm, from the working directory; an absolute path as it is.
    expect(optionsFrom({}, { [variable]: "x.file" })[option]).toBe(path.join(process.cwd(), "x.file"));
    expect(optionsFrom({}, { ...env, [variable]: "/etc/x.file" })[option]).toBe("/etc/x.file");
  });
});

// Child processes (minutes on a loaded machine): in the slow layer (npm run test:all) only.
if (slowPart("npm run synth and tenant list from a subdirectory")) {
  describe("from a subdirectory, under npm run", () => {
    beforeAll(() => {
      execFileSync(process.execPath, [path.join(ROOT, "scripts", "build.js")], { cwd: ROOT });
    }, 120_000);

    // npm run starts the script in the package root and keeps the user's directory in INIT_CWD.
    const run = (script: string, args: string[], dir: string, env: Record<string, string>) =>
      spawnSync(process.execPath, [path.join(ROOT, "dist", script), ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, INIT_CWD: dir, npm_lifecycle_script: `npm run -s build && node dist/${script}`, ...env },
      });

    test("npm run synth reads RESTARTIX_TFVARS=../terraform.tfvars from the user's directory", () => {
      // Inputs that cannot synthesize, so the error shows which file was read (and nothing is written).
      const file = varsWith({ account_id: '"12"' });
      const sub = path.join(path.dirname(file), "phases");
      fs.mkdirSync(sub);
      const r = run("main.js", [], sub, { RESTARTIX_TFVARS: "../terraform.tfvars", CDKTF_OUTDIR: tempDir("rx-input-paths-") });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/account_id \(terraform\.tfvars\): got "12"; expected a 12-digit AWS account id/);
    });

    test("npm run tenant -- list reads RESTARTIX_TENANTS=../tenants.json from the user's directory", () => {
      const [first] = JSON.parse(fs.readFileSync(path.join(ROOT, "phases", "tenants", "phase3.json"), "utf8")) as Record<string, unknown>[];
      const dir = tempDir("rx-input-paths-");
      fs.writeFileSync(path.join(dir, "tenants.json"), JSON.stringify([{ ...first, id: "org-777" }]));
      const sub = path.join(dir, "phases");
      fs.mkdirSync(sub);
      const r = run("scripts/tenant.js", ["list", "--phase", "3"], sub, { RESTARTIX_TENANTS: "../tenants.json" });
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(
        r.stdout
          .trim()
          .split("\n")
          .map((l) => l.split(/\s+/)[0]),
      ).toEqual(["org-777"]);
    });
  });
}
