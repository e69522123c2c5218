import { block, blocks } from "../../json";
import { Rule } from "../../types";
import { bucketParts } from "./common";

/** The tag that marks a bucket holding protected health information (patient files). */
export const PHI_TAG = "data-classification";
export const PHI_VALUE = "phi";

export const S3PatientFilesReplicated: Rule = {
  id: "RX-S3-13",
  name: "S3PatientFilesReplicated",
  level: "error",
  title: "Patient-file bucket is not replicated to another region as required",
  explanation:
    "Patient files must survive the loss of a region or of the bucket (HIPAA contingency plan, 164.308(a)(7)(ii)(A) data backup): a bucket tagged data-classification = phi replicates to a bucket of another region, KMS-encrypted there, with delete-marker replication and replication metrics stated, or is itself such a replica.",
  fix: "Add an aws_s3_bucket_replication_configuration with an Enabled rule to a bucket of another region (its provider), destination.encryption_configuration.replica_kms_key_id, delete_marker_replication.status and destination.metrics.status set.",
  mirrors: ["CKV_AWS_144", "S3.7"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    if (block(bucket.config.tags)[PHI_TAG] !== PHI_VALUE) return undefined;
    // A replica: the destination of a replication rule from a patient-file bucket.
    const destination = stack
      .resources("aws_s3_bucket_replication_configuration")
      .some(
        (rc) =>
          stack.referencesOf(rc).has(bucket.address) && !bucketParts(bucket, stack, "aws_s3_bucket_replication_configuration").includes(rc),
      );
    if (destination) return undefined;
    const configs = bucketParts(bucket, stack, "aws_s3_bucket_replication_configuration");
    if (configs.length === 0) return "no replication configuration has it as source or destination";
    const problems: string[] = [];
    const rules = configs.flatMap((c) => blocks(c.config.rule)).filter((r) => r.status === "Enabled");
    const crossRegion = rules.filter((r) => {
      const dest = stack.targets(block(r.destination).bucket, "aws_s3_bucket", "arn")[0];
      return dest !== undefined && (dest.config.provider ?? "aws") !== (bucket.config.provider ?? "aws");
    });
    if (crossRegion.length === 0) return "no enabled rule replicates it to a bucket of another region in this stack";
    for (const r of crossRegion) {
      const id = String(r.id ?? "rule");
      if (!block(block(r.destination).encryption_configuration).replica_kms_key_id)
        problems.push(`rule ${id}: the replica is not encrypted with a KMS key (replica_kms_key_id)`);
      if (!block(r.delete_marker_replication).status) problems.push(`rule ${id}: delete_marker_replication is not stated`);
      if (!block(block(r.destination).metrics).status) problems.push(`rule ${id}: replication metrics are not stated`);
    }
    return problems;
  },
};
