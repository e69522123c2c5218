// The input checks, one file per input (deployment.tfvars, a phase, the tenant registry); this index keeps the
// one import path the rest of the code uses.
export { keptHeaderRules, validateDeployment } from "./validate-deployment";
export { validatePhaseFormats } from "./validate-formats";
export { validatePhase } from "./validate-phase";
export { SHARD_SLOTS, TENANT_ID, TenantEntry, validateTenants } from "./validate-tenants";
