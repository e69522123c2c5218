import * as os from "os";
import * as path from "path";
import { offlinePlanAvailability } from "../tools/offline-plan";
import { cellIdentities, cellOfStack, cellTemplate } from "../tools/plan-coverage";
import { SynthResult, SynthStack } from "../tools/synth";
import { RECORD_TYPES } from "../lib/stateful";
import { destructiveChanges } from "../policy/plan-gate";
import {
  changedStatefulResources,
  destructive,
  missingStatefulResources,
  proveUpgrade,
  STATEFUL_TYPES,
  UpgradeResult,
} from "../tools/upgrade-proof";
import { DEFAULT_ENGINE, synth } from "./helpers";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * Phase N -> N+1 keeps every stateful resource (database, cache, bucket, table, key, secret,
 * repository, VPC) in the same stack, at the same address, with the same name; and the real
 * provider updates the ones that change in place. On both engines: Fargate (the default) and App
 * Runner (accounts that already run it).
 */
const layouts = {
  apprunner: [1, 2, 3, 4].map((phase) => synth({ phase, backend: "local" })),
  fargate: [1, 2, 3, 4].map((phase) => synth({ phase, compute: DEFAULT_ENGINE, backend: "local" })),
};
type Engine = keyof typeof layouts;
const steps: [SynthResult, SynthResult, string, Engine][] = (["apprunner", "fargate"] as const).flatMap((engine) => {
  const phases = layouts[engine];
  return [
    [phases[0], phases[1], "1->2", engine],
    [phases[1], phases[2], "2->3", engine],
    [phases[2], phases[3], "3->4", engine],
  ] as [SynthResult, SynthResult, string, Engine][];
});
const NAME_KEYS = ["identifier", "bucket", "name", "replication_group_id"];

/**
 * The stacks proved with terraform: every stack whose stateful resources' configuration changes,
 * and one cell data stack (it holds the cell's database) per cell template that changes. A pair of
 * stacks (phase N, phase N+1) equal to one already queued, byte for byte or as the same cell
 * template, is proved by that one: on Fargate only what differs from App Runner runs again.
 */
interface Job {
  readonly label: string;
  readonly engine: Engine;
  readonly stack: string;
  readonly from: SynthResult;
  readonly to: SynthResult;
}
const jobs: Job[] = [];
const provedBy: { engine: Engine; label: string; stack: string; by: string }[] = [];
{
  const queued = new Map<string, string>();
  const pairKey = (label: string, s: SynthStack, t: SynthStack, from: SynthResult) => {
    const cell = cellOfStack(s.name, cellIdentities(from.settings));
    return cell
      ? `${label} cell ${cellTemplate(s, cell)} ${cellTemplate(t, cell)}`
      : `${label} ${JSON.stringify(s.json)} ${JSON.stringify(t.json)}`;
  };
  for (const [from, to, label, engine] of steps) {
    const cells = cellIdentities(from.settings);
    for (const s of from.stacks) {
      const t = to.stacks.find((x) => x.name === s.name)!;
      const cellDatabase =
        cellOfStack(s.name, cells) && s.json.resource?.aws_db_instance && JSON.stringify(s.json) !== JSON.stringify(t.json);
      if (changedStatefulResources(s, t).length === 0 && !cellDatabase) continue;
      const key = pairKey(label, s, t, from);
      const by = queued.get(key);
      if (by) provedBy.push({ engine, label, stack: s.name, by });
      else {
        queued.set(key, `${engine} ${label} ${s.name}`);
        jobs.push({ label, engine, stack: s.name, from, to });
      }
    }
  }
}

describe.each(steps)("upgrade %#: addresses and names of stateful resources (%s %s)", (from, to, label, engine) => {
  test(`${engine} ${label}: every stack of phase N exists in phase N+1 under the same name`, () => {
    const next = new Set(to.stacks.map((s) => s.name));
    expect(from.stacks.map((s) => s.name).filter((n) => !next.has(n))).toEqual([]);
  });

  test(`${engine} ${label}: no stateful resource moves, is renamed or disappears`, () => {
    expect(missingStatefulResources(from.stacks, to.stacks)).toEqual([]);
    for (const s of from.stacks) {
      const t = to.stacks.find((x) => x.name === s.name)!;
      for (const type of STATEFUL_TYPES) {
        for (const [name, config] of Object.entries((s.json.resource?.[type] ?? {}) as Record<string, any>)) {
          const next = (t.json.resource?.[type] as Record<string, any>)[name];
          for (const key of NAME_KEYS)
            expect([`${s.name} ${type}.${name}.${key}`, next[key]]).toEqual([`${s.name} ${type}.${name}.${key}`, config[key]]);
        }
      }
    }
  });

  test(`${engine} ${label}: no log group or queue moves or is renamed (a new name replaces it and deletes its logs or messages)`, () => {
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

describe("which upgrades are planned with terraform", () => {
  test("the stacks whose stateful resources change, and one cell database stack per template, are the ones proved", () => {
    expect(jobs.map((j) => `${j.engine === "apprunner" ? "" : `${j.engine} `}${j.label} ${j.stack}`).sort()).toEqual(
      [
        "1->2 data",
        "2->3 data",
        "3->4 data",
        "3->4 network",
        "3->4 tenant-org-101",
        "fargate 3->4 network",
        "fargate 3->4 tenant-org-101",
      ].sort(),
    );
  });

  test("on Fargate, the rest is proved by an App Runner proof of the same stacks (data: identical JSON) or of the same cell template", () => {
    const fargate = provedBy.filter((p) => p.engine === "fargate").map((p) => `${p.label} ${p.stack} <- ${p.by}`);
    expect(fargate).toEqual(
      expect.arrayContaining(["1->2 data <- apprunner 1->2 data", "2->3 data <- apprunner 2->3 data", "3->4 data <- apprunner 3->4 data"]),
    );
    // The other nine EU tenants of each engine: their own cell template's proof.
    for (const engine of ["apprunner", "fargate"]) {
      const cells = provedBy.filter((p) => p.engine === engine && p.stack.startsWith("tenant-")).map((p) => p.by);
      expect([engine, cells]).toEqual([engine, new Array(9).fill(`${engine} 3->4 tenant-org-101`)]);
    }
  });
});

const availability = offlinePlanAvailability();
if (layerAvailable(availability.ok ? undefined : `${availability.reason} (upgrade plans need terraform)`, "upgrade proofs")) {
  describe("upgrades planned with the real provider against the state phase N leaves", () => {
    const results = new Map<string, UpgradeResult>();
    const key = (label: string, stack: string, engine: Engine = "apprunner") =>
      `${engine === "apprunner" ? "" : `${engine} `}${label} ${stack}`;

    beforeAll(async () => {
      const workdir = tempDir("restartix-upgrade-");
      const queue = [...jobs];
      const worker = async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const fromAll = new Map(job.from.stacks.map((s) => [s.name, s]));
          const toAll = new Map(job.to.stacks.map((s) => [s.name, s]));
          const r = await proveUpgrade(fromAll.get(job.stack)!, fromAll, toAll.get(job.stack)!, toAll, {
            workdir: path.join(workdir, job.engine, job.label.replace(">", "")),
            accountId: "123456789012",
          });
          results.set(key(job.label, job.stack, job.engine), r);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, os.cpus().length) }, worker));
    }, 1_800_000);

    test("every upgrade plan succeeds, replaces or deletes no stateful resource, and passes plan-gate", () => {
      expect(results.size).toBe(jobs.length);
      for (const [name, r] of results) {
        expect([name, r.ok, r.error ?? ""]).toEqual([name, true, ""]);
        expect([name, destructive(r.changes)]).toEqual([name, []]);
        // The gate CI runs on every plan (scripts/plan-gate.ts), on the plan's own JSON.
        expect([name, destructiveChanges(r.planJson)]).toEqual([name, []]);
      }
    });

    const change = (label: string, stack: string, address: RegExp) =>
      results.get(key(label, stack))!.changes.find((c) => address.test(c.address));

    test("1->2: the primary grows in place (class, storage), Redis grows in place, two replicas are added", () => {
      expect(change("1->2", "data", /^aws_db_instance\.postgres_instance_/)).toMatchObject({
        actions: ["update"],
        attributes: ["allocated_storage", "instance_class", "max_allocated_storage"],
      });
      expect(change("1->2", "data", /^aws_elasticache_replication_group\./)).toMatchObject({
        actions: ["update"],
        attributes: ["node_type"],
      });
      expect(change("1->2", "data", /replica-1/)!.actions).toEqual(["create"]);
      expect(change("1->2", "data", /replica-2/)!.actions).toEqual(["create"]);
    });

    test("2->3: the primary and both replicas move to db.r6g.xlarge in place; max_connections is a parameter update", () => {
      for (const re of [/postgres_instance_/, /replica-1/, /replica-2/]) {
        expect(change("2->3", "data", re)).toMatchObject({ actions: ["update"], attributes: ["instance_class"] });
      }
      expect(change("2->3", "data", /^aws_db_parameter_group\./)!.actions).toEqual(["update"]);
    });

    test("3->4: a tenant cell's database stack only gains its backup replication and routing item, on both engines", () => {
      for (const engine of ["apprunner", "fargate"] as const) {
        const changes = results.get(key("3->4", "tenant-org-101", engine))!.changes;
        expect([engine, changes.map((c) => [c.type, c.actions])]).toEqual([
          engine,
          [
            ["aws_db_instance_automated_backups_replication", ["create"]],
            ["aws_dynamodb_table_item", ["create"]],
          ],
        ]);
      }
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
