import { ciLayout } from "../tools/ci-plan";
import { docRow, scaleRow } from "./ci-table";
import { DEFAULT_ENGINE, synth } from "./helpers";

// The 1000-tenant row is checked in ci-plan.test.ts, next to the synth it needs (slow layer).
describe("docs/ci.md's scale table is what npm run ci-plan computes", () => {
  test.each([1, 2, 3, 4])("phase %i", (phase) => {
    const layout = ciLayout(synth({ phase, compute: DEFAULT_ENGINE }).stacks.map((s) => ({ name: s.name, dependencies: s.dependencies })));
    expect(docRow(`phase ${phase}`)).toBe(scaleRow(`phase ${phase}`, layout));
  });
});
