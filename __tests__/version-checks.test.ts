import * as fs from "fs";
import * as path from "path";
import { ValidateBinaryVersion } from "cdktf/lib/validations/validate-binary-version";
import { ValidateTerraformVersion } from "cdktf/lib/validations/validate-terraform-version";
import { forgetVersionAnswers, runVersionChecksOnce, versionCacheFile } from "../lib/version-checks";
import { tempDir } from "./temp-dirs";

// The module object cdktf calls (an `import * as` namespace would be a copy the spy cannot reach).
const childProcess = require("child_process") as typeof import("child_process");

describe("cdktf's terraform version checks run once per process", () => {
  // These mock the command's answer: nothing of it may reach the disk cache (tested below).
  beforeAll(() => (process.env.RESTARTIX_VERSION_CACHE = "0"));
  afterAll(() => delete process.env.RESTARTIX_VERSION_CACHE);
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

describe("a passing version check is kept on disk, by the binary the shell would run", () => {
  /** A fake `tf` answering `version` with the given text, alone on PATH. */
  function fakeBinary(version: string) {
    const dir = tempDir("rx-version-bin-");
    const binary = path.join(dir, "tf");
    fs.writeFileSync(binary, `#!/bin/sh\necho "Terraform v${version}"\n`, { mode: 0o755 });
    return { dir, binary, env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` } };
  }
  const files: string[] = [];
  afterEach(() => {
    jest.restoreAllMocks();
    for (const f of files.splice(0)) fs.rmSync(f, { force: true });
  });

  /** One check of `<binary> version` in a "new process": the in-process answers forgotten, the spawns counted. */
  function checkInNewProcess(binary: string, constraint: string) {
    runVersionChecksOnce();
    forgetVersionAnswers();
    const exec = jest.spyOn(childProcess, "execSync");
    try {
      const check = new ValidateBinaryVersion(binary, constraint, `${binary} version`, "hint");
      const file = versionCacheFile(check);
      if (file) files.push(file);
      return { answer: check.validate(), spawned: exec.mock.calls.length, file };
    } finally {
      exec.mockRestore();
    }
  }

  test("the second process does not start the binary; a replaced binary is checked again", () => {
    const { binary } = fakeBinary("1.11.4");
    const first = checkInNewProcess(binary, ">=1.5");
    expect(first).toMatchObject({ answer: [], spawned: 1 });
    expect(fs.existsSync(first.file!)).toBe(true);
    expect(checkInNewProcess(binary, ">=1.5")).toMatchObject({ answer: [], spawned: 0 });
    // An upgrade in place: new size and modification time, a new key.
    fs.writeFileSync(binary, `#!/bin/sh\necho "Terraform v1.4.0" # replaced\n`, { mode: 0o755 });
    fs.utimesSync(binary, new Date(), new Date(Date.now() + 5000));
    const replaced = checkInNewProcess(binary, ">=1.5");
    expect(replaced.spawned).toBe(1);
    expect(replaced.answer).toEqual([expect.stringContaining("version 1.4.0 is lower than the required version >=1.5")]);
  });

  test("a failing check is never kept: it runs in every process", () => {
    const { binary } = fakeBinary("1.3.0");
    for (let i = 0; i < 2; i++) {
      const run = checkInNewProcess(binary, ">=1.5");
      expect(run.spawned).toBe(1);
      expect(run.answer).toEqual([expect.stringContaining("lower than the required version")]);
      expect(fs.existsSync(run.file!)).toBe(false);
    }
  });

  test("another binary on PATH is another key; RESTARTIX_VERSION_CACHE=0 and a missing binary keep nothing", () => {
    const a = fakeBinary("1.11.4");
    const b = fakeBinary("1.11.4");
    const check = new ValidateBinaryVersion("tf", ">=1.5", "tf version");
    expect(versionCacheFile(check, a.env)).not.toBe(versionCacheFile(check, b.env));
    expect(versionCacheFile(check, { ...a.env, RESTARTIX_VERSION_CACHE: "0" })).toBeUndefined();
    expect(versionCacheFile(check, { PATH: tempDir("rx-version-empty-") })).toBeUndefined();
    // Only the `<binary> version` shape is kept: another command could print anything.
    expect(versionCacheFile(new ValidateBinaryVersion("tf", ">=1.5", "tf -version"), a.env)).toBeUndefined();
  });
});
