import { block, isTrue } from "../../json";
import { Rule } from "../../types";

export const DynamoDBPITREnabled: Rule = {
  id: "RX-DDB-1",
  name: "DynamoDBPITREnabled",
  level: "error",
  title: "DynamoDB table has no point-in-time recovery",
  explanation: "PITR restores the table to any second of the last 35 days after a bad write or delete; without it there is no undo.",
  fix: "Set point_in_time_recovery { enabled = true }.",
  mirrors: ["CKV_AWS_28", "HIPAA.Security-DynamoDBPITREnabled", "DynamoDB.2"],
  appliesTo: ["aws_dynamodb_table"],
  evaluate: (table) =>
    isTrue(block(table.config.point_in_time_recovery).enabled) ? undefined : "point_in_time_recovery.enabled is not true",
};
