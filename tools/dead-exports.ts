import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * Exports that no other file imports. TypeScript's parser only, with the imports resolved here: a
 * type-checked program of the repository takes about 6 s (`npx tsc`), parsing its 460 files about 2 s
 * of CPU (mostly the parser's warm-up). The project imports its own files by relative path only, with
 * no path aliases, so `./x` is x.ts or x/index.ts.
 *
 * Tests count as importers: a unit's tests import what they prove (a validation, a parser), and that
 * is a use. A symbol nobody imports, not even a test, is dead: delete it, or drop its `export` when
 * its own file uses it (`usedInFile`).
 *
 * A type named in the signature of a live export of its file (a construct's props interface, a
 * function's parameter or result type) is that export's public surface, not dead: every caller
 * writes a value of it, and aws-cdk exports its props the same way.
 */

/** The folders whose exports are checked (`__tests__/` helpers are the tests' own business). */
const SOURCE_DIRS = ["config", "phases", "lib", "modules", "stacks", "policy", "tools", "scripts", "worker"];
/** Folders that only import: the tests. */
const IMPORTER_DIRS = ["__tests__"];

/**
 * Exports reached by file path, not by an import: main.ts is cdktf.json's "app" (`node dist/main.js`)
 * and `npm run synth`; every scripts/*.ts is an npm script whose `spec` is its command-line interface
 * (`--help`, docs/commands.md).
 */
const ENTRY_POINTS: { file: RegExp; names: "*" | string[] }[] = [
  { file: /^main\.ts$/, names: "*" },
  { file: /^scripts\/[^/]+\.ts$/, names: ["spec"] },
];

export interface DeadExport {
  /** Relative to the root, with `/`. */
  file: string;
  name: string;
  /** The name occurs in its own file beyond its declaration: drop `export` instead of deleting it. */
  usedInFile: boolean;
}

interface Export {
  name: string;
  /** `export { a as name } from "./x"` (or of an imported binding): a use of name here is a use of a in x. */
  from?: { file: string; name: string };
  node: ts.Node;
}

interface Module {
  file: string;
  source: ts.SourceFile;
  exports: Map<string, Export>;
  /** `export * from "./x"`: names not declared here are looked up there. */
  stars: string[];
}

function listFiles(root: string, dir: string, out: string[]): void {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return;
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") listFiles(root, rel, out);
    } else if (/\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
}

const isTest = (file: string): boolean => file.endsWith(".test.ts") || IMPORTER_DIRS.some((d) => file.startsWith(`${d}/`));

function resolve(root: string, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, ".ts")]) {
    if (candidate.endsWith(".ts") && fs.existsSync(path.join(root, candidate))) return candidate;
  }
  return undefined;
}

const hasExport = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const hasDefault = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

/** Names bound by `import ... from "./x"` in this file, to the file and name they come from. */
function importedBindings(root: string, file: string, source: ts.SourceFile): Map<string, { file: string; name: string }> {
  const bindings = new Map<string, { file: string; name: string }>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const target = resolve(root, file, statement.moduleSpecifier.text);
    const named = statement.importClause?.namedBindings;
    if (!target || !named || !ts.isNamedImports(named)) continue;
    for (const element of named.elements)
      bindings.set(element.name.text, { file: target, name: (element.propertyName ?? element.name).text });
  }
  return bindings;
}

function parseModule(root: string, file: string): Module {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const exports = new Map<string, Export>();
  const stars: string[] = [];
  const imported = importedBindings(root, file, source);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const target =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? resolve(root, file, statement.moduleSpecifier.text)
          : undefined;
      const clause = statement.exportClause;
      if (!clause) {
        if (target) stars.push(target);
      } else if (ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          const local = (element.propertyName ?? element.name).text;
          const from = target ? { file: target, name: local } : imported.get(local);
          exports.set(element.name.text, { name: element.name.text, from, node: element });
        }
      } else {
        exports.set(clause.name.text, { name: clause.name.text, node: clause });
      }
    } else if (ts.isExportAssignment(statement)) {
      exports.set("default", { name: "default", node: statement });
    } else if (hasExport(statement)) {
      if (hasDefault(statement)) exports.set("default", { name: "default", node: statement });
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations)
          for (const name of boundNames(declaration.name)) exports.set(name, { name, node: declaration });
      } else {
        const name = (statement as ts.DeclarationStatement).name;
        if (name && ts.isIdentifier(name)) exports.set(name.text, { name: name.text, node: statement });
      }
    }
  }
  return { file, source, exports, stars };
}

function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(e.name)));
}

/** `ns.a`, `ns.b` of a namespace-like binding; undefined when ns is used whole (passed on, spread): every export counts. */
function memberNames(source: ts.SourceFile, binding: ts.Identifier): string[] | undefined {
  const names: string[] = [];
  let whole = false;
  const visit = (node: ts.Node): void => {
    if (whole) return;
    if (ts.isIdentifier(node) && node !== binding && node.text === binding.text) {
      const parent = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) names.push(parent.name.text);
      else if (ts.isQualifiedName(parent) && parent.left === node) names.push(parent.right.text);
      else if (!(ts.isPropertyAccessExpression(parent) && parent.name === node)) whole = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return whole ? undefined : names;
}

/** What a `require("./x")` or `import("./x")` call takes: destructured names, `.name`, or a binding's members. */
function namesTakenBy(source: ts.SourceFile, call: ts.Expression): string[] | undefined {
  let node: ts.Node = call;
  while (
    ts.isParenthesizedExpression(node.parent) ||
    ts.isAsExpression(node.parent) ||
    ts.isAwaitExpression(node.parent) ||
    ts.isNonNullExpression(node.parent)
  )
    node = node.parent;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return [parent.name.text];
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) {
    if (ts.isObjectBindingPattern(parent.name))
      return parent.name.elements.map(
        (e) => (e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName : (e.name as ts.Identifier)).text,
      );
    if (ts.isIdentifier(parent.name)) return memberNames(source, parent.name);
  }
  return undefined;
}

/** Every (file, name) some file imports, by import, re-export, require or dynamic import; "*" for all of a file's exports. */
function importsOf(root: string, module: Module): { file: string; name: string }[] {
  const uses: { file: string; name: string }[] = [];
  const take = (target: string | undefined, names: string[] | undefined): void => {
    if (target) for (const name of names ?? ["*"]) uses.push({ file: target, name });
  };
  const { file, source } = module;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const target = resolve(root, file, node.moduleSpecifier.text);
      const clause = node.importClause;
      if (clause?.name) take(target, ["default"]);
      const named = clause?.namedBindings;
      if (named && ts.isNamedImports(named))
        take(
          target,
          named.elements.map((e) => (e.propertyName ?? e.name).text),
        );
      else if (named && ts.isNamespaceImport(named)) take(target, memberNames(source, named.name));
      else if (!clause) take(target, []); // import "./x" for its side effects
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) take(resolve(root, file, expression.text), memberNames(source, node.name));
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require");
      if (loads) take(resolve(root, file, node.arguments[0].text), namesTakenBy(source, node));
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // `import("./x").Name` in a type; a bare `typeof import("./x")` only types a require beside it.
      const qualifier = node.qualifier;
      if (qualifier) {
        let first: ts.EntityName = qualifier;
        while (ts.isQualifiedName(first)) first = first.left;
        take(resolve(root, file, node.argument.literal.text), [first.text]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

const isType = (node: ts.Node): boolean => ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isEnumDeclaration(node);

/** Type names in a declaration's signature: everything but function bodies and (non-function) variable initializers. */
function signatureTypeNames(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isBlock(n)) return;
    if (ts.isVariableDeclaration(n) && n.initializer && !ts.isArrowFunction(n.initializer) && !ts.isFunctionExpression(n.initializer)) {
      if (n.type) visit(n.type);
      return;
    }
    if (ts.isArrowFunction(n) && !ts.isBlock(n.body)) {
      n.parameters.forEach(visit);
      if (n.type) visit(n.type);
      return;
    }
    if (ts.isTypeReferenceNode(n)) {
      let first: ts.EntityName = n.typeName;
      while (ts.isQualifiedName(first)) first = first.left;
      names.add(first.text);
    } else if (ts.isExpressionWithTypeArguments(n) && ts.isIdentifier(n.expression)) names.add(n.expression.text);
    else if (ts.isTypeQueryNode(n) && ts.isIdentifier(n.exprName)) names.add(n.exprName.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/** Marks the exported types that a live export of the same file names in its signature, until nothing changes. */
function markSignatureTypes(module: Module, alive: (name: string) => boolean, mark: (name: string) => void): void {
  const types = [...module.exports.values()].filter((e) => !e.from && isType(e.node));
  let changed = true;
  while (changed) {
    changed = false;
    const named = new Set<string>();
    for (const exported of module.exports.values())
      if (alive(exported.name) && !exported.from) for (const name of signatureTypeNames(exported.node)) named.add(name);
    for (const type of types)
      if (!alive(type.name) && named.has(type.name)) {
        mark(type.name);
        changed = true;
      }
  }
}

/** Whether the name occurs in its own file other than where it is declared and exported. */
function usedInFile(module: Module, exported: Export): boolean {
  let used = false;
  const declared = ts.isVariableDeclaration(exported.node) ? exported.node.name : (exported.node as ts.DeclarationStatement).name;
  const visit = (node: ts.Node): void => {
    if (used) return;
    if (ts.isIdentifier(node) && node.text === exported.name && node !== declared) {
      const parent = node.parent;
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isExportSpecifier(parent) && parent.name === node && parent.propertyName !== undefined) ||
        ((ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node);
      if (!isMemberName) used = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(module.source);
  return used;
}

/** Every export of SOURCE_DIRS and main.ts that no other file imports (entry points excepted), sorted by file and name. */
export function deadExports(root: string): DeadExport[] {
  const files = ["main.ts"].filter((f) => fs.existsSync(path.join(root, f)));
  for (const dir of [...SOURCE_DIRS, ...IMPORTER_DIRS]) listFiles(root, dir, files);
  const modules = new Map(files.map((file) => [file, parseModule(root, file)]));

  const used = new Set<string>();
  const key = (file: string, name: string): string => `${file}\0${name}`;
  /** Marks (file, name) used and follows re-exports to the file that declares it. */
  const mark = (file: string, name: string, seen = new Set<string>()): void => {
    const module = modules.get(file);
    if (!module || seen.has(key(file, name))) return;
    seen.add(key(file, name));
    if (name === "*") {
      for (const exported of module.exports.keys()) mark(file, exported, seen);
      for (const star of module.stars) mark(star, "*", seen);
      return;
    }
    used.add(key(file, name));
    const exported = module.exports.get(name);
    if (exported?.from) mark(exported.from.file, exported.from.name, seen);
    else if (!exported) for (const star of module.stars) mark(star, name, seen);
  };
  for (const module of modules.values()) {
    for (const use of importsOf(root, module)) if (use.file !== module.file) mark(use.file, use.name);
    for (const entry of ENTRY_POINTS)
      if (entry.file.test(module.file)) for (const name of entry.names === "*" ? ["*"] : entry.names) mark(module.file, name);
  }

  for (const module of modules.values())
    markSignatureTypes(
      module,
      (name) => used.has(key(module.file, name)),
      (name) => mark(module.file, name),
    );

  const dead: DeadExport[] = [];
  for (const module of modules.values()) {
    if (isTest(module.file)) continue;
    for (const exported of module.exports.values())
      if (!used.has(key(module.file, exported.name)))
        dead.push({ file: module.file, name: exported.name, usedInFile: usedInFile(module, exported) });
  }
  return dead.sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
}
