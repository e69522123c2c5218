/** Readers for synthesized Terraform JSON, where one block may be an object or a list and booleans may be strings. */

/** A nested block as a list: cdktf writes single blocks as objects and repeatable ones as arrays. */
export function blocks(value: unknown): Record<string, any>[] {
  if (Array.isArray(value)) return value.filter((v) => v !== null && typeof v === "object");
  if (value !== null && typeof value === "object") return [value as Record<string, any>];
  return [];
}

/** The first nested block, or an empty object. */
export const block = (value: unknown): Record<string, any> => blocks(value)[0] ?? {};

/** A Terraform expression (reference, function call): its value is unknown at synth. */
export const isExpression = (value: unknown): boolean => typeof value === "string" && value.includes("${");

/** A literal true: some provider attributes are typed as strings ("true"). Expressions are not literals. */
export const isTrue = (value: unknown): boolean => value === true || value === "true";

export const isFalse = (value: unknown): boolean => value === false || value === "false";

/** A set value: present, not empty. A reference counts: what it points at is checked where it lives. */
export const isSet = (value: unknown): boolean =>
  value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

/** A literal number (numbers may be written as strings), else undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** Strings of a value that may be one string or a list of them. */
export function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

// `${aws_s3_bucket.logs.id}`, `${data.aws_iam_policy_document.x.json}`, `${aws_kms_key.k.arn}/*`:
// a resource type always has an underscore; logical names may hold dashes.
const REFERENCE = /(?<![\w.-])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)(?=[.[}\s,)])/g;

/** Addresses referenced by the expressions inside a string. */
export function referencedAddresses(value: string): string[] {
  if (!value.includes("${")) return [];
  const out: string[] = [];
  for (const m of value.matchAll(REFERENCE)) out.push(m[1]);
  return out;
}

/** Renders a value for a message without quoting whole documents. */
export function show(value: unknown): string {
  if (value === undefined) return "not set";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
