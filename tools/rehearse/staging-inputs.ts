import * as fs from "fs";
import * as path from "path";
import { renderStagingExample } from "../../config/environment";

/**
 * The inputs of a staging rehearsal: staging.tfvars.example in an account of its own, which is the
 * emulator's (allowed_account_ids admits only it); production is another account, so the audit
 * singletons stay on as in the recommended set-up (docs/staging.md). Written into the scratch directory.
 */
export function stagingRehearsalInputs(scratchDir: string, emulatorAccountId: string): string {
  const file = path.join(scratchDir, "staging.tfvars");
  const text = renderStagingExample()
    .replace(/^account_id = .*$/m, `account_id = "${emulatorAccountId}"`)
    .replace(
      /^production_account_id = .*$/m,
      `production_account_id = "${emulatorAccountId === "210987654321" ? "123456789012" : "210987654321"}"`,
    )
    .replace(/^state_bucket = .*$/m, `state_bucket = "restartix-terraform-state-staging-${emulatorAccountId}"`);
  fs.writeFileSync(file, text);
  return file;
}
