import { execFileSync, spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { diffOutdirs, OutdirStack, readOutdir, selectStacks, stripJsonWhitespace } from "../tools/stack-diff";

// Two small outdirs (see the comments in each case): keys identical, network reformatted only,
// data with a changed value, storage with a space added inside a string, compute unchanged but
// reading from data, edge removed, delivery added.
const FIXTURES = path.join(__dirname, "fixtures", "changed-stacks");
const BASE = path.join(FIXTURES, "base");
const HEAD = path.join(FIXTURES, "head");

describe("stripJsonWhitespace", () => {
  it("drops whitespace between tokens only", () => {
    expect(stripJsonWhitespace('{\n\t"a b": [ 1, "c\\" d" ]\r\n}')).toBe('{"a b":[1,"c\\" d"]}');
  });

  it("does not normalize anything else (key order, number spelling)", () => {
    expect(stripJsonWhitespace('{"a":1,"b":2}')).not.toBe(stripJsonWhitespace('{"b":2,"a":1}'));
    expect(stripJsonWhitespace('{"a":1.0}')).not.toBe(stripJsonWhitespace('{"a":1}'));
  });
});

describe("diffOutdirs", () => {
  const diff = diffOutdirs(BASE, HEAD);

  it("reports value changes, including whitespace inside strings", () => {
    expect(diff.changed).toEqual(["data", "storage"]);
  });

  it("treats reformatted JSON as unchanged", () => {
    expect(diff.unchanged).toEqual(["compute", "keys", "network"]);
  });

  it("reports new and vanished stacks separately", () => {
    expect(diff.added).toEqual(["delivery"]);
    expect(diff.removed).toEqual(["edge"]);
  });
});

describe("selectStacks", () => {
  const head: OutdirStack[] = readOutdir(HEAD);

  it("keeps just the changed stacks, producers first", () => {
    expect(selectStacks(["storage", "data"], head)).toEqual(["data", "storage"]);
  });

  it("adds transitive dependencies for cdktf deploy", () => {
    expect(selectStacks(["data"], head, { dependencies: true })).toEqual(["keys", "network", "data"]);
  });

  it("adds the consumers of a changed stack, and their own dependencies", () => {
    expect(selectStacks(["data"], head, { dependents: true })).toEqual(["data", "compute"]);
    expect(selectStacks(["data"], head, { dependents: true, dependencies: true })).toEqual([
      "keys",
      "network",
      "data",
      "storage",
      "compute",
    ]);
  });

  it("refuses a stack the head does not have", () => {
    expect(() => selectStacks(["edge"], head)).toThrow(/no stack named edge in the head/);
  });
});

describe("npm run changed-stacks (compare mode)", () => {
  const cli = path.join(ROOT, "dist", "scripts", "changed-stacks.js");
  beforeAll(() => execFileSync(process.execPath, [path.join(ROOT, "scripts", "build.js")], { cwd: ROOT }));

  it("prints the selected stacks one per line and warns about removed ones on stderr", () => {
    const r = spawnSync(process.execPath, [cli, "--base-dir", BASE, "--head-dir", HEAD], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("data\nstorage\ndelivery\n");
    expect(r.stderr).toMatch(/no longer synthesized: edge/);
  });

  it("prints the whole diff as JSON", () => {
    const r = spawnSync(process.execPath, [cli, "--base-dir", BASE, "--head-dir", HEAD, "--json", "--with-dependencies"], {
      encoding: "utf8",
    });
    expect(JSON.parse(r.stdout)).toMatchObject({
      changed: ["data", "storage"],
      removed: ["edge"],
      selected: ["keys", "network", "data", "storage", "delivery"],
    });
  });

  it("exits 2 with usage when no base is named", () => {
    const r = spawnSync(process.execPath, [cli, "--head-dir", HEAD], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^changed-stacks: no base given\. Fix: pass exactly one of --base-ref REF, --base-dir DIR or --all/);
  });
});
