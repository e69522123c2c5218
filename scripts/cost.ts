import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { optionsFrom, resolveSettings } from "../config/settings";
import { PHASES, PhaseNumber } from "../phases/types";
import { CheckFailed, CommandSpec, ParsedCommand, runCommand, SYNTH_FLAGS, UsageError } from "../tools/cli";
import { estimateMonthlyCost } from "../tools/cost/estimate";
import { PRICE_LIST_BASE, PriceListError, refreshPriceFile } from "../tools/cost/price-list";
import { loadPriceTable } from "../tools/cost/price-table";
import { Settings } from "../config/settings";
import { usageFor } from "../phases/usage";
import { cellCosts } from "../tools/cost/cells";
import { CostEstimate } from "../tools/cost/estimate";
import { PriceTable } from "../tools/cost/price-table";
import { costJson, costMarkdown, CostReport, costReport, costTable, costTableAll, UnavailableEngine } from "../tools/cost/report";
import { readStacks, synthesize } from "../tools/synth";

export const spec: CommandSpec = {
  name: "cost",
  summary: "Monthly AWS cost of the synthesized stacks, per stack and line, beside the design document's estimate.",
  usage: [
    "[--phase N | --all] [--format table|json|markdown] [--compute apprunner|fargate] [--environment production|staging] [--items] [--from DIR] [--out FILE]",
    "--refresh-prices",
  ],
  flags: {
    phase: SYNTH_FLAGS.phase,
    all: {
      type: "boolean",
      description:
        "every phase on every engine (the default first) beside the document (with --format markdown: the text of docs/cost-vs-document.md)",
    },
    format: { type: "string", valueName: "FORMAT", choices: ["table", "json", "markdown"], description: "output format (default table)" },
    compute: SYNTH_FLAGS.compute,
    environment: SYNTH_FLAGS.environment,
    backend: SYNTH_FLAGS.backend,
    items: { type: "boolean", description: "also print every priced line item (table format)" },
    from: { type: "string", valueName: "DIR", description: "price an existing synth output (cdktf.out) instead of synthesizing afresh" },
    out: { type: "string", valueName: "FILE", description: "write to FILE instead of standard output" },
    vars: SYNTH_FLAGS.vars,
    tenants: SYNTH_FLAGS.tenants,
    "refresh-prices": {
      type: "boolean",
      description: "rewrite pricing/aws-prices.json from AWS's public Price List bulk files (network, no credentials), then stop",
    },
  },
};

/**
 * --refresh-prices: the file is replaced only after every offer file was read; a network failure
 * exits 1 and leaves it as it was. RESTARTIX_PRICE_LIST_URL points at a mirror of the Price List.
 */
async function refreshPrices(): Promise<number> {
  const base = process.env.RESTARTIX_PRICE_LIST_URL || PRICE_LIST_BASE;
  try {
    const r = await refreshPriceFile({ base, log: (line) => console.error(`cost: ${line}`) });
    console.log(
      `cost: pricing/aws-prices.json refreshed ${r.table.refreshed}: ${r.updated.length} entries from the AWS Price List (${r.updated.join(", ")})`,
    );
    for (const k of r.kept) console.log(`cost: kept the old figure: ${k}`);
    return 0;
  } catch (e) {
    if (e instanceof PriceListError)
      throw new CheckFailed(
        `could not read the AWS Price List: ${e.message}. pricing/aws-prices.json is unchanged. Fix: check the network (or RESTARTIX_PRICE_LIST_URL) and run npm run cost -- --refresh-prices again`,
      );
    throw e;
  }
}

/**
 * npm run cost: synthesizes the phase into a temporary directory (or reads --from) and prices what
 * would be deployed, so the estimate cannot drift from the stacks.
 */
function report(phase: PhaseNumber | undefined, flags: ParsedCommand["flags"], compute?: string): CostReport {
  const options = {
    ...optionsFrom(flags, process.env),
    ...(phase !== undefined ? { phase } : {}),
    ...(compute !== undefined ? { compute } : {}),
  };
  const prices = loadPriceTable();
  const withCells = (settings: Settings, estimate: CostEstimate, table: PriceTable) => {
    const primary = settings.phase.regions.find((r) => r.primary)!.region;
    const counts = { tenant: settings.tenants.length, shard: settings.phase.regions.reduce((n, r) => n + r.shards.length, 0) };
    const cells = cellCosts(estimate, counts, settings.deployment.compute, table, usageFor(settings.phase.phase), primary);
    return costReport(settings.phase.phase, settings.deployment.compute, estimate, table, cells);
  };
  if (typeof flags.from === "string") {
    const settings = resolveSettings(options);
    let stacks: ReturnType<typeof readStacks>;
    try {
      stacks = readStacks(path.resolve(flags.from));
    } catch (e) {
      // readStacks names the directory; the user needs the flag it came from too.
      if (e instanceof UsageError) throw new UsageError(`--from ${e.message}`);
      throw e;
    }
    return withCells(settings, estimateMonthlyCost(stacks, settings, { prices }), prices);
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-cost-"));
  try {
    const { settings, stacks } = synthesize(options, outdir);
    return withCells(settings, estimateMonthlyCost(stacks, settings, { prices }), prices);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * --all: every phase on every engine, the default engine first (the one the inputs resolve to
 * without --compute), or only --compute's. A layout synth refuses is reported, not hidden.
 */
function allReports(flags: ParsedCommand["flags"]): { reports: CostReport[]; unavailable: UnavailableEngine[] } {
  const chosen = typeof flags.compute === "string" ? [flags.compute] : undefined;
  const reports: CostReport[] = [];
  const unavailable: UnavailableEngine[] = [];
  for (const phase of PHASES) {
    const base = resolveSettings({ ...optionsFrom({ ...flags, compute: undefined }, { ...process.env, COMPUTE: "" }), phase });
    const engines = chosen ?? [
      base.deployment.compute,
      ...(["fargate", "apprunner"] as const).filter((e) => e !== base.deployment.compute),
    ];
    for (const engine of engines) {
      try {
        reports.push(report(phase, flags, engine));
      } catch (e) {
        if (engine === engines[0]) throw e;
        unavailable.push({ phase, compute: engine, reason: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return { reports, unavailable };
}

/**
 * The unhealthy alarm's two probes (deployment input health_probe) priced side by side: the same
 * phase synthesized with each, so the difference includes what each does to App Runner (a Route 53
 * check keeps an instance active all month; a canary wakes it for each run).
 */
function healthProbeOptions(flags: ParsedCommand["flags"]): string {
  const options = optionsFrom(flags, process.env);
  const base = resolveSettings(options);
  if (base.deployment.compute !== "apprunner") return "";
  const prices = loadPriceTable();
  const lines = (["canary", "route53"] as const).map((probe) => {
    const settings = { ...base, deployment: { ...base.deployment, healthProbe: probe } };
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-cost-"));
    try {
      const { stacks } = synthesize(options, outdir, settings);
      const estimate = estimateMonthlyCost(stacks, settings, { prices });
      const services = stacks.flatMap((st) => Object.keys(st.json.resource?.aws_apprunner_service ?? {})).length;
      const chosen = probe === base.deployment.healthProbe ? " (in use)" : "";
      return `  health_probe = "${probe}"${chosen}: total $${estimate.totalMonthlyUsd.toFixed(2)}/month for ${services} App Runner service(s)`;
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
  return ["Health probe options (same phase, each probe; the difference includes App Runner active hours):", ...lines].join("\n");
}

export function main({ flags }: ParsedCommand): number | Promise<number> {
  if (flags["refresh-prices"]) {
    const others = Object.keys(flags).filter((k) => k !== "refresh-prices" && flags[k] !== undefined && flags[k] !== false);
    if (others.length)
      throw new UsageError(
        `--refresh-prices and --${others[0]}: --refresh-prices only rewrites pricing/aws-prices.json. Fix: run it alone, then price with the other flags`,
      );
    return refreshPrices();
  }
  const format = (flags.format as string | undefined) ?? "table";
  if (flags.all && flags.phase !== undefined)
    throw new UsageError("--all and --phase: choose one. Fix: drop --phase to price every phase, or --all to price one");
  if (flags.all && flags.from !== undefined)
    throw new UsageError("--all and --from: --from prices one synth output. Fix: drop one of them");
  const out = flags.out as string | undefined;
  if (out !== undefined && !fs.existsSync(path.dirname(path.resolve(out))))
    throw new UsageError(`--out: the directory of ${out} does not exist. Fix: create it, or write the file elsewhere`);
  if (out !== undefined && fs.existsSync(out) && fs.statSync(out).isDirectory())
    throw new UsageError(`--out: ${out} is a directory. Fix: name a file, e.g. --out ${path.join(out, "cost.md")}`);
  const { reports, unavailable } = flags.all ? allReports(flags) : { reports: [report(undefined, flags)], unavailable: [] };
  let text: string;
  if (format === "json") text = JSON.stringify(flags.all ? { reports: reports.map(costJson), unavailable } : costJson(reports[0]), null, 2);
  else if (format === "markdown") text = costMarkdown(reports, unavailable);
  else if (flags.all) text = costTableAll(reports, unavailable, flags.items === true);
  else text = reports.map((r) => costTable(r, flags.items === true)).join("\n\n");
  if (format === "table" && !flags.all && flags.from === undefined) text += `\n\n${healthProbeOptions(flags)}`;
  if (out !== undefined) {
    fs.writeFileSync(out, text + "\n");
    console.error(`cost: wrote ${out}`);
  } else {
    console.log(text);
  }
  return 0;
}

if (require.main === module) runCommand(spec, main);
