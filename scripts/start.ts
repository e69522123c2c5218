import * as path from "path";
import { ROOT } from "../config/deployment";
import { ConfigError } from "../config/errors";
import { readOptions } from "../config/settings";
import { dependencyOrder, providersOf, resourceCount, synthesize } from "../lib/synth";
import { table } from "../lib/table";

/** npm start: synthesize the default phase into cdktf.out, then a compact summary. */
function main(): void {
  const outdir = path.join(ROOT, "cdktf.out");
  const result = synthesize(readOptions(process.argv.slice(2), process.env), outdir);
  const { settings } = result;
  const rows = dependencyOrder(result.stacks).map((s) => [s.name, providersOf(s).join("+"), String(resourceCount(s))]);
  const total = result.stacks.reduce((n, s) => n + resourceCount(s), 0);
  console.log(
    `Synthesized phase ${settings.phase.phase} (${settings.deployment.compute}, backend ${settings.deployment.backend}) into ${path.relative(process.cwd(), outdir) || "."}/stacks/<stack>/cdk.tf.json`,
  );
  if (settings.usingExampleInputs) console.log("Inputs: terraform.tfvars.example (copy it to terraform.tfvars before deploying)");
  console.log("");
  console.log(table(["stack", "providers", "resources"], [...rows, ["total", "", String(total)]], [false, false, true]));
}

try {
  main();
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(2);
}
