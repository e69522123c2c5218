import { Fn } from "cdktf";

/**
 * JSON-valued string arguments (ECS container definitions, dashboard bodies, DynamoDB items, SSM
 * values, Worker bindings) whose content holds references. `JSON.stringify` of such a value is valid
 * Terraform JSON but `cdktf synth --hcl` renders it as invalid HCL (the quotes around the references
 * are not escaped: hashicorp/terraform-cdk#3911). `jsonencode(...)` renders as valid HCL and JSON, and
 * Terraform builds the same document. `readJsonExpression` reads either form back (policy pack, tests).
 */

/** JSON without null: cdktf writes a null inside a function call as nothing (`[1, , 2]`), which Terraform rejects. */
export type Json = boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };

/**
 * cdktf writes the strings inside a function call between quotes without escaping `"` or `\`
 * (it escapes only newlines and `${`), and `%{` would start a template directive: escape them here.
 */
const escapeLiteral = (s: string): string => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%\{/g, "%%{");

function escapeDeep(value: Json | undefined): Json | undefined {
  if (value === null) throw new Error("jsonExpression: null cannot be written inside jsonencode() by cdktf; leave the key out instead");
  if (typeof value === "string") return escapeLiteral(value);
  if (Array.isArray(value)) return value.map(escapeDeep) as Json[];
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [escapeLiteral(k), escapeDeep(v)]),
    );
  }
  return value;
}

/** `jsonencode(value)`: a JSON document as a Terraform expression; references inside stay references. */
export function jsonExpression(value: Json): string {
  return Fn.jsonencode(escapeDeep(value));
}

/**
 * The value of a JSON-valued argument as synthesized: a JSON text, or `${jsonencode(...)}` as
 * cdktf writes it (Terraform's object/tuple syntax, references bare or inside templates). References
 * come back as `${...}` strings, as they would appear in a JSON text. Undefined when it is neither.
 */
export function readJsonExpression(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return undefined;
    }
  }
  const m = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(trimmed);
  if (!m) return undefined;
  try {
    const parser = new ExpressionParser(m[1]);
    const value = parser.value();
    parser.end();
    return value;
  } catch {
    return undefined;
  }
}

/** A reader for the subset of Terraform's native syntax that cdktf writes inside jsonencode(). */
class ExpressionParser {
  private i = 0;
  constructor(private readonly s: string) {}

  end(): void {
    this.ws();
    if (this.i !== this.s.length) throw new Error(`unexpected ${this.s.slice(this.i, this.i + 20)}`);
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.tuple();
    if (c === '"') return this.string();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)(?=[\s,\]}]|$)/.exec(this.s.slice(this.i));
    if (literal) {
      this.i += literal[0].length;
      return JSON.parse(literal[0]) as unknown;
    }
    return `\${${this.bareExpression()}}`;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      let key: string;
      if (this.s[this.i] === '"') key = this.string();
      else {
        const name = /^[A-Za-z_][\w-]*/.exec(this.s.slice(this.i));
        if (!name) throw new Error("object key expected");
        key = name[0];
        this.i += key.length;
      }
      this.ws();
      if (this.s[this.i] !== "=" && this.s[this.i] !== ":") throw new Error("= expected");
      this.i++;
      out[key] = this.value();
      this.separator("}");
    }
  }

  private tuple(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === "]") {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.separator("]");
    }
  }

  private separator(close: string): void {
    this.ws();
    if (this.s[this.i] === ",") this.i++;
    else if (this.s[this.i] !== close) throw new Error(`, or ${close} expected`);
  }

  /** A quoted template: escapes decoded, interpolations kept as `${...}`. */
  private string(): string {
    let out = "";
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === "\\") {
        const e = this.s[this.i + 1];
        if (e === "u") {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
          continue;
        }
        out += ({ n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" } as Record<string, string>)[e] ?? e;
        this.i += 2;
      } else if (this.s.startsWith("$${", this.i) || this.s.startsWith("%%{", this.i)) {
        out += this.s.slice(this.i + 1, this.i + 3);
        this.i += 3;
      } else if (this.s.startsWith("${", this.i)) {
        const start = this.i;
        this.i += 2;
        this.skipUntil("}");
        this.i++;
        out += this.s.slice(start, this.i);
      } else {
        out += c;
        this.i++;
      }
    }
    throw new Error("unterminated string");
  }

  /** A reference or function call written bare: everything up to the next top-level , } or ]. */
  private bareExpression(): string {
    const start = this.i;
    this.skipUntil(",}]");
    const expr = this.s.slice(start, this.i).trim();
    if (!expr) throw new Error("expression expected");
    return expr;
  }

  /** Advances to the first of `stops` outside brackets and strings. */
  private skipUntil(stops: string): void {
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (depth === 0 && stops.includes(c)) return;
      if (c === '"') {
        this.string();
        continue;
      }
      if ("([{".includes(c)) depth++;
      else if (")]}".includes(c)) depth--;
      this.i++;
    }
    if (depth !== 0 || stops !== ",}]") throw new Error("unbalanced expression");
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
}
