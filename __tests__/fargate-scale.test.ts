import * as path from "path";
import { ROOT } from "../config/deployment";
import { writeTenantRegistry } from "../tools/bench/tenants";
import { DEFAULT_ENGINE, resources, stack, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

/**
 * Scale (slow layer: one synthesis of 1000 tenants takes about a minute on 2 cores). Issue 19 item 3:
 * the region's Redis admits one client group per region, not one per cell, so AWS's 1000 rules per
 * security group are never reached; the cell gateways stay under their 90 cells each.
 */
describe("1000 tenants on Fargate: the region's Redis group no longer grows with cells", () => {
  test("Redis's inbound rules stay constant (one per client group), gateways stay under 90 cells each", () => {
    const file = writeTenantRegistry(ROOT, 1000, path.join(tempDir("rx-fc-"), "tenants.json"));
    const result = synth({ phase: 4, tenantsFile: file, quotaCheck: "report", compute: DEFAULT_ENGINE });
    const problems = result.built.quotaProblems.join("\n");
    expect(problems).not.toMatch(/restartix-redis/);
    expect(problems).not.toMatch(/per Application Load Balancer/);
    const redisRules = result.stacks.flatMap((s) =>
      resources(s, "aws_vpc_security_group_ingress_rule").filter(([, r]) => r.from_port === 6379),
    );
    expect(redisRules.length).toBeLessThanOrEqual(4);
    // 1000 tenants from slot 11 + 2 shards: 12 gateways in eu-central-1.
    expect(resources(stack(result, "gateways"), "aws_lb")).toHaveLength(12);
  });
});
