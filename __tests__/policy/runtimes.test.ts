import { runtimeProblem, RUNTIME_TABLE, RuntimeTable } from "../../policy/rules/lambda/runtime-dates";
import { SWEEPER_RUNTIME } from "../../modules/log-group-sweeper";
import { phase1 } from "../../phases/phase1";
import { runtimeCases } from "./cases/runtimes";
import { runCases } from "./harness";

runCases("Lambda and Synthetics runtimes (one dated table)", runtimeCases);

describe("the runtime table (policy/rules/lambda/runtime-dates.json) is checked against a given day", () => {
  test("nodejs20.x: open the day before its create block (2026-05-31), refused from 2026-06-01", () => {
    expect(runtimeProblem("lambda", "nodejs20.x", "2026-05-31")).toBeUndefined();
    expect(runtimeProblem("lambda", "nodejs20.x", "2026-06-01")).toMatch(/"nodejs20\.x" cannot be created since 2026-06-01/);
    expect(runtimeProblem("lambda", "nodejs20.x", "2026-12-07")).toMatch(/cannot be created/);
  });

  test("on 2026-12-07 nodejs22.x is open until 2027-05-31; nodejs24.x is open at AWS but refused by the pinned provider", () => {
    expect(runtimeProblem("lambda", "nodejs22.x", "2026-12-07")).toBeUndefined();
    expect(runtimeProblem("lambda", "nodejs22.x", "2027-05-31")).toBeUndefined();
    expect(runtimeProblem("lambda", "nodejs22.x", "2027-06-01")).toMatch(/since 2027-06-01/);
    expect(runtimeProblem("lambda", "nodejs24.x", "2026-12-07")).toMatch(
      /"nodejs24\.x" is open at AWS, but hashicorp\/aws 5\.100\.0 .* got nodejs24\.x/,
    );
  });

  test("Synthetics: syn-nodejs-puppeteer-9.1 (Node.js 20) refused from 2026-04-30; 15.0 open (no published date)", () => {
    expect(runtimeProblem("synthetics", "syn-nodejs-puppeteer-9.1", "2026-04-29")).toBeUndefined();
    expect(runtimeProblem("synthetics", "syn-nodejs-puppeteer-9.1", "2026-04-30")).toMatch(
      /Synthetics runtime "syn-nodejs-puppeteer-9\.1" cannot be created since 2026-04-30/,
    );
    expect(runtimeProblem("synthetics", "syn-nodejs-puppeteer-15.0", "2030-01-01")).toBeUndefined();
  });

  test("a runtime not in the table is refused, naming what is open that day", () => {
    expect(runtimeProblem("lambda", "python3.13", "2026-12-07")).toBe(
      'Lambda runtime "python3.13" is not in policy/rules/lambda/runtime-dates.json (its create-block date is unknown); supported on 2026-12-07: nodejs22.x',
    );
  });

  test("the dates come from the table passed in (a later table moves the verdict)", () => {
    const later: RuntimeTable = { ...RUNTIME_TABLE, lambda: { "nodejs24.x": { deprecated: "2026-01-01", createBlocked: "2026-02-01" } } };
    expect(runtimeProblem("lambda", "nodejs24.x", "2026-12-07", later)).toMatch(/since 2026-02-01/);
  });

  test("every row is well formed: ISO days in order, sources listed, the day it was checked", () => {
    const day = /^\d{4}-\d{2}-\d{2}$/;
    expect(RUNTIME_TABLE.checked).toMatch(day);
    expect(RUNTIME_TABLE.sources.lambda.length).toBeGreaterThan(0);
    expect(RUNTIME_TABLE.sources.synthetics.length).toBeGreaterThan(0);
    for (const kind of ["lambda", "synthetics"] as const) {
      for (const [name, d] of Object.entries(RUNTIME_TABLE[kind])) {
        for (const v of [d.deprecated, d.createBlocked, d.updateBlocked])
          if (v !== null && v !== undefined) expect([name, v]).toEqual([name, expect.stringMatching(day)]);
        if (d.deprecated && d.createBlocked) expect(d.createBlocked >= d.deprecated).toBe(true);
        if (d.createBlocked && d.updateBlocked) expect(d.updateBlocked >= d.createBlocked).toBe(true);
      }
    }
  });

  test("what this project deploys is open on the synth day (the sweeper's runtime and the canaries')", () => {
    const day = new Date().toISOString().slice(0, 10);
    expect(runtimeProblem("lambda", SWEEPER_RUNTIME, day)).toBeUndefined();
    expect(runtimeProblem("synthetics", phase1.observability.healthProbe.canaryRuntime, day)).toBeUndefined();
  });
});
