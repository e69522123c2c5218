import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { initProviders, isAwsOnly, offlinePlanAvailability, planStack, PlanResult } from "../tools/offline-plan";
import { cellIdentities, cellTemplate, Coverage, planCoverage, PhaseStacks } from "../tools/plan-coverage";
import { dependencyOrder, SynthResult } from "../tools/synth";
import { DEFAULT_ENGINE, stack, synth } from "./helpers";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * Offline plans of every AWS stack of phases 2, 3 and 4 on the default engine (Fargate), with the
 * real provider: each distinct stack once (docs/testing.md#offline-plans-of-the-fargate-layout).
 * Phase 1 is planned by offline-plan.test.ts (App Runner) and fargate.test.ts (every stack the
 * engine changes); a later-phase stack identical to one of those is proved by that plan.
 */
const phases = [2, 3, 4].map((phase) => ({ phase, result: synth({ phase, compute: DEFAULT_ENGINE, backend: "local" }) }));
const awsStacks = (r: SynthResult) => dependencyOrder(r.stacks).filter(isAwsOnly);
const input: PhaseStacks[] = phases.map(({ phase, result }) => ({
  phase,
  stacks: awsStacks(result),
  cells: cellIdentities(result.settings),
}));
const elsewhere = new Map([
  ["phase 1 (offline-plan.test.ts)", awsStacks(synth({ phase: 1, backend: "local" }))],
  ["phase 1 (fargate.test.ts)", awsStacks(synth({ phase: 1, compute: "fargate", backend: "local" }))],
]);
const coverage: Coverage = planCoverage(input, elsewhere);
const planned = (phase: number) => coverage.plan.filter((p) => p.phase === phase).map((p) => p.stack.name);

describe("which stacks the Fargate offline plans run, and why that proves every AWS stack", () => {
  test("every AWS stack of phases 2-4 is planned here or proved by a plan of an equal stack", () => {
    for (const p of input) {
      const accounted = new Set([...planned(p.phase), ...coverage.covered.filter((c) => c.phase === p.phase).map((c) => c.stack)]);
      expect([p.phase, p.stacks.map((s) => s.name).filter((n) => !accounted.has(n))]).toEqual([p.phase, []]);
    }
    expect(input.map((p) => p.stacks.length)).toEqual([13, 35, 116]);
  });

  test("phase 4's 94 cell stacks (47 cells) are proved by one plan per kind, region and stack (8), not 94", () => {
    const cells = coverage.plan.filter((p) => p.phase === 4 && /^(tenant|shard)-/.test(p.stack.name)).map((p) => p.stack.name);
    expect(cells.sort()).toEqual(
      [
        "shard-eu-2",
        "shard-eu-2-service",
        "shard-us-1",
        "shard-us-1-service",
        "tenant-org-101",
        "tenant-org-201",
        "tenant-org-201-service",
      ].sort(),
    );
    // The eighth: an EU tenant's service stack is byte for byte phase 3's, planned there.
    expect(coverage.covered.find((c) => c.phase === 4 && c.stack === "tenant-org-101-service")).toEqual({
      phase: 4,
      stack: "tenant-org-101-service",
      by: "3:tenant-org-101-service",
      how: "identical",
    });
    const byTemplate = coverage.covered.filter((c) => c.phase === 4 && /^(tenant|shard)-/.test(c.stack));
    expect(byTemplate).toHaveLength(94 - 7);
    expect(new Set(byTemplate.map((c) => c.by)).size).toBe(8);
    // Phase 3's ten EU tenants: one data stack and one service stack.
    expect(planned(3).filter((n) => n.startsWith("tenant-"))).toEqual(["tenant-org-101", "tenant-org-101-service"]);
  });

  test("the plans run here: the stacks no earlier plan proves (phase 2's are mostly phase 1's)", () => {
    expect(planned(2).sort()).toEqual(["compute", "data", "observability"]);
    expect(coverage.plan.length).toBeLessThanOrEqual(40);
  });

  test("a cell's template is its JSON with only its id, name and slot taken out: any other difference is seen", () => {
    const p4 = phases[2].result;
    const cells = cellIdentities(p4.settings);
    const a = stack(p4, "tenant-org-201-service");
    const b = stack(p4, "tenant-org-230-service");
    const cellA = cells.find((c) => c.id === "org-201")!;
    const cellB = cells.find((c) => c.id === "org-230")!;
    expect(JSON.stringify(a.json)).not.toEqual(JSON.stringify(b.json));
    expect(cellTemplate(a, cellA)).toEqual(cellTemplate(b, cellB));
    // One changed value (the task size) makes it a stack of its own, planned separately.
    const bigger = { ...b, json: JSON.parse(JSON.stringify(b.json).replace(/"cpu":"1024"/, '"cpu":"2048"')) };
    expect(JSON.stringify(bigger.json)).not.toEqual(JSON.stringify(b.json));
    expect(cellTemplate(bigger, cellB)).not.toEqual(cellTemplate(a, cellA));
    const withBigger = planCoverage([{ phase: 4, stacks: [a, bigger], cells }]);
    expect(withBigger.plan.map((p) => p.stack.name)).toEqual(["tenant-org-201-service", "tenant-org-230-service"]);
    // A stack in which the identity does not occur cannot be matched as a cell.
    expect(() => cellTemplate(stack(p4, "network"), cellA)).toThrow(/does not occur/);
  });
});

const availability = offlinePlanAvailability();
if (
  layerAvailable(
    availability.ok ? undefined : `${availability.reason} (the Fargate phases 2-4 offline plans)`,
    "Fargate offline plans, phases 2-4",
  )
) {
  describe("offline plans of phases 2-4 on Fargate with the real provider", () => {
    let results: (PlanResult & { phase: number })[] = [];
    beforeAll(async () => {
      const workdir = tempDir("rx-fargate-plans-");
      const init = await initProviders(workdir);
      if (!init.ok) throw new Error(init.output);
      // One queue across the three phases (no idle worker at a phase's end), one provider install,
      // a directory of stacks per phase.
      const queue = coverage.plan.map((p) => ({
        ...p,
        all: new Map(phases.find((x) => x.phase === p.phase)!.result.stacks.map((s) => [s.name, s])),
      }));
      for (const { phase } of phases) {
        fs.mkdirSync(path.join(workdir, `phase${phase}`));
        fs.symlinkSync(path.join(workdir, ".providers"), path.join(workdir, `phase${phase}`, ".providers"));
      }
      const worker = async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const r = await planStack(job.stack, job.all, { workdir: path.join(workdir, `phase${job.phase}`), accountId: "123456789012" });
          results.push({ ...r, phase: job.phase });
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, os.cpus().length) }, worker));
    }, 2_400_000);

    test("every representative plans with hashicorp/aws 5.100.0: creates only, no error", () => {
      expect(results.map((r) => `${r.phase}:${r.stack}`).sort()).toEqual(coverage.plan.map((p) => `${p.phase}:${p.stack.name}`).sort());
      expect(results.filter((r) => !r.ok).map((r) => `${r.phase}:${r.stack}: ${r.summary}\n${r.output.slice(-1500)}`)).toEqual([]);
      const planOf = new Map(coverage.plan.map((p) => [`${p.phase}:${p.stack.name}`, p.stack]));
      for (const r of results) {
        // observability-us holds no resource in phase 4 (outputs only): terraform says "No changes."
        const empty = Object.keys(planOf.get(`${r.phase}:${r.stack}`)!.json.resource ?? {}).length === 0;
        const expected = empty ? /^No changes\./ : /^Plan: \d+ to add, 0 to change, 0 to destroy\.$/;
        expect([r.phase, r.stack, r.summary]).toEqual([r.phase, r.stack, expect.stringMatching(expected)]);
      }
    });
  });
}
