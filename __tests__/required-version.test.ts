import { TERRAFORM_REQUIRED_VERSION } from "../stacks/base";
import { synth } from "./helpers";

// S3-native locking (use_lockfile) needs Terraform 1.10; an older terraform must refuse the stack, not ignore the lock.
describe.each([1, 2, 3, 4])("phase %i", (phase) => {
  test("every stack requires Terraform >= 1.10, < 2.0", () => {
    const stacks = synth({ phase }).stacks;
    expect(TERRAFORM_REQUIRED_VERSION).toBe(">= 1.10, < 2.0");
    for (const s of stacks)
      expect([s.name, (s.json.terraform as { required_version?: string } | undefined)?.required_version]).toEqual([
        s.name,
        TERRAFORM_REQUIRED_VERSION,
      ]);
  });
});
