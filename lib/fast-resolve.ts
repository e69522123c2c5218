/**
 * cdktf resolves a stack by walking every value of every element with one generic function
 * (cdktf/lib/tokens/private/resolve.js): for each object key, each string and each number it builds
 * a resolution context (two closures, a copied options object, a copied path array) and runs three
 * regular expressions, whether or not the value holds a token. Most of a synthesized stack is plain
 * JSON (names, ports, policy text), so that walk was the largest single cost of a synth.
 *
 * The app walks the plain part itself and hands every value that holds (or might hold) a token to
 * cdktf's own function, with the same options and path, so each token resolves exactly as before:
 * - a string with no token marker ("TfToken[") and nothing cdktf's number-token pattern matches is
 *   returned as it is (cdktf returns it unchanged too);
 * - a string that is exactly one string token has cdktf's string scaffolding (split, fragments,
 *   join) skipped: its token goes to cdktf's function, or, for a plain attribute reference (6500 of
 *   phase 4's 7600 tokens), through `Reference.resolve`'s own steps written out; any other string
 *   goes to cdktf whole;
 * - a number that is not an encoded token is returned as it is; a token number goes to cdktf;
 * - an array holding a list token or a number-list token, an object with a key that is not plain,
 *   anything resolvable (a `resolve` method), a construct, a function and cdktf's map-token
 *   placeholder values go to cdktf whole (before any of their members is walked);
 * - plain arrays and objects are walked: undefined members dropped.
 * The entry point (`Tokenization.resolve`, the one caller of the module's export) starts the walk;
 * inside a token, only an expression's arguments are walked (`resolveInContext`, for
 * lib/expression-args.ts), with the expression's context passed on as cdktf passes it.
 * __tests__/fast-resolve.test.ts compares both on every kind of value and token;
 * __tests__/prepared-resolution.test.ts compares whole phases byte for byte.
 * RESTARTIX_FAST_RESOLVE=0 turns it off.
 */
import { IConstruct } from "constructs";
import { App, TerraformStack } from "cdktf";

interface ResolveOptions {
  readonly scope: unknown;
  readonly preparing: boolean;
  readonly resolver: unknown;
  /** @default [] */
  readonly prefix?: string[];
  /** @default - none (the top of a resolution) */
  readonly previousContext?: unknown;
}

type Resolve = (obj: unknown, options: ResolveOptions) => unknown;

const resolveModule = require("cdktf/lib/tokens/private/resolve") as { resolve: Resolve };
interface Fragments {
  mapTokens(context: unknown): { join(concat: unknown): unknown };
}
const encoding = require("cdktf/lib/tokens/private/encoding") as {
  extractTokenDouble: (x: number, list: boolean) => number | undefined;
  TokenString: { forNumbers(s: unknown): { test(): boolean; split(lookup: (id: string) => unknown): Fragments } };
};
const { TokenMap } = require("cdktf/lib/tokens/private/token-map") as {
  TokenMap: { instance(): { lookupToken(key: string): unknown; lookupNumberToken(x: number): unknown } };
};
const { StringConcat, DefaultTokenResolver } = require("cdktf/lib/tokens/resolvable") as {
  StringConcat: new () => unknown;
  DefaultTokenResolver: new (concat: unknown) => unknown;
};
const tfExpression = require("cdktf/lib/tfExpression") as { ref: (identifier: string, stack?: unknown) => object };

/** A reference to a resource attribute (`aws_x.y.arn`): cdktf's class is not exported; `ref()` makes one. */
interface Reference {
  readonly identifier: string;
  readonly originStack?: TerraformStack;
  readonly crossStackIdentifier: Record<string, string>;
}
const REFERENCE_PROTOTYPE = Object.getPrototypeOf(tfExpression.ref("x")) as object;
const { Token } = require("cdktf/lib/tokens/token") as {
  Token: { STRING_MAP_TOKEN_VALUE: string; ANY_MAP_TOKEN_VALUE: string; NUMBER_MAP_TOKEN_VALUE: number };
};

const cdktfResolve: Resolve = resolveModule.resolve;

/** cdktf's pattern for numbers encoded into strings (encoding.js NUMBER_TOKEN_REGEX), our own copy: no shared lastIndex. */
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
/** cdktf's list-token pattern (LIST_TOKEN_REGEX): an array holding one is resolved whole by cdktf. */
const LIST_TOKEN = /#\{TfToken\[([a-zA-Z0-9:._-]+)\]\}/;
/** A string that is one string token and nothing else (STRING_TOKEN_REGEX, anchored). */
const WHOLE_STRING_TOKEN = /^\$\{TfToken\[([a-zA-Z0-9:._-]+)\]\}$/;
/** Deeper than this, cdktf's own walk takes over (it refuses paths over 200 as circular). */
const MAX_OWN_DEPTH = 150;

/**
 * A reference resolved by cdktf's default resolver: the token behind nearly every token string (6500
 * of the 7600 tokens of phase 4). Its resolution is short enough to be written out: the steps of
 * `resolve(token)`, `DefaultTokenResolver.resolveToken` and `Reference.resolve` (cdktf 0.21
 * tfExpression.js) at the top of a resolution, where no flag is set yet.
 */
function isPlainReference(token: unknown, options: ResolveOptions): token is Reference {
  return Object.getPrototypeOf(token) === REFERENCE_PROTOTYPE && isDefaultResolver(options.resolver);
}

/** cdktf's default resolver with its string concatenation (every resolution of a synth uses one). */
function isDefaultResolver(resolver: unknown): boolean {
  const r = resolver as { constructor?: unknown; concat?: unknown } | undefined;
  return r?.constructor === DefaultTokenResolver && Object.getPrototypeOf(r.concat) === StringConcat.prototype;
}

function resolveReference(reference: Reference, opts: ResolveOptions): unknown {
  try {
    const stack = TerraformStack.of(opts.scope as IConstruct);
    const stackName = stack.toString();
    // Reference.resolve: a reference from another stack, while preparing, becomes that stack's output read through remote state.
    if (opts.preparing && reference.originStack && reference.originStack !== stack) {
      const csr = App.of(reference.originStack).crossStackReference(reference.originStack, stack, reference.identifier);
      reference.crossStackIdentifier[stackName] = csr;
    }
    const crossStack = reference.crossStackIdentifier[stackName];
    const identifier = crossStack ? crossStack : reference.identifier;
    // The flags the token's context inherited (none at the top; an expression's inside one).
    const flags = (opts.previousContext ?? {}) as Flags;
    const text = flags.suppressBraces ? identifier : `\${${identifier}}`;
    // resolveToken resolves the answer again, with the flag Reference.resolve set; a plain string resolves to itself.
    if (plainString(text)) return text;
    return cdktfResolve(text, { ...opts, previousContext: { ...pickFlags(flags), suppressBraces: true } });
  } catch {
    // cdktf's own path raises the same error, worded by its resolver (a stack cycle, an unknown stack).
    return cdktfResolve(reference, opts);
  }
}

/** The flags a resolution context hands to the resolutions inside it (cdktf's makeContext copies these four). */
interface Flags {
  readonly suppressBraces?: boolean;
  readonly ignoreEscapes?: boolean;
  readonly warnEscapes?: boolean;
  readonly iteratorContext?: unknown;
}
const pickFlags = (f: Flags): Flags => ({
  suppressBraces: f.suppressBraces,
  ignoreEscapes: f.ignoreEscapes,
  warnEscapes: f.warnEscapes,
  iteratorContext: f.iteratorContext,
});

/** The options cdktf's own function gets for a value at `path` below where the walk started. */
function optionsAt(options: ResolveOptions, path: readonly string[]): ResolveOptions {
  return {
    scope: options.scope,
    preparing: options.preparing,
    resolver: options.resolver,
    prefix: [...(options.prefix ?? []), ...path],
    previousContext: options.previousContext,
  };
}

function plainString(s: string): boolean {
  return s.indexOf("TfToken[") === -1 && !NUMBER_TOKEN.test(s) && s !== Token.STRING_MAP_TOKEN_VALUE && s !== Token.ANY_MAP_TOKEN_VALUE;
}

function plainNumber(n: number): boolean {
  return n !== Token.NUMBER_MAP_TOKEN_VALUE && encoding.extractTokenDouble(n, false) === undefined;
}

/** What cdktf hands to its resolver whole rather than walking: see the header. */
function opaqueObject(obj: object): boolean {
  if (typeof (obj as { resolve?: unknown }).resolve === "function") return true;
  const c = obj as { _children?: unknown; _metadata?: unknown };
  if (c._children !== undefined && c._metadata !== undefined) return true;
  // Keys are checked before any value is walked: a value's tokens must not resolve twice.
  for (const key of Object.keys(obj)) if (!plainString(key)) return true;
  return false;
}

/** cdktf's own test (containsStringListTokenElement, containsNumberListTokenElement): such an array is resolved whole. */
function opaqueArray(arr: readonly unknown[]): boolean {
  for (const x of arr) {
    if (typeof x === "string" && x.indexOf("#{TfToken[") !== -1 && LIST_TOKEN.test(x)) return true;
    if (typeof x === "number" && encoding.extractTokenDouble(x, true) !== undefined) return true;
  }
  return false;
}

/**
 * A string that is exactly one string token (most token strings: an attribute reference), resolved
 * as cdktf's string branch does it, less its scaffolding: cdktf splits the string into one token
 * fragment, resolves that token (the same `resolve(token)` call as here, so the token's own
 * resolution, cross-stack references included, is cdktf's), turns a resolvable answer into its
 * string, then replaces encoded numbers. Undefined when the string is not one known token.
 */
function wholeStringToken(s: string, options: ResolveOptions, path: readonly string[]): { value: unknown } | undefined {
  const m = WHOLE_STRING_TOKEN.exec(s);
  if (!m) return undefined;
  let token: unknown;
  try {
    token = TokenMap.instance().lookupToken(m[1]);
  } catch {
    return undefined; // an unknown key: cdktf's branch raises its own error
  }
  const opts = optionsAt(options, path);
  const mapped = isPlainReference(token, options) ? resolveReference(token, opts) : cdktfResolve(token, opts);
  const value = typeof (mapped as { resolve?: unknown } | null)?.resolve === "function" ? (mapped as object).toString() : mapped;
  // cdktf's number step (resolve.js "replace concatenated token numbers"), on the same value.
  const numbers = encoding.TokenString.forNumbers(value);
  if (!numbers.test()) return { value };
  const fragments = numbers.split((id) => TokenMap.instance().lookupNumberToken(parseFloat(id)));
  const context = { preparing: options.preparing, scope: options.scope, resolve: (x: unknown) => cdktfResolve(x, opts) };
  return { value: fragments.mapTokens(context).join(new StringConcat()) };
}

function walk(obj: unknown, options: ResolveOptions, path: string[]): unknown {
  const cdktf = () => cdktfResolve(obj, { ...optionsAt(options, path) });
  if (obj === undefined || obj === null) return obj;
  switch (typeof obj) {
    case "string": {
      if (plainString(obj)) return obj;
      const token = wholeStringToken(obj, options, path);
      return token ? token.value : cdktf();
    }
    case "number":
      return plainNumber(obj) ? obj : cdktf();
    case "object":
      break;
    case "function":
      return cdktf();
    default:
      return obj;
  }
  if (obj instanceof Date) return obj;
  if (path.length > MAX_OWN_DEPTH) return cdktf();
  if (Array.isArray(obj)) {
    if (opaqueArray(obj)) return cdktf();
    const out: unknown[] = [];
    for (let i = 0; i < obj.length; i++) {
      path.push(`${i}`);
      const value = walk(obj[i], options, path);
      path.pop();
      if (value !== undefined) out.push(value);
    }
    return out;
  }
  if (opaqueObject(obj)) return cdktf();
  const out: Record<string, unknown> = {};
  const record = obj as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    path.push(key);
    const value = walk(record[key], options, path);
    path.pop();
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The entry point the app installs: its own walk from the top of a resolution, cdktf's otherwise. */
function fastResolve(obj: unknown, options: ResolveOptions): unknown {
  if (options.previousContext !== undefined || (options.prefix !== undefined && options.prefix.length > 0))
    return cdktfResolve(obj, options);
  resolvers.push(options.resolver);
  try {
    return walk(obj, options, []);
  } finally {
    resolvers.pop();
  }
}

/** The resolver of each resolution the walk started, innermost last (a token's context does not name its resolver). */
const resolvers: unknown[] = [];

/** What cdktf's context exposes to a token resolving inside it. */
interface ResolveContext extends Flags {
  readonly scope: unknown;
  readonly preparing: boolean;
}

/**
 * `context.resolve(x)` by the walk, for a token resolving its own parts (lib/expression-args.ts):
 * the same options cdktf's context would pass (its scope, its flags as the previous context), under
 * the resolver of the resolution the walk started. Undefined when that resolver is not cdktf's
 * default one, or when anything fails: the caller then asks the context, which gives cdktf's
 * answer or cdktf's error (the path in an error message starts at the context, not here).
 */
export function resolveInContext(x: unknown, context: ResolveContext): { value: unknown } | undefined {
  const resolver = resolvers[resolvers.length - 1];
  if (resolver === undefined || !isDefaultResolver(resolver)) return undefined;
  try {
    return { value: walk(x, { scope: context.scope, preparing: context.preparing, resolver, previousContext: context }, []) };
  } catch {
    return undefined;
  }
}

/** Installs the walk once per process; false when it is off or already installed. */
export function resolvePlainValuesFast(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.RESTARTIX_FAST_RESOLVE === "0") return false;
  if (resolveModule.resolve !== cdktfResolve) return false;
  resolveModule.resolve = fastResolve;
  return true;
}

/** cdktf's own function back (tests compare both in one process). */
export function restoreCdktfResolve(): void {
  resolveModule.resolve = cdktfResolve;
}

/** cdktf's function, for the comparison tests. */
export function cdktfResolveForTests(obj: unknown, options: ResolveOptions): unknown {
  return cdktfResolve(obj, options);
}
