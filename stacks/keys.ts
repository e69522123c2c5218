import { Construct } from "constructs";
import { DataKey } from "../modules/data-key";
import { PhaseConfig } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";

/** Region of billing metrics, Route 53 health-check metrics and the alert topic they publish to. */
export const GLOBAL_REGION = "us-east-1";

/**
 * Every region that holds encrypted data of this phase: its regions, their backup regions (uploads
 * replicas, replicated automated backups), the dump replica region, and us-east-1 (the encrypted alert topic of billing and health-check alarms).
 */
export function keyRegions(phase: PhaseConfig): string[] {
  const regions = new Set<string>();
  for (const r of phase.regions) {
    regions.add(r.region);
    // Each region's patient files replicate to its backup region, encrypted there.
    regions.add(r.backupRegion);
  }
  regions.add(phase.backups.replicaRegion);
  regions.add(GLOBAL_REGION);
  return [...regions];
}

/**
 * One customer-managed KMS key per region in use. Its own stack because losing a key loses every
 * byte it encrypted: nothing else is ever planned together with it.
 */
export class KeysStack extends BaseStack {
  private readonly keys = new Map<string, DataKey>();

  constructor(scope: Construct, name: string, props: BaseStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    for (const region of keyRegions(phase)) {
      // The construct ID is the region name: fixed for the key's lifetime.
      this.keys.set(
        region,
        new DataKey(this, region, {
          alias: `${phase.project}-data`,
          accountId: deployment.accountId,
          region,
          provider: this.awsIn(region),
        }),
      );
    }
  }

  keyArn(region: string): string {
    const key = this.keys.get(region);
    if (!key) throw new Error(`KeysStack: no key for region ${region} (known: ${[...this.keys.keys()].join(", ")})`);
    return key.arn;
  }
}
