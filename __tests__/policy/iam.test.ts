import { iamCases } from "./cases/iam";
import { runCases } from "./harness";

runCases("IAM rules", iamCases);
