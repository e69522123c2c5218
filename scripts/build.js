#!/usr/bin/env node
// Transpiles the TypeScript sources to dist/ with swc (no type-checking: `npm run typecheck` does
// that). Only files newer than their output are rebuilt.
const fs = require("fs");
const path = require("path");
const { transformSync } = require("@swc/core");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "dist");
const dirs = ["config", "phases", "lib", "tools", "stacks", "modules", "policy", "scripts", "worker"];
const files = ["main.ts"];
const walk = (dir) => {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(rel);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") && !entry.name.endsWith(".test.ts")) files.push(rel);
  }
};
dirs.filter((d) => fs.existsSync(path.join(root, d))).forEach(walk);

let built = 0;
for (const rel of files) {
  const src = path.join(root, rel);
  const dest = path.join(out, rel.replace(/\.ts$/, ".js"));
  if (fs.existsSync(dest) && fs.statSync(dest).mtimeMs >= fs.statSync(src).mtimeMs) continue;
  const { code } = transformSync(fs.readFileSync(src, "utf8"), {
    filename: src,
    sourceMaps: "inline",
    module: { type: "commonjs" },
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
  });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, code);
  built++;
}
// JSON data the code reads at run time (tenant registries) is read from the source tree.
if (process.env.BUILD_VERBOSE) console.error(`build: ${built} of ${files.length} files transpiled`);
