import { parse } from "yaml";
import { ResourceView } from "../../types";

export const isWorkflowFile = (r: ResourceView): boolean =>
  typeof r.config.file === "string" && /^\.github\/workflows\/[^/]+\.ya?ml$/.test(r.config.file);

export type Workflow = {
  /** @default - the repository's default GITHUB_TOKEN permissions (read here as no id-token grant) */
  readonly permissions?: unknown;
  /** @default - no jobs */
  readonly jobs?: Record<string, any>;
};

const parsed = new WeakMap<object, Workflow | string>();

/**
 * The workflow a github_repository_file writes, or a string saying why it cannot be read. `$${`
 * is Terraform's escape for a literal `${`: the file GitHub receives has `${`.
 */
export function workflowOf(r: ResourceView): Workflow | string {
  let result = parsed.get(r.config);
  if (result === undefined) {
    const content = r.config.content;
    if (typeof content !== "string") result = "its content is not a literal string";
    else {
      try {
        const doc = parse(content.replace(/\$\$\{/g, "${"));
        result = doc !== null && typeof doc === "object" ? (doc as Workflow) : "its content is not a YAML mapping";
      } catch (e) {
        result = `its content is not valid YAML (${(e as Error).message.split("\n")[0]})`;
      }
    }
    parsed.set(r.config, result);
  }
  return result;
}
