import { ValidateTerraformVersion } from "cdktf/lib/validations/validate-terraform-version";
import { runVersionChecksOnce } from "../lib/version-checks";

// The module object cdktf calls (an `import * as` namespace would be a copy the spy cannot reach).
const childProcess = require("child_process") as typeof import("child_process");

describe("cdktf's terraform version checks run once per process", () => {
  afterEach(() => jest.restoreAllMocks());

  test("ten elements' checks start one `terraform version`; each constraint is still checked, a failing one still fails", () => {
    runVersionChecksOnce();
    const exec = jest.spyOn(childProcess, "execSync").mockReturnValue(Buffer.from("Terraform v1.11.4\non linux_amd64\n"));
    const checks = Array.from({ length: 10 }, () => new ValidateTerraformVersion(">=1.5", "import blocks need 1.5"));
    for (const check of checks) expect(check.validate()).toEqual([]);
    expect(exec).toHaveBeenCalledTimes(1);
    // Another constraint on the same command: cdktf's own check answers it (runs its command once too).
    expect(new ValidateTerraformVersion(">=99.0", "hint").validate()).toEqual([
      expect.stringContaining("terraform version 1.11.4 is lower than the required version >=99.0"),
    ]);
    expect(exec).toHaveBeenCalledTimes(2);
  });

  test("a missing terraform is still an error (cached, not swallowed)", () => {
    runVersionChecksOnce();
    const exec = jest.spyOn(childProcess, "execSync").mockImplementation(() => {
      throw new Error("terraform: not found");
    });
    const check = () => new ValidateTerraformVersion(">=1.4", "terraform_data needs 1.4 (missing binary case)").validate();
    expect(check()).toEqual([expect.stringContaining("Could not determine version of terraform")]);
    expect(check()).toEqual([expect.stringContaining("Could not determine version of terraform")]);
    expect(exec).toHaveBeenCalledTimes(1);
  });

  test("installing it twice is harmless", () => {
    runVersionChecksOnce();
    expect(runVersionChecksOnce()).toBe(false);
  });
});
