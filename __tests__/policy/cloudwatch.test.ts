import { cloudwatchCases } from "./cases/cloudwatch";
import { runCases } from "./harness";

runCases("CloudWatch rules", cloudwatchCases);
