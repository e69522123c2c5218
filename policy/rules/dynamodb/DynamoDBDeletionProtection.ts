import { isTrue, show } from "../../json";
import { Rule } from "../../types";

export const DynamoDBDeletionProtection: Rule = {
  id: "RX-DDB-2",
  name: "DynamoDBDeletionProtection",
  level: "error",
  title: "DynamoDB table has no deletion protection",
  explanation: "Deletion protection makes AWS refuse DeleteTable from any tool; prevent_destroy only stops Terraform.",
  fix: "Set deletion_protection_enabled = true.",
  mirrors: ["DynamoDB.6"],
  appliesTo: ["aws_dynamodb_table"],
  evaluate: (table) =>
    isTrue(table.config.deletion_protection_enabled)
      ? undefined
      : `deletion_protection_enabled is ${show(table.config.deletion_protection_enabled)}`,
};
