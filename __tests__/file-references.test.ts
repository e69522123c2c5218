import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * Issue 21 item 7: no comment or page points at a file of this repository that does not exist (a
 * rename that forgot its references). Every path-like mention of a top-level folder of the
 * repository, in every tracked source, workflow and page, must name a file that is there.
 */
const ROOT = path.join(__dirname, "..");
const FOLDERS = [
  "docs",
  "stacks",
  "modules",
  "lib",
  "config",
  "phases",
  "tools",
  "scripts",
  "policy",
  "functions",
  "backup",
  "worker",
  "__tests__",
  ".ci",
  "terraform-cli",
  "pricing",
];
const REFERENCE = new RegExp(
  `(?<![\\w./-])((?:${FOLDERS.map((f) => f.replace(".", "\\.")).join("|")})/[A-Za-z0-9_./-]+\\.(?:json|js|ts|md|yml|sh|py|tfrc|hcl)(?![\\w]))`,
  "g",
);

/** Mentions that are not files of this repository, each with why. */
const NOT_OURS: Readonly<Record<string, string>> = {
  "lib/bridge.js": "a file of the HCL parser package (config/hcl.ts)",
  "phases/phaseN.ts": "a pattern for phase1.ts .. phase4.ts",
  "phases/tenants/test.json": "a registry a test writes",
  "scripts/plan-gate.js": "the built script (dist/scripts/plan-gate.js)",
  "scripts/tenant.js": "the built script (dist/scripts/tenant.js)",
  "__tests__/new-plan.test.ts": "a file name given to the layer rule under test",
};

test("every tracked file's mention of a repository path names a file that exists", () => {
  const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => /\.(ts|js|mjs|md|yml|yaml|sh|py)$/.test(f) || f.startsWith(".ci/"))
    .filter((f) => !f.startsWith("docs/diagrams/") && !f.startsWith("__tests__/fixtures/") && f !== "__tests__/file-references.test.ts");
  expect(tracked.length).toBeGreaterThan(200);
  const dangling: string[] = [];
  let seen = 0;
  for (const file of tracked) {
    const full = path.join(ROOT, file);
    if (!fs.existsSync(full)) continue;
    for (const m of fs.readFileSync(full, "utf8").matchAll(REFERENCE)) {
      seen++;
      const ref = m[1].replace(/\.$/, "");
      if (NOT_OURS[ref] || fs.existsSync(path.join(ROOT, ref))) continue;
      dangling.push(`${file}: ${ref}`);
    }
  }
  expect(seen).toBeGreaterThan(300);
  expect(dangling).toEqual([]);
});
