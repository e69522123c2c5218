import { Construct } from "constructs";
import { PrivateBucket } from "../modules/private-bucket";
import { suppress } from "../policy/suppress";
import { BaseStack, BaseStackProps } from "./base";

/**
 * The state bucket every other stack keeps its state in. It is the one stack on local state
 * (it cannot live in the bucket it creates); README says how to move its state into the bucket
 * afterwards. SSE-S3: the KMS keys are themselves managed from this bucket's state.
 */
export class BootstrapStack extends BaseStack {
  readonly stateBucket: PrivateBucket;

  constructor(scope: Construct, name: string, props: Omit<BaseStackProps, "backend">) {
    super(scope, name, { ...props, backend: "local" });
    const { deployment } = props.settings;
    this.stateBucket = new PrivateBucket(this, "state", {
      bucketName: deployment.stateBucket,
      lifecycleRules: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          // Old state versions are the undo history of every deploy: keep a year of them.
          noncurrentVersionExpiration: [{ noncurrentDays: 365 }],
        },
      ],
    });
    suppress(this.stateBucket, "RX-S3-4", "SSE-S3 on purpose: the KMS keys are managed from this bucket's state, which must stay readable without them");
    suppress(this.stateBucket, "RX-S3-5", "Created first, on local state, before the access-log bucket exists (that bucket's own state lives in this one)");
  }
}
