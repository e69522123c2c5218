import { ecrDynamodbCases } from "./cases/ecr-dynamodb";
import { runCases } from "./harness";

runCases("ECR and DynamoDB rules", ecrDynamodbCases);
