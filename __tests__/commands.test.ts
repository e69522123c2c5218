import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { resolveSettings, Settings } from "../config/settings";
import { main as synthMain, spec as synthSpec } from "../main";
import { main as changedMain, spec as changedSpec } from "../scripts/changed-stacks";
import { main as checkMain, spec as checkSpec } from "../scripts/check";
import { main as costMain, spec as costSpec } from "../scripts/cost";
import { main as deployOrderMain, spec as deployOrderSpec } from "../scripts/deploy-order";
import { main as discoverMain, spec as discoverSpec } from "../scripts/discover";
import { main as planMain, planTarget, spec as planSpec } from "../scripts/plan";
import { runPlanGate, main as gateMain, spec as gateSpec } from "../scripts/plan-gate";
import { main as startMain, spec as startSpec } from "../scripts/start";
import { group as tenantGroup, main as tenantMain } from "../scripts/tenant";
import { CommandIO, CommandSpec, executeCommand, executeGroup, ParsedCommand } from "../tools/cli";
import { synthesizeAtomically } from "../tools/synth";
import { EXAMPLE_VARS } from "./helpers";
import { tempDir } from "./temp-dirs";

/**
 * Every mistaken input, fed to the real commands: exit code 2 for bad input (1 for a failing
 * check), one message naming the field or flag and the fix, no stack trace, and nothing written.
 * In-process through the same runner the entry points use (tools/cli.ts executeCommand), and a
 * few end to end through `node dist/...` to prove the wiring.
 */

const tmp = () => tempDir("rx-cmd-");
const example = fs.readFileSync(EXAMPLE_VARS, "utf8");
const STACK_TRACE = /^\s+at /m;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function buffers(): CommandIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t) };
}

async function exec(spec: CommandSpec, main: (a: ParsedCommand) => unknown, argv: string[]): Promise<Ran> {
  const io = buffers();
  const code = await executeCommand(spec, main as (a: ParsedCommand) => number | void, argv, io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

async function execTenant(argv: string[]): Promise<Ran> {
  const io = buffers();
  const code = await executeGroup(tenantGroup, tenantMain, argv, io);
  return { code, stdout: io.out.join(""), stderr: io.err.join("") };
}

/** Bad input: exit 2, the message matches, no stack trace. */
function expectRefused(r: Ran, message: RegExp): void {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
}

/** Every file under a directory with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, "utf8");
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Runs the synth command in-process with CDKTF_OUTDIR pointing at `outdir`. */
async function synthInto(outdir: string, argv: string[], env: Record<string, string> = {}): Promise<Ran> {
  const saved = { ...process.env };
  Object.assign(process.env, { CDKTF_OUTDIR: outdir, ...env });
  try {
    return await exec(synthSpec, synthMain, argv);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** An outdir holding a real synth, to prove a failed run leaves it exactly as it was. */
const populated = (() => {
  const dir = tmp();
  synthesizeAtomically(resolveSettings({ varsFile: EXAMPLE_VARS, phase: 1 }), dir);
  return dir;
})();

const COMMANDS: readonly [string, CommandSpec, (a: ParsedCommand) => unknown][] = [
  ["synth", synthSpec, synthMain],
  ["start", startSpec, startMain],
  ["plan", planSpec, planMain],
  ["cost", costSpec, costMain],
  ["check", checkSpec, checkMain],
  ["plan-gate", gateSpec, gateMain],
  ["changed-stacks", changedSpec, changedMain],
  ["deploy-order", deployOrderSpec, deployOrderMain],
  ["discover", discoverSpec, discoverMain],
  ...Object.values(tenantGroup.commands).map((spec): [string, CommandSpec, () => undefined] => [
    `tenant ${spec.subcommand}`,
    spec,
    () => undefined,
  ]),
];

describe("every command refuses what it does not understand before doing anything", () => {
  test.each(COMMANDS.map(([name, spec]) => [name, spec] as const))(
    "%s: an unknown flag (a typo) names the valid flags",
    async (name, spec) => {
      const main = jest.fn();
      const r = await exec(spec, main, ["--regoin", "us-east-1"]);
      expectRefused(r, new RegExp(`^${name}: --regoin: unknown flag\\. Fix: use one of .*--help \\(npm run ${spec.name} --.*--help\\)`));
      expect(main).not.toHaveBeenCalled();
    },
  );

  test.each(COMMANDS.filter(([, spec]) => !spec.positionals).map(([name, spec]) => [name, spec] as const))(
    "%s: a stray value names the flag it may belong to",
    async (name, spec) => {
      const main = jest.fn();
      expectRefused(
        await exec(spec, main, ["3"]),
        new RegExp(
          `^${name}: unexpected argument "3": this command takes flags only\\. Fix: name the flag the value belongs to \\(e\\.g\\. --phase 3\\)`,
        ),
      );
      expect(main).not.toHaveBeenCalled();
    },
  );

  test.each(
    COMMANDS.filter(([, spec]) => Object.values(spec.flags).some((f) => f.type !== "boolean")).map(([name, spec]) => [name, spec] as const),
  )("%s: a flag without its value", async (name, spec) => {
    const [flag, f] = Object.entries(spec.flags).find(([, x]) => x.type !== "boolean")!;
    const main = jest.fn();
    expectRefused(await exec(spec, main, [`--${flag}`]), new RegExp(`^${name}: --${flag}: .*Fix: write --${flag} ${f.valueName ?? "N"}`));
    expect(main).not.toHaveBeenCalled();
  });

  test.each(COMMANDS.map(([name, spec]) => [name, spec] as const))(
    "%s --help prints usage and exits 0 without doing anything",
    async (_name, spec) => {
      const main = jest.fn();
      const r = await exec(spec, main, ["--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\nUsage:\n  npm run /);
      expect(r.stdout).toMatch(/--help +print this help and exit/);
      expect(r.stdout).toMatch(/Exit codes: 0 success, 1 a check failed, 2 bad input\./);
      expect(main).not.toHaveBeenCalled();
    },
  );

  test.each<[string[], RegExp]>([
    [["--jobs", "abc"], /^plan: --jobs: got "abc"; expected a whole number\. Fix: write --jobs N/],
    [["--jobs", "4.5"], /^plan: --jobs: got "4\.5"; expected a whole number/],
    [["--jobs", "0"], /^plan: --jobs: got 0; expected 1 to 64/],
    [["--phase", "5"], /^plan: --phase: got "5"; expected one of 1, 2, 3, 4/],
    [["--compute", "lambda"], /^plan: --compute: got "lambda"; expected one of apprunner, fargate/],
  ])("plan %j: a bad number or choice", async (argv, message) => {
    const main = jest.fn();
    expectRefused(await exec(planSpec, main, argv), message);
    expect(main).not.toHaveBeenCalled();
  });
});

describe("tenant: every command has its own flags, and a typo never writes the registry", () => {
  const registry = () => {
    const file = path.join(tmp(), "phase3.json");
    fs.copyFileSync(path.join(ROOT, "phases", "tenants", "phase3.json"), file);
    return file;
  };

  test.each<[string, string[], RegExp]>([
    [
      "--regoin (the issue's example)",
      ["add", "org-200", "--phase", "3", "--regoin", "us-east-1"],
      /^tenant add: --regoin: unknown flag\. Fix: use one of --region REGION/,
    ],
    ["a flag of another command", ["add", "org-200", "--phase", "3", "--confirm", "org-200"], /^tenant add: --confirm: unknown flag/],
    [
      "a region the phase does not deploy",
      ["add", "org-200", "--phase", "3", "--region", "us-east-1"],
      /tenants\[org-200\] \(phase3\.json\)\.region: got "us-east-1"; is not a region of phase 3/,
    ],
    [
      "no region where the phase has two",
      ["add", "org-200", "--phase", "4", "--size", "standard"],
      /^tenant add: --region is required: phase 4 has 2 regions\. Fix: add --region eu-central-1 or --region us-east-1/,
    ],
    [
      "an unknown size",
      ["add", "org-200", "--phase", "3", "--size", "huge"],
      /^tenant add: --size "huge" is not a size of phase 3; use one of standard, large/,
    ],
    [
      "an id that is not an id",
      ["add", "Org_200", "--phase", "3"],
      /tenants\[Org_200\] \(phase3\.json\)\.id: got "Org_200"; expected 3-20 characters/,
    ],
    [
      "a second id",
      ["add", "org-200", "org-201", "--phase", "3"],
      /^tenant add: unexpected arguments? "org-201": it takes at most 1 \(the tenant id, e\.g\. org-123\)/,
    ],
    ["no id", ["remove", "--phase", "3"], /^tenant remove: missing the tenant id, e\.g\. org-123\. Fix: npm run tenant -- remove <id>/],
    [
      "a wrong confirmation",
      ["remove", "org-101", "--phase", "3", "--confirm", "org-102"],
      /^tenant remove: --confirm "org-102" does not match "org-101"; nothing changed/,
    ],
    ["an unknown command", ["grow", "org-200"], /^tenant: "grow": unknown command\. Fix: npm run tenant -- add\|remove\|forget\|list/],
    ["a flag before the command", ["--phase", "3", "add", "org-200"], /^tenant: "--phase": the command comes first/],
  ])("%s", async (_name, argv, message) => {
    const file = registry();
    const before = fs.readFileSync(file, "utf8");
    expectRefused(await execTenant([...argv, "--vars", EXAMPLE_VARS, "--tenants", file]), message);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  test("no command at all prints the commands and exits 2; --help exits 0", async () => {
    expect(await execTenant([])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/npm run tenant -- add <id>[\s\S]*npm run tenant -- list/),
    });
    expect(await execTenant(["--help"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/npm run tenant -- remove <id>/) });
    expect(await execTenant(["add", "--help"])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/--region REGION +AWS region of the tenant's stack/),
    });
  });
});

describe("synth: bad inputs are refused with the field and the fix, and cdktf.out is left as it was", () => {
  const cases: [string, (dir: string) => string[], Record<string, string>, RegExp][] = [
    ["--phse 2 (the issue's example)", () => ["--phse", "2"], {}, /^synth: --phse: unknown flag\. Fix: use one of --phase N/],
    ["3 without --phase (the issue's example)", () => ["3"], {}, /^synth: unexpected argument "3".*\(e\.g\. --phase 3\)/],
    [
      "PHASE=9",
      () => ["--vars", EXAMPLE_VARS],
      { PHASE: "9" },
      /phase \(PHASE\): got 9; expected one of 1, 2, 3, 4\. Fix: set PHASE=1, 2, 3 or 4, or unset it/,
    ],
    [
      "COMPUTE=k8s",
      () => ["--vars", EXAMPLE_VARS],
      { COMPUTE: "k8s" },
      /compute \(COMPUTE\): got "k8s"; expected one of "apprunner", "fargate"/,
    ],
    [
      "a tfvars syntax error",
      (dir) => {
        fs.writeFileSync(path.join(dir, "t.tfvars"), example.replace('domain = "example.com"', 'domain = "example.com'));
        return ["--vars", path.join(dir, "t.tfvars")];
      },
      {},
      /domain \(t\.tfvars line 11, column 22\): got "domain = \\"example\.com"; Invalid multi-line string.*Fix: close the quoted string on the same line: domain = "value"\./,
    ],
    [
      "a quoted number",
      (dir) => {
        fs.writeFileSync(path.join(dir, "t.tfvars"), example.replace("phase = 1", 'phase = "2"'));
        return ["--vars", path.join(dir, "t.tfvars")];
      },
      {},
      /phase \(t\.tfvars\): got "2"; expected one of 1, 2, 3, 4\. Fix: drop the quotes: phase = 2\./,
    ],
    [
      "a missing inputs file",
      (dir) => ["--vars", path.join(dir, "none.tfvars")],
      {},
      /deployment inputs \(none\.tfvars\): got ".*"; does not exist\. Fix:/,
    ],
    [
      "a directory as inputs file",
      (dir) => ["--vars", dir],
      {},
      /; is a directory, not a file\. Fix: pass the path of the deployment\.tfvars file itself/,
    ],
    [
      "a broken symlink as inputs file",
      (dir) => {
        fs.symlinkSync(path.join(dir, "gone.tfvars"), path.join(dir, "link.tfvars"));
        return ["--vars", path.join(dir, "link.tfvars")];
      },
      {},
      /deployment inputs \(link\.tfvars\): .*is a symbolic link to .*, which does not exist\. Fix:/,
    ],
    [
      "RESTARTIX_TFVARS naming a missing file",
      () => [],
      { RESTARTIX_TFVARS: "/nonexistent/terraform.tfvars" },
      /deployment inputs \(terraform\.tfvars\): got "\/nonexistent\/terraform\.tfvars"; does not exist/,
    ],
  ];

  test.each(cases)("%s", async (_name, argsOf, env, message) => {
    const before = snapshot(populated);
    const r = await synthInto(populated, argsOf(tmp()), env);
    expectRefused(r, message);
    expect(snapshot(populated)).toEqual(before);
  });

  test("a policy-pack error during synth: exit 1, every finding, no stack trace, nothing written", async () => {
    const settings = resolveSettings({ varsFile: EXAMPLE_VARS, phase: 1 });
    const violating: Settings = {
      ...settings,
      phase: { ...settings.phase, observability: { ...settings.phase.observability, logRetentionDays: 30 } },
    };
    const before = snapshot(populated);
    const r = await exec(synthSpec, () => synthesizeAtomically(violating, populated), []);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^synth: policy pack: \d+ unsuppressed errors?:\n  \[RX-LOG-2\] stack "[a-z-]+", aws_cloudwatch_log_group\.[^ ]+: .* Fix: Set retention_in_days to 365 or more/,
    );
    expect(r.stderr).toMatch(/Every finding with its explanation: npm run check -- --phase N/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(snapshot(populated)).toEqual(before);
  });
});

describe("commands that read a synth output refuse a missing one", () => {
  test("cost --from a directory that does not exist", async () => {
    expectRefused(
      await exec(costSpec, costMain, ["--from", "/nonexistent/cdktf.out", "--vars", EXAMPLE_VARS]),
      /^cost: --from \/nonexistent\/cdktf\.out: no such directory\. Fix: synthesize first \(npm run synth\)/,
    );
  });

  test("cost --from a directory without a manifest (an interrupted or foreign output)", async () => {
    expectRefused(
      await exec(costSpec, costMain, ["--from", tmp(), "--vars", EXAMPLE_VARS]),
      /has no manifest\.json, so it is not a complete synth output/,
    );
  });

  test("changed-stacks --base-dir / --head-dir that are missing", async () => {
    expectRefused(
      await exec(changedSpec, changedMain, ["--base-dir", "/nonexistent/base", "--head-dir", populated]),
      /^changed-stacks: --base-dir: \/nonexistent\/base does not exist\. Fix:/,
    );
    expectRefused(
      await exec(changedSpec, changedMain, ["--base-dir", populated, "--head-dir", path.join(populated, "manifest.json")]),
      /--head-dir: .* is not a directory/,
    );
    expectRefused(
      await exec(changedSpec, changedMain, ["--all", "--base-ref", "main"]),
      /^changed-stacks: --base-ref and --all: choose one/,
    );
  });

  test("cost: contradictory flags and an unwritable --out", async () => {
    expectRefused(await exec(costSpec, costMain, ["--all", "--phase", "2"]), /^cost: --all and --phase: choose one/);
    expectRefused(
      await exec(costSpec, costMain, ["--out", "/nonexistent/dir/cost.md"]),
      /^cost: --out: the directory of \/nonexistent\/dir\/cost\.md does not exist/,
    );
  });

  test("check --output into a directory that does not exist", async () => {
    expectRefused(
      await exec(checkSpec, checkMain, ["--output", "/nonexistent/dir/findings.sarif"]),
      /^check: --output: the directory of .* does not exist/,
    );
  });
});

describe("plan-gate never passes what it cannot read", () => {
  const write = (content: string) => {
    const file = path.join(tmp(), "plan.json");
    fs.writeFileSync(file, content);
    return file;
  };
  const plan = (changes: unknown) =>
    JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", planned_values: {}, resource_changes: changes });
  const ok = { address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", change: { actions: ["update"] } };

  test.each<[string, string, RegExp]>([
    [
      "a state (terraform show -json without a plan file)",
      JSON.stringify({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } }),
      /not a plan in JSON form: this is a state/,
    ],
    ["an empty state", JSON.stringify({ format_version: "1.0" }), /this is a state/],
    ["an empty file", "", /the file is empty/],
    ["whitespace only", "\n  \n", /the file is empty/],
    [
      "not JSON (the binary plan, or terraform plan's text)",
      "Terraform will perform the following actions:",
      /not JSON \(.*\); expected the output of `terraform show -json <planfile>`/,
    ],
    ["a JSON list", "[]", /not a plan in JSON form \(a list\)/],
    ["null", "null", /not a plan in JSON form \(a null\)/],
    ["resource_changes that is not a list", plan({ a: 1 }), /resource_changes is not a list/],
    ["a null entry", plan([ok, null]), /resource_changes\[1\] is null, not a resource change/],
    ["an entry without actions", plan([{ ...ok, change: {} }]), /resource_changes\[0\] \(aws_s3_bucket\.b\) has change\.actions null/],
    [
      "an entry with an unknown action",
      plan([{ ...ok, change: { actions: ["destroy"] } }]),
      /has change\.actions \["destroy"\] \(expected a list of no-op, create, read, update, delete, forget\)/,
    ],
    ["an entry without a type", plan([{ ...ok, type: undefined }]), /has no type/],
    ["an entry with a bad mode", plan([{ ...ok, mode: "resource" }]), /has mode "resource"/],
    [
      "a plan that errored",
      JSON.stringify({ format_version: "1.2", planned_values: {}, resource_changes: [], errored: true }),
      /the plan errored/,
    ],
  ])("%s: exit 2", (_name, content, message) => {
    const file = write(content);
    const r = runPlanGate([file]);
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(message);
    expect(r.output).not.toMatch(/plan-gate: pass/);
  });

  test("a missing file and a directory: exit 2", () => {
    expect(runPlanGate(["/nonexistent/plan.json"])).toMatchObject({
      exitCode: 2,
      output: expect.stringMatching(/no such file \(ENOENT\)\. Fix: terraform show -json <planfile>/),
    });
    expect(runPlanGate([tmp()])).toMatchObject({ exitCode: 2, output: expect.stringMatching(/a directory, not a file \(EISDIR\)/) });
  });

  test.each([
    "aws_rds_cluster",
    "aws_dynamodb_table",
    "aws_kms_key",
    "aws_secretsmanager_secret",
    "aws_efs_file_system",
    "aws_elasticache_serverless_cache",
  ])("deleting %s fails the gate", (type) => {
    const r = runPlanGate([write(plan([{ ...ok, type, address: `${type}.x`, change: { actions: ["delete"] } }]))]);
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain(`${type}.x  delete [delete]`);
  });
});

describe("npm run plan resolves the phase like synth", () => {
  const vars = (phase: number) => {
    const file = path.join(tmp(), "terraform.tfvars");
    fs.writeFileSync(file, example.replace("phase = 1", `phase = ${phase}`));
    return file;
  };

  test("phase = N in the tfvars file", () => {
    const t = planTarget({ vars: vars(2) }, {});
    expect(t.settings.phase.phase).toBe(2);
    expect(t.outdir).toBe(path.join(ROOT, ".plan", "phase2", "synth"));
    expect(t.settings.deployment.backend).toBe("local");
  });

  test("PHASE over the file, --phase over both", () => {
    expect(planTarget({ vars: vars(2) }, { PHASE: "3" }).settings.phase.phase).toBe(3);
    expect(planTarget({ vars: vars(2), phase: "4" }, { PHASE: "3" }).settings.phase.phase).toBe(4);
  });

  test("PLAN_JOBS is checked like --jobs", () => {
    expect(() => planTarget({ vars: vars(1) }, { PLAN_JOBS: "many" })).toThrow(
      /^PLAN_JOBS: got "many"; expected a whole number from 1 to 64\. Fix: PLAN_JOBS=2, or unset it$/,
    );
    expect(planTarget({ vars: vars(1) }, { PLAN_JOBS: "3" }).jobs).toBe(3);
    expect(planTarget({ vars: vars(1), jobs: 5 }, { PLAN_JOBS: "3" }).jobs).toBe(5);
  });
});

/** Runs a built entry point and resolves with its exit code and output. */
function node(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "dist", script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("the entry points, end to end (node dist/...)", () => {
  beforeAll(() => {
    const { execFileSync } = require("child_process") as typeof import("child_process");
    execFileSync(process.execPath, [path.join(ROOT, "scripts", "build.js")], { cwd: ROOT });
  });

  test("--help on every script: usage on stdout, exit 0, nothing written", async () => {
    const outdir = path.join(tmp(), "never-created");
    const scripts = [
      "main.js",
      ...["start", "plan", "cost", "check", "tenant", "plan-gate", "changed-stacks"].map((s) => `scripts/${s}.js`),
    ];
    const results = await Promise.all(scripts.map((s) => node(s, ["--help"], { CDKTF_OUTDIR: outdir })));
    results.forEach((r, i) => {
      expect([scripts[i], r.code, r.stderr]).toEqual([scripts[i], 0, ""]);
      expect(r.stdout).toMatch(/Usage:\n  npm run /);
    });
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test("the issue's examples exit 2 with one line and write nothing", async () => {
    const outdir = tmp();
    const registry = path.join(tmp(), "phase3.json");
    fs.copyFileSync(path.join(ROOT, "phases", "tenants", "phase3.json"), registry);
    const before = fs.readFileSync(registry, "utf8");
    const [phse, positional, tenant, gate] = await Promise.all([
      node("main.js", ["--phse", "2"], { CDKTF_OUTDIR: outdir }),
      node("main.js", ["3"], { CDKTF_OUTDIR: outdir }),
      node("scripts/tenant.js", ["add", "org-200", "--phase", "3", "--regoin", "us-east-1", "--tenants", registry]),
      node("scripts/plan-gate.js", [path.join(outdir, "missing-plan.json")]),
    ]);
    expectRefused(phse, /^synth: --phse: unknown flag/);
    expectRefused(positional, /^synth: unexpected argument "3"/);
    expectRefused(tenant, /^tenant add: --regoin: unknown flag/);
    expectRefused(gate, /^plan-gate: .*missing-plan\.json: no such file/);
    expect(fs.readdirSync(outdir)).toEqual([]);
    expect(fs.readFileSync(registry, "utf8")).toBe(before);
  });

  test("a tfvars syntax error through node dist/main.js: exit 2, field, line and fix, cdktf.out untouched", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "terraform.tfvars"), example.replace('backend = "s3"', "backend = s3").replace(/\n/g, "\r\n"));
    const before = snapshot(populated);
    const r = await node("main.js", [], { CDKTF_OUTDIR: populated, RESTARTIX_TFVARS: path.join(dir, "terraform.tfvars") });
    expectRefused(
      r,
      /backend \(terraform\.tfvars line 25\): got "backend = s3"; s3 is a bare word, not a value\. Fix: quote text values: backend = "s3"\./,
    );
    expect(snapshot(populated)).toEqual(before);
  });
});

describe("docs/commands.md documents every command", () => {
  const doc = fs.readFileSync(path.join(ROOT, "docs", "commands.md"), "utf8");
  test.each(COMMANDS.map(([name, spec]) => [name, spec] as const))("%s: its usage and every flag", (_name, spec) => {
    for (const usage of spec.usage) expect(doc).toContain(usage);
    for (const flag of Object.keys(spec.flags)) expect(doc).toContain(`--${flag}`);
  });
});
