import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import { resolveSettings } from "../config/settings";
import { phaseConfig } from "../phases";
import { QuotaKey } from "../phases/types";
import { QUOTAS, quotaProblems, quotaUse } from "../policy/quotas";
import { synthesize, SynthResult } from "../tools/synth";
import { EXAMPLE_VARS, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

// Issue 20 item 15: every database brings an RDS instance, a parameter group and a subnet group;
// AWS refuses the 41st instance (the 51st group) in a region halfway through a deploy.
describe("RDS quotas: DB instances, parameter groups, subnet groups per region", () => {
  const rdsKeys: QuotaKey[] = ["rdsDbInstances", "rdsParameterGroups", "rdsSubnetGroups"];

  test("the quotas carry AWS's names, codes and defaults", () => {
    expect(QUOTAS.rdsDbInstances).toMatchObject({ name: "DB instances", code: "L-7B6409FD", defaultValue: 40, scope: "region" });
    expect(QUOTAS.rdsParameterGroups).toMatchObject({ name: "Parameter groups", code: "L-DE55804A", defaultValue: 50, scope: "region" });
    expect(QUOTAS.rdsSubnetGroups).toMatchObject({ name: "DB subnet groups", code: "L-48C6BF61", defaultValue: 50, scope: "region" });
  });

  test("phase 4 counts 35 of each in us-east-1, within the defaults", () => {
    const uses = quotaUse(synth({ phase: 4 }).app, phaseConfig(4)).filter((u) => rdsKeys.includes(u.key) && u.where === "us-east-1");
    expect(uses.map((u) => [u.key, u.used, u.limit])).toEqual([
      ["rdsDbInstances", 35, 40],
      ["rdsParameterGroups", 35, 50],
      ["rdsSubnetGroups", 35, 50],
    ]);
  });

  const synth4With = (quotas: Record<string, number>): SynthResult => {
    const settings = resolveSettings({ phase: 4, varsFile: EXAMPLE_VARS });
    const outdir = tempDir("rx-quota-rds-");
    return synthesize({}, outdir, { ...settings, phase: { ...settings.phase, quotas: { ...settings.phase.quotas, ...quotas } } });
  };

  test.each([
    ["rdsDbInstances", "DB instances", "L-7B6409FD"],
    ["rdsParameterGroups", "Parameter groups", "L-DE55804A"],
    ["rdsSubnetGroups", "DB subnet groups", "L-48C6BF61"],
  ])("%s: a recorded quota below phase 4's use in us-east-1 refuses the synth", (key, name, code) => {
    expect(() => synth4With({ [key]: 34 })).toThrow(
      new RegExp(
        `Amazon Relational Database Service \\(Amazon RDS\\) quota "${name}" \\(quota code ${code}\\) in us-east-1: this layout needs 35, the quota is 34 .*Fix: request an increase.*quotas\\.${key}`,
      ),
    );
  });

  test("ap-south-1 is counted against its own default of 20", () => {
    const app = new App({ outdir: tempDir("rx-quota-") });
    const s = new TerraformStack(app, "mumbai");
    new AwsProvider(s, "aws", { region: "ap-south-1" });
    for (let i = 0; i < 21; i++) {
      const subnets = new DbSubnetGroup(s, `subnets-${i}`, { name: `s${i}`, subnetIds: ["subnet-1", "subnet-2"] });
      const params = new DbParameterGroup(s, `params-${i}`, { name: `p${i}`, family: "postgres16" });
      new DbInstance(s, `db-${i}`, {
        identifier: `db${i}`,
        instanceClass: "db.t4g.micro",
        engine: "postgres",
        dbSubnetGroupName: subnets.name,
        parameterGroupName: params.name,
      });
    }
    const uses = quotaUse(app, phaseConfig(1)).filter((u) => rdsKeys.includes(u.key));
    expect(uses.map((u) => [u.key, u.where, u.used, u.limit])).toEqual([
      ["rdsDbInstances", "ap-south-1", 21, 20],
      ["rdsParameterGroups", "ap-south-1", 21, 20],
      ["rdsSubnetGroups", "ap-south-1", 21, 20],
    ]);
    expect(quotaProblems(uses)).toHaveLength(3);
  });
});
