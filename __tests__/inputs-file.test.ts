import * as fs from "fs";
import * as path from "path";
import { INPUTS_FILE, LEGACY_INPUTS_FILE } from "../config/deployment";

/**
 * `cdktf diff/deploy` printed "Value for undeclared variable" for every deployment input: cdktf-cli
 * collects terraform.tfvars, terraform.tfvars.json and *.auto.tfvars(.json) of the project directory
 * and passes each to every terraform plan/apply as -var-file, and the stacks declare no variables.
 * The inputs therefore live in deployment.tfvars, which cdktf-cli leaves alone.
 */
const handlers = fs.readFileSync(path.join(__dirname, "..", "node_modules", "cdktf-cli", "bundle", "bin", "cmds", "handlers.js"), "utf8");

test("cdktf-cli 0.21 passes these files of the project directory to terraform (the cause)", () => {
  expect(handlers).toContain('["terraform.tfvars","terraform.tfvars.json"]');
  expect(handlers).toContain('[".auto.tfvars",".auto.tfvars.json"]');
});

test("the deployment inputs file is none of them", () => {
  expect(INPUTS_FILE).toBe("deployment.tfvars");
  expect(["terraform.tfvars", "terraform.tfvars.json"]).not.toContain(INPUTS_FILE);
  expect(INPUTS_FILE).not.toMatch(/\.auto\.tfvars(\.json)?$/);
  expect(LEGACY_INPUTS_FILE).toBe("terraform.tfvars");
});

test("git ignores the inputs file", () => {
  expect(fs.readFileSync(path.join(__dirname, "..", ".gitignore"), "utf8").split("\n")).toContain(INPUTS_FILE);
});
