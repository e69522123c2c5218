import { PHASES } from "../phases/types";
import {
  dependantClosure,
  dependencyClosure,
  deployCommand,
  deployWaves,
  missingDependants,
  missingDependencies,
  StackNode,
} from "../tools/waves";
import { synth } from "./helpers";

// cdktf-cli's own helpers (jest.config.js keeps the terraform they spawn on load offline and quiet).
import { checkIfAllDependantsAreIncluded, checkIfAllDependenciesAreIncluded } from "@cdktf/cli-core/src/lib/helpers/stack-helpers";

/** cdktf-cli's own checks (the code `cdktf deploy` and `cdktf destroy` run before anything else). */
const cdktfAcceptsDeploy = (stacks: readonly StackNode[], names: readonly string[]) =>
  checkIfAllDependenciesAreIncluded(stacks.filter((s) => names.includes(s.name)) as any);
const cdktfAcceptsDestroy = (stacks: readonly StackNode[], names: readonly string[]) =>
  checkIfAllDependantsAreIncluded(stacks.filter((s) => names.includes(s.name)) as any, stacks as any);

const toy: StackNode[] = [
  { name: "bootstrap", dependencies: [] },
  { name: "keys", dependencies: [] },
  { name: "network", dependencies: ["keys"] },
  { name: "data", dependencies: ["network", "keys"] },
  { name: "edge", dependencies: ["data"] },
];

describe("deploy waves", () => {
  test("a wave holds the stacks whose dependencies are all in earlier waves; bootstrap is never selected", () => {
    expect(deployWaves(toy).map((w) => w.map((s) => s.name))).toEqual([["keys"], ["network"], ["data"], ["edge"]]);
    expect(deployWaves(toy, { includeManual: true })[0].map((s) => s.name)).toEqual(["bootstrap", "keys"]);
  });

  test("closures, and what cdktf would report missing", () => {
    expect([...dependencyClosure(toy, ["data"])].sort()).toEqual(["data", "keys", "network"]);
    expect([...dependantClosure(toy, ["network"])].sort()).toEqual(["data", "edge", "network"]);
    expect(missingDependencies(toy, ["data"])).toEqual(["keys", "network"]);
    expect(missingDependants(toy, ["data"])).toEqual(["edge"]);
    expect(deployCommand(toy, ["edge"], { prefix: "PHASE=2" })).toBe("PHASE=2 npx cdktf deploy keys network data edge");
  });

  test("a cycle or an unknown stack is an error, not a silent order", () => {
    expect(() =>
      deployWaves([
        { name: "a", dependencies: ["b"] },
        { name: "b", dependencies: ["a"] },
      ]),
    ).toThrow(/cycle/);
    expect(() => deployWaves([{ name: "a", dependencies: ["zz"] }])).toThrow(/not in the manifest/);
    expect(() => dependencyClosure(toy, ["nope"])).toThrow(/no stack nope/);
  });

  test("our check agrees with cdktf-cli's own on the toy graph", () => {
    expect(() => cdktfAcceptsDeploy(toy, ["data"])).toThrow(/dependencies are not included in the stacks to run: network, keys/);
    expect(() => cdktfAcceptsDestroy(toy, ["data"])).toThrow(/dependant stacks are not included/);
  });

  test.each(PHASES)("phase %i: every wave's cumulative selection and every single-stack deploy command is accepted by cdktf", (phase) => {
    const stacks = synth({ phase }).stacks;
    const waves = deployWaves(stacks);
    expect(waves.flat().length).toBe(stacks.length - 1);
    const done: string[] = [];
    for (const wave of waves) {
      for (const s of wave) expect(s.dependencies.every((d) => done.includes(d))).toBe(true);
      done.push(...wave.map((s) => s.name));
      expect(() => cdktfAcceptsDeploy(stacks, done)).not.toThrow();
    }
    for (const s of stacks) {
      const names = deployCommand(stacks, [s.name]).split(" ").slice(3);
      expect(missingDependencies(stacks, names)).toEqual([]);
      expect(() => cdktfAcceptsDeploy(stacks, names)).not.toThrow();
    }
  });
});
