import * as fs from "fs";
import * as path from "path";
import { destructiveChanges } from "../policy/plan-gate";
import { runPlanGate } from "../scripts/plan-gate";

const fixture = (name: string) => path.join(__dirname, "fixtures", "plan-gate", name);

describe("plan gate", () => {
  test("updates in place, creates, reads and deletions of stateless resources pass", () => {
    const { exitCode, output } = runPlanGate([fixture("safe.json")]);
    expect(exitCode).toBe(0);
    expect(output).toMatch(/safe\.json: no deletes or replaces of stateful resources\nplan-gate: pass$/);
  });

  test("replacing the database and deleting a read replica fail, each listed with its action", () => {
    const { exitCode, output } = runPlanGate([fixture("replace-database.json")]);
    expect(exitCode).toBe(1);
    expect(output).toContain(
      "aws_db_instance.postgres_instance_919E2690  replace (delete, then create) [delete, create]  forced by: identifier",
    );
    expect(output).toContain("aws_db_instance.postgres_replica-1_4C5D6E7F  delete [delete]");
    expect(output).not.toContain("aws_db_parameter_group");
    expect(output).toMatch(/plan-gate: FAIL: 2 delete\/replace of stateful resources/);
  });

  test("several plans at once: every destructive change of every file is listed", () => {
    const { exitCode, output } = runPlanGate([fixture("safe.json"), fixture("replace-database.json"), fixture("delete-storage.json")]);
    expect(exitCode).toBe(1);
    expect(
      destructiveChanges(JSON.parse(fs.readFileSync(fixture("delete-storage.json"), "utf8"))).map((c) => [c.address, c.description]),
    ).toEqual([
      ["aws_s3_bucket.uploads_bucket_556152F0", "delete"],
      ["aws_kms_key.eu-central-1_key_25AABED9", "replace (create, then delete)"],
    ]);
    expect(output).toContain("delete-storage.json: 2 destructive change(s) to stateful resources");
    expect(output).toMatch(/plan-gate: FAIL: 4 delete\/replace/);
  });

  test("a renamed log group and a deleted queue fail: their logs and messages go with them (the 3 -> 4 flow log rename)", () => {
    const { exitCode, output } = runPlanGate([fixture("rename-flow-logs.json")]);
    expect(exitCode).toBe(1);
    expect(
      destructiveChanges(JSON.parse(fs.readFileSync(fixture("rename-flow-logs.json"), "utf8"))).map((c) => [
        c.address,
        c.description,
        c.forcedBy,
      ]),
    ).toEqual([
      ["aws_cloudwatch_log_group.network_flow-logs_D7C94307", "replace (delete, then create)", ["name"]],
      ["aws_sqs_queue.compute_jobs-dlq_1A2B3C4D", "delete", []],
    ]);
    // The flow log and its role are replaced too, but hold nothing.
    expect(output).not.toContain("aws_flow_log.");
    expect(output).not.toContain("aws_iam_role.");
    expect(output).toMatch(
      /plan-gate: FAIL: 2 delete\/replace of stateful resources \(.*; and the record-holding aws_cloudwatch_log_group, aws_sqs_queue/,
    );
  });

  test("a replaced Cloudflare entry-point ruleset fails: the zone runs without its WAF between delete and create (issue 20 item 9)", () => {
    const { exitCode, output } = runPlanGate([fixture("replace-ruleset.json")]);
    expect(exitCode).toBe(1);
    expect(
      destructiveChanges(JSON.parse(fs.readFileSync(fixture("replace-ruleset.json"), "utf8"))).map((c) => [
        c.address,
        c.description,
        c.forcedBy,
      ]),
    ).toEqual([["cloudflare_ruleset.waf-managed", "replace (delete, then create)", ["name"]]]);
    // An in-place update of a ruleset (its rules) passes; a record is not gated.
    expect(output).not.toContain("cloudflare_ruleset.rate-limits");
    expect(output).not.toContain("cloudflare_dns_record.");
    expect(output).toMatch(/plan-gate: FAIL: 1 delete\/replace .*; and the protection cloudflare_ruleset\)/);
  });

  test("--allow-label lists the changes and passes", () => {
    const { exitCode, output } = runPlanGate([fixture("delete-storage.json"), "--allow-label"]);
    expect(exitCode).toBe(0);
    expect(output).toContain("aws_s3_bucket.uploads_bucket_556152F0  delete [delete]");
    expect(output).toMatch(/pass \(--allow-label\): 2 destructive change\(s\) approved/);
  });

  test("a plan without resource_changes has nothing to gate", () => {
    expect(runPlanGate([fixture("no-changes.json")]).exitCode).toBe(0);
  });

  test("usage errors, unreadable files and non-plans exit 2", () => {
    expect(runPlanGate([])).toMatchObject({ exitCode: 2, output: expect.stringMatching(/^plan-gate: missing the plan JSON file\(s\)/) });
    expect(runPlanGate([fixture("safe.json"), "--force"])).toMatchObject({
      exitCode: 2,
      output: expect.stringMatching(/--force: unknown flag/),
    });
    expect(runPlanGate([fixture("not-a-plan.json")])).toMatchObject({
      exitCode: 2,
      output: expect.stringMatching(/not a plan in JSON form/),
    });
    expect(runPlanGate([fixture("missing.json")])).toMatchObject({
      exitCode: 2,
      output: expect.stringMatching(/missing\.json: no such file \(ENOENT\)/),
    });
  });
});
