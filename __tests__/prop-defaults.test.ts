import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * Issue 21 item 7: every optional prop documented with its `@default`, as aws-cdk documents its props.
 * A reader of `readonly x?: T` must learn what omitting it does without reading the code that consumes it:
 * `@default value` for a literal default, `@default - explanation` when the default is behaviour
 * ("- no alarm", "- required in practice: ..."). Parses the sources only (no synthesis): fast.
 */
const ROOT = path.join(__dirname, "..");
const FOLDERS = ["config", "phases", "lib", "modules", "stacks", "policy", "tools", "scripts", "worker"];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "__tests__" ? [] : sources(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

const exported = (node: ts.Node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

const nameOf = (name: ts.PropertyName) => (ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText());

/** A `@default` tag with something after it: `@default 7`, `@default - no alarm`. */
function hasDefault(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((tag) => {
    if (tag.tagName.text !== "default") return false;
    const text = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment);
    return (text ?? "").trim().length > 0;
  });
}

/** Every optional property signature under an exported interface or type alias, as `file:line Owner.prop`. */
function optionalProps(file: string, text: string): { where: string; documented: boolean }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { where: string; documented: boolean }[] = [];
  const walk = (node: ts.Node, owner: string) => {
    let next = owner;
    if (ts.isPropertySignature(node)) {
      next = `${owner}.${nameOf(node.name)}`;
      if (node.questionToken) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        found.push({ where: `${path.relative(ROOT, file)}:${line} ${next}`, documented: hasDefault(node) });
      }
    }
    ts.forEachChild(node, (child) => walk(child, next));
  };
  for (const statement of source.statements) {
    if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && exported(statement)) {
      walk(statement, statement.name.text);
    }
  }
  return found;
}

test("every optional prop of an exported interface or type literal has a @default", () => {
  const props = FOLDERS.filter((f) => fs.existsSync(path.join(ROOT, f)))
    .flatMap((f) => sources(path.join(ROOT, f)))
    .flatMap((file) => optionalProps(file, fs.readFileSync(file, "utf8")));
  // The scan must see the project's props (a wrong folder list would pass with nothing to check).
  expect(props.length).toBeGreaterThan(200);
  expect(props.filter((p) => !p.documented).map((p) => p.where)).toEqual([]);
});

test("the check reads the tag, its text, and nested type literals", () => {
  const props = optionalProps(
    path.join(ROOT, "x.ts"),
    [
      "export interface A {",
      "  /** Days kept. @default 7 */",
      "  readonly days?: number;",
      "  /**",
      "   * The alarm.",
      "   * @default - no alarm",
      "   */",
      "  readonly alarm?: string;",
      "  /** No tag. */",
      "  readonly bare?: string;",
      "  readonly undocumented?: string;",
      "  /** @default */",
      "  readonly empty?: string;",
      "  readonly required: {",
      "    /** @default 1 */",
      "    readonly inner?: number;",
      "    other?: number;",
      "  };",
      "}",
      "interface Private { readonly hidden?: string }",
      "export type T = { readonly t?: string };",
    ].join("\n"),
  );
  expect(props).toEqual([
    { where: "x.ts:3 A.days", documented: true },
    { where: "x.ts:8 A.alarm", documented: true },
    { where: "x.ts:10 A.bare", documented: false },
    { where: "x.ts:11 A.undocumented", documented: false },
    { where: "x.ts:13 A.empty", documented: false },
    { where: "x.ts:16 A.required.inner", documented: true },
    { where: "x.ts:17 A.required.other", documented: false },
    { where: "x.ts:21 T.t", documented: false },
  ]);
});
