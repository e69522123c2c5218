import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { offlinePlanAvailability } from "../tools/offline-plan";
import { SynthResult } from "../tools/synth";
import { RECORD_TYPES } from "../lib/stateful";
import { changedStatefulResources, destructive, missingStatefulResources, proveUpgrade, STATEFUL_TYPES, UpgradeResult } from "../tools/upgrade-proof";
import { synth } from "./helpers";
import { layerAvailable } from "./layers";

/**
 * Phase N -> N+1 keeps every stateful resource (database, cache, bucket, table, key, secret,
 * repository, VPC) in the same stack, at the same address, with the same name; and the real
 * provider updates the ones that change in place.
 */
const phases = [1, 2, 3, 4].map((phase) => synth({ phase, backend: "local" }));
const steps: [SynthResult, SynthResult, string][] = [
  [phases[0], phases[1], "1->2"],
  [phases[1], phases[2], "2->3"],
  [phases[2], phases[3], "3->4"],
];
const NAME_KEYS = ["identifier", "bucket", "name", "replication_group_id"];

describe.each(steps)("upgrade %#: addresses and names of stateful resources", (from, to, label) => {
  test(`${label}: every stack of phase N exists in phase N+1 under the same name`, () => {
    const next = new Set(to.stacks.map((s) => s.name));
    expect(from.stacks.map((s) => s.name).filter((n) => !next.has(n))).toEqual([]);
  });

  test(`${label}: no stateful resource moves, is renamed or disappears`, () => {
    expect(missingStatefulResources(from.stacks, to.stacks)).toEqual([]);
    for (const s of from.stacks) {
      const t = to.stacks.find((x) => x.name === s.name)!;
      for (const type of STATEFUL_TYPES) {
        for (const [name, config] of Object.entries((s.json.resource?.[type] ?? {}) as Record<string, any>)) {
          const next = (t.json.resource?.[type] as Record<string, any>)[name];
          for (const key of NAME_KEYS) expect([`${s.name} ${type}.${name}.${key}`, next[key]]).toEqual([`${s.name} ${type}.${name}.${key}`, config[key]]);
        }
      }
    }
  });

  test(`${label}: no log group or queue moves or is renamed (a new name replaces it and deletes its logs or messages)`, () => {
    const changed: string[] = [];
    let seen = 0;
    for (const s of from.stacks) {
      const t = to.stacks.find((x) => x.name === s.name)!;
      for (const type of RECORD_TYPES) {
        for (const [id, config] of Object.entries((s.json.resource?.[type] ?? {}) as Record<string, any>)) {
          seen++;
          const next = (t.json.resource?.[type] as Record<string, any> | undefined)?.[id];
          if (!next) changed.push(`${s.name} ${type}.${id}: gone`);
          else if (next.name !== config.name) changed.push(`${s.name} ${type}.${id}: ${config.name} -> ${next.name}`);
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(changed).toEqual([]);
  });
});

const availability = offlinePlanAvailability();
if (layerAvailable(availability.ok ? undefined : `${availability.reason} (upgrade plans need terraform)`, "upgrade proofs")) {
  describe("upgrades planned with the real provider against the state phase N leaves", () => {
    const jobs: { label: string; stack: string; from: SynthResult; to: SynthResult }[] = [];
    for (const [from, to, label] of steps) {
      for (const s of from.stacks) {
        const t = to.stacks.find((x) => x.name === s.name)!;
        if (changedStatefulResources(s, t).length > 0) jobs.push({ label, stack: s.name, from, to });
      }
    }
    const results = new Map<string, UpgradeResult>();
    const key = (label: string, stack: string) => `${label} ${stack}`;

    beforeAll(async () => {
      const workdir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-upgrade-"));
      const queue = [...jobs];
      const worker = async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const fromAll = new Map(job.from.stacks.map((s) => [s.name, s]));
          const toAll = new Map(job.to.stacks.map((s) => [s.name, s]));
          const r = await proveUpgrade(fromAll.get(job.stack)!, fromAll, toAll.get(job.stack)!, toAll, {
            workdir: path.join(workdir, job.label.replace(">", "")),
            accountId: "123456789012",
          });
          results.set(key(job.label, job.stack), r);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, os.cpus().length) }, worker));
    }, 900_000);

    test("the stacks whose stateful resources change are the ones proved", () => {
      expect(jobs.map((j) => key(j.label, j.stack)).sort()).toEqual(["1->2 data", "2->3 data", "3->4 data", "3->4 network"].sort());
    });

    test("every upgrade plan succeeds and replaces or deletes no stateful resource", () => {
      for (const r of results.values()) {
        expect([r.stack, r.ok, r.error ?? ""]).toEqual([r.stack, true, ""]);
        expect([r.stack, destructive(r.changes)]).toEqual([r.stack, []]);
      }
    });

    const change = (label: string, stack: string, address: RegExp) => results.get(key(label, stack))!.changes.find((c) => address.test(c.address));

    test("1->2: the primary grows in place (class, storage), Redis grows in place, two replicas are added", () => {
      expect(change("1->2", "data", /^aws_db_instance\.postgres_instance_/)).toMatchObject({
        actions: ["update"],
        attributes: ["allocated_storage", "instance_class", "max_allocated_storage"],
      });
      expect(change("1->2", "data", /^aws_elasticache_replication_group\./)).toMatchObject({ actions: ["update"], attributes: ["node_type"] });
      expect(change("1->2", "data", /replica-1/)!.actions).toEqual(["create"]);
      expect(change("1->2", "data", /replica-2/)!.actions).toEqual(["create"]);
    });

    test("2->3: the primary and both replicas move to db.r6g.xlarge in place; max_connections is a parameter update", () => {
      for (const re of [/postgres_instance_/, /replica-1/, /replica-2/]) {
        expect(change("2->3", "data", re)).toMatchObject({ actions: ["update"], attributes: ["instance_class"] });
      }
      expect(change("2->3", "data", /^aws_db_parameter_group\./)!.actions).toEqual(["update"]);
    });

    test("3->4: the VPC is renamed by tag only; the shared secrets gain replicas in place", () => {
      expect(change("3->4", "network", /^aws_vpc\./)).toMatchObject({ actions: ["update"], attributes: ["tags"] });
      // The flow log group keeps its name (logName), so it and its delivery role are not replaced.
      const network = results.get(key("3->4", "network"))!.changes;
      expect(network.filter((c) => /flow-log/.test(c.address) && c.actions.includes("delete"))).toEqual([]);
      const secrets = results.get(key("3->4", "data"))!.changes.filter((c) => c.type === "aws_secretsmanager_secret");
      expect(secrets.length).toBeGreaterThan(0);
      for (const s of secrets) expect(s).toMatchObject({ actions: ["update"], attributes: ["replica"] });
    });
  });
}
