import * as crypto from "crypto";
import * as fs from "fs";

type HclModule = typeof import("../config/hcl");

/** A fresh copy of config/hcl: no answers in memory, so only the disk cache or the parser can answer. */
function freshHcl(): HclModule {
  let mod: HclModule | undefined;
  jest.isolateModules(() => {
    mod = require("../config/hcl") as HclModule;
  });
  return mod as HclModule;
}

const probe = () => `cache_probe = "${crypto.randomBytes(8).toString("hex")}"\n`;

describe("HCL answers are cached on disk by parser version, file name and text", () => {
  const written: string[] = [];
  afterAll(() => written.forEach((f) => fs.rmSync(f, { force: true })));
  afterEach(() => delete process.env.RESTARTIX_HCL_CACHE);

  test("a parse writes its answer; a new process (fresh module) reads it instead of parsing", () => {
    const text = probe();
    const file = freshHcl().hclCacheFile("t.tfvars", text) as string;
    written.push(file);
    expect(fs.existsSync(file)).toBe(false);
    const parsed = freshHcl().parseHcl("t.tfvars", text);
    expect(fs.existsSync(file)).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ error: null, result: JSON.stringify(parsed) });
    // Proof that the file answers: a doctored answer comes back from a fresh module.
    fs.writeFileSync(file, JSON.stringify({ error: null, result: '{"cache_probe":"from disk"}' }));
    expect(freshHcl().parseHcl("t.tfvars", text)).toEqual({ cache_probe: "from disk" });
  });

  test("the key covers the file name and the text", () => {
    const hcl = freshHcl();
    const text = probe();
    expect(hcl.hclCacheFile("a.tfvars", text)).not.toEqual(hcl.hclCacheFile("b.tfvars", text));
    expect(hcl.hclCacheFile("a.tfvars", text)).not.toEqual(hcl.hclCacheFile("a.tfvars", `${text}\n`));
  });

  test("syntax errors are cached too and still raise HclParseError with their line", () => {
    const text = `${probe()}broken = [\n`;
    const first = freshHcl();
    written.push(first.hclCacheFile("t.tfvars", text) as string);
    expect(() => first.parseHcl("t.tfvars", text)).toThrow(first.HclParseError);
    const second = freshHcl();
    let caught: unknown;
    try {
      second.parseHcl("t.tfvars", text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(second.HclParseError);
    expect((caught as InstanceType<HclModule["HclParseError"]>).diagnostics[0].line).toBeGreaterThanOrEqual(2);
  });

  test("an unreadable cache file is ignored and replaced by the parser's answer", () => {
    const text = probe();
    const hcl = freshHcl();
    const file = hcl.hclCacheFile("t.tfvars", text) as string;
    written.push(file);
    fs.mkdirSync(require("path").dirname(file), { recursive: true });
    fs.writeFileSync(file, "{not json");
    expect(hcl.parseHcl("t.tfvars", text)).toEqual({ cache_probe: text.split('"')[1] });
    expect(JSON.parse(fs.readFileSync(file, "utf8")).error).toBeNull();
  });

  test("RESTARTIX_HCL_CACHE=0 neither reads nor writes the cache", () => {
    const text = probe();
    const path = freshHcl().hclCacheFile("t.tfvars", text) as string;
    process.env.RESTARTIX_HCL_CACHE = "0";
    const hcl = freshHcl();
    expect(hcl.hclCacheFile("t.tfvars", text)).toBeUndefined();
    hcl.parseHcl("t.tfvars", text);
    expect(fs.existsSync(path)).toBe(false);
  });
});
