import { Rule } from "../../types";
import { identityAllows, IDENTITY_TYPES, label } from "./common";

export const IAMPolicyNoStatementsWithAdminAccess: Rule = {
  id: "RX-IAM-1",
  name: "IAMPolicyNoStatementsWithAdminAccess",
  level: "error",
  title: 'IAM policy allows every action ("*" or NotAction)',
  explanation:
    "A statement allowing all actions makes its holder an administrator of whatever resources it names: least privilege is gone.",
  fix: "List the actions the principal needs.",
  mirrors: ["CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63", "HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess", "IAM.1"],
  appliesTo: IDENTITY_TYPES,
  evaluate: (r, stack) =>
    identityAllows(r, stack)
      .filter((s) => s.actions.includes("*") || s.notActions.length > 0)
      .map((s) => `${label(s)} allows ${s.notActions.length > 0 ? "everything except NotAction" : '"*"'}`),
};
