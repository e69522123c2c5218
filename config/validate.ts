// The input checks, one file per input (deployment.tfvars, a phase, the tenant registry); this index keeps the
// one import path the rest of the code uses.
export { validateDeployment } from "./validate-deployment";
export { validatePhase } from "./validate-phase";
export { SHARD_SLOTS, TenantEntry, validateTenants } from "./validate-tenants";
