import { blocks, isSet } from "../../json";
import { Rule } from "../../types";

export const CanaryArtifactsEncrypted: Rule = {
  id: "RX-SYN-1",
  name: "CanaryArtifactsEncrypted",
  level: "error",
  title: "Synthetics canary writes artifacts without the customer-managed key",
  explanation:
    "A canary's artifacts (logs, request reports) record the requests it made to the services; they belong in the region's private observability bucket, encrypted with the data key like everything else.",
  fix: 'Set artifact_s3_location to the observability bucket and artifact_config { s3_encryption { encryption_mode = "SSE_KMS", kms_key_arn = <the region key> } }.',
  mirrors: [],
  appliesTo: ["aws_synthetics_canary"],
  evaluate: (c) => {
    const enc = blocks(c.config.artifact_config).flatMap((a) => blocks(a.s3_encryption))[0];
    if (!isSet(c.config.artifact_s3_location)) return "artifact_s3_location is not set";
    if (enc?.encryption_mode !== "SSE_KMS" || !isSet(enc.kms_key_arn)) return "artifact_config.s3_encryption is not SSE_KMS with a key";
    return undefined;
  },
};
