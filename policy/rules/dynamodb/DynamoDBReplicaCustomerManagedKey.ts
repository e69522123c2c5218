import { blocks, isSet } from "../../json";
import { Rule } from "../../types";

export const DynamoDBReplicaCustomerManagedKey: Rule = {
  id: "RX-DDB-4",
  name: "DynamoDBReplicaCustomerManagedKey",
  level: "error",
  title: "DynamoDB global table replica is not encrypted with a customer-managed key",
  explanation:
    "Each replica lives in its own region with its own key; a replica block without kms_key_arn silently falls back to the AWS-managed key there. checkov does not look inside replica blocks.",
  fix: "Give every replica {} block (and aws_dynamodb_table_replica) kms_key_arn = the key of its region.",
  mirrors: ["CKV_AWS_271"],
  appliesTo: ["aws_dynamodb_table", "aws_dynamodb_table_replica"],
  evaluate: (r) => {
    if (r.type === "aws_dynamodb_table_replica") return isSet(r.config.kms_key_arn) ? undefined : "kms_key_arn is not set";
    const missing = blocks(r.config.replica).filter((rep) => !isSet(rep.kms_key_arn));
    return missing.length === 0 ? undefined : `replica in ${missing.map((rep) => rep.region_name ?? "?").join(", ")} has no kms_key_arn`;
  },
};
