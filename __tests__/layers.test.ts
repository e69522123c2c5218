import * as fs from "fs";
import * as path from "path";
import { layerDecision, LayerContext } from "./layers";

const ctx = (over: Partial<LayerContext> = {}): LayerContext => ({
  env: {},
  layer: "slow",
  partial: ["__tests__/fargate.test.ts"],
  file: "__tests__/offline-plan.test.ts",
  ...over,
});

describe("a proof layer that cannot run (__tests__/layers.ts)", () => {
  test("runs when nothing is missing", () => {
    expect(layerDecision(undefined, ctx({ env: { REQUIRE_ALL_LAYERS: "1" } }))).toEqual({ run: true });
  });

  test("is skipped with its reason outside CI", () => {
    expect(layerDecision("terraform not found", ctx())).toEqual({ run: false });
  });

  test("fails under REQUIRE_ALL_LAYERS=1, naming the reason", () => {
    const d = layerDecision("PostgreSQL server binaries not found", ctx({ env: { REQUIRE_ALL_LAYERS: "1" } }));
    expect(d).toEqual({
      run: false,
      fail: expect.stringMatching(/^REQUIRE_ALL_LAYERS=1 and this proof layer did not run: PostgreSQL server binaries not found/),
    });
  });

  test("RESTARTIX_SKIP_TERRAFORM=1 does not get a slow-layer file past REQUIRE_ALL_LAYERS=1", () => {
    expect(
      layerDecision("RESTARTIX_SKIP_TERRAFORM=1", ctx({ env: { REQUIRE_ALL_LAYERS: "1", RESTARTIX_SKIP_TERRAFORM: "1" } })).fail,
    ).toMatch(/did not run/);
  });

  test("in the fast layer, a PARTIAL file leaves its slow part to the slow layer, even under REQUIRE_ALL_LAYERS=1", () => {
    expect(
      layerDecision(
        "RESTARTIX_SKIP_TERRAFORM=1",
        ctx({ layer: "fast", file: "__tests__/fargate.test.ts", env: { REQUIRE_ALL_LAYERS: "1" } }),
      ),
    ).toEqual({ run: false });
  });

  test("in the fast layer, a file in no list that skips a layer fails: nobody would run that part", () => {
    const d = layerDecision("RESTARTIX_SKIP_TERRAFORM=1", ctx({ layer: "fast", file: "__tests__/new-plan.test.ts" }));
    expect(d.fail).toMatch(/__tests__\/new-plan\.test\.ts has a slow layer .* add it to SLOW .* or PARTIAL/);
  });

  test("every file jest.config.js lists exists, and every file that can skip a layer uses this helper and is listed", () => {
    const root = path.join(__dirname, "..");
    const config = fs.readFileSync(path.join(root, "jest.config.js"), "utf8");
    const listed = [...config.matchAll(/"(__tests__\/[^"]+\.test\.ts)"/g)].map((m) => m[1]);
    expect(listed.filter((f) => !fs.existsSync(path.join(root, f)))).toEqual([]);
    const tests = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? tests(path.join(dir, e.name)) : e.name.endsWith(".test.ts") ? [path.join(dir, e.name)] : []));
    for (const file of tests(path.join(root, "__tests__"))) {
      const text = fs.readFileSync(file, "utf8");
      const rel = path.relative(root, file);
      // A hand-made skip would get past REQUIRE_ALL_LAYERS=1.
      expect([rel, /test\.skip\(`skipped:|console\.warn\(["`][^"`]*skipped/.test(text)]).toEqual([rel, false]);
      if (/layerAvailable\(/.test(text)) expect([rel, listed.includes(rel)]).toEqual([rel, true]);
    }
  });
});
