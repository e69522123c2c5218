import { STATEFUL_TYPES } from "../../../lib/stateful";
import { isFalse, isTrue } from "../../json";
import { DEPLOYMENT, DeploymentVerdict, ResourceView, Rule, StackView } from "../../types";
import { coversBucket, s3DataEventPrefixes } from "../cloudtrail/common";
import { isBackupBucket } from "../s3/S3BackupBucketObjectLock";

/** The Terraform output in which the audit stack declares, per control, who provides it. */
export const AUDIT_CONTROLS_OUTPUT = "audit_controls";

/** Controls by the key the audit stack's output uses. */
const AUDIT_CONTROLS = {
  cloudtrail: { input: "manage_cloudtrail", type: "aws_cloudtrail", what: "a multi-region CloudTrail trail" },
  guardduty: { input: "manage_guardduty", type: "aws_guardduty_detector", what: "a GuardDuty detector" },
  config: { input: "manage_config", type: "aws_config_configuration_recorder", what: "an AWS Config recorder" },
  security_hub: { input: "manage_security_hub", type: "aws_securityhub_account", what: "Security Hub" },
} as const;
type ControlKey = keyof typeof AUDIT_CONTROLS;

/** Buckets whose objects are patient data or copies of it: patient files (uploads) and database dumps. */
function holdsPatientData(bucket: ResourceView): boolean {
  const name = typeof bucket.config.bucket === "string" ? bucket.config.bucket : "";
  const purpose = bucket.config.tags?.purpose;
  return isBackupBucket(bucket) || /uploads/i.test(name) || (typeof purpose === "string" && /patient|uploads/i.test(purpose));
}

/** The controls the deployment hands to the organization, as its audit stack declares them. */
function declaration(stacks: readonly StackView[]): { stack?: string; delegated: Set<ControlKey> } {
  for (const s of stacks) {
    const value = s.json.output?.[AUDIT_CONTROLS_OUTPUT]?.value;
    if (value && typeof value === "object") {
      const delegated = new Set((Object.keys(AUDIT_CONTROLS) as ControlKey[]).filter((k) => value[k] === "organization"));
      return { stack: s.stackName, delegated };
    }
  }
  return { delegated: new Set() };
}

interface Located {
  readonly stack: StackView;
  readonly resource: ResourceView;
  readonly region?: string;
}

const all = (stacks: readonly StackView[], type: string): Located[] =>
  stacks.flatMap((stack) => stack.resources(type).map((resource) => ({ stack, resource, region: stack.regionOf(resource) })));

export const DeploymentAuditControls: Rule = {
  id: "RX-AUDIT-1",
  name: "DeploymentAuditControls",
  level: "error",
  title: "The deployment lacks an account-level audit or detection control",
  explanation:
    "HIPAA reviews start with the account: a record of every API call and of every read of patient files (164.312(b)), threat detection and configuration history in every region that holds data (164.308(a)(1)(ii)(D)). A stack left out of the app, a region added without its detector or a new patient-file bucket outside the trail's data events would pass every per-stack rule; this rule looks at the deployment as a whole. A control the organization provides is declared with its manage_* input = false (the audit stack's audit_controls output says so).",
  fix: "Keep the audit stack in stacks/index.ts with its regions from keyRegions(phase) and every patient-file and backup bucket in dataEventBuckets, or set manage_cloudtrail / manage_guardduty / manage_config / manage_security_hub = false when the AWS Organization provides that control.",
  mirrors: ["CloudTrail.1", "GuardDuty.1", "Config.1"],
  appliesTo: [DEPLOYMENT],
  evaluate: () => undefined,
  evaluateDeployment: (stacks) => {
    const { stack: declaring, delegated } = declaration(stacks);
    const where = declaring ?? DEPLOYMENT;
    const out: DeploymentVerdict[] = [];
    const missing = (key: ControlKey, region?: string): DeploymentVerdict => {
      const c = AUDIT_CONTROLS[key];
      return {
        stack: where,
        address: region ? `${c.type} (${region})` : c.type,
        message: `no ${c.what}${region ? ` in ${region}, a region holding data,` : ""} in any stack, and ${c.input} does not leave it to the organization`,
      };
    };

    const dataRegions = [
      ...new Set(
        STATEFUL_TYPES.flatMap((t) => all(stacks, t))
          .map((l) => l.region)
          .filter((r): r is string => r !== undefined),
      ),
    ].sort();

    if (!delegated.has("cloudtrail")) {
      const trails = all(stacks, "aws_cloudtrail").filter(
        (t) => isTrue(t.resource.config.is_multi_region_trail) && !isFalse(t.resource.config.enable_logging),
      );
      if (trails.length === 0) out.push(missing("cloudtrail"));
      else {
        const prefixes = trails.flatMap((t) => s3DataEventPrefixes(t.resource));
        for (const b of all(stacks, "aws_s3_bucket").filter((l) => holdsPatientData(l.resource))) {
          const name = b.resource.config.bucket;
          if (typeof name === "string" && !coversBucket(prefixes, name)) {
            out.push({
              stack: b.stack.stackName,
              address: b.resource.address,
              message: `bucket ${name} holds patient data but no trail records its object reads and writes (data events)`,
            });
          }
        }
      }
    }
    for (const key of ["guardduty", "config", "security_hub"] as const) {
      if (delegated.has(key)) continue;
      const present = new Set(
        all(stacks, AUDIT_CONTROLS[key].type)
          .filter((l) => !isFalse(l.resource.config.enable))
          .map((l) => l.region),
      );
      for (const region of dataRegions) if (!present.has(region)) out.push(missing(key, region));
    }
    return out;
  },
};
