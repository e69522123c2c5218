import * as path from "path";
import { ROOT } from "../config/deployment";
import { ConfigError } from "../config/errors";
import { readOptions } from "../config/settings";
import { estimateMonthlyCost } from "../lib/cost/estimate";
import { dependencyOrder, providersOf, resourceCount, synthesize } from "../lib/synth";
import { table } from "../lib/table";

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** npm start: synthesize the default phase into cdktf.out, then a compact summary. */
function main(): void {
  const outdir = path.join(ROOT, "cdktf.out");
  const result = synthesize(readOptions(process.argv.slice(2), process.env), outdir);
  const { settings } = result;
  const cost = estimateMonthlyCost(result.stacks, settings);
  const costOf = new Map(cost.byStack.map((s) => [s.stack, s.totalMonthlyUsd]));
  const rows = dependencyOrder(result.stacks).map((s) => [s.name, providersOf(s).join("+"), String(resourceCount(s)), costOf.has(s.name) ? usd(costOf.get(s.name)!) : "-"]);
  const total = result.stacks.reduce((n, s) => n + resourceCount(s), 0);
  console.log(
    `Synthesized phase ${settings.phase.phase} (${settings.deployment.compute}, backend ${settings.deployment.backend}) into ${path.relative(process.cwd(), outdir) || "."}/stacks/<stack>/cdk.tf.json`,
  );
  if (settings.usingExampleInputs) console.log("Inputs: terraform.tfvars.example (copy it to terraform.tfvars before deploying)");
  console.log("");
  console.log(table(["stack", "providers", "resources", "AWS $/month"], [...rows, ["total", "", String(total), usd(cost.totalMonthlyUsd)]], [false, false, true, true]));
  console.log("\nCost: list prices of pricing/aws-prices.json and the usage of phases/usage.ts (npm run cost -- --phase N explains each line).");
}

try {
  main();
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(2);
}
