// First: the loader skips the inline source maps of cdktf and the providers (lib/lean-modules.ts).
import "./lib/lean-modules";
import { computeEngines } from "./config/deployment";
import { optionsFrom, resolveSettings, Settings } from "./config/settings";
import { staleCloudflareIpsWarning } from "./lib/cloudflare-ips";
import { CLOUDFLARE_IPS } from "./phases/cloudflare-ips";
import { CommandSpec, ParsedCommand, runCommand, SYNTH_FLAGS } from "./tools/cli";
import { policyRunOf } from "./policy/aspect";
import { LOCK_FILE, writeStackLocks } from "./tools/provider-lock";
import { synthesizeAtomically } from "./tools/synth";

// Reads the phase and options, wires the stacks, writes cdktf.out. Nothing else lives here.
// `npm run synth -- <flags>` runs it with flags; cdktf (cdktf.json "app") runs it with none and
// the environment (PHASE, COMPUTE, ENVIRONMENT, BACKEND, RESTARTIX_TFVARS, RESTARTIX_TENANTS, CDKTF_OUTDIR).
export const spec: CommandSpec = {
  name: "synth",
  summary: "Synthesize the stacks of a phase into cdktf.out/stacks/<stack>/cdk.tf.json (cdktf runs the same entry point).",
  usage: [
    "[--phase N] [--compute apprunner|fargate] [--environment production|staging] [--backend s3|cloud|local] [--vars FILE] [--tenants FILE]",
  ],
  flags: SYNTH_FLAGS,
  epilog: [
    "Also: PHASE=N npx cdktf synth|list|diff|deploy (cdktf passes no flags; the environment stands in for them).",
    "The output directory is CDKTF_OUTDIR, else cdktf.out. It changes only when the whole synth succeeds:",
    "invalid inputs (exit 2) or a policy-pack error (exit 1) leave it as it was.",
  ],
};

export function main({ flags }: ParsedCommand): void {
  const settings = resolveSettings(optionsFrom(flags, process.env));
  if (settings.usingExampleInputs) {
    process.stderr.write(
      `note: deployment.tfvars not found; synthesizing with the example inputs of ${settings.inputsFile}.\n` +
        "      Copy it to deployment.tfvars and fill it in before any deploy.\n",
    );
  }
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const { app } = synthesizeAtomically(settings, outdir);
  // The committed provider lock file in every stack: `cdktf deploy`'s terraform init then installs
  // exactly the pinned, checksummed providers (docs/provider-lock.md). The policy pack parsed every
  // stack's JSON already; the lock writer reads the required providers from those.
  const policy = policyRunOf(app);
  const unpinned = writeStackLocks(outdir, LOCK_FILE, (name) => policy?.evaluatedJson(name));
  if (unpinned.length > 0)
    process.stderr.write(`note: ${unpinned[0]}
      (${unpinned.length} stack(s) without the committed lock file)
`);
  for (const warning of synthWarnings(settings))
    process.stderr.write(`warning: ${warning}
`);
}

/** What the synth warns about without refusing: a stale Cloudflare range list on Fargate (the ALB admits only those). */
export function synthWarnings(settings: Pick<Settings, "deployment">, today: Date = new Date()): string[] {
  const fargate = computeEngines(settings.deployment).includes("fargate");
  const stale = fargate ? staleCloudflareIpsWarning(CLOUDFLARE_IPS, today) : undefined;
  return stale ? [stale] : [];
}

// tools/synth (imported above) installs the cdktf runtime changes, token traces off included (lib/cdktf-runtime.ts).
if (require.main === module) runCommand(spec, main);
