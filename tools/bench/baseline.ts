import * as fs from "fs";
import * as path from "path";

/**
 * The cdktf template's default way of running an app, for the baseline: a copy of the sources in
 * which every deep provider import (`@cdktf/provider-aws/lib/db-instance`) is rewritten to the
 * package root (`import * as aws from "@cdktf/provider-aws"`, `aws.dbInstance.DbInstance`), run with
 * ts-node (type-checking on, as the template does). Generated at bench time, never committed.
 */

/** Source folders the app needs (scripts/ and tests are not part of a synth). */
const APP_DIRS = ["config", "phases", "lib", "stacks", "modules", "policy", "worker"];
const APP_FILES = ["main.ts", "tsconfig.json", "terraform.tfvars.example"];

const DEEP_IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+"@cdktf\/provider-(aws|cloudflare|github)\/lib\/([^"]+)";\n?/g;

/** Captured by split(), so odd parts are literals and comments: left untouched. */
const STRINGS_AND_COMMENTS = /(\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)/;

/** db-instance -> dbInstance: the name each module has on the package root's index. */
export const namespaceOf = (modulePath: string): string => modulePath.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Rewrites one file's deep provider imports to package-root imports. */
export function rootImports(source: string): string {
  const renames: [string, string][] = [];
  const providers = new Set<string>();
  let text = source.replace(DEEP_IMPORT, (_m, _type, names: string, provider: string, mod: string) => {
    providers.add(provider);
    for (const part of names
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [imported, local] = part.split(/\s+as\s+/).map((s) => s.trim());
      renames.push([local ?? imported, `${provider}.${namespaceOf(mod)}.${imported}`]);
    }
    return "";
  });
  // Identifiers in code only: string literals and comments are left as they are (a description
  // may say "Managed Ruleset"), and so are property accesses (x.Name) and object keys.
  const parts = text.split(STRINGS_AND_COMMENTS);
  for (let i = 0; i < parts.length; i += 2) {
    for (const [local, qualified] of renames) {
      parts[i] = parts[i].replace(new RegExp(`(?<![.\\w$])${local}(?![\\w$:])`, "g"), qualified);
    }
  }
  text = parts.join("");
  const header = [...providers].map((p) => `import * as ${p} from "@cdktf/provider-${p}";\n`).join("");
  return header + text;
}

function copyTree(from: string, to: string, transform: (file: string, text: string) => string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(dest, { recursive: true });
      copyTree(src, dest, transform);
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
      fs.writeFileSync(dest, transform(src, fs.readFileSync(src, "utf8")));
    } else if (!entry.name.endsWith(".test.ts")) {
      fs.copyFileSync(src, dest);
    }
  }
}

/** Writes the package-root copy of the app into `dir` (node_modules linked, not copied). */
export function writeBaselineApp(root: string, dir: string): { rewrittenFiles: number } {
  let rewritten = 0;
  const transform = (_file: string, text: string) => {
    const out = text.includes("@cdktf/provider-") ? rootImports(text) : text;
    if (out !== text) rewritten++;
    return out;
  };
  for (const d of APP_DIRS.filter((x) => fs.existsSync(path.join(root, x)))) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
    copyTree(path.join(root, d), path.join(dir, d), transform);
  }
  for (const f of APP_FILES) fs.writeFileSync(path.join(dir, f), transform(f, fs.readFileSync(path.join(root, f), "utf8")));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { rewrittenFiles: rewritten };
}
