import { readJsonExpression } from "../../../lib/json-expression";

/** The containers of a task definition's container_definitions (JSON text or `jsonencode(...)`, references inside). */
export interface Container {
  /** @default - none: ECS requires a name on every container (the rules' messages would print `undefined`) */
  readonly name?: string;
  /** @default - no environment entries */
  readonly environment?: readonly {
    readonly name: string;
    /** @default - no value: read like "" (ECS drops the entry; RX rule ECSContainerEnvironmentNotEmpty reports it) */
    readonly value?: string;
  }[];
  /** @default - no log configuration: the container's output is not collected */
  readonly logConfiguration?: {
    /** @default - none (no driver named) */
    readonly logDriver?: string;
  };
  /** @default false (ECS: the root filesystem is writable) */
  readonly readonlyRootFilesystem?: boolean;
  /** @default - the image's user (root unless the image says otherwise) */
  readonly user?: string;
  /** @default false (ECS's default) */
  readonly privileged?: boolean;
  /** @default - none: the container keeps Docker's default Linux capabilities */
  readonly linuxParameters?: {
    /** @default - none: Docker's default capabilities */
    readonly capabilities?: {
      /** @default - none dropped */
      readonly drop?: readonly string[];
    };
  };
}

/**
 * undefined when the definitions are not a literal array (a whole-value reference). The last answer
 * is kept: the engine runs every ECS rule on one task definition before the next, and parsing a
 * `jsonencode(...)` text each time was most of those rules' cost. Treat the answer as read-only.
 */
export function containersOf(definitions: unknown): readonly Container[] | undefined {
  if (last && last.definitions === definitions) return last.containers;
  const parsed = readJsonExpression(definitions);
  const containers = Array.isArray(parsed) ? (parsed as Container[]) : undefined;
  last = { definitions, containers };
  return containers;
}
let last: { readonly definitions: unknown; readonly containers: readonly Container[] | undefined } | undefined;
