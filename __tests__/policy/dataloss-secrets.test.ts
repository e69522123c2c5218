import { datalossSecretCases } from "./cases/dataloss-secrets";
import { runCases } from "./harness";

runCases("Data-loss guard and secret scan rules", datalossSecretCases);
