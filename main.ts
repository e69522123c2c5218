import { App } from "cdktf";
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
      `note: terraform.tfvars not found; synthesizing with the example inputs of ${settings.inputsFile}.\n` +
        "      Copy it to terraform.tfvars and fill it in before any deploy.\n",
    );
  }
  const app = new App();
  buildStacks(app, settings);
  app.synth();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
