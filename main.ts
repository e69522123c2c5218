import { App } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "./config/errors";
import { readOptions, resolveSettings } from "./config/settings";
import { disableTokenStackTraces } from "./lib/fast-tokens";
import { buildStacks } from "./stacks";

// Reads the phase and options, wires the stacks, writes cdktf.out. Nothing else lives here.
disableTokenStackTraces();
try {
  const settings = resolveSettings(readOptions(process.argv.slice(2), process.env));
  if (settings.usingExampleInputs) {
    process.stderr.write(
      `note: deployment.tfvars not found; synthesizing with the example inputs of ${settings.inputsFile}.\n` +
        "      Copy it to deployment.tfvars and fill it in before any deploy.\n",
    );
  }
  const app = new App();
  // Stacks of an earlier synth (another phase, engine or tenant list) must not linger beside these.
  fs.rmSync(path.join(app.outdir, "stacks"), { recursive: true, force: true });
  fs.mkdirSync(path.join(app.outdir, "stacks"), { recursive: true });
  buildStacks(app, settings);
  app.synth();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
