import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../config/deployment";
import { RULES } from "../../policy";
import { checkPhase, exitCodeOf, render, runCheck } from "../../scripts/check";
import { EXAMPLE_VARS } from "../helpers";

const ARGS = ["--phase", "1", "--vars", EXAMPLE_VARS, "--compute", "apprunner"];

// One synth for the whole file, into .check/phase1-apprunner (git-ignored); each format renders it.
const checked = checkPhase(ARGS, {});
const report = JSON.parse(render("json", checked));

describe("npm run check", () => {
  test("json: every rule evaluated, and every finding with its fields", () => {
    expect(report).toMatchObject({ phase: 1, compute: "apprunner", stacks: expect.any(Number) });
    expect(report.rules).toHaveLength(RULES.length);
    for (const r of report.rules) expect(Object.keys(r)).toEqual(expect.arrayContaining(["id", "level", "title", "mirrors"]));
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(["ruleId", "level", "stack", "address", "message", "suppressed"]));
      if (f.suppressed) expect(f.reason.length).toBeGreaterThanOrEqual(10);
    }
    const errors = report.findings.filter((f: any) => f.level === "error" && !f.suppressed).length;
    expect(report.summary.errors).toBe(errors);
    expect(exitCodeOf(checked.findings)).toBe(errors > 0 ? 1 : 0);
  });

  test("the modules' deliberate deviations arrive suppressed with their reasons", () => {
    // ECR tags are immutable now: nothing left to suppress there.
    expect(report.findings.filter((f: any) => f.ruleId === "RX-ECR-4")).toEqual([]);
    const accessLogs = report.findings.find((f: any) => f.ruleId === "RX-S3-5" && f.stack === "storage");
    expect(accessLogs).toMatchObject({ suppressed: true, reason: expect.stringMatching(/access-log bucket/) });
  });

  test("sarif: 2.1.0 with the rules, a location in the synthesized file and suppressions with justification", () => {
    const sarif = JSON.parse(render("sarif", checked));
    expect(sarif.version).toBe("2.1.0");
    const [r] = sarif.runs;
    expect(r.tool.driver.rules.map((x: any) => x.id)).toEqual(RULES.map((x) => x.id));
    expect(r.results).toHaveLength(report.findings.length);
    for (const res of r.results) {
      expect(r.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      const loc = res.locations[0].physicalLocation;
      const file = path.join(ROOT, loc.artifactLocation.uri);
      expect(fs.existsSync(file)).toBe(true);
      const name = res.locations[0].logicalLocations[0].name.split(".").pop();
      expect(fs.readFileSync(file, "utf8").split("\n")[loc.region.startLine - 1]).toContain(`"${name}": {`);
    }
    const suppressed = r.results.filter((x: any) => x.suppressions);
    expect(suppressed.length).toBe(report.summary.suppressed);
    for (const x of suppressed) expect(x.suppressions[0]).toEqual({ kind: "inSource", justification: expect.any(String) });
  });

  test("table: open findings with fixes, suppressed ones with reasons, and a verdict", () => {
    const table = render("table", checked);
    expect(table).toMatch(/^Policy check, phase 1 \(apprunner\): \d+ stacks, \d+ rules/m);
    expect(table).toContain(`Suppressed (${report.summary.suppressed}):`);
    expect(table).toContain("S3 cannot deliver a bucket's server access logs to the bucket itself");
    expect(table).toMatch(
      new RegExp(
        `${report.summary.errors} error\\(s\\), ${report.summary.warnings} warning\\(s\\), ${report.summary.suppressed} suppressed: (FAIL|pass)$`,
      ),
    );
  });

  test("an unknown format is refused before anything is synthesized", () => {
    expect(runCheck([...ARGS, "--format", "xml"], {})).toMatchObject({
      exitCode: 2,
      output: expect.stringMatching(/--format: got "xml"; expected one of table, json, sarif/),
    });
  });
});
