import { githubCases } from "./cases/github";
import { runCases } from "./harness";

runCases("GitHub rules", githubCases);
