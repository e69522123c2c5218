import { cloudflareCases } from "./cases/cloudflare";
import { runCases } from "./harness";

runCases("Cloudflare rules", cloudflareCases);
