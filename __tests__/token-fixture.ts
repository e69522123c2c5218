import { App, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { tempDir } from "./temp-dirs";

/** cdktf's resolve entry point (what the app's stacks go through), for the resolution tests. */
export const tokens = require("cdktf/lib/_tokens") as { resolve: (scope: unknown, obj: unknown, preparing?: boolean) => unknown };

/** A stack with a resource, variables and their tokens of every kind (string, list, number, map), in a fresh directory. */
export function tokenFixture(prefix: string) {
  const app = new App({ outdir: tempDir(prefix) });
  const stack = new TerraformStack(app, "s");
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  const sg = new SecurityGroup(stack, "sg", { name: "n", vpcId: "vpc-1" });
  const list = new TerraformVariable(stack, "list", { type: "list(string)" });
  const num = new TerraformVariable(stack, "num", { type: "number" });
  const map = new TerraformVariable(stack, "map", { type: "map(string)" });
  return { stack, sg, list, num, map };
}

export type TokenFixture = ReturnType<typeof tokenFixture>;

/**
 * What running `run` gives, to compare cdktf's runtime with the app's: its value, or its error's
 * message (only the first line with `firstLine`: later lines may carry creation stacks).
 */
export function outcomeOf(run: () => unknown, firstLine = false): { value: unknown } | { error: string } {
  try {
    return { value: run() };
  } catch (e) {
    const message = (e as Error).message;
    return { error: firstLine ? message.split("\n")[0] : message };
  }
}
