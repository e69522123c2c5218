import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { CLOUDFLARE_IPS_API, parseCloudflareIps, rangeChanges, renderCloudflareIpsModule } from "../lib/cloudflare-ips";
import { CLOUDFLARE_IPS } from "../phases/cloudflare-ips";
import { CheckFailed, CommandSpec, ParsedCommand, runCommand, UsageError } from "../tools/cli";

export const spec: CommandSpec = {
  name: "cloudflare-ips",
  summary: "Refresh Cloudflare's published IPv4 ranges (the ALB's allowed sources) into phases/cloudflare-ips.ts, with today's date.",
  usage: ["[--from FILE] [--check]"],
  flags: {
    from: {
      type: "string",
      valueName: "FILE",
      description: `a saved answer of ${CLOUDFLARE_IPS_API} or https://www.cloudflare.com/ips-v4 instead of fetching`,
    },
    check: { type: "boolean", description: "compare only: exit 1 when the list differs from the recorded one, write nothing" },
  },
  epilog: [
    `Reads ${CLOUDFLARE_IPS_API} (no token needed). After a change: review the diff, commit phases/cloudflare-ips.ts,`,
    "then deploy the network stack (its ALB security group rules follow the list). The synth warns when the list is older than 90 days.",
  ],
};

export const IPS_FILE = path.join(ROOT, "phases", "cloudflare-ips.ts");

export async function main(
  { flags }: ParsedCommand,
  fetchFn: typeof fetch = fetch,
  today: Date = new Date(),
  file = IPS_FILE,
): Promise<number> {
  let body: string;
  let source: string;
  if (typeof flags.from === "string") {
    try {
      body = fs.readFileSync(flags.from, "utf8");
    } catch (e) {
      throw new UsageError(
        `--from ${flags.from}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: save the answer with curl -s ${CLOUDFLARE_IPS_API} > ips.json`,
      );
    }
    source = CLOUDFLARE_IPS_API;
  } else {
    const response = await fetchFn(CLOUDFLARE_IPS_API, { headers: { Accept: "application/json" } });
    body = await response.text();
    if (!response.ok) throw new CheckFailed(`GET ${CLOUDFLARE_IPS_API}: HTTP ${response.status}; nothing was written`);
    source = CLOUDFLARE_IPS_API;
  }
  const ipv4 = parseCloudflareIps(body);
  const { added, removed } = rangeChanges(CLOUDFLARE_IPS.ipv4, ipv4);
  const lines = [
    `Cloudflare IPv4 ranges: ${ipv4.length} (recorded ${CLOUDFLARE_IPS.ipv4.length}, retrieved ${CLOUDFLARE_IPS.retrieved})`,
    ...added.map((r) => `  + ${r}`),
    ...removed.map((r) => `  - ${r}`),
  ];
  if (flags.check) {
    process.stdout.write(`${lines.join("\n")}\n`);
    if (added.length + removed.length > 0)
      throw new CheckFailed("the recorded list differs from Cloudflare's: run npm run cloudflare-ips, review, commit, deploy network");
    return 0;
  }
  const retrieved = today.toISOString().slice(0, 10);
  fs.writeFileSync(file, renderCloudflareIpsModule({ retrieved, source, ipv4 }));
  process.stdout.write(
    `${lines.join("\n")}\nwrote ${path.relative(ROOT, file)} (retrieved ${retrieved})${added.length + removed.length > 0 ? "; deploy the network stack after review" : "; no range changed"}\n`,
  );
  return 0;
}

if (require.main === module) runCommand(spec, (args) => main(args));
