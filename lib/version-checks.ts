/**
 * cdktf adds a "terraform version" check to every element that needs a minimum Terraform (import
 * blocks, moved blocks, terraform_data, the cloud block) and runs it through a shell each time it
 * validates: one `terraform version` process per element, twice per synth (the stack's validation
 * and the app's). That was 0.15-0.25 s of every synth here. The answer cannot change while one
 * process runs, so each distinct command runs once; the check itself (the version against each
 * element's constraint, the error when terraform is missing) is cdktf's own, unchanged.
 */
const binaryVersion = require("cdktf/lib/validations/validate-binary-version") as {
  ValidateBinaryVersion: { prototype: { validate(this: VersionCheck): string[] } };
};

interface VersionCheck {
  readonly binary: string;
  readonly versionConstraint: string;
  readonly versionCommand: string;
  readonly hint?: string;
}

const original = binaryVersion.ValidateBinaryVersion.prototype.validate;
const answers = new Map<string, readonly string[]>();

/** Runs each distinct version check once per process; returns false when it was already so. */
export function runVersionChecksOnce(): boolean {
  const proto = binaryVersion.ValidateBinaryVersion.prototype;
  if (proto.validate !== original) return false;
  proto.validate = function (this: VersionCheck): string[] {
    const key = [this.binary, this.versionConstraint, this.versionCommand, this.hint ?? ""].join("\0");
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = original.call(this);
      answers.set(key, answer);
    }
    return [...answer];
  };
  return true;
}
