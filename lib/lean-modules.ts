/**
 * The packages a synth loads carry their source maps inline: of the 16.8 MB of JavaScript under
 * node_modules that a phase 4 synth compiles (cdktf and the provider bindings jsii generated), 10.9 MB
 * are one `//# sourceMappingURL=data:application/json;base64,...` comment at the end of each file.
 * V8 scans all of it on every start. Node reads those maps only under --enable-source-maps, so for
 * a file of those packages (cdktf, @cdktf/provider-*: CommonJS that jsii compiled) that ends with
 * such a comment the loader compiles the file without it; nothing else in the file changes, and a
 * stack trace still names the same file, line and column. Every other file loads as Node loads it.
 *
 * Installed first thing by the synth entry points (main.ts, tools/synth.ts), before cdktf loads.
 * Not installed under --enable-source-maps or with RESTARTIX_LEAN_MODULES=0.
 * __tests__/lean-modules.test.ts loads package files with and without it in a child process.
 */
import * as fs from "fs";
import * as path from "path";

const Module = require("module") as {
  _extensions: Record<string, (module: { _compile(content: string, filename: string): unknown }, filename: string) => void>;
};

const MARKER = "\n//# sourceMappingURL=data:";
/** The packages it applies to: jsii's CommonJS output (no BOM, no ES modules). */
const PACKAGES = [`${path.sep}node_modules${path.sep}cdktf${path.sep}`, `${path.sep}node_modules${path.sep}@cdktf${path.sep}provider-`];
let installed = false;

/** The file's text without a trailing inline source map (the comment must be the file's last line). */
export function withoutInlineSourceMap(text: string): string {
  const at = text.lastIndexOf(MARKER);
  if (at < 0) return text;
  const end = text.indexOf("\n", at + MARKER.length);
  if (end >= 0 && text.slice(end).trim() !== "") return text;
  return text.slice(0, at + 1);
}

/** Installs the loader change once per process; false when it is off, not wanted, or already installed. */
function loadPackagesWithoutInlineMaps(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): boolean {
  if (installed || env.RESTARTIX_LEAN_MODULES === "0") return false;
  if (execArgv.includes("--enable-source-maps") || /--enable-source-maps/.test(env.NODE_OPTIONS ?? "")) return false;
  const original = Module._extensions[".js"];
  Module._extensions[".js"] = function (module, filename) {
    if (!filename.endsWith(".js") || !PACKAGES.some((p) => filename.includes(p))) return original(module, filename);
    const text = fs.readFileSync(filename, "utf8");
    const lean = withoutInlineSourceMap(text);
    if (lean === text) return original(module, filename);
    module._compile(lean, filename);
  };
  installed = true;
  return true;
}

loadPackagesWithoutInlineMaps();
