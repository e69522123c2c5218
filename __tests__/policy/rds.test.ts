import { rdsCases } from "./cases/rds";
import { runCases } from "./harness";

runCases("RDS rules", rdsCases);
