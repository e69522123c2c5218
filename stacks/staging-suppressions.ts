import { App, TerraformStack } from "cdktf";
import { suppress } from "../policy/suppress";

/**
 * The policy findings staging accepts by design (docs/staging.md), suppressed on every stack of a
 * staging app so each still appears in `npm run check` with its reason. Only the two choices of the
 * staging size preset (phases/environment.ts); every other rule (encryption, TLS, logging on,
 * backups, deletion protection, no public access) holds for staging as for production.
 */
const STAGING_SUPPRESSIONS: Readonly<Record<string, string>> = {
  "RX-RDS-2":
    "Staging holds no patient data (docs/staging.md): its database is Single-AZ, which halves the instance bill; production stays Multi-AZ",
  "RX-LOG-2":
    "Staging holds no patient data (docs/staging.md): its logs are kept 30 days, not the year production keeps; logging itself stays on",
};

export function suppressForStaging(app: App): void {
  for (const stack of app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
    for (const [rule, reason] of Object.entries(STAGING_SUPPRESSIONS)) suppress(stack, rule, reason);
  }
}
