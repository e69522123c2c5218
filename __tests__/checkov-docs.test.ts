import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { synth } from "./helpers";

/**
 * checkov 3.3.13 crashes on `terraform.required_version` in cdk.tf.json (bridgecrewio/checkov#7454):
 * every checkov command the repository documents scans either a copy without it, or a plan's JSON.
 */
const DOC = fs.readFileSync(path.join(ROOT, "docs", "security-and-compliance.md"), "utf8");
const CONFIG = fs.readFileSync(path.join(ROOT, ".checkov.yaml"), "utf8");
const commands = (text: string) => text.split("\n").filter((l) => /^\s*#?\s*checkov -/.test(l));

test("the synthesized stacks do carry terraform.required_version (what checkov 3.3.13 crashes on)", () => {
  for (const s of synth({ phase: 1 }).stacks)
    expect([s.name, (s.json.terraform as { required_version?: string })?.required_version]).toEqual([s.name, ">= 1.10, < 2.0"]);
});

test.each([
  ["docs/security-and-compliance.md", DOC],
  [".checkov.yaml", CONFIG],
])("%s: no checkov command reads cdktf.out's cdk.tf.json as it is", (_, text) => {
  const found = commands(text);
  expect(found.length).toBeGreaterThan(0);
  for (const c of found) {
    expect(c).not.toMatch(/cdktf\.out/);
    expect(c).toMatch(/-d "?\.checkov-input\/\$?[<\w]|-f plan\.json --framework terraform_plan/);
  }
  // The copies are made without required_version, and nothing else changes.
  expect(text).toContain("jq 'del(.terraform.required_version)'");
});

test("the plan route deletes the plan JSON it scanned (it holds secrets in clear)", () => {
  expect(DOC).toMatch(/checkov -f plan\.json --framework terraform_plan[^\n]*\nrm plan\.json /);
});
