import * as fs from "fs";
import * as path from "path";

/** The folders of the sources, where a test file would never run. */
const SOURCE_DIRS = ["config", "phases", "lib", "modules", "stacks", "policy", "tools", "scripts", "worker", "functions", "backup"];
/** Kebab-case subject, then `.test.ts` (docs/testing.md). */
const TEST_FILE = /^[a-z0-9]+(-[a-z0-9]+)*\.test\.ts$/;
/** Names other tools use for a test file, which jest (its testMatch is *.test.ts) would never run. */
const OTHER_TEST_NAMES = /([._-](test|tests|spec)\.[cm]?[jt]sx?|\.test\.[cm]?jsx?|\.spec\.ts)$/;

/**
 * The test files that break the naming scheme, as `file: what is wrong`.
 * A helper (any other `.ts` in `__tests__/`) must be kebab-case too and imported by a test or named in
 * jest.config.js: a test file named like a helper is never run, and nothing says so.
 */
export function testFileProblems(root: string): string[] {
  const files: string[] = [];
  for (const dir of ["__tests__", ...SOURCE_DIRS]) listAll(root, dir, files);
  const problems: string[] = [];
  const jestConfig = fs.existsSync(path.join(root, "jest.config.js")) ? fs.readFileSync(path.join(root, "jest.config.js"), "utf8") : "";
  const imported = new Set(files.filter((f) => f.endsWith(".ts")).flatMap((f) => relativeImports(root, f)));
  for (const file of files) {
    const name = path.posix.basename(file);
    if (file.includes("/fixtures/")) continue;
    if (!file.startsWith("__tests__/")) {
      if (name.endsWith(".test.ts") || OTHER_TEST_NAMES.test(name))
        problems.push(`${file}: tests live in __tests__/ (jest looks nowhere else)`);
    } else if (name.endsWith(".test.ts")) {
      if (!TEST_FILE.test(name)) problems.push(`${file}: not kebab-case (<subject>.test.ts, lower case words joined by -)`);
    } else if (OTHER_TEST_NAMES.test(name)) {
      problems.push(`${file}: jest runs only *.test.ts files; rename it to <subject>.test.ts`);
    } else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*\.ts$/.test(name)) problems.push(`${file}: a helper's name is kebab-case too`);
      else if (!imported.has(file) && !jestConfig.includes(file))
        problems.push(`${file}: neither a test (*.test.ts, which jest runs) nor imported by one nor named in jest.config.js`);
    }
  }
  return problems.sort();
}

/**
 * The files a test file loads by relative path (import, export from, require, import()). A regular
 * expression is enough here: a missed import only makes a helper look unused, which fails loudly.
 */
function relativeImports(root: string, file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom|\brequire\(|\bimport\()\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
    found.push(...[base, `${base}.ts`, `${base}/index.ts`].filter((f) => f.endsWith(".ts")));
  }
  return found;
}

function listAll(root: string, dir: string, out: string[]): void {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return;
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) listAll(root, rel, out);
    else out.push(rel);
  }
}
