import { loadInputs } from "../config/deployment";
import { Issues } from "../config/errors";
import { validateDeployment, validatePhase } from "../config/validate";
import { phaseConfig } from "../phases";
import { PhaseConfig } from "../phases/types";
import { EXAMPLE_VARS } from "./helpers";

/** Both bounds of the VPC prefix (/16 to /24), each side of each bound: a bound nobody tests can move unnoticed. */
function cidrIssues(cidr: string) {
  const config = JSON.parse(JSON.stringify(phaseConfig(1))) as PhaseConfig;
  (config.regions[0].network as { cidr: string }).cidr = cidr;
  const issues = new Issues();
  validatePhase(config, validateDeployment({ ...loadInputs(EXAMPLE_VARS).values }, EXAMPLE_VARS, new Issues()), issues);
  return issues.all.filter((i) => i.field === "phase1.regions[0].network.cidr");
}

describe("the VPC prefix (phase1.regions[0].network.cidr)", () => {
  test.each(["10.0.0.0/16", "10.0.0.0/20", "10.0.0.0/24"])("%s is accepted", (cidr) => {
    expect(cidrIssues(cidr)).toEqual([]);
  });

  test.each(["10.0.0.0/15", "10.0.0.0/8", "10.0.0.0/25", "10.0.0.0/28"])("%s is refused with the field, the value and the fix", (cidr) => {
    expect(cidrIssues(cidr)).toEqual([
      { field: "phase1.regions[0].network.cidr", value: cidr, problem: "a VPC prefix must be /16 to /24", fix: "use a /16" },
    ]);
  });
});
