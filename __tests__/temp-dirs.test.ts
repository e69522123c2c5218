import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { outerTmpdir, RUN_TMPDIR_ENV } from "./run-tmpdir";
import { pendingTempDirs, removeTempDirs, tempDir } from "./temp-dirs";
import { slowPart } from "./layers";

const jestConfig = require("../jest.config.js") as { projects: Record<string, unknown>[] };

test("tempDir makes a directory under TMPDIR that removeTempDirs removes", () => {
  const before = pendingTempDirs().length;
  const dir = tempDir("rx-unit-");
  fs.writeFileSync(path.join(dir, "f"), "x");
  expect(path.dirname(dir)).toBe(os.tmpdir());
  expect(pendingTempDirs()).toHaveLength(before + 1);
  const scratch = {};
  // Another file's registry (the environment passes each file's global) is left alone.
  removeTempDirs(scratch);
  expect(fs.existsSync(dir)).toBe(true);
  removeTempDirs();
  expect(fs.existsSync(dir)).toBe(false);
  expect(pendingTempDirs()).toEqual([]);
});

test("the suite runs with a private TMPDIR of its own (global-setup.ts), outside the system one", () => {
  const own = process.env[RUN_TMPDIR_ENV];
  expect(own).toBeDefined();
  expect(os.tmpdir()).toBe(own);
  expect(path.dirname(own!)).toBe(outerTmpdir());
  // Reachable as the outer one is (PostgreSQL runs as another user in directories under it).
  expect(fs.statSync(own!).mode & 0o7777).toBe(fs.statSync(outerTmpdir()).mode & 0o7777);
});

test("test files make temporary directories with tempDir only (mkdtemp, Testing.app() and new App() leave theirs behind)", () => {
  const TESTS = path.join(ROOT, "__tests__");
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      // The leaking fixture leaks on purpose; temp-dirs.ts and run-tmpdir.ts make the directories the others use.
      if (e.isDirectory()) return e.name === "fixtures" ? [] : files(p);
      return e.name.endsWith(".ts") && !["temp-dirs.ts", "run-tmpdir.ts", "temp-dirs.test.ts"].includes(e.name) ? [p] : [];
    });
  const offending = /\bmkdtempSync\(|\bTesting\.app\(\s*\)|\bnew App\(\s*\)|\bTesting\.(fullSynth|synthScope)\(/;
  const found = files(TESTS).flatMap((f) =>
    fs
      .readFileSync(f, "utf8")
      .split("\n")
      .flatMap((line, i) =>
        offending.test(line) && !/^\s*(\*|\/\/)/.test(line) ? [`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [],
      ),
  );
  expect(found).toEqual([]);
});

// Child processes (minutes on a loaded machine): in the slow layer (npm run test:all) only.
if (slowPart("child jest runs on the temp-dir fixtures")) {
  describe("a jest run leaves its TMPDIR as it found it", () => {
    // A jest of its own on fixture files, with TMPDIR an empty directory of this test.
    const runFixture = (fixture: string, env: Record<string, string> = {}) => {
      const project = jestConfig.projects[0];
      const pick = ["rootDir", "transform", "testEnvironment", "setupFilesAfterEnv", "globalSetup", "globalTeardown"];
      const config = {
        ...Object.fromEntries(pick.map((k) => [k, project[k]])),
        roots: ["<rootDir>/__tests__/fixtures/temp-dirs"],
        testMatch: [`**/${fixture}.fixture.ts`],
        // jest's transform cache where the suite's is, not in the TMPDIR under test.
        cacheDirectory: path.join(outerTmpdir(), `jest_${(process.getuid?.() ?? 0).toString(36)}`),
      };
      const tmp = tempDir("rx-jest-tmpdir-");
      // Not strict unless asked (this run itself may be strict).
      const childEnv: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, RESTARTIX_STRICT_TMPDIR: "", ...env };
      delete childEnv[RUN_TMPDIR_ENV];
      const r = spawnSync(
        process.execPath,
        [path.join(ROOT, "node_modules", "jest", "bin", "jest.js"), "--config", JSON.stringify(config), "--ci"],
        {
          cwd: ROOT,
          encoding: "utf8",
          env: childEnv,
          timeout: 120_000,
        },
      );
      return { status: r.status, output: `${r.stdout}${r.stderr}`, left: fs.readdirSync(tmp) };
    };

    test("the helpers (synth, varsWith, tempDir) and Testing.app leave nothing, even with strict checking", () => {
      const r = runFixture("clean", { RESTARTIX_STRICT_TMPDIR: "1" });
      expect([r.status, r.left]).toEqual([0, []]);
      expect(r.output).not.toMatch(/temporary entries left/);
    }, 120_000);

    test("a directory made without tempDir is named at the end of the run, and fails it under RESTARTIX_STRICT_TMPDIR=1", () => {
      const warned = runFixture("leaks");
      expect(warned.status).toBe(0);
      expect(warned.output).toMatch(
        /warning: 1 temporary entries left by tests or the tools they ran, in \S+restartix-jest-\w+: rx-leaked-\w+\. Fix: /,
      );
      const strict = runFixture("leaks", { RESTARTIX_STRICT_TMPDIR: "1" });
      expect(strict.status).not.toBe(0);
      expect(strict.output).toMatch(/1 temporary entries left .*rx-leaked-/);
    }, 120_000);
  });
}
