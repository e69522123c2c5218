import * as path from "path";
import { ROOT } from "../config/deployment";
import { writeTenantRegistry } from "../tools/bench/tenants";
import { ciLayout, DEFAULT_LIMITS, describeRoutes, routeEntryCounts, ROUTES_STACK } from "../tools/ci-plan";
import { StackNode } from "../tools/waves";
import { docRow, scaleRow } from "./ci-table";
import { synth } from "./helpers";
import { slowPart } from "./layers";
import { tempDir } from "./temp-dirs";

const nodes = (r: ReturnType<typeof synth>): StackNode[] => r.stacks.map((s) => ({ name: s.name, dependencies: s.dependencies }));

function checkLayout(stacks: StackNode[]) {
  const layout = ciLayout(stacks);
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const planned = layout.plan.flatMap((b) => b.stacks.split(" "));
  const applied = layout.waves.flatMap((w) => w.batches.flatMap((b) => b.stacks.split(" ")));
  const expected = stacks
    .map((s) => s.name)
    .filter((n) => n !== "bootstrap")
    .sort();
  // Every stack planned and applied exactly once; bootstrap never (applied once by hand, on local state).
  expect([...planned].sort()).toEqual(expected);
  expect([...applied].sort()).toEqual(expected);
  expect(layout.manual).toEqual(["bootstrap"]);
  // A wave only reads stacks of earlier waves.
  const waveOf = new Map(layout.waves.flatMap((w) => w.batches.flatMap((b) => b.stacks.split(" ").map((n) => [n, w.wave] as const))));
  for (const [name, wave] of waveOf)
    for (const d of byName.get(name)!.dependencies.filter((x) => x !== "bootstrap")) expect(waveOf.get(d)!).toBeLessThan(wave);
  for (const b of [...layout.plan, ...layout.waves.flatMap((w) => w.batches)]) expect(b.count).toBeGreaterThan(0);
  return layout;
}

describe.each([1, 2, 3, 4])("phase %i on GitHub Actions", (phase) => {
  test("every stack planned and applied once, in waves, within GitHub's limits", () => {
    const layout = checkLayout(nodes(synth({ phase })));
    expect(layout.problems).toEqual([]);
    expect(layout.jobs).toBeLessThanOrEqual(DEFAULT_LIMITS.maxJobsPerRun);
    expect(layout.diskGb.withPluginCache).toBeLessThanOrEqual(DEFAULT_LIMITS.diskGb);
  });
});

// The scale proof: minutes of synth, so the slow layer only (jest.config.js PARTIAL).
if (slowPart("the 1000-tenant layout"))
  describe("a 1000-tenant registry (phase 4)", () => {
    const file = writeTenantRegistry(ROOT, 1000, path.join(tempDir("rx-ci-plan-"), "tenants.json"));
    const result = synth({ phase: 4, tenantsFile: file, quotaCheck: "report" });
    const stacks = nodes(result);

    test("AWS's quotas are reported for the dry run, not enforced: 1000 cells need raised App Runner and IAM quotas, and the shared Redis group's rules reach AWS's ceiling", () => {
      const problems = result.built.quotaProblems.join("\n");
      expect(problems).toMatch(/App Runner quota "Services" in eu-central-1: this layout needs 10\d\d/);
      expect(problems).toMatch(/"Roles per account" \(quota code L-FE177D64\)/);
      expect(problems).toMatch(
        /Amazon EventBridge quota "Number of rules" in eu-central-1, event bus default: this layout needs 10\d\d, the quota is 300/,
      );
      expect(problems).toMatch(
        /"Inbound or outbound rules per security group".*restartix-redis: this layout needs 10\d\d, above AWS's ceiling of 1000 .*Fix: AWS caps rules per group/,
      );
      // Without the report mode the same problems refuse the synth (compute-observability.test.ts, "synth-time quota check").
    });

    test("fits: batched matrices, one provider copy per runner", () => {
      const layout = checkLayout(stacks);
      expect(layout.selected).toBe(stacks.length - 1);
      expect(layout.selected).toBeGreaterThan(1000);
      expect(layout.problems).toEqual([]);
      for (const w of layout.waves) expect(w.batches.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxParallel);
      expect(layout.diskGb.withPluginCache).toBeLessThan(5);
      // Without the plugin cache every stack of a job would unpack its own 0.68 GB AWS provider.
      expect(layout.diskGb.withoutPluginCache).toBeGreaterThan(DEFAULT_LIMITS.diskGb);
    });

    test("refuses a layout over a limit: a matrix of more than 256 jobs, too many waves, a full disk", () => {
      expect(ciLayout(stacks, undefined, { ...DEFAULT_LIMITS, maxParallel: 1000, stacksAtOnce: 1 }).problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^plan: \d+ jobs in one matrix; GitHub allows 256$/),
          expect.stringMatching(/^apply wave 6: \d+ jobs in one matrix/),
          expect.stringMatching(/jobs in one run/),
        ]),
      );
      expect(ciLayout(stacks, undefined, { ...DEFAULT_LIMITS, maxWaves: 3 }).problems).toEqual([
        expect.stringMatching(/^\d+ deploy waves; the deploy workflow has 3 apply-wave jobs/),
      ]);
      expect(ciLayout(stacks, undefined, { ...DEFAULT_LIMITS, maxParallel: 1 }).problems).toEqual(
        expect.arrayContaining([expect.stringMatching(/GB of disk per job/), expect.stringMatching(/minutes per apply job/)]),
      );
    });

    test("the route entries of 1000 tenants live in one routes stack per region: two terraform inits, not one per cell", () => {
      const layout = checkLayout(stacks);
      expect(stacks.filter((s) => ROUTES_STACK.test(s.name)).map((s) => s.name)).toEqual(["routes", "routes-us"]);
      expect(stacks.filter((s) => /^route-/.test(s.name))).toEqual([]);
      // 1000 tenants + 7 shards as cells, one stack each; the layout was 2033 stacks with a route stack per cell.
      expect(stacks.length).toBeLessThan(1050);
      // The routes stacks come last: they follow every cell of their region and the edge.
      expect(layout.waves[layout.waves.length - 1].batches.map((b) => b.stacks)).toEqual(["routes routes-us"]);
      const counts = routeEntryCounts(result.outdir);
      expect(counts).toEqual({ routes: 1002, "routes-us": 5 });
      const text = describeRoutes(counts).join("\n");
      expect(text).toMatch(/1007 Workers KV entries in 2 routes stack\(s\) \(routes 1002, routes-us 5\): 2 terraform init/);
      expect(text).toMatch(/at least 1007 requests, 84% of the 1200 per 5 minutes/);
      expect(text).toMatch(/WARNING: above 80% of Cloudflare's API budget/);
    });

    test("docs/ci.md's scale table has this layout's row as npm run ci-plan -- --phase 4 --tenants 1000 computes it", () => {
      expect(docRow("phase 4, 1000 tenants")).toBe(scaleRow("phase 4, 1000 tenants", ciLayout(stacks)));
    });

    test("a selection keeps its waves and drops bootstrap", () => {
      const layout = ciLayout(stacks, ["bootstrap", "keys", "tenant-org-7", "edge"]);
      expect(layout.manual).toEqual(["bootstrap"]);
      expect(layout.waves.map((w) => w.batches.map((b) => b.stacks))).toEqual([["keys"], ["tenant-org-7"], ["edge"]]);
    });
  });
