import * as fs from "fs";
import * as path from "path";
import { offlinePlanAvailability } from "../tools/offline-plan";
import { SynthStack, TerraformJson } from "../tools/synth";
import { proveUpgrade, UpgradeResult } from "../tools/upgrade-proof";
import { stack, synth } from "./helpers";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * The services deployed before the shared configurations existed (each with its own auto scaling
 * and observability configuration, `:latest`, automatic deployments) move to the platform stacks'
 * configurations, the bootstrap image tag and the origin guard. Planned with the real provider
 * against the state the released stacks leave (fixtures synthesized from the previous release):
 * the services must be updated in place, never replaced (a replaced service gets a new URL and a
 * new id, and its custom domain must be validated again).
 */
const released = (file: string, name: string): SynthStack => ({
  name,
  json: JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "released", file), "utf8")) as TerraformJson,
  dependencies: [],
});

/**
 * The producers as they are now, plus a stand-in for every output the released stack read that no
 * current stack produces any more (the Route 53 alarm's us-east-1 topic of the released tenants).
 */
function withReleasedOutputs(from: SynthStack, all: ReadonlyMap<string, SynthStack>): Map<string, SynthStack> {
  const out = new Map(all);
  for (const [, producer, output] of JSON.stringify(from.json).matchAll(
    /cross-stack-reference-input-([a-z0-9-]+)\.outputs\.([A-Za-z0-9_-]+)/g,
  )) {
    const p = out.get(producer)!;
    if (p.json.output?.[output]) continue;
    out.set(producer, {
      ...p,
      json: { ...p.json, output: { ...p.json.output, [output]: { value: "${aws_sns_topic.released.arn}", sensitive: true } } },
    });
  }
  return out;
}

const availability = offlinePlanAvailability();
if (
  layerAvailable(availability.ok ? undefined : `${availability.reason} (upgrade plans need terraform)`, "released-layout upgrade proofs")
) {
  describe("released layout -> shared configurations: App Runner services update in place", () => {
    const results = new Map<string, UpgradeResult>();
    const cases = [
      { phase: 1, stack: "compute", fixture: "compute-phase1.json" },
      { phase: 3, stack: "tenant-org-101", fixture: "tenant-org-101-phase3.json" },
    ] as const;

    beforeAll(async () => {
      const workdir = tempDir("restartix-released-");
      await Promise.all(
        cases.map(async (c) => {
          const to = synth({ phase: c.phase });
          const all = new Map(to.stacks.map((s) => [s.name, s]));
          const from = released(c.fixture, c.stack);
          results.set(
            c.stack,
            await proveUpgrade(from, withReleasedOutputs(from, all), stack(to, c.stack), all, {
              workdir: path.join(workdir, c.stack),
              accountId: "123456789012",
            }),
          );
        }),
      );
    }, 600_000);

    test.each(cases.map((c) => c.stack))(
      "%s: both plans succeed; the service is updated, its old configurations deleted, nothing replaced",
      (name) => {
        const r = results.get(name)!;
        expect(r.error).toBeUndefined();
        expect(r.ok).toBe(true);
        const services = r.changes.filter((c) => c.type === "aws_apprunner_service");
        expect(services.length).toBeGreaterThan(0);
        for (const s of services) {
          expect(s.actions).toEqual(["update"]);
          expect(s.attributes).toEqual(
            expect.arrayContaining(["auto_scaling_configuration_arn", "observability_configuration", "source_configuration"]),
          );
        }
        const configs = r.changes.filter(
          (c) => c.type === "aws_apprunner_auto_scaling_configuration_version" || c.type === "aws_apprunner_observability_configuration",
        );
        for (const c of configs) expect(c.actions).toEqual(["delete"]);
        expect(r.changes.filter((c) => c.actions.includes("delete") && c.actions.includes("create"))).toEqual([]);
      },
    );
  });
}
