#!/usr/bin/env node
// Transpiles the TypeScript sources to dist/ with swc (no type-checking: `npm run typecheck` does
// that). Only files newer than their output are rebuilt. A file that does not parse (a typo in
// phases/phase2.ts, say) is reported as one line per error, file:line:column, and exits 2 (bad
// input): swc's own error is a Rust backtrace that names neither the file's line nor the fix.
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const DIRS = ["config", "phases", "lib", "tools", "stacks", "modules", "policy", "scripts", "worker"];

/** The sources to transpile, relative to root. */
function sources(root) {
  const files = ["main.ts"];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") && !entry.name.endsWith(".test.ts")) files.push(rel);
    }
  };
  DIRS.filter((d) => fs.existsSync(path.join(root, d))).forEach(walk);
  return files.filter((rel) => fs.existsSync(path.join(root, rel)));
}

/**
 * The syntax errors of a file that swc refused, one line each: `file:line:column: syntax error:
 * message (the line). Fix: ...`. TypeScript's parser gives the exact position and a readable message
 * (loaded only here, on failure); swc's first message line is the fallback.
 */
function syntaxErrorLines(rel, source, swcError) {
  const fix = `Fix: correct ${rel} at that spot (git diff ${rel} shows what changed; npm run typecheck checks every file)`;
  const lines = source.split(/\r?\n/);
  const shown = (line) => JSON.stringify((lines[line - 1] ?? "").trim().slice(0, 80));
  try {
    const ts = require("typescript");
    const out = ts.transpileModule(source, { fileName: rel, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
    const found = (out.diagnostics ?? []).filter((d) => d.file !== undefined && d.start !== undefined);
    if (found.length > 0) {
      return found.slice(0, 5).map((d) => {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        const message = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\.$/, "");
        return `${rel}:${line + 1}:${character + 1}: syntax error: ${message} (in ${shown(line + 1)}). ${fix}`;
      });
    }
  } catch {
    // typescript missing or failing: fall back to swc's message below.
  }
  const text = String((swcError && swcError.message) || swcError);
  const message = (/x (.+)/.exec(text) || [, "the file does not parse"])[1].trim();
  const at = /,-\[[^\]]*:(\d+):(\d+)\]/.exec(text);
  return [`${rel}${at ? `:${at[1]}:${at[2]}` : ""}: syntax error: ${message}${at ? ` (in ${shown(Number(at[1]))})` : ""}. ${fix}`];
}

/**
 * Type errors in the phase files that changed (`maxInstances: "5"`, `phase2.databse`): swc strips
 * types without reading them, so without this a type error surfaces as a runtime stack trace or not
 * at all. Only phases/*.ts are checked, and only when one was rebuilt: the rest of the repository is
 * `npm run typecheck`'s, and an unchanged checkout pays nothing. Unused names are not errors here.
 */
function typeErrorLines(root, changed) {
  const ts = require("typescript");
  const configFile = path.join(root, "tsconfig.json");
  const parsed = fs.existsSync(configFile)
    ? ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })
    : undefined;
  const options = {
    ...(parsed
      ? parsed.options
      : { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, lib: ["lib.es2022.d.ts"] }),
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: [],
    incremental: false,
  };
  const program = ts.createProgram(
    changed.map((rel) => path.join(root, rel)),
    options,
  );
  const phases = path.join(root, "phases") + path.sep;
  const lines = [];
  for (const file of program.getSourceFiles().filter((f) => path.resolve(f.fileName).startsWith(phases))) {
    const rel = path.relative(root, path.resolve(file.fileName));
    const source = file.text.split(/\r?\n/);
    for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
      if (d.start === undefined || d.category !== ts.DiagnosticCategory.Error) continue;
      const { line, character } = file.getLineAndCharacterOfPosition(d.start);
      const message = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\.$/, "");
      lines.push(
        `${rel}:${line + 1}:${character + 1}: type error: ${message} (in ${JSON.stringify(source[line].trim().slice(0, 80))}). Fix: give the setting a value of the type phases/types.ts declares (npm run typecheck checks every file)`,
      );
    }
  }
  return lines;
}

/** Transpiles what changed under root into root/dist; returns the exit code (2 when a file does not parse or a phase file has a type error). */
function build(root = ROOT, io = { stderr: (t) => process.stderr.write(t) }) {
  const { transformSync } = require("@swc/core");
  const out = path.join(root, "dist");
  const files = sources(root);
  const errors = [];
  /** Phase files transpiled in this run: their types are checked below. */
  const changedPhases = [];
  let built = 0;
  for (const rel of files) {
    const src = path.join(root, rel);
    const dest = path.join(out, rel.replace(/\.ts$/, ".js"));
    if (fs.existsSync(dest) && fs.statSync(dest).mtimeMs >= fs.statSync(src).mtimeMs) continue;
    const source = fs.readFileSync(src, "utf8");
    let code;
    try {
      ({ code } = transformSync(source, {
        filename: src,
        sourceMaps: "inline",
        module: { type: "commonjs" },
        jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      }));
    } catch (e) {
      // Every file is still tried, so one run lists every broken file; none of them gets an output.
      errors.push(...syntaxErrorLines(rel, source, e));
      continue;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, code);
    built++;
    if (rel.startsWith(`phases${path.sep}`) && !rel.endsWith(`${path.sep}types.ts`)) changedPhases.push({ rel, dest });
  }
  if (errors.length === 0 && changedPhases.length > 0) {
    const typeErrors = typeErrorLines(
      root,
      changedPhases.map((c) => c.rel),
    );
    // Their outputs go, so the next build checks them again instead of skipping them as up to date.
    if (typeErrors.length > 0) for (const { dest } of changedPhases) fs.rmSync(dest, { force: true });
    errors.push(...typeErrors.slice(0, 10));
  }
  // JSON data the code reads at run time (tenant registries) is read from the source tree.
  if (process.env.BUILD_VERBOSE) io.stderr(`build: ${built} of ${files.length} files transpiled\n`);
  for (const line of errors) io.stderr(`build: ${line}\n`);
  return errors.length > 0 ? 2 : 0;
}

module.exports = { build, syntaxErrorLines };

if (require.main === module) process.exitCode = build();
