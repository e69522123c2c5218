import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../config/errors";
import { ROOT } from "../config/deployment";
import { offlinePlanAvailability } from "../tools/offline-plan";
import { parseCommand, runTenant, TenantCommandError } from "../scripts/tenant";
import { DEFAULT_ENGINE, EXAMPLE_VARS, only, resources, stack, synth } from "./helpers";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

function tempRegistry(): string {
  const file = path.join(tempDir("rx-tenants-"), "phase3.json");
  fs.copyFileSync(path.join(ROOT, "phases", "tenants", "phase3.json"), file);
  return file;
}
const run = (file: string, ...args: string[]) => runTenant([...args, "--phase", "3", "--vars", EXAMPLE_VARS, "--tenants", file]);
const read = (file: string) =>
  JSON.parse(fs.readFileSync(file, "utf8")) as { id: string; decommission?: boolean; region: string; instanceClass: string }[];
const quiet = () => jest.spyOn(console, "log").mockImplementation(() => undefined);

describe("npm run tenant", () => {
  beforeEach(quiet);
  afterEach(() => jest.restoreAllMocks());

  test("usage errors name what is missing", () => {
    expect(() => parseCommand(["grow"])).toThrow(/expected add, remove, forget or list; got "grow"/);
    expect(() => parseCommand(["add"])).toThrow(/missing the tenant id, e\.g\. org-123/);
  });

  test.each([
    ["Org_1", /tenants\[Org_1\].*\.id: got "Org_1"; expected 3-20 characters/],
    ["admin", /is a reserved word/],
    ["org-101", /org-101 is already in phase3\.json/],
  ])("add %s is refused with a clear error and the registry is untouched", async (id, message) => {
    const file = tempRegistry();
    const before = fs.readFileSync(file, "utf8");
    await expect(run(file, "add", id, "--region", "eu-central-1")).rejects.toThrow(message);
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  test("add refuses a region the phase does not deploy, and an unknown size", async () => {
    const file = tempRegistry();
    await expect(run(file, "add", "org-777", "--region", "us-east-1")).rejects.toThrow(ConfigError);
    await expect(run(file, "add", "org-777", "--region", "us-east-1")).rejects.toThrow(
      /region: got "us-east-1"; is not a region of phase 3/,
    );
    await expect(run(file, "add", "org-777", "--size", "huge")).rejects.toThrow(
      /--size "huge" is not a size of phase 3; use one of standard, large/,
    );
  });

  test("add in phase 1 says the enterprise tier starts in phase 3", async () => {
    await expect(runTenant(["add", "org-777", "--phase", "1", "--vars", EXAMPLE_VARS])).rejects.toThrow(/phase 1 has no enterprise tier/);
  });

  const availability = offlinePlanAvailability();
  const planned = layerAvailable(
    availability.ok ? undefined : `${availability.reason} (the new tenant's offline plan)`,
    "tenant offline plan",
  );
  test(`add writes the entry from the size preset${planned ? " after planning only the new stack" : " (skipped plan: terraform not available)"}`, async () => {
    const file = tempRegistry();
    await run(file, "add", "org-777", "--region", "eu-central-1", "--size", "large", "--name", "Clinic 777");
    const added = read(file).find((t) => t.id === "org-777")!;
    expect(added).toMatchObject({ region: "eu-central-1", instanceClass: "db.r6g.xlarge" });
    const logs = (console.log as jest.Mock).mock.calls.map((c) => String(c[0])).join("\n");
    if (planned) expect(logs).toMatch(/offline plan of tenant-org-777: Plan: \d+ to add, 0 to change, 0 to destroy\./);
    expect(logs).toMatch(/PHASE=3 npx cdktf deploy tenant-org-777/);
    // Adding a tenant adds its stack and changes no other stack.
    const before = synth({ phase: 3, varsFile: EXAMPLE_VARS });
    const after = synth({ phase: 3, varsFile: EXAMPLE_VARS, tenantsFile: file });
    expect(after.stacks.map((s) => s.name).sort()).toEqual([...before.stacks.map((s) => s.name), "tenant-org-777"].sort());
    for (const s of before.stacks) expect(stack(after, s.name).json).toEqual(s.json);
  }, 120_000);

  test("Fargate (the default engine): add records the lowest free slot and prints the two-step deploy; only the tenant's two stacks are new", async () => {
    const file = tempRegistry();
    await run(file, "add", "org-778", "--region", "eu-central-1");
    const added = read(file).find((t) => t.id === "org-778") as unknown as { slot: number };
    // phase3.json's tenants hold slots 11-20.
    expect(added.slot).toBe(21);
    const logs = (console.log as jest.Mock).mock.calls.map((c) => String(c[0])).join("\n");
    expect(logs).toMatch(
      /1\. PHASE=3 npx cdktf deploy tenant-org-778 .*\n.*2\. set its DATABASE_URL.*\n.*3\. PHASE=3 npx cdktf deploy tenant-org-778-service/,
    );
    const before = synth({ phase: 3, varsFile: EXAMPLE_VARS, compute: DEFAULT_ENGINE });
    const after = synth({ phase: 3, varsFile: EXAMPLE_VARS, tenantsFile: file, compute: DEFAULT_ENGINE });
    expect(after.stacks.map((s) => s.name).sort()).toEqual(
      [...before.stacks.map((s) => s.name), "tenant-org-778", "tenant-org-778-service"].sort(),
    );
    for (const s of before.stacks) expect(stack(after, s.name).json).toEqual(s.json);
    await run(file, "remove", "org-778", "--confirm", "org-778");
    const removeLogs = (console.log as jest.Mock).mock.calls.map((c) => String(c[0])).join("\n");
    expect(removeLogs).toMatch(/npx cdktf destroy tenant-org-778-service tenant-org-778 /);
  }, 300_000);

  test("remove needs explicit confirmation", async () => {
    const file = tempRegistry();
    await expect(run(file, "remove", "org-101")).rejects.toThrow(/needs confirmation: pass --confirm org-101/);
    await expect(run(file, "remove", "org-101", "--confirm", "org-102")).rejects.toThrow(/does not match/);
    expect(read(file).find((t) => t.id === "org-101")!.decommission).toBeUndefined();
  });

  test(`remove turns protection off and keeps a final snapshot${planned ? "" : " (skipped plan: terraform not available)"}`, async () => {
    const file = tempRegistry();
    await run(file, "remove", "org-101", "--confirm", "org-101");
    expect(read(file).find((t) => t.id === "org-101")!.decommission).toBe(true);
    const tenant = stack(synth({ phase: 3, varsFile: EXAMPLE_VARS, tenantsFile: file }), "tenant-org-101");
    const db = only(tenant, "aws_db_instance");
    expect(db).toMatchObject({
      deletion_protection: false,
      skip_final_snapshot: false,
      final_snapshot_identifier: "restartix-tenant-org-101-final",
    });
    expect(db.lifecycle).toEqual({ prevent_destroy: false });
    const live = stack(synth({ phase: 3, varsFile: EXAMPLE_VARS }), "tenant-org-101");
    expect(only(live, "aws_db_instance")).toMatchObject({ deletion_protection: true, lifecycle: { prevent_destroy: true } });
    expect(resources(tenant, "aws_db_instance")).toHaveLength(1);
  }, 120_000);

  test("forget drops only a decommissioned tenant", async () => {
    const file = tempRegistry();
    await expect(run(file, "forget", "org-102", "--confirm", "org-102")).rejects.toThrow(TenantCommandError);
    await expect(run(file, "forget", "org-102", "--confirm", "org-102")).rejects.toThrow(/org-102 is live/);
    fs.writeFileSync(file, JSON.stringify(read(file).map((t) => (t.id === "org-102" ? { ...t, decommission: true } : t))));
    await run(file, "forget", "org-102", "--confirm", "org-102");
    expect(read(file).map((t) => t.id)).not.toContain("org-102");
  });
});
