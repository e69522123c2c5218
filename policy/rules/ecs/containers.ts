/** The containers of a task definition's container_definitions (a JSON string, possibly with references inside). */
export interface Container {
  readonly name?: string;
  readonly environment?: readonly { readonly name: string; readonly value?: string }[];
  readonly logConfiguration?: { readonly logDriver?: string };
  readonly readonlyRootFilesystem?: boolean;
  readonly user?: string;
  readonly privileged?: boolean;
  readonly linuxParameters?: { readonly capabilities?: { readonly drop?: readonly string[] } };
}

/** undefined when the definitions are not a literal JSON array (a whole-value reference). */
export function containersOf(definitions: unknown): Container[] | undefined {
  if (typeof definitions !== "string" || !definitions.trimStart().startsWith("[")) return undefined;
  try {
    const parsed = JSON.parse(definitions) as unknown;
    return Array.isArray(parsed) ? (parsed as Container[]) : undefined;
  } catch {
    return undefined;
  }
}
