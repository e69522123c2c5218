import { resolveSettings } from "../config/settings";
import { discoverReadPermissions } from "../lib/cloudflare-token";
import { bucketNames } from "../lib/naming";
import { CheckFailed, CommandSpec, ParsedCommand, runCommand, UsageError } from "../tools/cli";
import { execAwsCli } from "../tools/discover/aws";
import { httpCloudflareApi } from "../tools/discover/cloudflare";
import { discover, DiscoverTarget, renderTfvars } from "../tools/discover/report";
import { ServiceKey } from "../phases/types";

export const spec: CommandSpec = {
  name: "discover",
  summary: "List what already exists in the Cloudflare zone and the AWS account (read-only), as deployment.tfvars lines to adopt it.",
  usage: ["[--vars FILE] [--environment production|staging] [--skip-cloudflare] [--skip-aws]"],
  flags: {
    vars: {
      type: "string",
      valueName: "FILE",
      description: "deployment inputs (default deployment.tfvars; staging.tfvars with --environment staging)",
    },
    environment: {
      type: "string",
      valueName: "ENV",
      choices: ["production", "staging"],
      description: "production or staging (default: ENVIRONMENT, else the inputs file): staging's zone, account and names",
    },
    "skip-cloudflare": { type: "boolean", description: "do not call Cloudflare (no CLOUDFLARE_API_TOKEN needed)" },
    "skip-aws": { type: "boolean", description: "do not call AWS (no AWS credentials needed)" },
  },
  epilog: [
    `Credentials come from the environment only: CLOUDFLARE_API_TOKEN (Zone: ${discoverReadPermissions().join(", ")})`,
    "and the AWS CLI's usual ones (AWS_PROFILE, ...). Nothing secret is printed. docs/adoption.md has the equivalent curl/aws commands.",
    "Exit code 1: discovery found something a person must fix first (listed at the end).",
  ],
};

export async function main({ flags }: ParsedCommand): Promise<number> {
  const environment = (flags.environment as string | undefined) ?? (process.env.ENVIRONMENT || undefined);
  const settings = resolveSettings({
    varsFile: flags.vars as string | undefined,
    ...(environment !== undefined
      ? { environment, sources: { environment: flags.environment !== undefined ? "--environment" : "ENVIRONMENT" } }
      : {}),
  });
  const { phase, deployment } = settings;
  if (settings.usingExampleInputs) {
    const [file, example] =
      environment === "staging" ? ["staging.tfvars", "staging.tfvars.example"] : ["deployment.tfvars", "terraform.tfvars.example"];
    throw new UsageError(`${file} is missing: copy ${example}, fill in account_id, domain and cloudflare_zone_id, then run discover`);
  }
  const token = process.env.CLOUDFLARE_API_TOKEN ?? "";
  if (!flags["skip-cloudflare"] && token === "")
    throw new UsageError(
      `CLOUDFLARE_API_TOKEN is not set. Fix: export a token with ${discoverReadPermissions().join(", ")} on the zone, or pass --skip-cloudflare`,
    );
  const target: DiscoverTarget = {
    zoneId: deployment.cloudflareZoneId,
    domain: deployment.domain,
    accountId: deployment.accountId,
    region: phase.regions.find((r) => r.primary)!.region,
    hostnames: Object.fromEntries(Object.values(phase.services).map((s) => [s.key, `${s.subdomain}.${deployment.domain}`])) as Record<
      ServiceKey,
      string
    >,
    // The primary region's uploads bucket: production's adopted one, or staging's own (lib/naming.ts).
    uploadsBucket: bucketNames(phase, deployment.accountId).uploads(phase.regions.find((r) => r.primary)!),
    azs: Object.fromEntries(phase.regions.map((r) => [r.region, r.network.azs])),
  };
  const found = await discover(target, {
    cloudflare: flags["skip-cloudflare"] ? undefined : httpCloudflareApi(token),
    aws: flags["skip-aws"] ? undefined : execAwsCli(),
  });
  process.stdout.write(renderTfvars(target, found));
  if (found.problems.length > 0) throw new CheckFailed(`${found.problems.length} problem(s) to fix before deploying (listed above)`);
  return 0;
}

if (require.main === module) runCommand(spec, main);
