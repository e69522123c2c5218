import { blocks, isTrue } from "../../json";
import { Rule } from "../../types";

export const DynamoDBReplicaPITR: Rule = {
  id: "RX-DDB-5",
  name: "DynamoDBReplicaPITR",
  level: "error",
  title: "DynamoDB global table replica has no point-in-time recovery",
  explanation:
    "PITR is per replica: the table's own setting does not cover its copies in other regions, which become the only copy if a region is lost.",
  fix: "Set point_in_time_recovery = true in every replica {} block (and on aws_dynamodb_table_replica).",
  mirrors: ["CKV_AWS_165"],
  appliesTo: ["aws_dynamodb_table", "aws_dynamodb_table_replica"],
  evaluate: (r) => {
    if (r.type === "aws_dynamodb_table_replica")
      return isTrue(r.config.point_in_time_recovery) ? undefined : "point_in_time_recovery is not true";
    const missing = blocks(r.config.replica).filter((rep) => !isTrue(rep.point_in_time_recovery));
    return missing.length === 0
      ? undefined
      : `replica in ${missing.map((rep) => rep.region_name ?? "?").join(", ")} has no point_in_time_recovery`;
  },
};
