import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { offlinePlanAvailability, TERRAFORM, terraformEnv } from "../tools/offline-plan";
import {
  LOCK_FILE,
  lockBlocks,
  lockFileFor,
  providerAddress,
  requiredProviders,
  writeLockFor,
  writeStackLocks,
} from "../tools/provider-lock";
import { synth } from "./helpers";
import { tempDir } from "./temp-dirs";

/**
 * The committed provider lock file (issue 20 item 25): every init runs on it with
 * -lockfile=readonly, cut to the providers of the stack.
 */
const committed = fs.readFileSync(LOCK_FILE, "utf8");
const versions = JSON.parse(fs.readFileSync(path.join(path.dirname(LOCK_FILE), "versions.tf.json"), "utf8")) as {
  terraform: { required_providers: Record<string, { source: string; version: string }> };
};

describe("the committed lock file", () => {
  test("pins hashicorp/aws 5.100.0 with the linux_amd64 checksum of the provider", () => {
    const aws = lockBlocks(committed).get("registry.terraform.io/hashicorp/aws")!;
    expect(aws).toMatch(/version\s+= "5\.100\.0"/);
    expect(aws).toContain('"h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0="');
  });

  test("versions.tf.json names the provider versions the stacks are synthesized with (phase 4 uses all three)", () => {
    const stacks = synth({ phase: 4 }).stacks;
    const used = new Map<string, string>();
    for (const s of stacks) {
      for (const [name, p] of Object.entries((s.json as any).terraform?.required_providers ?? {}) as [
        string,
        { source: string; version: string },
      ][]) {
        used.set(providerAddress(p.source ?? name), p.version);
      }
    }
    const pinned = new Map(Object.values(versions.terraform.required_providers).map((p) => [providerAddress(p.source), p.version]));
    expect(Object.fromEntries(pinned)).toEqual(Object.fromEntries(used));
    // Whatever the lock file pins, it pins at those versions.
    for (const [address, block] of lockBlocks(committed))
      expect([address, /version\s+= "([^"]+)"/.exec(block)![1]]).toEqual([address, pinned.get(address)]);
  });
});

describe("lockFileFor: the providers one stack requires, nothing else", () => {
  const lock = [
    'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.100.0"\n  hashes = [\n    "h1:a=",\n  ]\n}\n',
    'provider "registry.terraform.io/cloudflare/cloudflare" {\n  version = "5.14.0"\n  hashes = [\n    "h1:b=",\n  ]\n}\n',
  ].join("\n");

  test("cdktf's short sources resolve to registry addresses", () => {
    expect(
      requiredProviders({ terraform: { required_providers: { aws: { source: "aws" }, cloudflare: { source: "cloudflare/cloudflare" } } } }),
    ).toEqual(["registry.terraform.io/cloudflare/cloudflare", "registry.terraform.io/hashicorp/aws"]);
  });

  test("an AWS stack gets the aws block only; a stack with no provider gets none", () => {
    const aws = lockFileFor(lock, { terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } } });
    expect([...lockBlocks(aws).keys()]).toEqual(["registry.terraform.io/hashicorp/aws"]);
    expect(lockBlocks(lockFileFor(lock, { resource: {} })).size).toBe(0);
  });

  test("writeStackLocks takes the JSON the synth already parsed when given, the file otherwise (same text either way)", () => {
    const out = tempDir("rx-lock-parsed-");
    const stack = (name: string, json: unknown) => {
      fs.mkdirSync(path.join(out, "stacks", name), { recursive: true });
      fs.writeFileSync(path.join(out, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
    };
    const aws = { terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } } };
    stack("a", aws);
    stack("b", aws);
    const lockOf = (name: string) => fs.readFileSync(path.join(out, "stacks", name, ".terraform.lock.hcl"), "utf8");
    expect(writeStackLocks(out)).toEqual([]);
    const fromFiles = [lockOf("a"), lockOf("b")];
    expect(writeStackLocks(out, LOCK_FILE, () => aws)).toEqual([]);
    expect([lockOf("a"), lockOf("b")]).toEqual(fromFiles);
    // The parsed JSON is what is read: a stack said (in memory) to need nothing gets no provider block.
    writeStackLocks(out, LOCK_FILE, (name) => (name === "b" ? {} : undefined));
    expect(lockOf("a")).toEqual(fromFiles[0]);
    expect(lockOf("b")).not.toContain("provider ");
  });

  test("a provider the lock file does not pin: one error naming the stack, the provider and the fix", () => {
    expect(() =>
      lockFileFor(lock, { terraform: { required_providers: { github: { source: "integrations/github" } } } }, "delivery-github"),
    ).toThrow(
      /^delivery-github requires registry\.terraform\.io\/integrations\/github, which terraform-cli\/lock\/\.terraform\.lock\.hcl does not pin\. Fix: run the "Provider lock" workflow/,
    );
  });
});

const available = offlinePlanAvailability();
const tf = (dir: string, args: string[]) =>
  spawnSync(TERRAFORM, ["-chdir=" + dir, ...args, "-no-color"], { encoding: "utf8", env: terraformEnv() });

(available.ok ? describe : describe.skip)(
  `terraform init -lockfile=readonly (${available.ok ? available.version : available.reason})`,
  () => {
    const work = tempDir("rx-lock-");
    const dir = (name: string, json: unknown) => {
      const d = path.join(work, name);
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, "main.tf.json"), JSON.stringify(json));
      return d;
    };
    const awsStack = { terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } } };

    test("the cut lock file installs the mirror's provider: its checksum matches", () => {
      const d = dir("aws", awsStack);
      writeLockFor(d);
      const init = tf(d, ["init", "-input=false", "-backend=false", "-lockfile=readonly"]);
      expect(init.stdout + init.stderr).toMatch(/Terraform has been successfully initialized/);
    }, 120_000);

    test("a checksum that does not match is refused", () => {
      const d = dir("tampered", awsStack);
      writeLockFor(d);
      const file = path.join(d, ".terraform.lock.hcl");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/"h1:[^"]+"/, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="'));
      const init = tf(d, ["init", "-input=false", "-backend=false", "-lockfile=readonly"]);
      expect(init.status).not.toBe(0);
      expect(init.stderr).toMatch(/checksum|doesn't match any of the checksums/i);
    }, 120_000);

    test("why it is cut: the whole file (a provider the stack does not need) fails a read-only init", () => {
      const d = dir("builtin", { resource: { terraform_data: { x: { input: "1" } } } });
      fs.copyFileSync(LOCK_FILE, path.join(d, ".terraform.lock.hcl"));
      const whole = tf(d, ["init", "-input=false", "-backend=false", "-lockfile=readonly"]);
      expect(whole.status).not.toBe(0);
      expect(whole.stderr).toMatch(/Provider dependency changes detected/);
      writeLockFor(d);
      expect(tf(d, ["init", "-input=false", "-backend=false", "-lockfile=readonly"]).status).toBe(0);
    }, 120_000);
  },
);
