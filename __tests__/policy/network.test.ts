import { networkCases } from "./cases/network";
import { runCases } from "./harness";

runCases("VPC and security group rules", networkCases);
