import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeTenantRegistry } from "../tools/bench/tenants";
import { ciLayout, DEFAULT_LIMITS, describeLayout, describeRoutes, routeEntryCounts } from "../tools/ci-plan";
import { CheckFailed, CommandSpec, runCommand, UsageError } from "../tools/cli";
import { synthesize } from "../tools/synth";
import { readManifest } from "../tools/waves";
import { ROOT } from "../config/deployment";

const spec: CommandSpec = {
  name: "ci-plan",
  summary:
    "Dry run of a CI deploy on GitHub Actions: the waves, the matrix per wave, jobs, disk per runner; refuses a layout over GitHub's limits.",
  usage: ["--phase N [--tenants N] [--compute apprunner|fargate] [--format text|json]", '--from DIR [--stacks "a b c"] --format json'],
  flags: {
    phase: { type: "integer", description: "phase to lay out (synthesized afresh)", valueName: "N", min: 1, max: 4 },
    tenants: {
      type: "integer",
      description: "replace the tenant registry with N generated tenants (phase 3+)",
      valueName: "N",
      min: 1,
      max: 5000,
    },
    compute: { type: "string", description: "compute engine", choices: ["apprunner", "fargate"] },
    from: { type: "string", description: "an existing synth output (cdktf.out) instead of synthesizing", valueName: "DIR" },
    stacks: { type: "string", description: "only these stacks (space- or comma-separated; default all)", valueName: "LIST" },
    "max-parallel": {
      type: "integer",
      description: `jobs of one matrix at once (default ${DEFAULT_LIMITS.maxParallel})`,
      min: 1,
      max: 256,
    },
    format: { type: "string", description: "output", choices: ["text", "json"] },
  },
  epilog: [
    "bootstrap is never selected: it holds the state bucket on local state and is applied once by hand.",
    "Exit 1 when the layout exceeds a limit (matrix of 256 jobs, jobs per run, apply-wave jobs, runner disk, job time).",
  ],
};

runCommand(spec, ({ flags }) => {
  if ((flags.phase === undefined) === (flags.from === undefined))
    throw new UsageError("give exactly one of --phase N or --from DIR. Fix: npm run ci-plan -- --phase 4");
  if (flags.tenants !== undefined && flags.from !== undefined)
    throw new UsageError(
      "--tenants and --from: --tenants synthesizes a generated registry, --from reads an existing synth output. Fix: npm run ci-plan -- --phase 4 --tenants 1000, or drop --tenants",
    );
  const limits = { ...DEFAULT_LIMITS, ...(flags["max-parallel"] !== undefined ? { maxParallel: flags["max-parallel"] as number } : {}) };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-ci-plan-"));
  try {
    let title: string;
    let outdir: string;
    let quotaNotes: readonly string[] = [];
    if (flags.from !== undefined) {
      outdir = path.resolve(String(flags.from));
      if (!fs.existsSync(path.join(outdir, "manifest.json")))
        throw new UsageError(`--from ${outdir}: no manifest.json there. Fix: npm run synth first, or give --phase N`);
      title = `CI layout of ${outdir}`;
    } else {
      const tenantsFile =
        flags.tenants !== undefined ? writeTenantRegistry(ROOT, flags.tenants as number, path.join(scratch, "tenants.json")) : undefined;
      outdir = path.join(scratch, "synth");
      // A generated registry asks what GitHub can run; what AWS would accept is reported, not enforced.
      const quotaCheck = flags.tenants !== undefined ? "report" : "enforce";
      const { settings, built } = synthesize(
        { phase: flags.phase as number, compute: flags.compute as string | undefined, tenantsFile, quotaCheck },
        outdir,
      );
      title = `Phase ${settings.phase.phase}${flags.tenants !== undefined ? ` with ${flags.tenants} enterprise tenants` : ""} (${settings.deployment.compute})`;
      quotaNotes = built.quotaProblems;
    }
    const stacks = readManifest(outdir);
    const known = new Set(stacks.map((s) => s.name));
    const selected =
      flags.stacks !== undefined
        ? String(flags.stacks)
            .split(/[\s,]+/)
            .filter(Boolean)
        : undefined;
    const unknown = (selected ?? []).filter((s) => !known.has(s));
    if (unknown.length)
      throw new UsageError(`--stacks: no stack named ${unknown.join(", ")}. Fix: pick from ${[...known].sort().join(", ")}`);
    const layout = ciLayout(stacks, selected, limits);
    const routeEntries = routeEntryCounts(outdir);
    if (flags.format === "json") process.stdout.write(`${JSON.stringify({ ...layout, routeEntries }, null, 2)}\n`);
    else process.stdout.write(`${[describeLayout(title, layout, limits), ...describeRoutes(routeEntries)].join("\n")}\n`);
    // stderr, so that --format json stays machine-readable.
    if (quotaNotes.length)
      process.stderr.write(
        `\nAWS would refuse this layout until these quotas are raised (not a CI limit):\n  - ${quotaNotes.join("\n  - ")}\n`,
      );
    if (layout.problems.length) throw new CheckFailed(`the layout exceeds GitHub's limits: ${layout.problems.join("; ")}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
