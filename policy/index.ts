/**
 * The RestartiX policy pack: cdk-nag style rules over the synthesized Terraform JSON, applied at
 * synth by an aspect on every stack, with per-construct suppressions that carry a reason.
 */
export { applyPolicyPack, formatBlocking, policyRunOf, PolicyAspect, PolicyRun, POLICY_MODE_CONTEXT, POLICY_MODES } from "./aspect";
export type { PolicyMode, PolicyPackOptions } from "./aspect";
export { blocking, evaluateDeployment, evaluateStack } from "./engine";
export type { StackJson } from "./engine";
export { RULES } from "./rules";
export { scanForSecrets } from "./secret-scan";
export type { SecretHit } from "./secret-scan";
export { addressesOf, MIN_REASON_LENGTH, suppress, suppressionsOf } from "./suppress";
export { DEPLOYMENT } from "./types";
export type { DeploymentVerdict, Finding, Level, ResourceView, Rule, StackView, Suppression, Verdict } from "./types";
