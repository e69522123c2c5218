import { block, isSet, isTrue } from "../../json";
import { Rule } from "../../types";

export const DynamoDBCustomerManagedKey: Rule = {
  id: "RX-DDB-3",
  name: "DynamoDBCustomerManagedKey",
  level: "error",
  title: "DynamoDB table is not encrypted with a customer-managed key",
  explanation: "Tables are always encrypted, but with an AWS-owned key outside our key policy and CloudTrail unless we give one of ours.",
  fix: "Set server_side_encryption { enabled = true, kms_key_arn = <the region's key> }.",
  mirrors: ["CKV_AWS_119"],
  appliesTo: ["aws_dynamodb_table"],
  evaluate: (table) => {
    const sse = block(table.config.server_side_encryption);
    if (!isTrue(sse.enabled)) return "server_side_encryption.enabled is not true";
    return isSet(sse.kms_key_arn) ? undefined : "server_side_encryption.kms_key_arn is not set (AWS-managed key)";
  },
};
