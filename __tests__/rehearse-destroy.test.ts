import * as fs from "fs";
import * as path from "path";
import { EmulatorGaps, loadGaps } from "../tools/rehearse/gaps";
import { destroyStack } from "../tools/rehearse/run";
import { DELETION_PROTECTION } from "../tools/rehearse/scratch";
import { Terraform } from "../tools/rehearse/terraform";
import { tempDir } from "./temp-dirs";

/**
 * The destroy step's bookkeeping against a fake terraform that behaves as terraform and the AWS API
 * do on a destroy: dependants first, a branch stopped at the first refused delete, an RDS delete
 * refused while deletion protection is on, `prevent_destroy` refusing the plan. The real thing
 * (moto) runs in rehearse.test.ts and `npm run rehearse`; these cases need RDS read replicas, which
 * take minutes there.
 */

interface FakeResource {
  readonly address: string;
  /** What the resource's delete call is refused by while it is on (the API's stored setting). */
  enforced: boolean;
  /** Deletion protection as applied (the last apply's value). */
  protectedNow: boolean;
  readonly dependsOn: readonly string[];
  readonly id: string;
}

function fakeTerraform(dir: string, resources: FakeResource[]): Terraform & { destroys: number } {
  const state = new Map(resources.map((r) => [r.address, r]));
  const config = () => JSON.parse(fs.readFileSync(path.join(dir, "main.tf.json"), "utf8"));
  const configOf = (address: string) => {
    const [type, name] = [address.slice(0, address.indexOf(".")), address.slice(address.indexOf(".") + 1)];
    return config().resource?.[type]?.[name] ?? {};
  };
  const result = (code: number, out: string) => Promise.resolve({ code, out, seconds: 0, timedOut: false });
  const fake = {
    dir,
    destroys: 0,
    init: () => result(0, ""),
    apply: () => result(0, ""),
    show: () => result(0, ""),
    stateList: () => result(0, [...state.keys()].join("\n")),
    plan: () => {
      const guarded = [...state.keys()].filter((a) => configOf(a).lifecycle?.prevent_destroy === true);
      if (guarded.length === 0) return result(2, "Plan: 0 to add, 0 to change, 1 to destroy.");
      return result(
        1,
        guarded
          .map(
            (a) =>
              `Error: Instance cannot be destroyed\n\nResource ${a} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.\n`,
          )
          .join("\n"),
      );
    },
    applyTargets: (addresses: readonly string[]) => {
      for (const a of addresses) {
        const r = state.get(a)!;
        const attr = DELETION_PROTECTION[a.slice(0, a.indexOf("."))];
        r.protectedNow = attr ? configOf(a)[attr] === true : false;
      }
      return result(0, `Apply complete! Resources: 0 added, ${addresses.length} changed, 0 destroyed.`);
    },
    destroy: () => {
      fake.destroys++;
      const out: string[] = [];
      const refused = new Set<string>();
      let destroyed = 0;
      for (let progress = true; progress;) {
        progress = false;
        for (const r of [...state.values()]) {
          const hasDependants = [...state.values()].some((d) => d.dependsOn.includes(r.address));
          if (hasDependants || refused.has(r.address)) continue;
          if (r.protectedNow && r.enforced) {
            refused.add(r.address);
            out.push(
              `Error: deleting RDS DB Instance (${r.id}): operation error RDS: DeleteDBInstance, api error InvalidParameterCombination: Cannot delete protected DB Instance, please disable deletion protection and try again.\n`,
            );
            continue;
          }
          state.delete(r.address);
          out.push(`${r.address}: Destruction complete after 1s`);
          destroyed++;
          progress = true;
        }
      }
      return state.size === 0
        ? result(0, `${out.join("\n")}\nDestroy complete! Resources: ${destroyed} destroyed.`)
        : result(1, out.join("\n"));
    },
  };
  return fake;
}

const NO_GAPS: EmulatorGaps = {
  moto: "5.2.1",
  provider: "hashicorp/aws 5.100.0",
  exclude: [],
  ignore: [],
  unenforced: [],
  patches: [],
  settings: [],
};

function setup(
  resources: { address: string; enforced?: boolean; dependsOn?: string[]; id: string; protect?: boolean; preventDestroy?: boolean }[],
) {
  const dir = tempDir("rx-destroy-");
  const json: any = { resource: {} };
  for (const r of resources) {
    const [type, name] = [r.address.slice(0, r.address.indexOf(".")), r.address.slice(r.address.indexOf(".") + 1)];
    const attr = DELETION_PROTECTION[type];
    json.resource[type] = {
      ...json.resource[type],
      [name]: {
        identifier: r.id,
        ...(attr && r.protect ? { [attr]: true } : {}),
        ...(r.preventDestroy ? { lifecycle: { prevent_destroy: true } } : {}),
      },
    };
  }
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json));
  const tf = fakeTerraform(
    dir,
    resources.map((r) => ({
      address: r.address,
      enforced: r.enforced ?? true,
      protectedNow: r.protect ?? false,
      dependsOn: r.dependsOn ?? [],
      id: r.id,
    })),
  );
  return { dir, json, tf };
}

const ctx = (gaps: EmulatorGaps) => ({ logDir: tempDir("rx-destroy-log-"), log: () => undefined, gaps });

describe("the destroy step", () => {
  // Phase 2's data stack: two protected read replicas on a protected primary, all under prevent_destroy.
  const database = () =>
    setup([
      { address: "aws_db_subnet_group.subnets", id: "restartix-prod" },
      {
        address: "aws_db_instance.primary",
        id: "restartix-prod",
        protect: true,
        preventDestroy: true,
        dependsOn: ["aws_db_subnet_group.subnets"],
      },
      {
        address: "aws_db_instance.replica-1",
        id: "restartix-prod-replica-1",
        protect: true,
        preventDestroy: true,
        dependsOn: ["aws_db_instance.primary"],
      },
      {
        address: "aws_db_instance.replica-2",
        id: "restartix-prod-replica-2",
        protect: true,
        preventDestroy: true,
        dependsOn: ["aws_db_instance.primary"],
      },
    ]);

  test("a protected primary under protected read replicas is reached once they are gone, and its own protection is proven", async () => {
    const { json, tf } = database();
    const run = await destroyStack("data", tf, json, ctx(NO_GAPS));
    expect(run.error).toBeUndefined();
    expect(run.ok).toBe(true);
    expect(run.preventDestroyBlocked).toEqual(["aws_db_instance.primary", "aws_db_instance.replica-1", "aws_db_instance.replica-2"]);
    expect(run.deletionProtectionBlocked.map((b) => b.address).sort()).toEqual([
      "aws_db_instance.primary",
      "aws_db_instance.replica-1",
      "aws_db_instance.replica-2",
    ]);
    expect(run.destroyed).toBe(4);
    // Round 1 stops at the replicas, round 2 at the primary, round 3 completes.
    expect(tf.destroys).toBe(3);
  });

  test("a protected resource the emulator deletes anyway fails the destroy, unless a reviewed gap says the emulator does not enforce it", async () => {
    const alb = () => setup([{ address: "aws_lb.alb", id: "restartix-alb", protect: true, enforced: false }]);
    const strict = alb();
    const failed = await destroyStack("compute", strict.tf, strict.json, ctx(NO_GAPS));
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/deletion protection did not stop the delete of aws_lb\.alb in the emulator/);

    const gaps = { ...NO_GAPS, unenforced: loadGaps().unenforced };
    const recorded = alb();
    const run = await destroyStack("compute", recorded.tf, recorded.json, ctx(gaps));
    expect(run.ok).toBe(true);
    expect(run.deletionProtectionUnenforced).toEqual([{ address: "aws_lb.alb", gap: "elbv2-deletion-protection-not-enforced" }]);
    expect(run.destroyed).toBe(1);
  });

  test("a type listed as not enforced whose delete the emulator does refuse fails and names the gap to remove", async () => {
    const { json, tf } = setup([{ address: "aws_lb.alb", id: "restartix-alb", protect: true, enforced: true }]);
    const gaps: EmulatorGaps = { ...NO_GAPS, unenforced: [{ id: "alb-gap", moto: "5.2.1", call: "c", evidence: "e", type: "aws_lb" }] };
    const run = await destroyStack("compute", tf, json, ctx(gaps));
    expect(run.ok).toBe(false);
    expect(run.error).toMatch(/the emulator now enforces this deletion protection; remove the gap "alb-gap"/);
  });
});
