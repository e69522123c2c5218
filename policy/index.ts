/**
 * The RestartiX policy pack: cdk-nag style rules over the synthesized Terraform JSON, applied at
 * synth by an aspect on every stack, with per-construct suppressions that carry a reason.
 */
export { applyPolicyPack, policyRunOf, POLICY_MODE_CONTEXT } from "./aspect";
export { blocking, evaluateDeployment, evaluateStack } from "./engine";
export { RULES } from "./rules";
export { scanForSecrets } from "./secret-scan";
export { addressesOf, suppress, suppressionsOf } from "./suppress";
export type { Finding, Suppression } from "./types";
