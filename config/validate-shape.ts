import { Issues } from "./errors";

/**
 * What a setting holds at run time. phases/*.ts are transpiled without type-checking (scripts/build.js),
 * and phases/tenants/*.json are plain JSON: `maxInstances: "5"` or a mistyped field name reaches the
 * synth unless these kinds refuse it. The finer rules (formats, cross-field limits) live in the
 * other validate-* files; these check what nothing else does.
 */
export type Kind =
  | NumberKind
  | {
      readonly t: "string";
      /** A value may be left out. @default false (left out: "is required") */
      readonly optional?: boolean;
      /** "" and blanks are accepted. @default false (a blank string is refused) */
      readonly empty?: boolean;
      /** @default - any string */
      readonly pattern?: RegExp;
      /** What `pattern` means, for the message. @default - "a value matching <pattern>" */
      readonly expected?: string;
      /** The value the fix suggests. @default "..." */
      readonly example?: string;
    }
  | {
      readonly t: "enum";
      /** A value may be left out. @default false (left out: "is required") */
      readonly optional?: boolean;
      readonly values: readonly (string | number)[];
    }
  | {
      readonly t: "boolean";
      /** A value may be left out. @default false (left out: "is required") */
      readonly optional?: boolean;
    }
  | {
      readonly t: "list";
      /** A value may be left out. @default false (left out: "is required") */
      readonly optional?: boolean;
      readonly of: Kind;
      /** Fewest items. @default - no minimum */
      readonly min?: number;
    }
  | {
      readonly t: "object";
      /** A value may be left out. @default false (left out: "is required") */
      readonly optional?: boolean;
      readonly what: string;
      readonly fields: Readonly<Record<string, Kind>>;
      /**
       * Further fields passed over unread: TypeScript lets a wider object stand in (a service config where sizing belongs).
       * @default - none: a field not in `fields` is refused
       */
      readonly ignores?: readonly string[];
    }
  | {
      readonly t: "map";
      /** A value may be left out. @default false (left out: "is required") */
      readonly optional?: boolean;
      readonly of: Kind;
    }
  /** Checked entirely elsewhere (e.g. a tenant's id and name, which validateTenants reads first). */
  | {
      readonly t: "any";
      /** A value may be left out. @default false (left out: "is required") */
      readonly optional?: boolean;
    };

interface NumberKind {
  readonly t: "number";
  readonly optional?: boolean;
  readonly whole?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Whole multiples of this only (e.g. 64 MB steps). */
  readonly multipleOf?: number;
  /** Why the range: the service's rule, for the fix. */
  readonly why?: string;
}

/** Every field of T, each with its kind; optional fields need optional kinds. The compiler keeps this list complete. */
export type Fields<T> = { readonly [K in keyof T]-?: undefined extends T[K] ? Kind & { readonly optional: true } : Kind };

export const object = <T>(what: string, fields: Fields<T>, ignores?: readonly string[]): Kind => ({ t: "object", what, fields, ignores });
export const optional = <K extends Kind>(kind: K): K & { readonly optional: true } => ({ ...kind, optional: true });
/** A number whose range another check already holds (or that needs none beyond its type). */
export const number = (): Kind => ({ t: "number" });
/** A whole number in [min, max]; fractions and negatives are also refused by validatePhaseFormats' walk, which reports them first. */
export const whole = (min: number, max: number, why?: string, multipleOf?: number): Kind => ({
  t: "number",
  whole: true,
  min,
  max,
  why,
  multipleOf,
});
/** A number (fractions allowed) in [min, max]. */
export const fraction = (min: number, max: number, why?: string): Kind => ({ t: "number", min, max, why });
export const str = (pattern?: RegExp, expected?: string, example?: string): Kind => ({ t: "string", pattern, expected, example });
/** A string that may be empty. */
export const text = (): Kind => ({ t: "string", empty: true });
export const oneOf = (values: readonly (string | number)[]): Kind => ({ t: "enum", values });
export const bool = (): Kind => ({ t: "boolean" });
export const list = (of: Kind, min?: number): Kind => ({ t: "list", of, min });
export const map = (of: Kind): Kind => ({ t: "map", of });
export const any = (): Kind => ({ t: "any" });

function describe(kind: Kind): string {
  switch (kind.t) {
    case "number":
      return kind.whole ? "a whole number" : "a number";
    case "string":
      return "a string (in quotes)";
    case "enum":
      return `one of ${kind.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "boolean":
      return "true or false";
    case "list":
      return "a list [...]";
    case "object":
      return `an object { ... } (${kind.what})`;
    case "map":
      return "an object { name: value, ... }";
    default:
      return "a value";
  }
}

function example(kind: Kind): string {
  switch (kind.t) {
    case "number":
      return String(kind.min !== undefined && kind.min > 0 ? kind.min : 1);
    case "string":
      return kind.example ?? '"..."';
    case "enum":
      return JSON.stringify(kind.values[0]);
    case "boolean":
      return "true";
    case "list":
      return "[...]";
    default:
      return "{ ... }";
  }
}

const typeName = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`;

/**
 * Checks `value` against `kind`; problems go to `issues` under `at` (the field path). Returns false
 * when the value is not even of its kind (missing, another type, an unknown field): the other
 * checks read the values as their types and would report nonsense, so the caller stops there.
 */
export function checkKind(value: unknown, kind: Kind, at: string, name: string, issues: Issues): boolean {
  if (value === undefined) {
    if (kind.optional) return true;
    issues.add(at, null, "is required", `add ${name}: ${example(kind)}`);
    return false;
  }
  switch (kind.t) {
    case "any":
      return true;
    case "number": {
      if (typeof value !== "number") {
        const numeric = typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value);
        issues.add(
          at,
          value,
          `expected ${describe(kind)}, not ${typeName(value)}`,
          numeric ? `write ${name}: ${Number(value)} (no quotes)` : `write ${name}: ${example(kind)}`,
        );
        return false;
      }
      // Non-finite, fractional or negative values where a whole number belongs are reported by the
      // walk of validatePhaseFormats (phases) or the sizing checks (tenants); the range is checked here.
      const inRange =
        (kind.min === undefined || value >= kind.min) &&
        (kind.max === undefined || value <= kind.max) &&
        (kind.multipleOf === undefined || value % kind.multipleOf === 0);
      const comparable = Number.isFinite(value) && value >= 0 && (!kind.whole || Number.isInteger(value));
      if (comparable && !inRange) {
        const range =
          (kind.max === undefined ? `${kind.min} or more` : `from ${kind.min} to ${kind.max}`) +
          (kind.multipleOf ? ` in steps of ${kind.multipleOf}` : "");
        issues.add(at, value, `expected ${describe(kind)} ${range}${kind.why ? ` (${kind.why})` : ""}`, `set ${name} ${range}`);
      }
      return true;
    }
    case "string": {
      if (typeof value !== "string") {
        issues.add(
          at,
          value,
          `expected ${describe(kind)}, not ${typeName(value)}`,
          typeof value === "number" || typeof value === "boolean" ? `write ${name}: "${String(value)}"` : `write ${name}: ${example(kind)}`,
        );
        return false;
      }
      if (!kind.empty && value.trim() === "") {
        issues.add(at, value, "is empty", `write ${name}: ${example(kind)}`);
      } else if (kind.pattern && !kind.pattern.test(value)) {
        issues.add(at, value, `expected ${kind.expected ?? `a value matching ${kind.pattern}`}`, `write ${name}: ${example(kind)}`);
      }
      return true;
    }
    case "enum": {
      if (kind.values.includes(value as string | number)) return true;
      const quoted = typeof value === "string" && kind.values.includes(Number(value));
      issues.add(
        at,
        value,
        `expected ${describe(kind)}`,
        quoted ? `write ${name}: ${Number(value)} (no quotes)` : `write ${name}: ${example(kind)}`,
      );
      return typeof value === typeof kind.values[0];
    }
    case "boolean":
      if (typeof value === "boolean") return true;
      issues.add(
        at,
        value,
        `expected true or false, not ${typeName(value)}`,
        value === "true" || value === "false" ? `write ${name}: ${value} (no quotes)` : `write ${name}: true or ${name}: false`,
      );
      return false;
    case "list": {
      if (!Array.isArray(value)) {
        issues.add(at, value, `expected ${describe(kind)}, not ${typeName(value)}`, `write ${name}: [${example(kind.of)}]`);
        return false;
      }
      if (kind.min !== undefined && value.length < kind.min)
        issues.add(at, value, `expected at least ${kind.min} item${kind.min === 1 ? "" : "s"}`, `list ${kind.min} or more`);
      let ok = true;
      value.forEach((v, i) => (ok = checkKind(v, kind.of, `${at}[${i}]`, `${name}[${i}]`, issues) && ok));
      return ok;
    }
    case "map":
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        issues.add(at, value, `expected ${describe(kind)}, not ${typeName(value)}`, `write ${name}: { ... }`);
        return false;
      }
      let ok = true;
      const entries = Object.entries(value as Record<string, unknown>);
      if (kind.t === "map") {
        for (const [k, v] of entries) ok = checkKind(v, kind.of, `${at}.${k}`, k, issues) && ok;
        return ok;
      }
      const accepted = Object.keys(kind.fields);
      for (const [k, v] of entries) {
        if (kind.fields[k] === undefined && !kind.ignores?.includes(k)) {
          issues.unknownField(`${at}.${k}`, v, k, accepted, kind.what);
          ok = false;
        }
      }
      for (const [k, fieldKind] of Object.entries(kind.fields))
        ok = checkKind((value as Record<string, unknown>)[k], fieldKind, `${at}.${k}`, k, issues) && ok;
      return ok;
    }
  }
}
