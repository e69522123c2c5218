import { parseArgs } from "node:util";
import * as path from "path";
import { ConfigError } from "../config/errors";
import { invocationDir } from "../lib/invocation-dir";

/**
 * One strict command-line parser for every script (node:util parseArgs, strict): unknown flags,
 * stray positionals, missing values and non-numeric numbers are refused with the list of valid
 * flags; `--help` prints usage and exits 0 before any work. User errors print one line (no stack
 * trace) and exit 2; a failing check exits 1.
 *
 * Exit codes: 0 success, 1 a check failed (policy errors, plan failed, gate refused), 2 bad input.
 */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface FlagSpec {
  readonly type: "string" | "boolean" | "integer";
  readonly description: string;
  /** Allowed values of a string flag. @default - any value */
  readonly choices?: readonly string[];
  /** Placeholder shown in usage, e.g. N or FILE. @default - in usage "N" for an integer flag, "VALUE" otherwise */
  readonly valueName?: string;
  /** Integer bounds (inclusive). @default - no lower bound */
  readonly min?: number;
  /** @default - no upper bound */
  readonly max?: number;
  /** @default - no short form */
  readonly short?: string;
  /**
   * The value is a path: a relative one is resolved from the directory the user ran the command in
   * (invocationDir), not the package root npm run changes to. @default true when valueName is FILE or DIR
   */
  readonly path?: boolean;
}

/**
 * The directory the user ran the command in, and paths resolved from it: in lib/ so that config/
 * (RESTARTIX_TFVARS, RESTARTIX_TENANTS) resolves paths from the environment the way flags are.
 */
export { invocationDir, resolveFromInvocation } from "../lib/invocation-dir";

export interface CommandSpec {
  /** npm script name, e.g. "plan" (shown as `npm run plan -- ...`). */
  readonly name: string;
  /**
   * For a command of a group (`npm run tenant -- add ...`): its name, e.g. "add".
   * @default - none: a command of its own (`npm run <name> --`)
   */
  readonly subcommand?: string;
  readonly summary: string;
  /** Usage lines after `npm run <name> --`. */
  readonly usage: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Positional arguments: how many are accepted, and what they are (for messages). @default none */
  readonly positionals?: { readonly min: number; readonly max: number; readonly describe: string };
  /** Extra lines printed after the flags (examples, exit codes). @default - nothing after the flags */
  readonly epilog?: readonly string[];
}

export type FlagValue = string | boolean | number | undefined;

export interface ParsedCommand {
  readonly flags: Readonly<Record<string, FlagValue>>;
  readonly positionals: readonly string[];
}

/** Bad input on the command line or in a file: reported in one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A check that ran and failed (exit code 1), already reported by the command. */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailed";
  }
}

/** `npm run <name> --` (and the subcommand), as a user types it. */
const invocation = (spec: CommandSpec): string => `npm run ${spec.name} --${spec.subcommand ? ` ${spec.subcommand}` : ""}`;

/** The shared synth options: every command that synthesizes takes them, with the same environment fallbacks. */
export const SYNTH_FLAGS: Readonly<Record<"phase" | "compute" | "environment" | "backend" | "vars" | "tenants", FlagSpec>> = {
  phase: {
    type: "string",
    valueName: "N",
    choices: ["1", "2", "3", "4"],
    description: "growth phase (default: PHASE, else phase in deployment.tfvars, else 1)",
  },
  compute: {
    type: "string",
    valueName: "ENGINE",
    choices: ["apprunner", "fargate"],
    description: "compute engine of the shared tier (default: COMPUTE, else compute in deployment.tfvars)",
  },
  environment: {
    type: "string",
    valueName: "ENV",
    choices: ["production", "staging"],
    description: "which copy of the platform (default: ENVIRONMENT, else environment in deployment.tfvars, else production)",
  },
  backend: {
    type: "string",
    valueName: "KIND",
    choices: ["s3", "cloud", "local"],
    description: "where state lives (default: BACKEND, else backend in deployment.tfvars)",
  },
  vars: {
    type: "string",
    valueName: "FILE",
    description: "deployment inputs file (default: RESTARTIX_TFVARS, else deployment.tfvars, else the example)",
  },
  tenants: {
    type: "string",
    valueName: "FILE",
    description: "tenant registry (default: RESTARTIX_TENANTS, else phases/tenants/<the phase's registry>)",
  },
};

export function usageText(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, "", "Usage:"];
  for (const u of spec.usage) lines.push(`  ${invocation(spec)} ${u}`.trimEnd());
  lines.push("", "Options:");
  const entries = Object.entries(spec.flags).map(([name, f]) => {
    const value = f.type === "boolean" ? "" : ` ${f.valueName ?? (f.type === "integer" ? "N" : "VALUE")}`;
    const choices = f.choices ? ` (${f.choices.join(" | ")})` : "";
    return [`--${name}${value}`, `${f.description}${choices}`];
  });
  entries.push(["--help", "print this help and exit"]);
  const width = Math.max(...entries.map(([a]) => a.length));
  for (const [a, b] of entries) lines.push(`  ${a.padEnd(width)}  ${b}`);
  if (spec.epilog?.length) lines.push("", ...spec.epilog);
  lines.push("", "Exit codes: 0 success, 1 a check failed, 2 bad input.");
  return lines.join("\n") + "\n";
}

const validFlags = (spec: CommandSpec): string =>
  [
    ...Object.entries(spec.flags).map(([n, f]) =>
      f.type === "boolean" ? `--${n}` : `--${n} ${f.valueName ?? (f.type === "integer" ? "N" : "VALUE")}`,
    ),
    "--help",
  ].join(", ");

/**
 * Parses argv strictly against the spec; throws UsageError naming the flag, the value and the fix.
 * Path flags come back absolute, resolved from `cwd` (see FlagSpec.path).
 */
export function parseCommandLine(
  spec: CommandSpec,
  argv: readonly string[],
  cwd: string = invocationDir(),
): ParsedCommand & { readonly help: boolean } {
  // --help wins over everything else on the line, mistakes included: it is how people find the fix.
  const end = argv.indexOf("--");
  if ((end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h")) return { flags: {}, positionals: [], help: true };
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [name, f] of Object.entries(spec.flags))
    options[name] = { type: f.type === "boolean" ? "boolean" : "string", ...(f.short ? { short: f.short } : {}) };
  // An option value that looks like a flag (`--phase --compute x`) is a missing value, not a value.
  for (let i = 0; i < argv.length - 1; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : undefined;
    if (name && !name.includes("=") && options[name]?.type === "string" && argv[i + 1].startsWith("-") && !/^-\d/.test(argv[i + 1])) {
      throw new UsageError(
        `--${name}: missing value (got the flag ${argv[i + 1]} instead). Fix: write --${name} ${spec.flags[name].valueName ?? "VALUE"}. Valid flags: ${validFlags(spec)}`,
      );
    }
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const message = err.message.split("\n")[0];
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`${flag}: unknown flag. Fix: use one of ${validFlags(spec)} (${invocation(spec)} --help)`);
    }
    if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const flag = /'(--?[A-Za-z-]+)/.exec(message)?.[1] ?? "";
      const f = spec.flags[flag.replace(/^-+/, "")];
      const hint = f && f.type !== "boolean" ? `write ${flag} ${f.valueName ?? "VALUE"}` : `write ${flag} without a value`;
      throw new UsageError(
        `${flag || "option"}: ${message.replace(/^Option '[^']+' /, "")}. Fix: ${hint}. Valid flags: ${validFlags(spec)}`,
      );
    }
    throw new UsageError(`${message}. Valid flags: ${validFlags(spec)}`);
  }
  const help = parsed.values.help === true;
  const flags: Record<string, FlagValue> = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    const raw = parsed.values[name];
    if (raw === undefined) continue;
    if (f.type === "integer") {
      const text = String(raw);
      const n = Number(text);
      if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
        throw new UsageError(
          `--${name}: got "${text}"; expected a whole number. Fix: write --${name} ${f.valueName ?? "N"}, e.g. --${name} ${f.min ?? 1}`,
        );
      }
      if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) {
        throw new UsageError(`--${name}: got ${n}; expected ${f.min ?? "-inf"} to ${f.max ?? "inf"}. Fix: pick a value in that range`);
      }
      flags[name] = n;
    } else if (f.type === "string") {
      const text = String(raw);
      if (text === "") throw new UsageError(`--${name}: got an empty value. Fix: write --${name} ${f.valueName ?? "VALUE"}`);
      if (f.choices && !f.choices.includes(text)) {
        throw new UsageError(`--${name}: got "${text}"; expected one of ${f.choices.join(", ")}. Fix: write --${name} ${f.choices[0]}`);
      }
      flags[name] = (f.path ?? (f.valueName === "FILE" || f.valueName === "DIR")) ? path.resolve(cwd, text) : text;
    } else {
      flags[name] = raw === true;
    }
  }
  const max = spec.positionals?.max ?? 0;
  const min = spec.positionals?.min ?? 0;
  if (!help && parsed.positionals.length > max) {
    const stray = parsed.positionals.slice(max);
    const looksLikeValue = stray.length === 1 && max === 0;
    throw new UsageError(
      `unexpected argument${stray.length > 1 ? "s" : ""} ${stray.map((s) => JSON.stringify(s)).join(" ")}` +
        (max === 0 ? `: this command takes flags only` : `: it takes at most ${max} (${spec.positionals!.describe})`) +
        `. Fix: ${looksLikeValue ? `name the flag the value belongs to (e.g. --phase ${stray[0]}); ` : ""}valid flags: ${validFlags(spec)}`,
    );
  }
  if (!help && parsed.positionals.length < min) {
    throw new UsageError(`missing ${spec.positionals!.describe}. Fix: ${invocation(spec)} ${spec.usage[0]}`);
  }
  return { flags, positionals: parsed.positionals, help };
}

/** Where a command's own messages go (process streams, or a buffer in tests). */
export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIO: CommandIO = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** The exit code of an error, after reporting it in one line (bugs in this repository keep their stack trace). */
function reportError(name: string, e: unknown, io: CommandIO): number {
  if (e instanceof UsageError || e instanceof ConfigError) {
    io.stderr(`${name}: ${e.message}\n`);
    return EXIT.usage;
  }
  if (e instanceof CheckFailed) {
    if (e.message) io.stderr(`${name}: ${e.message}\n`);
    return EXIT.failed;
  }
  io.stderr(`${name}: internal error (a bug in this repository, please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT.failed;
}

/**
 * Runs a command and resolves to its exit code: parses argv, prints usage on --help (exit 0,
 * nothing done), and maps errors to exit codes: UsageError/ConfigError -> one line on stderr, 2;
 * CheckFailed -> its message, 1. Anything else is a bug in this repository: its stack trace is
 * printed, exit 1.
 */
export async function executeCommand(
  spec: CommandSpec,
  main: (args: ParsedCommand) => number | void | Promise<number | void>,
  argv: readonly string[],
  io: CommandIO = processIO,
): Promise<number> {
  const name = spec.subcommand ? `${spec.name} ${spec.subcommand}` : spec.name;
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(spec, argv);
  } catch (e) {
    return reportError(name, e, io);
  }
  if (parsed.help) {
    io.stdout(usageText(spec));
    return EXIT.ok;
  }
  try {
    const code = await main(parsed);
    return typeof code === "number" ? code : EXIT.ok;
  } catch (e) {
    return reportError(name, e, io);
  }
}

/** executeCommand on process.argv, setting process.exitCode (never process.exit: output may still be flushing). */
export function runCommand(
  spec: CommandSpec,
  main: (args: ParsedCommand) => number | void | Promise<number | void>,
  argv: readonly string[] = process.argv.slice(2),
): void {
  void executeCommand(spec, main, argv).then((code) => {
    process.exitCode = code;
  });
}

/** A command with subcommands (`npm run tenant -- add|remove|forget|list ...`), each with its own flags. */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: Readonly<Record<string, CommandSpec>>;
}

function groupUsageText(group: CommandGroup): string {
  const lines = [group.summary, "", "Usage:"];
  for (const spec of Object.values(group.commands)) for (const u of spec.usage) lines.push(`  ${invocation(spec)} ${u}`.trimEnd());
  lines.push(
    "",
    `Each command's options: npm run ${group.name} -- <command> --help`,
    "",
    "Exit codes: 0 success, 1 a check failed, 2 bad input.",
  );
  return lines.join("\n") + "\n";
}

/** Runs the subcommand named by the first argument with its own strict spec; resolves to the exit code. */
export async function executeGroup(
  group: CommandGroup,
  main: (command: string, args: ParsedCommand) => number | void | Promise<number | void>,
  argv: readonly string[],
  io: CommandIO = processIO,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") {
    (first === undefined ? io.stderr : io.stdout)(groupUsageText(group));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const spec = group.commands[first];
  if (!spec) {
    const hint = first.startsWith("-") ? "the command comes first" : "unknown command";
    io.stderr(
      `${group.name}: ${JSON.stringify(first)}: ${hint}. Fix: npm run ${group.name} -- ${Object.keys(group.commands).join("|")} ... (npm run ${group.name} -- --help)\n`,
    );
    return EXIT.usage;
  }
  return executeCommand(spec, (args) => main(first, args), rest, io);
}

export function runGroup(
  group: CommandGroup,
  main: (command: string, args: ParsedCommand) => number | void | Promise<number | void>,
  argv: readonly string[] = process.argv.slice(2),
): void {
  void executeGroup(group, main, argv).then((code) => {
    process.exitCode = code;
  });
}
