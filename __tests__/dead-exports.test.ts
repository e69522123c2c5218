import * as fs from "fs";
import * as path from "path";
import { deadExports } from "../tools/dead-exports";
import { tempDir } from "./temp-dirs";

const ROOT = path.join(__dirname, "..");

test("no dead exports: every export of the sources is imported by another file, a test or an entry point", () => {
  const dead = deadExports(ROOT).map(
    (d) => `${d.file}: ${d.name}${d.usedInFile ? " (used in its file: drop `export`)" : " (unused: delete it)"}`,
  );
  expect(dead).toEqual([]);
});

/** A throwaway repository: relative path to file text (written `./lib/a.ts`, so file-references.test.ts does not take it for a file of this one). */
function tree(files: Record<string, string>): string {
  const root = tempDir("dead-exports-");
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const deadIn = (files: Record<string, string>): string[] => {
  const root = tree(files);
  try {
    return deadExports(root).map((d) => `./${d.file}: ${d.name}${d.usedInFile ? " (in file)" : ""}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
};

describe("what counts as a use", () => {
  test("an export nobody imports is dead; one its own file uses is told apart", () => {
    expect(
      deadIn({
        "./lib/a.ts": "export const used = 1;\nexport const unused = 2;\nexport const local = 3;\nconst twice = local * 2;\nvoid twice;\n",
        "./lib/b.ts": 'import { used } from "./a";\nvoid used;\n',
      }),
    ).toEqual(["./lib/a.ts: local (in file)", "./lib/a.ts: unused"]);
  });

  test("tests are importers: a symbol only a test imports is kept", () => {
    expect(
      deadIn({
        "./tools/x.ts": "export function parse(s: string): number {\n  return Number(s);\n}\n",
        "./__tests__/x.test.ts": 'import { parse } from "../tools/x";\ntest("p", () => expect(parse("1")).toBe(1));\n',
      }),
    ).toEqual([]);
  });

  test("require, dynamic import and import(...).Name types count, by the names they take", () => {
    expect(
      deadIn({
        "./lib/m.ts":
          "export const a = 1;\nexport const b = 2;\nexport const c = 3;\nexport interface T {\n  x: number;\n}\nexport const d = 4;\n",
        "./__tests__/u.test.ts": [
          'const { a } = require("../lib/m") as typeof import("../lib/m");',
          'const m = require("../lib/m");',
          "void m.b;",
          'test("t", async () => {',
          '  const { c } = await import("../lib/m");',
          '  const t: import("../lib/m").T = { x: a + c };',
          "  void t;",
          "});",
        ].join("\n"),
      }),
    ).toEqual(["./lib/m.ts: d"]);
  });

  test("a re-export is a use only when its own name is imported; it passes the use on to the declaring file", () => {
    expect(
      deadIn({
        "./config/impl.ts": "export const kept = 1;\nexport const relayed = 2;\nexport const star = 3;\nexport const starUnused = 4;\n",
        "./config/index.ts": 'export { kept, relayed } from "./impl";\n',
        "./config/all.ts": 'export * from "./impl";\n',
        "./main.ts": 'import { kept } from "./config/index";\nimport { star } from "./config/all";\nvoid kept;\nvoid star;\n',
      }),
    ).toEqual(["./config/impl.ts: relayed", "./config/impl.ts: starUnused", "./config/index.ts: relayed"]);
  });

  test("entry points: main.ts's exports and every script's spec are loaded by path", () => {
    expect(
      deadIn({
        "./main.ts": "export const spec = {};\nexport function synthWarnings(): string[] {\n  return [];\n}\n",
        "./scripts/cost.ts": "export const spec = {};\nexport function main(): void {}\nmain();\n",
      }),
    ).toEqual(["./scripts/cost.ts: main (in file)"]);
  });

  test("a type named in a live export's signature is its public surface; one used only in a body is not", () => {
    expect(
      deadIn({
        "./modules/c.ts": [
          "export interface Inner {\n  n: number;\n}",
          "export interface CProps {\n  inner?: Inner;\n}",
          "export interface BodyOnly {\n  s: string;\n}",
          "export class C {\n  constructor(props: CProps) {\n    const b: BodyOnly = { s: String(props.inner?.n) };\n    void b;\n  }\n}",
        ].join("\n"),
        "./stacks/s.ts": 'import { C } from "../modules/c";\nnew C({});\n',
      }),
    ).toEqual(["./modules/c.ts: BodyOnly (in file)"]);
  });
});
