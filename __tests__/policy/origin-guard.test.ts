import { originGuardCases } from "./cases/origin-guard";
import { runCases } from "./harness";

runCases("Origin guard, canaries and Fargate hardening rules", originGuardCases);
