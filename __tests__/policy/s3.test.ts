import { s3Cases } from "./cases/s3";
import { runCases } from "./harness";

runCases("S3 rules", s3Cases);
