import { secretsKmsCases } from "./cases/secrets-kms";
import { runCases } from "./harness";

runCases("Secrets Manager and KMS rules", secretsKmsCases);
