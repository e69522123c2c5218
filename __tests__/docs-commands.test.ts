import { checkIfAllDependantsAreIncluded, checkIfAllDependenciesAreIncluded } from "@cdktf/cli-core/src/lib/helpers/stack-helpers";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { firstDeploySteps } from "../tools/deploy-order";
import { SynthStack } from "../tools/synth";
import { DEFAULT_ENGINE, EXAMPLE_VARS, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

/** Every markdown page users follow: README and docs/. */
const pages = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

interface DocCommand {
  readonly page: string;
  readonly line: number;
  readonly text: string;
  readonly verb: "deploy" | "diff" | "destroy";
  readonly phase: number;
  readonly compute?: string;
  readonly stacks: string[];
  readonly ignoreMissing: boolean;
  /** Inputs set by a `<!-- cdktf-layout: name=value ... -->` comment above the command (e.g. compute_standby). */
  readonly layout: Readonly<Record<string, string>>;
}

/** `[PHASE=N] [COMPUTE=x] npx cdktf deploy|diff|destroy a b c [--flags]` wherever it appears (code blocks and inline code). */
function commandsOf(page: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = fs.readFileSync(path.join(ROOT, page), "utf8").split("\n");
  let layout: Record<string, string> = {};
  lines.forEach((line, i) => {
    const directive = /<!-- cdktf-layout:(.*)-->/.exec(line);
    if (directive) layout = Object.fromEntries([...directive[1].matchAll(/([a-z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    const re = /((?:[A-Z_]+=\S+\s+)*)npx cdktf (deploy|diff|destroy)((?:\s+[^\s`#&;|]+)*)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const env = Object.fromEntries([...m[1].matchAll(/([A-Z_]+)=(\S+)/g)].map((e) => [e[1], e[2]]));
      const words = m[3].trim().split(/\s+/).filter(Boolean);
      out.push({
        page,
        line: i + 1,
        text: m[0].trim(),
        verb: m[2] as DocCommand["verb"],
        phase: Number(env.PHASE ?? 1),
        compute: env.COMPUTE,
        stacks: words.filter((w) => !w.startsWith("-")),
        ignoreMissing: words.includes("--ignore-missing-stack-dependencies"),
        layout,
      });
    }
  });
  return out;
}

const all = pages.flatMap(commandsOf);

/**
 * The stacks of a layout; a tenant the registry does not hold yet (a runbook's example id) is added.
 * `<!-- cdktf-layout: decommission=tenant-<id> -->` marks that tenant as being removed (npm run tenant -- remove).
 */
function stacksFor(c: DocCommand): SynthStack[] {
  const { decommission, ...inputs } = c.layout;
  let varsFile: string | undefined;
  if (Object.keys(inputs).length > 0) {
    // The inputs the page says are set, written over the example inputs.
    varsFile = path.join(tempDir("rx-docs-"), "terraform.tfvars");
    const lines = fs
      .readFileSync(EXAMPLE_VARS, "utf8")
      .split("\n")
      .filter((l) => !Object.keys(inputs).some((k) => l.startsWith(`${k} =`)));
    fs.writeFileSync(varsFile, [...lines, ...Object.entries(inputs).map(([k, v]) => `${k} = ${JSON.stringify(v)}`)].join("\n"));
  }
  // The engine the page's layout names (COMPUTE=, or compute= in the directive), else the default engine.
  const engine = { compute: c.compute ?? DEFAULT_ENGINE, ...(varsFile ? { varsFile } : {}) };
  const base = synth({ phase: c.phase as 1 | 2 | 3 | 4, ...engine });
  // A runbook's example tenant: its data stack tenant-<id>, and on Fargate its tenant-<id>-service.
  const idOf = (n: string) => n.slice("tenant-".length).replace(/-service$/, "");
  const missing = [...new Set(c.stacks.filter((n) => !base.stacks.some((s) => s.name === n) && n.startsWith("tenant-")).map(idOf))];
  if (missing.length === 0 && !decommission) return [...base.stacks];
  // Back to registry entries: `kind` is what validation adds, not a field of the registry.
  const registry = base.settings.tenants.map(({ kind: _kind, ...entry }) => entry);
  // Each example tenant on a free slot (a slot is unique per region: the cell's listener rule priority).
  const free = Math.max(10, ...registry.map((t) => t.slot ?? 0)) + 1;
  const extra = missing.map((id, i) => ({ ...registry[0], id, name: `Example tenant-${id}`, slot: free + i }));
  const tenants = [...registry, ...extra].map((t) => (`tenant-${t.id}` === decommission ? { ...t, decommission: true } : t));
  return [...synth({ phase: c.phase as 1 | 2 | 3 | 4, ...engine, tenants }).stacks];
}

describe("every cdktf command in README and docs/ is one cdktf-cli accepts", () => {
  test("the pages hold commands to check", () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(all.map((c) => c.page)).toEqual(expect.arrayContaining(["docs/deploying.md", "docs/cutover.md", "docs/tenants.md"]));
  });

  test.each(all.map((c) => [`${c.page}:${c.line} ${c.text}`, c] as const))("%s", (_, c) => {
    const stacks = stacksFor(c);
    const byName = new Map(stacks.map((s) => [s.name, s]));
    // A bare command is refused when the app has more than one stack ("please specify a target stack").
    expect(c.stacks.length).toBeGreaterThan(0);
    const unknown = c.stacks.filter((n) => !byName.has(n));
    expect(unknown).toEqual([]);
    const selected = c.stacks.map((n) => byName.get(n)!);
    if (c.verb === "destroy") {
      if (!c.ignoreMissing) expect(() => checkIfAllDependantsAreIncluded(selected as any, stacks as any)).not.toThrow();
      return;
    }
    if (c.ignoreMissing) {
      // Only for a deployed platform: never in the first-deploy guide. cdktf then runs the stacks in
      // the order given, so dependencies named in the command must come first.
      expect(c.page).not.toBe("docs/deploying.md");
      c.stacks.forEach((n, i) => {
        const later = byName.get(n)!.dependencies.filter((d) => c.stacks.slice(i + 1).includes(d));
        expect(later).toEqual([]);
      });
      return;
    }
    expect(() => checkIfAllDependenciesAreIncluded(selected as any)).not.toThrow();
  });

  test("the first-deploy commands of docs/deploying.md are what npm run deploy-order prints for phase 1", () => {
    const documented = commandsOf("docs/deploying.md").map((c) => c.text);
    const steps = firstDeploySteps(synth({ phase: 1, compute: DEFAULT_ENGINE }).stacks)
      .filter((s) => s.command)
      .map((s) => s.command!);
    expect(documented.slice(0, steps.length)).toEqual(steps);
  });

  test("every link from README to docs/ resolves", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !fs.existsSync(path.join(ROOT, l)))).toEqual([]);
  });
});
