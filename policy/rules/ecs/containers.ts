import { readJsonExpression } from "../../../lib/json-expression";

/** The containers of a task definition's container_definitions (JSON text or `jsonencode(...)`, references inside). */
export interface Container {
  readonly name?: string;
  readonly environment?: readonly { readonly name: string; readonly value?: string }[];
  readonly logConfiguration?: { readonly logDriver?: string };
  readonly readonlyRootFilesystem?: boolean;
  readonly user?: string;
  readonly privileged?: boolean;
  readonly linuxParameters?: { readonly capabilities?: { readonly drop?: readonly string[] } };
}

/** undefined when the definitions are not a literal array (a whole-value reference). */
export function containersOf(definitions: unknown): Container[] | undefined {
  const parsed = readJsonExpression(definitions);
  return Array.isArray(parsed) ? (parsed as Container[]) : undefined;
}
