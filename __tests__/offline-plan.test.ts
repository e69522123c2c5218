import * as os from "os";
import { isAwsOnly, offlinePlanAvailability, planAll, PlanResult } from "../tools/offline-plan";
import { dependencyOrder } from "../tools/synth";
import { synth } from "./helpers";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * The proof that the synthesized JSON is valid for the real provider: terraform init + plan of every
 * AWS-only stack of phase 1 against hashicorp/aws 5.100.0 from the local mirror, offline.
 */
const availability = offlinePlanAvailability();

if (layerAvailable(availability.ok ? undefined : availability.reason, "offline plans")) {
  describe("offline terraform plan of phase 1", () => {
    const result = synth({ phase: 1, backend: "local" });
    const all = new Map(result.stacks.map((s) => [s.name, s]));
    const targets = dependencyOrder(result.stacks).filter(isAwsOnly);
    let results: PlanResult[] = [];

    beforeAll(async () => {
      const workdir = tempDir("restartix-plan-");
      results = await planAll(targets, all, { workdir, accountId: "123456789012", jobs: os.cpus().length, showJson: true });
      // Eleven stacks, each about 20-30 s of terraform init + plan on a quiet 2-core machine; a shared
      // machine can double that.
    }, 600_000);

    test("covers every AWS-only stack, including the AWS side of delivery", () => {
      expect(targets.map((s) => s.name).sort()).toEqual(
        [
          "audit",
          "backups",
          "bootstrap",
          "compute",
          "data",
          "delivery",
          "keys",
          "network",
          "observability",
          "platform",
          "registry",
          "storage",
        ].sort(),
      );
    });

    test("every stack plans successfully with the real provider", () => {
      const failures = results.filter((r) => !r.ok).map((r) => `${r.stack}: ${r.summary}\n${r.output.slice(-2000)}`);
      expect(failures).toEqual([]);
      for (const r of results) expect(r.summary).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/);
    });

    test("the provider accepted the document's database settings", () => {
      const data = results.find((r) => r.stack === "data")!;
      const db = data.planJson!.resource_changes!.find((c) => c.type === "aws_db_instance")!;
      expect(db.change.actions).toEqual(["create"]);
      expect(db.change.after).toMatchObject({
        engine: "postgres",
        engine_version: "17",
        instance_class: "db.t4g.medium",
        allocated_storage: 50,
        max_allocated_storage: 200,
        multi_az: true,
        storage_encrypted: true,
        publicly_accessible: false,
        deletion_protection: true,
      });
    });

    test("the uploads bucket's import block is left out offline (importing reads the real bucket)", () => {
      expect(results.find((r) => r.stack === "storage")!.skippedImports).toBe(1);
    });
  });
}
