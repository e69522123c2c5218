import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../../config/deployment";

/**
 * The dated runtime table (runtime-dates.json, next to this file, with its sources): from a
 * runtime's `createBlocked` day on, AWS refuses to create a Lambda function or a Synthetics canary
 * with it, so a first deploy (or a new region, a new tenant) fails at apply. JSON so that the
 * rehearsal's moto patch (tools/rehearse/emulator/moto_server.py) reads the same dates.
 */
const RUNTIME_TABLE_FILE = path.join(ROOT, "policy", "rules", "lambda", "runtime-dates.json");

export interface RuntimeDates {
  readonly deprecated: string | null;
  readonly createBlocked: string | null;
  /** @default - no update block recorded (Synthetics runtimes, and Lambda runtimes without a published date) */
  readonly updateBlocked?: string | null;
  /** @default - not recorded (Lambda entries; a Synthetics entry names the Lambda runtime it runs on) */
  readonly lambdaRuntime?: string | null;
  /** Why the pinned AWS provider refuses this runtime at plan although AWS offers it. @default - the pinned provider accepts the runtime */
  readonly providerRefuses?: string;
  /** @default - no note */
  readonly note?: string;
}

export interface RuntimeTable {
  readonly checked: string;
  readonly sources: Readonly<Record<"lambda" | "synthetics", readonly string[]>>;
  readonly lambda: Readonly<Record<string, RuntimeDates>>;
  readonly synthetics: Readonly<Record<string, RuntimeDates>>;
}

export const RUNTIME_TABLE: RuntimeTable = JSON.parse(fs.readFileSync(RUNTIME_TABLE_FILE, "utf8"));

/** Today as a UTC day (YYYY-MM-DD): what the synth-time rules compare against. */
export const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * Why `runtime` cannot be created on `day` (YYYY-MM-DD), or undefined when it can. A runtime not in
 * the table is refused: its dates are unknown. References (`${...}`) are checked where they resolve.
 */
export function runtimeProblem(
  kind: "lambda" | "synthetics",
  runtime: unknown,
  day: string,
  table: RuntimeTable = RUNTIME_TABLE,
): string | undefined {
  if (typeof runtime !== "string" || runtime.includes("${")) return undefined;
  const what = kind === "lambda" ? "Lambda runtime" : "Synthetics runtime";
  const dates = table[kind][runtime];
  if (!dates) {
    const known = Object.keys(table[kind]).filter((r) => runtimeProblem(kind, r, day, table) === undefined);
    return `${what} ${JSON.stringify(runtime)} is not in policy/rules/lambda/runtime-dates.json (its create-block date is unknown); supported on ${day}: ${known.join(", ") || "none"}`;
  }
  if (dates.providerRefuses) return `${what} ${JSON.stringify(runtime)} is open at AWS, but ${dates.providerRefuses}`;
  if (dates.createBlocked !== null && dates.createBlocked <= day) {
    return `${what} ${JSON.stringify(runtime)} cannot be created since ${dates.createBlocked} (deprecated ${dates.deprecated}); checked on ${day}`;
  }
  return undefined;
}
