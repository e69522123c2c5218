import { apprunnerCases } from "./cases/apprunner";
import { runCases } from "./harness";

runCases("App Runner rules", apprunnerCases);
