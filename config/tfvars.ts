/**
 * A parser for the subset of HCL that terraform.tfvars files use here: `name = value` lines where a
 * value is a quoted string, a number, true/false or a one-line list of those; `#` and `//`
 * comments. Anything else is an error that names the line.
 */
export type TfvarsValue = string | number | boolean | readonly TfvarsValue[];

export class TfvarsSyntaxError extends Error {}

export function parseTfvars(text: string, file = "terraform.tfvars"): Record<string, TfvarsValue> {
  const out: Record<string, TfvarsValue> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = stripComment(raw).trim();
    if (line === "") return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(line);
    if (!match) {
      throw new TfvarsSyntaxError(`${file}:${index + 1}: expected 'name = value', got '${raw.trim()}'`);
    }
    const [, name, valueText] = match;
    if (name in out) {
      throw new TfvarsSyntaxError(`${file}:${index + 1}: '${name}' is set twice`);
    }
    out[name] = parseValue(valueText.trim(), `${file}:${index + 1}`);
  });
  return out;
}

function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && inString) {
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if (!inString && (c === "#" || (c === "/" && line[i + 1] === "/"))) return line.slice(0, i);
  }
  return line;
}

function parseValue(text: string, where: string): TfvarsValue {
  if (text.startsWith("[")) {
    if (!text.endsWith("]")) throw new TfvarsSyntaxError(`${where}: a list must close on the same line`);
    const inner = text.slice(1, -1).trim();
    if (inner === "") return [];
    return splitList(inner).map((item) => parseValue(item.trim(), where));
  }
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) throw new TfvarsSyntaxError(`${where}: unterminated string ${text}`);
    return JSON.parse(text) as string;
  }
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  throw new TfvarsSyntaxError(`${where}: cannot read value ${text} (quote strings: "${text}")`);
}

function splitList(inner: string): string[] {
  const items: string[] = [];
  let current = "";
  let inString = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "\\" && inString) {
      current += c + inner[++i];
      continue;
    }
    if (c === '"') inString = !inString;
    if (c === "," && !inString) {
      items.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  if (current.trim() !== "") items.push(current);
  return items;
}
