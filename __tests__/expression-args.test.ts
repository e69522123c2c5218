import { Fn, Op, Token } from "cdktf";
import { resolveExpressionArgsOnce, restoreExpressionArgs } from "../lib/expression-args";
import { resolvePlainValuesFast, restoreCdktfResolve } from "../lib/fast-resolve";
import { jsonExpression } from "../lib/json-expression";
import { outcomeOf, TokenFixture, tokenFixture, tokens } from "./token-fixture";

const fixture = () => tokenFixture("rx-expression-args-");

/** Expressions with nested, token-bearing and oddly shaped arguments, built fresh per call. */
function expressions(f: TokenFixture): Record<string, unknown> {
  const container = {
    name: "api",
    image: `${f.sg.arn}:latest`,
    portMappings: [{ containerPort: 8080, protocol: "tcp" }],
    environment: [
      { name: "A", value: f.sg.id },
      { name: "B", value: 'plain "quoted" ${not.a.ref} %{x}' },
    ],
    secrets: [{ name: "S", valueFrom: `${f.sg.arn}:password::` }],
    logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": f.sg.name, "awslogs-stream-prefix": "api" } },
    healthCheck: { command: ["CMD-SHELL", "wget -q -O- http://localhost:8080/health || exit 1"], retries: 3 },
    readonlyRootFilesystem: true,
    cpu: f.num.numberValue,
  };
  const shared = { same: "object", used: ["twice", f.sg.id] };
  return {
    containerDefinitions: jsonExpression([container, { ...container, name: "worker" }]),
    sameMemberTwice: Fn.jsonencode({ a: shared, b: shared, c: [shared, shared] }),
    undefinedMembers: Fn.jsonencode({ a: [1, undefined, f.sg.id, undefined, "z"], b: undefined, c: { d: undefined, e: 2 } }),
    tokenKey: Fn.jsonencode({ [f.sg.id]: "value", other: { [f.sg.name]: [f.sg.arn] } }),
    listToken: Fn.join(",", f.list.listValue),
    listTokenInArray: Fn.jsonencode({ l: f.list.listValue, m: [f.list.listValue] }),
    numberToken: Fn.jsonencode({ n: f.num.numberValue, ns: [1, f.num.numberValue] }),
    mapToken: Fn.jsonencode({ m: Token.asStringMap(f.map.value) }),
    nested: Fn.lower(Fn.join("-", [Fn.upper(f.sg.name), "x", Fn.jsonencode({ deep: [[[f.sg.id]]] })])),
    lookup: Fn.lookup({ a: f.sg.id, b: "c" }, "a", "default"),
    conditional: Op.or(Op.eq(f.sg.id, "x"), Op.gt(f.num.numberValue, 3)),
    propertyAccess: Fn.element(Fn.tolist(f.list.listValue), 0),
    escapes: Fn.jsonencode({ template: "${keep} $${literal} \n newline" }),
  };
}

describe("each argument of a Terraform expression is resolved once (lib/expression-args.ts)", () => {
  afterAll(() => resolveExpressionArgsOnce({}));

  test.each([
    { preparing: false, walk: false },
    { preparing: true, walk: false },
    { preparing: false, walk: true },
    { preparing: true, walk: true },
  ])("the same text as cdktf's own, argument by argument (preparing: $preparing, with the app's walk: $walk)", ({ preparing, walk }) => {
    restoreExpressionArgs();
    restoreCdktfResolve();
    const f = fixture();
    const theirs = tokens.resolve(f.stack, expressions(f), preparing) as Record<string, string>;
    expect(resolveExpressionArgsOnce({})).toBe(true);
    // With the walk installed, each argument is resolved by it under the expression's context (resolveInContext).
    if (walk) expect(resolvePlainValuesFast({})).toBe(true);
    try {
      const ours = tokens.resolve(f.stack, expressions(f), preparing) as Record<string, string>;
      for (const key of Object.keys(theirs)) expect({ key, text: ours[key] }).toEqual({ key, text: theirs[key] });
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      expect(theirs.containerDefinitions).toContain("aws_security_group.sg.arn");
    } finally {
      restoreCdktfResolve();
    }
  });

  test("a leaf five levels down a jsonencode() is resolved once or twice, not a dozen times", () => {
    const count = () => {
      const f = fixture();
      let resolutions = 0;
      const leaf = Token.asString({ resolve: () => (resolutions++, f.sg.id) });
      const expression = Fn.jsonencode({ containerDefinitions: [{ environment: [{ name: "A", value: { nested: [leaf] } }] }] });
      tokens.resolve(f.stack, { expression });
      return resolutions;
    };
    restoreExpressionArgs();
    const theirs = count();
    resolveExpressionArgsOnce({});
    const ours = count();
    expect(theirs).toBeGreaterThanOrEqual(10);
    expect(ours).toBeLessThanOrEqual(2);
  });

  test("an error in an argument is still cdktf's error", () => {
    const f = fixture();
    const bad = () => Fn.jsonencode({ a: [{ b: () => 1 }] });
    const outcome = () => outcomeOf(() => tokens.resolve(f.stack, bad()), true);
    restoreExpressionArgs();
    const theirs = outcome();
    resolveExpressionArgsOnce({});
    expect(outcome()).toEqual(theirs);
  });

  test("RESTARTIX_EXPRESSION_MEMO=0 leaves cdktf's methods; installing twice is refused", () => {
    restoreExpressionArgs();
    expect(resolveExpressionArgsOnce({ RESTARTIX_EXPRESSION_MEMO: "0" })).toBe(false);
    expect(resolveExpressionArgsOnce({})).toBe(true);
    expect(resolveExpressionArgsOnce({})).toBe(false);
  });
});
