import * as fs from "fs";
import * as path from "path";
import { App, Fn, Lazy, TerraformStack, Token } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { cdktfResolveForTests, resolvePlainValuesFast, restoreCdktfResolve } from "../lib/fast-resolve";
import { tempDir } from "./temp-dirs";
import { outcomeOf, TokenFixture, tokenFixture, tokens } from "./token-fixture";

const fixture = () => tokenFixture("rx-fast-resolve-");

/** Values that exercise every branch of the walk, built fresh per call (tokens are objects). */
function values(f: TokenFixture): Record<string, unknown> {
  return {
    plain: { name: "restartix", port: 5432, on: true, nothing: null, gone: undefined, when: new Date(0) },
    nested: [[1, 2, undefined, [undefined, "x"]], { a: { b: { c: [{ d: "e" }] } } }],
    emptyThings: { a: {}, b: [], c: [undefined], d: { e: undefined } },
    stringToken: f.sg.id,
    stringTokenInside: `arn:${f.sg.arn}/suffix-${f.sg.name}`,
    stringTokenInArray: ["a", f.sg.id, "b"],
    listToken: f.list.listValue,
    listTokenInArray: [...f.list.listValue],
    numberToken: f.num.numberValue,
    numberTokenInArray: [1, f.num.numberValue],
    numberTokenInString: `size-${Token.asString(f.num.numberValue)}`,
    numberLikeString: "1e5 and 2.5e-3 and x-e-y",
    mapToken: f.map.value,
    stringMap: Token.asStringMap(f.map.value),
    tokenKey: { [f.sg.id]: "value", plain: 1 },
    escapes: "${var.not_a_token} and $${literal} and }",
    lazy: Lazy.stringValue({ produce: () => "lazy-value" }),
    lazyNumberLike: Lazy.stringValue({ produce: () => "1e5 and 2.5e-3" }),
    lazyWithNumberToken: Lazy.stringValue({ produce: () => `n=${Token.asString(f.num.numberValue)}` }),
    lazyToObject: Token.asString(Lazy.anyValue({ produce: () => ({ a: f.sg.id }) })),
    wholeTokensInArray: [f.sg.id, f.sg.arn, f.sg.name],
    lazyAny: Lazy.anyValue({ produce: () => ({ deep: [f.sg.arn, undefined, 3] }) }),
    fn: Fn.join(",", [f.sg.id, "literal"]),
    fnInObject: { tags: { Name: Fn.lower(f.sg.name) } },
    resolvable: { resolve: () => ({ produced: f.sg.id }) },
    mapPlaceholderLike: "Any Map Token Value!",
  };
}

describe("the app's walk of plain values gives cdktf's answer (lib/fast-resolve.ts)", () => {
  afterAll(() => resolvePlainValuesFast({}));

  test.each([false, true])("every kind of value and token (preparing: %s)", (preparing) => {
    restoreCdktfResolve();
    const f = fixture();
    const own = values(f);
    const theirs = tokens.resolve(f.stack, own, preparing);
    expect(resolvePlainValuesFast({})).toBe(true);
    const ours = tokens.resolve(f.stack, values(f), preparing);
    expect(ours).toEqual(theirs);
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    // The fixture really holds tokens of each kind: they resolved to expressions.
    expect(JSON.stringify(theirs)).toContain("${aws_security_group.sg.id}");
    expect(JSON.stringify(theirs)).toContain("${var.list}");
    expect(JSON.stringify(theirs)).toContain("${var.num}");
    expect(JSON.stringify(theirs)).toContain('"lazy-value"');
  });

  test.each([
    ["a function (its error names the path)", () => ({ a: [{ b: () => 1 }] })],
    ["a construct", (f: TokenFixture) => ({ inner: f.sg })],
    ["a list token in a string", (f: TokenFixture) => `x-${f.list.listValue[0]}`],
    ["cdktf's map placeholder string", () => Token.STRING_MAP_TOKEN_VALUE],
    ["cdktf's map placeholder number", () => Token.NUMBER_MAP_TOKEN_VALUE],
    ["a circular token", () => ({ loop: { resolve: (): unknown => ({ again: { resolve: () => ({}) } }) } })],
  ])("%s: the same answer or the same error", (_what, make) => {
    const f = fixture();
    const outcome = (value: unknown) => outcomeOf(() => tokens.resolve(f.stack, value));
    restoreCdktfResolve();
    const theirs = outcome(make(f));
    resolvePlainValuesFast({});
    expect(outcome(make(f))).toEqual(theirs);
  });

  /** Two stacks reading each other's attributes (both ways when `cycle`), synthesized into a fresh directory. */
  function crossStackApp(cycle: boolean) {
    const outdir = tempDir("rx-fast-resolve-xs-");
    const app = new App({ outdir });
    const a = new TerraformStack(app, "a");
    new AwsProvider(a, "aws", { region: "eu-central-1" });
    const b = new TerraformStack(app, "b");
    new AwsProvider(b, "aws", { region: "eu-central-1" });
    const pa = new SsmParameter(a, "p", { name: "/a", type: "String", value: "x" });
    const pb = new SsmParameter(b, "p", { name: "/b", type: "String", value: pa.arn, tags: { v: pa.version.toString(), id: pa.id } });
    if (cycle) new SsmParameter(a, "back", { name: "/c", type: "String", value: pb.arn });
    return { app, outdir };
  }

  test("references across stacks: the same outputs, remote state and expressions", () => {
    const synthOnce = () => {
      const { app, outdir } = crossStackApp(false);
      app.synth();
      return ["a", "b"].map((s) => fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8"));
    };
    restoreCdktfResolve();
    const theirs = synthOnce();
    resolvePlainValuesFast({});
    const ours = synthOnce();
    expect(ours).toEqual(theirs);
    expect(theirs[1]).toContain("terraform_remote_state");
  });

  test("a cycle between stacks is cdktf's error, word for word", () => {
    const outcome = () => outcomeOf(() => crossStackApp(true).app.synth(), true);
    restoreCdktfResolve();
    const theirs = outcome();
    resolvePlainValuesFast({});
    expect(outcome()).toEqual(theirs);
    expect(theirs).toEqual({ error: expect.stringMatching(/circular|cycl/i) });
  });

  test("a path deeper than the walk's own limit goes to cdktf, which refuses it as circular", () => {
    const f = fixture();
    let deep: unknown = "leaf";
    for (let i = 0; i < 210; i++) deep = { d: deep };
    resolvePlainValuesFast({});
    expect(() => tokens.resolve(f.stack, deep)).toThrow(/circular/i);
    restoreCdktfResolve();
    expect(() => tokens.resolve(f.stack, deep)).toThrow(/circular/i);
  });

  test("a resolution that starts below the top (a path given) is cdktf's own, path and all", () => {
    const f = fixture();
    resolvePlainValuesFast({});
    const { DefaultTokenResolver, StringConcat } = require("cdktf") as typeof import("cdktf");
    const module = require("cdktf/lib/tokens/private/resolve") as { resolve: (obj: unknown, options: unknown) => unknown };
    const options = { scope: f.stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()), prefix: ["p", "q"] };
    expect(module.resolve({ id: f.sg.id, n: 1 }, options)).toEqual(cdktfResolveForTests({ id: f.sg.id, n: 1 }, options));
    expect(() => module.resolve({ x: () => 1 }, options)).toThrow("/p/q/x");
  });

  test("RESTARTIX_FAST_RESOLVE=0 leaves cdktf's function; installing twice is refused", () => {
    restoreCdktfResolve();
    const module = require("cdktf/lib/tokens/private/resolve") as { resolve: unknown };
    const own = module.resolve;
    expect(resolvePlainValuesFast({ RESTARTIX_FAST_RESOLVE: "0" })).toBe(false);
    expect(module.resolve).toBe(own);
    expect(resolvePlainValuesFast({})).toBe(true);
    expect(module.resolve).not.toBe(own);
    expect(resolvePlainValuesFast({})).toBe(false);
  });
});
