import * as fs from "fs";
import * as path from "path";
import { testFileProblems } from "../tools/test-file-names";
import { tempDir } from "./temp-dirs";

const ROOT = path.join(__dirname, "..");

test("every test file is <subject>.test.ts in kebab-case, and every other file in __tests__/ is a helper a test imports", () => {
  expect(testFileProblems(ROOT)).toEqual([]);
});

test("a camelCase test, a .spec.ts, a .test.js, a test beside its source and a helper nobody imports are each named", () => {
  const root = tempDir("test-names-");
  try {
    const write = (rel: string, text = "") => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    write("./__tests__/phase-layout.test.ts", 'import { h } from "./helpers";\nvoid h;\n');
    write("./__tests__/helpers.ts", "export const h = 1;\n");
    write("./__tests__/setup.ts");
    write("jest.config.js", 'module.exports = { setupFiles: ["<rootDir>/__tests__/setup.ts"] };\n');
    write("./__tests__/phase1Compute.test.ts");
    write("./__tests__/cost.spec.ts");
    write("./__tests__/tenant.test.js");
    write("./__tests__/forgotten-proof.ts");
    write("./__tests__/fixtures/anyName_here.ts");
    write("./worker/router.test.ts");
    // Written `./__tests__/...`, so file-references.test.ts does not take them for files of this repository.
    expect(testFileProblems(root).map((p) => `./${p}`)).toEqual([
      "./__tests__/cost.spec.ts: jest runs only *.test.ts files; rename it to <subject>.test.ts",
      "./__tests__/forgotten-proof.ts: neither a test (*.test.ts, which jest runs) nor imported by one nor named in jest.config.js",
      "./__tests__/phase1Compute.test.ts: not kebab-case (<subject>.test.ts, lower case words joined by -)",
      "./__tests__/tenant.test.js: jest runs only *.test.ts files; rename it to <subject>.test.ts",
      "./worker/router.test.ts: tests live in __tests__/ (jest looks nowhere else)",
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
