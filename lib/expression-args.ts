/**
 * cdktf writes a Terraform expression (a function call such as `jsonencode(...)`, a property access,
 * a conditional) by resolving each argument, and then every member of it again, level by level:
 * `TFExpression.resolveArg` resolves its argument, `resolveExpressionPart` resolves the same argument
 * a second time and calls `resolveArg` on each member of the result, which resolves that member (and
 * everything under it) twice more. A `jsonencode()` of an ECS container definition (five or six levels
 * deep) resolved each of its leaves about a dozen times; at 1000 tenants that was a fifth of a synth.
 *
 * The app keeps, per resolution context, what each argument resolved to, and when an array or an
 * object resolves to a value of exactly its shape (same length, or the same keys in the same order:
 * nothing dropped, no key renamed by a token) it keeps each member's part of that value as the
 * member's own answer. That is the answer cdktf would compute: a member resolved inside its parent and
 * a member resolved alone get the same context flags, and the path that differs only names errors.
 * Anything else (a token, a list or map token, a shape that changed) is resolved as cdktf does. The
 * memory belongs to one context and is dropped when the context's flags change. The methods below are
 * cdktf 0.21's own, line for line, but for `context.resolve(arg)`.
 * __tests__/expression-args.test.ts compares both on nested and token-bearing arguments;
 * __tests__/prepared-resolution.test.ts compares whole phases byte for byte.
 * RESTARTIX_EXPRESSION_MEMO=0 turns it off.
 */
import { Tokenization } from "cdktf";
import { resolveInContext } from "./fast-resolve";

interface ResolveContext {
  resolve(x: unknown): unknown;
  suppressBraces?: boolean;
  ignoreEscapes?: boolean;
  warnEscapes?: boolean;
  iteratorContext?: unknown;
}

interface ExpressionMethods {
  resolveArg(this: ExpressionMethods, context: ResolveContext, arg: unknown): unknown;
  resolveExpressionPart(this: ExpressionMethods, context: ResolveContext, arg: unknown): unknown;
  resolveString(this: ExpressionMethods, str: string, resolved: unknown): unknown;
}

const tfExpression = require("cdktf/lib/tfExpression") as { call: (name: string, args: unknown[]) => object };
const encoding = require("cdktf/lib/tokens/private/encoding") as {
  extractTokenDouble: (x: number, list: boolean) => number | undefined;
};

/** TFExpression.prototype: the class is not exported; every expression (a function call here) inherits it. */
const expressionPrototype = Object.getPrototypeOf(Object.getPrototypeOf(tfExpression.call("x", []))) as ExpressionMethods;
const original = { resolveArg: expressionPrototype.resolveArg, resolveExpressionPart: expressionPrototype.resolveExpressionPart };

interface Memory {
  readonly flags: readonly unknown[];
  readonly answers: Map<unknown, unknown>;
}
const memories = new WeakMap<ResolveContext, Memory>();

const flagsOf = (context: ResolveContext): unknown[] => [
  context.suppressBraces,
  context.ignoreEscapes,
  context.warnEscapes,
  context.iteratorContext,
];

function memoryOf(context: ResolveContext): Memory {
  const flags = flagsOf(context);
  const memory = memories.get(context);
  if (memory && memory.flags.every((f, i) => f === flags[i])) return memory;
  const fresh = { flags, answers: new Map<unknown, unknown>() };
  memories.set(context, fresh);
  return fresh;
}

const isResolvable = (x: unknown): boolean => Tokenization.isResolvable(x);

/** A value cdktf resolves as a whole rather than member by member (encoded list, number-list or map tokens). */
function opaque(x: object): boolean {
  if (Array.isArray(x)) {
    return x.some(
      (m) =>
        (typeof m === "string" && m.indexOf("TfToken[") !== -1) ||
        (typeof m === "number" && encoding.extractTokenDouble(m, true) !== undefined),
    );
  }
  return Object.keys(x).some((k) => k.indexOf("TfToken[") !== -1);
}

/** Keeps each member's part of a resolved value as the member's answer, where the shapes match exactly. */
function keepMembers(answers: Map<unknown, unknown>, arg: unknown, resolved: unknown): void {
  if (arg === null || typeof arg !== "object" || resolved === null || typeof resolved !== "object") return;
  if (isResolvable(arg) || arg instanceof Date || opaque(arg)) return;
  if (Array.isArray(arg)) {
    if (!Array.isArray(resolved) || resolved.length !== arg.length) return;
    arg.forEach((member, i) => keep(answers, member, resolved[i]));
    return;
  }
  if (Array.isArray(resolved)) return;
  const keys = Object.keys(arg);
  const resolvedKeys = Object.keys(resolved);
  if (keys.length !== resolvedKeys.length || keys.some((k, i) => k !== resolvedKeys[i])) return;
  for (const k of keys) keep(answers, (arg as Record<string, unknown>)[k], (resolved as Record<string, unknown>)[k]);
}

function keep(answers: Map<unknown, unknown>, member: unknown, resolved: unknown): void {
  if (member === undefined || answers.has(member)) return;
  answers.set(member, resolved);
  keepMembers(answers, member, resolved);
}

/** `context.resolve(arg)`, once per context and argument. */
function resolvedOnce(context: ResolveContext, arg: unknown): unknown {
  const { answers } = memoryOf(context);
  if (arg !== undefined && answers.has(arg)) return answers.get(arg);
  // The app's walk where it can (lib/fast-resolve.ts), cdktf's context otherwise: the same answer.
  const resolved = (
    resolveInContext(arg, context as ResolveContext & { scope: unknown; preparing: boolean }) ?? { value: context.resolve(arg) }
  ).value;
  if (arg !== undefined) {
    answers.set(arg, resolved);
    keepMembers(answers, arg, resolved);
  }
  return resolved;
}

/** Installs the memory once per process; false when it is off or already installed. */
export function resolveExpressionArgsOnce(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.RESTARTIX_EXPRESSION_MEMO === "0") return false;
  if (expressionPrototype.resolveArg !== original.resolveArg) return false;

  // cdktf 0.21 TFExpression.resolveExpressionPart, but for resolvedOnce.
  expressionPrototype.resolveExpressionPart = function (context, arg) {
    const resolvedArg = resolvedOnce(context, arg);
    if (isResolvable(arg)) return resolvedArg;
    if (Array.isArray(resolvedArg)) {
      return `[${resolvedArg.map((_, index) => this.resolveArg(context, (arg as unknown[])[index])).join(", ")}]`;
    }
    if (typeof resolvedArg === "object" && resolvedArg !== null) {
      return `{${Object.keys(resolvedArg)
        .map((key) => `"${key}" = ${this.resolveArg(context, (arg as Record<string, unknown>)[key])}`)
        .join(", ")}}`;
    }
    return resolvedArg;
  };

  // cdktf 0.21 TFExpression.resolveArg, but for resolvedOnce.
  expressionPrototype.resolveArg = function (context, arg) {
    const resolvedArg = resolvedOnce(context, arg);
    if (typeof arg === "string") {
      const str = this.resolveString(arg, resolvedArg);
      if (typeof str !== "string") return this.resolveExpressionPart(context, str);
      return str;
    }
    return this.resolveExpressionPart(context, arg);
  };
  return true;
}

/** cdktf's own methods back (tests compare both ways in one process). */
export function restoreExpressionArgs(): void {
  expressionPrototype.resolveArg = original.resolveArg;
  expressionPrototype.resolveExpressionPart = original.resolveExpressionPart;
}
