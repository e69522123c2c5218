import { checkIfAllDependenciesAreIncluded } from "@cdktf/cli-core/src/lib/helpers/stack-helpers";
import { firstDeploySteps, runsServices } from "../tools/deploy-order";
import { synth } from "./helpers";

const layouts = [
  { phase: 1 },
  { phase: 2 },
  { phase: 3 },
  { phase: 4 },
  { phase: 1, compute: "fargate" },
  { phase: 2, compute: "fargate" },
] as const;

describe("first deploy steps (npm run deploy-order)", () => {
  test.each(layouts)("%j: every step is a selection cdktf-cli accepts, services only after the manual step", (options) => {
    const { stacks } = synth(options);
    const steps = firstDeploySteps(stacks);
    expect(steps.map((s) => s.key)).toEqual(["bootstrap", "foundation", "manual", "services"]);
    const byName = new Map(stacks.map((s) => [s.name, s]));
    const deployed = new Set<string>();
    for (const step of steps) {
      if (!step.command) continue;
      const names = step.command.split(" ").slice(3);
      expect(() => checkIfAllDependenciesAreIncluded(names.map((n) => byName.get(n)!) as any)).not.toThrow();
      // Each stack's dependencies come earlier in its own command (the order cdktf would pick).
      names.forEach((n, i) => expect(byName.get(n)!.dependencies.every((d) => names.slice(0, i).includes(d))).toBe(true));
      names.forEach((n) => deployed.add(n));
    }
    const foundation = steps.find((s) => s.key === "foundation")!;
    expect(foundation.stacks.filter((n) => runsServices(byName.get(n)!))).toEqual([]);
    expect(foundation.stacks).toEqual(expect.arrayContaining(["keys", "network", "registry", "data", "delivery", "delivery-github"]));
    expect(foundation.stacks).not.toContain("compute");
    // Together the steps deploy every stack.
    expect([...deployed].sort()).toEqual(stacks.map((s) => s.name).sort());
  });

  test("a prefix carries the phase into the commands", () => {
    const steps = firstDeploySteps(synth({ phase: 3 }).stacks, { prefix: "PHASE=3" });
    expect(steps.filter((s) => s.command).every((s) => s.command!.startsWith("PHASE=3 npx cdktf deploy "))).toBe(true);
  });
});
