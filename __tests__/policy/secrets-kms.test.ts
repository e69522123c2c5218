import { secretsDeploymentCases, secretsKmsCases } from "./cases/secrets-kms";
import { runCases, runDeploymentCases } from "./harness";

runCases("Secrets Manager and KMS rules", secretsKmsCases);
runDeploymentCases("Secrets Manager deployment rules", secretsDeploymentCases);
