import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../config/deployment";

/**
 * The emulator's known gaps, kept in one reviewed file (tools/rehearse/emulator/emulator-gaps.json): resource
 * types the emulator cannot create or read back (excluded from the scratch copy with everything that
 * depends on them), attributes it does not store (ignore_changes in the scratch copy only), and the
 * patches loaded into moto at start. Every entry names the moto version, the failing API call and
 * the evidence (the error or diff observed). Anything not listed that fails or diffs fails the
 * rehearsal.
 */
export const GAPS_FILE = path.join(ROOT, "tools", "rehearse", "emulator", "emulator-gaps.json");

interface Evidence {
  /** Stable id, shown in the summary. */
  readonly id: string;
  /** The emulator version the evidence was observed with. */
  readonly moto: string;
  /** The API call that fails or loses data, e.g. `apprunner:CreateService`. */
  readonly call: string;
  /** What was observed: the error text or the re-plan diff. */
  readonly evidence: string;
  /** What the gap costs the rehearsal: what it can no longer prove for these resources. */
  readonly impact?: string;
}

export interface Exclusion extends Evidence {
  /** Resource types removed from the scratch copy, with everything that depends on them. */
  readonly types: readonly string[];
}

export interface IgnoredAttributes extends Evidence {
  /** The resource type whose attributes moto does not store. */
  readonly type: string;
  /**
   * Attributes added to `lifecycle.ignore_changes` in the scratch copy: top-level names, or paths
   * into nested blocks (`rule[0].delete_marker_replication`; Terraform accepts no wildcard there).
   */
  readonly attributes: readonly string[];
  /**
   * Also leave the attributes out of the scratch copy (top-level names only): for settings the
   * emulator cannot act on at all, where sending them would fail or wait for ever (DynamoDB global
   * table replicas). @default false - sent, only not compared on re-plan
   */
  readonly remove?: boolean;
  /**
   * Only resources whose configuration sets this top-level attribute (e.g. `replicate_source_db`:
   * read replicas, not their primary). @default - every resource of the type
   */
  readonly onlyWith?: string;
}

/**
 * A deletion protection the emulator stores and returns but does not enforce: its delete call
 * succeeds while the protection is on. The destroy step records these resources as not provable
 * here instead of failing; the re-plan after apply still proves the setting round-trips.
 */
export interface UnenforcedProtection extends Evidence {
  /** The resource type (a key of DELETION_PROTECTION in scratch.ts). */
  readonly type: string;
}

export interface Patch extends Evidence {
  /** Where the patch lives (tools/rehearse/emulator/moto_server.py) and what it changes. */
  readonly file: string;
}

/** An emulator setting the rehearsal changes, with why it is legitimate. */
export interface EmulatorSetting {
  readonly name: string;
  readonly value: string;
  readonly why: string;
}

export interface EmulatorGaps {
  readonly moto: string;
  readonly provider: string;
  readonly exclude: readonly Exclusion[];
  readonly ignore: readonly IgnoredAttributes[];
  readonly unenforced: readonly UnenforcedProtection[];
  readonly patches: readonly Patch[];
  readonly settings: readonly EmulatorSetting[];
}

const isString = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const ATTRIBUTE_PATH = /^[a-z0-9_]+(\[\d+\])?(\.[a-z0-9_]+(\[\d+\])?)*$/;

/** Validates the gaps document; every problem names the entry, the field and the fix. */
export function parseGaps(raw: unknown, file = GAPS_FILE): EmulatorGaps {
  const problems: string[] = [];
  const where = (i: string) => `${path.relative(ROOT, file)} ${i}`;
  if (!raw || typeof raw !== "object")
    throw new Error(`${where("")}: expected a JSON object with moto, provider, exclude, ignore, unenforced, patches, settings`);
  const doc = raw as Record<string, unknown>;
  for (const key of ["moto", "provider"])
    if (!isString(doc[key])) problems.push(`${where(key)}: missing; write the version the evidence was observed with`);
  const list = (key: string): Record<string, unknown>[] => {
    const v = doc[key];
    if (!Array.isArray(v)) {
      problems.push(`${where(key)}: expected a list`);
      return [];
    }
    return v as Record<string, unknown>[];
  };
  const ids = new Set<string>();
  const evidence = (e: Record<string, unknown>, at: string) => {
    for (const key of ["id", "moto", "call", "evidence"]) {
      if (!isString(e[key]))
        problems.push(
          `${where(`${at}.${key}`)}: missing; every gap names its id, the moto version, the failing API call and the evidence observed`,
        );
    }
    if (isString(e.id)) {
      if (ids.has(e.id)) problems.push(`${where(`${at}.id`)}: "${e.id}" is used twice; ids must be unique`);
      ids.add(e.id);
    }
    if (isString(e.moto) && isString(doc.moto) && e.moto !== doc.moto) {
      problems.push(
        `${where(`${at}.moto`)}: observed with moto ${e.moto}, but the rehearsal runs ${doc.moto}; re-check the evidence on ${doc.moto}`,
      );
    }
  };
  const known = new Set(["id", "moto", "call", "evidence", "impact"]);
  const extra = (e: Record<string, unknown>, at: string, allowed: string[]) => {
    for (const k of Object.keys(e)) if (!known.has(k) && !allowed.includes(k)) problems.push(`${where(`${at}.${k}`)}: unknown field`);
  };
  const excluded = new Set<string>();
  list("exclude").forEach((e, i) => {
    const at = `exclude[${i}]`;
    evidence(e, at);
    extra(e, at, ["types"]);
    if (!Array.isArray(e.types) || e.types.length === 0 || !e.types.every((t) => isString(t) && /^aws_[a-z0-9_]+$/.test(t))) {
      problems.push(`${where(`${at}.types`)}: expected a non-empty list of AWS resource types (aws_...)`);
    } else {
      for (const t of e.types as string[]) {
        if (excluded.has(t)) problems.push(`${where(`${at}.types`)}: ${t} is excluded twice`);
        excluded.add(t);
      }
    }
  });
  list("ignore").forEach((e, i) => {
    const at = `ignore[${i}]`;
    evidence(e, at);
    extra(e, at, ["type", "attributes", "remove", "onlyWith"]);
    if (e.onlyWith !== undefined && (!isString(e.onlyWith) || !/^[a-z0-9_]+$/.test(e.onlyWith)))
      problems.push(`${where(`${at}.onlyWith`)}: expected a top-level attribute name`);
    if (e.remove !== undefined && typeof e.remove !== "boolean") problems.push(`${where(`${at}.remove`)}: expected true or false`);
    if (e.remove === true && Array.isArray(e.attributes) && !e.attributes.every((a) => isString(a) && /^[a-z0-9_]+$/.test(a))) {
      problems.push(`${where(`${at}.attributes`)}: with remove, only top-level attribute names can be left out`);
    }
    if (!isString(e.type) || !/^aws_[a-z0-9_]+$/.test(e.type))
      problems.push(`${where(`${at}.type`)}: expected an AWS resource type (aws_...)`);
    if (!Array.isArray(e.attributes) || e.attributes.length === 0 || !e.attributes.every((a) => isString(a) && ATTRIBUTE_PATH.test(a))) {
      problems.push(`${where(`${at}.attributes`)}: expected a non-empty list of attribute names or paths (rule[0].status)`);
    }
  });
  const unenforced = new Set<string>();
  list("unenforced").forEach((e, i) => {
    const at = `unenforced[${i}]`;
    evidence(e, at);
    extra(e, at, ["type"]);
    if (!isString(e.type) || !/^aws_[a-z0-9_]+$/.test(e.type))
      problems.push(`${where(`${at}.type`)}: expected an AWS resource type (aws_...)`);
    else if (unenforced.has(e.type)) problems.push(`${where(`${at}.type`)}: ${e.type} is listed twice`);
    else unenforced.add(e.type);
  });
  list("patches").forEach((e, i) => {
    const at = `patches[${i}]`;
    evidence(e, at);
    extra(e, at, ["file"]);
    if (!isString(e.file) || !fs.existsSync(path.join(ROOT, e.file)))
      problems.push(`${where(`${at}.file`)}: expected the path of an existing file in the repository`);
  });
  list("settings").forEach((e, i) => {
    const at = `settings[${i}]`;
    for (const key of ["name", "value", "why"]) if (!isString(e[key])) problems.push(`${where(`${at}.${key}`)}: missing`);
  });
  for (const k of Object.keys(doc)) {
    if (!["$comment", "moto", "provider", "exclude", "ignore", "unenforced", "patches", "settings"].includes(k))
      problems.push(`${where(k)}: unknown field`);
  }
  if (problems.length)
    throw new Error(
      `invalid emulator gaps file (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n  - ${problems.join("\n  - ")}`,
    );
  return raw as EmulatorGaps;
}

export function loadGaps(file = GAPS_FILE): EmulatorGaps {
  return parseGaps(JSON.parse(fs.readFileSync(file, "utf8")), file);
}

/** Excluded types, each with the id of its gap. */
export function excludedTypes(gaps: EmulatorGaps): Map<string, string> {
  return new Map(gaps.exclude.flatMap((e) => e.types.map((t) => [t, e.id] as const)));
}

/** Types whose deletion protection the emulator does not enforce, each with the id of its gap. */
function unenforcedProtections(gaps: EmulatorGaps): Map<string, string> {
  return new Map(gaps.unenforced.map((e) => [e.type, e.id] as const));
}

/**
 * Deletion-protected addresses split by whether the emulator enforces their type's protection; the
 * unenforced ones carry the id of their gap (tools/rehearse/emulator/emulator-gaps.json `unenforced`).
 */
export function splitByEnforcement(
  addresses: readonly string[],
  gaps: EmulatorGaps,
): { enforced: string[]; unenforced: { address: string; gap: string }[] } {
  const byType = unenforcedProtections(gaps);
  const enforced: string[] = [];
  const unenforced: { address: string; gap: string }[] = [];
  for (const address of addresses) {
    const gap = byType.get(address.slice(0, address.indexOf(".")));
    if (gap) unenforced.push({ address, gap });
    else enforced.push(address);
  }
  return { enforced, unenforced };
}
