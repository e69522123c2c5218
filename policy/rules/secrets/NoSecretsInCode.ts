import { scanForSecrets } from "../../secret-scan";
import { Rule } from "../../types";

export const NoSecretsInCode: Rule = {
  id: "RX-SECRET-1",
  name: "NoSecretsInCode",
  level: "error",
  title: "Secret-shaped value in the synthesized configuration",
  explanation: "Anything in cdk.tf.json is in git-adjacent files, CI logs, plan output and Terraform state; a key there is a leaked key.",
  fix: "Remove the value and rotate it; read secrets at run time from Secrets Manager (or a sensitive TF_VAR_ variable), never from code.",
  mirrors: [],
  appliesTo: ["*"],
  evaluate: (r) => scanForSecrets(r.config, r.address).map((h) => `${h.kind} at ${h.path}`),
};
