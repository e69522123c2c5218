import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { tempDir } from "./temp-dirs";

/**
 * A syntax error in a file a user edits (phases/*.ts) reaches them through scripts/build.js, which
 * every npm script and cdktf's app command run first: one line per error with file:line:column, the
 * error, the offending line and the fix, exit 2, and no backtrace (swc's own error is a Rust one).
 */
const BUILD = path.join(ROOT, "scripts", "build.js");

/** A throwaway source tree holding main.ts and one phase file with `phase` as its text. */
function tree(phase: string): string {
  const root = tempDir("rx-build-");
  fs.mkdirSync(path.join(root, "phases"));
  fs.writeFileSync(path.join(root, "main.ts"), "export const ok: number = 1;\n");
  fs.writeFileSync(path.join(root, "phases", "phase2.ts"), phase);
  return root;
}

/** The build as a process: its exit code and standard error. */
const spawnBuild = (root: string) =>
  spawnSync(process.execPath, ["-e", `process.exitCode = require(${JSON.stringify(BUILD)}).build(${JSON.stringify(root)})`], {
    encoding: "utf8",
    timeout: 60_000,
  });

/** The same build in this process (swc and TypeScript load once per file, not once per build). */
const runBuild = (root: string): { status: number; stderr: string } => {
  const { build } = require(BUILD) as { build: (root: string, io: { stderr: (t: string) => void }) => number };
  let stderr = "";
  const status = build(root, { stderr: (t) => (stderr += t) });
  return { status, stderr };
};

test("a missing comma in a phase file: one line naming the file, line and column, the error and the fix; exit 2", () => {
  const root = tree(
    "export const phase2 = {\n  phase: 2,\n  database: {\n    allocatedStorageGb: 250\n    maxAllocatedStorageGb: 1000,\n  },\n};\n",
  );
  const r = spawnBuild(root);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(
    "build: phases/phase2.ts:5:5: syntax error: ',' expected (in \"maxAllocatedStorageGb: 1000,\"). Fix: correct phases/phase2.ts at that spot (git diff phases/phase2.ts shows what changed; npm run typecheck checks every file)\n",
  );
  expect(r.stderr).not.toMatch(/backtrace|^\s+at /m);
  // The broken file gets no output, the others are built.
  expect(fs.existsSync(path.join(root, "dist", "phases", "phase2.js"))).toBe(false);
  expect(fs.existsSync(path.join(root, "dist", "main.js"))).toBe(true);
});

test("a stray brace at the end of a phase file is reported at its line", () => {
  const r = runBuild(tree("export const phase2 = {\n  phase: 2,\n}};\n"));
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(
    /^build: phases\/phase2\.ts:3:2: syntax error: Declaration or statement expected \(in "}};"\)\. Fix: correct phases\/phase2\.ts/,
  );
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
});

test("a file that parses builds with exit 0 and says nothing", () => {
  const r = runBuild(tree("export const phase2: { phase: number } = { phase: 2 };\n"));
  expect([r.status, r.stderr]).toEqual([0, ""]);
});

test("a string where a phase type wants a number: a type error at its line, exit 2, reported again on the next build", () => {
  const root = tree('import { Sizing } from "./types";\n\nexport const core: Sizing = {\n  maxInstances: "5",\n};\n');
  fs.writeFileSync(path.join(root, "phases", "types.ts"), "export interface Sizing {\n  readonly maxInstances: number;\n}\n");
  const expected =
    "build: phases/phase2.ts:4:3: type error: Type 'string' is not assignable to type 'number' (in \"maxInstances: \\\"5\\\",\"). Fix: give the setting a value of the type phases/types.ts declares (npm run typecheck checks every file)\n";
  const first = runBuild(root);
  expect([first.status, first.stderr]).toEqual([2, expected]);
  // The output is removed, so an unchanged broken file is not skipped as up to date.
  expect(fs.existsSync(path.join(root, "dist", "phases", "phase2.js"))).toBe(false);
  const again = runBuild(root);
  expect([again.status, again.stderr]).toEqual([2, expected]);
  fs.writeFileSync(
    path.join(root, "phases", "phase2.ts"),
    'import { Sizing } from "./types";\n\nexport const core: Sizing = {\n  maxInstances: 5,\n};\n',
  );
  const fixed = runBuild(root);
  expect([fixed.status, fixed.stderr]).toEqual([0, ""]);
});

test("the fallback reads swc's own message when TypeScript finds nothing", () => {
  const { syntaxErrorLines } = require(BUILD) as { syntaxErrorLines: (rel: string, source: string, e: unknown) => string[] };
  const swc = new Error(
    "  x Expression expected\n   ,-[/w/phases/phase3.ts:7:1]\n 7 | x\n\nCaused by:\n    Syntax Error\n\nStack backtrace:\n   0: <unknown>",
  );
  expect(syntaxErrorLines("phases/phase3.ts", "const fine = 1;\n", swc)).toEqual([
    'phases/phase3.ts:7:1: syntax error: Expression expected (in ""). Fix: correct phases/phase3.ts at that spot (git diff phases/phase3.ts shows what changed; npm run typecheck checks every file)',
  ]);
});
