import { auditCases, auditDeploymentCases } from "./cases/audit";
import { runCases, runDeploymentCases } from "./harness";

runCases("Audit and detection rules (CloudTrail, GuardDuty, AWS Config, Security Hub)", auditCases);
runDeploymentCases("Deployment rules", auditDeploymentCases);
