import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../config/errors";
import { parseFlags, readOptions, resolveSettings } from "../config/settings";
import { PHASES, PhaseNumber } from "../phases/types";
import { estimateMonthlyCost } from "../tools/cost/estimate";
import { loadPriceTable } from "../tools/cost/price-table";
import { costJson, costMarkdown, CostReport, costReport, costTable } from "../tools/cost/report";
import { readStacks, synthesize } from "../tools/synth";

const USAGE = `npm run cost -- [--phase N | --all] [--format table|json|markdown] [--compute apprunner|fargate] [--items] [--from DIR] [--out FILE]
  --phase N     phase to price (default: terraform.tfvars / PHASE)
  --all         every phase (with --format markdown: docs/cost-vs-document.md)
  --items       also print every priced line item (table format)
  --from DIR    price an existing synth output (cdktf.out) instead of synthesizing afresh
  --out FILE    write to FILE instead of standard output`;

/**
 * npm run cost: synthesizes the phase into a temporary directory (or reads --from) and prices what
 * would be deployed, so the estimate cannot drift from the stacks.
 */
function report(phase: PhaseNumber | undefined, flags: Record<string, string | undefined>): CostReport {
  const options = { ...readOptions(process.argv.slice(2), process.env), ...(phase !== undefined ? { phase } : {}) };
  const prices = loadPriceTable();
  if (flags.from) {
    const settings = resolveSettings(options);
    const stacks = readStacks(path.resolve(flags.from));
    return costReport(settings.phase.phase, settings.deployment.compute, estimateMonthlyCost(stacks, settings, { prices }), prices);
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-cost-"));
  try {
    const { settings, stacks } = synthesize(options, outdir);
    return costReport(settings.phase.phase, settings.deployment.compute, estimateMonthlyCost(stacks, settings, { prices }), prices);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The unhealthy alarm's two probes (deployment input health_probe) priced side by side: the same
 * phase synthesized with each, so the difference includes what each does to App Runner (a Route 53
 * check keeps an instance active all month; a canary wakes it for each run).
 */
function healthProbeOptions(phase: PhaseNumber | undefined): string {
  const options = { ...readOptions(process.argv.slice(2), process.env), ...(phase !== undefined ? { phase } : {}) };
  const base = resolveSettings(options);
  if (!base.phase.regions.some((r) => r.primary) || base.deployment.compute !== "apprunner") return "";
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

function main(): number {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const format = flags.format ?? "table";
  if (!["table", "json", "markdown"].includes(format)) {
    console.error(`cost: --format ${format} is not one of table, json, markdown\n${USAGE}`);
    return 2;
  }
  const reports = flags.all ? PHASES.map((p) => report(p, flags)) : [report(undefined, flags)];
  let text: string;
  if (format === "json") text = JSON.stringify(reports.length === 1 ? costJson(reports[0]) : reports.map(costJson), null, 2);
  else if (format === "markdown") text = costMarkdown(reports);
  else text = reports.map((r) => costTable(r, flags.items !== undefined)).join("\n\n");
  if (format === "table" && !flags.all && !flags.from) text += `\n\n${healthProbeOptions(undefined)}`;
  if (flags.out) {
    fs.writeFileSync(flags.out, text + "\n");
    console.error(`cost: wrote ${flags.out}`);
  } else {
    console.log(text);
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exitCode = 2;
}
