import { isTrue } from "../../json";
import { Rule } from "../../types";

import { STATEFUL_TYPES } from "../../../lib/stateful";

export const StatefulPreventDestroy: Rule = {
  id: "RX-DL-1",
  name: "StatefulPreventDestroy",
  level: "error",
  title: "Stateful resource is not protected by prevent_destroy",
  explanation:
    "A rename, a moved construct or a bad refactor plans a destroy; prevent_destroy makes Terraform refuse it. It is not stored in state, so the literal must stay in code (checkov cannot see it in plans).",
  fix: "Pass lifecycle: { preventDestroy: true } to the construct.",
  mirrors: [],
  appliesTo: STATEFUL_TYPES,
  evaluate: (r) => (isTrue(r.config.lifecycle?.prevent_destroy) ? undefined : "lifecycle.prevent_destroy is not true"),
};
