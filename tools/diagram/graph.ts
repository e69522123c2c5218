import { providersOf, SynthStack } from "../synth";
import { providerOfType, serviceOf } from "./services";

/** The architecture of one synthesized phase, as the diagram draws it. */

export interface ServiceNode {
  readonly id: string;
  readonly stack: string;
  readonly provider: string;
  readonly service: string;
  readonly count: number;
  /** Resource types and counts, most numerous first: [short type, count]. */
  readonly types: readonly (readonly [string, number])[];
  /** Regions of the node's AWS resources, when they are not only the stack's own region. */
  readonly regions: readonly string[];
}

export interface StackCluster {
  readonly name: string;
  /** Stacks drawn as this one cluster because they are alike (tenant cells); just [name] otherwise. */
  readonly members: readonly string[];
  /** The provider boundary the stack is drawn inside: its only provider, or "mixed". */
  readonly provider: string;
  /** Region of the stack's default AWS provider. @default - none: the stack has no regional AWS provider (Cloudflare, GitHub) */
  readonly region?: string;
  readonly nodes: readonly ServiceNode[];
}

export interface CrossStackEdge {
  readonly from: string;
  readonly to: string;
  /** How many references the edge stands for. */
  readonly references: number;
  readonly consumer: string;
  readonly producer: string;
}

export interface ArchitectureGraph {
  readonly stacks: readonly StackCluster[];
  readonly edges: readonly CrossStackEdge[];
}

const REMOTE_INPUT = /\$\{data\.terraform_remote_state\.cross-stack-reference-input-([^.}]+)\.outputs\.([^.}]+)\}/g;
const RESOURCE_REF = /^\$\{([a-z0-9_]+)\.([^.}]+)\./;

/** Graphviz-safe node id. */
export const nodeId = (stack: string, service: string): string => `n_${stack}_${service}`.replace(/[^A-Za-z0-9_]/g, "_");
/** An invisible node in every stack cluster: the end of edges to references that name no resource. */
export const anchorId = (stack: string): string => `anchor_${stack}`.replace(/[^A-Za-z0-9_]/g, "_");

function regionOfProvider(stack: SynthStack, ref: unknown): string | undefined {
  const alias = typeof ref === "string" && ref.includes(".") ? ref.slice(ref.indexOf(".") + 1) : undefined;
  const p = (stack.json.provider?.aws ?? []).find((x) => (alias === undefined ? x.alias === undefined : x.alias === alias));
  return typeof p?.region === "string" ? p.region : undefined;
}

export function buildGraph(stacks: readonly SynthStack[]): ArchitectureGraph {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const clusters: StackCluster[] = stacks.map((stack) => {
    const providers = providersOf(stack);
    const region = regionOfProvider(stack, undefined);
    const groups = new Map<string, { provider: string; types: Map<string, number>; regions: Set<string> }>();
    for (const [type, byRes] of Object.entries(stack.json.resource ?? {})) {
      const service = serviceOf(type);
      const g = groups.get(service) ?? { provider: providerOfType(type), types: new Map(), regions: new Set<string>() };
      g.types.set(type, (g.types.get(type) ?? 0) + Object.keys(byRes).length);
      for (const config of Object.values(byRes)) {
        const r = providerOfType(type) === "aws" ? regionOfProvider(stack, config.provider) : undefined;
        if (r) g.regions.add(r);
      }
      groups.set(service, g);
    }
    const nodes = [...groups.entries()]
      .map(([service, g]): ServiceNode => {
        const types = [...g.types.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => [t.slice(t.indexOf("_") + 1), n] as const);
        const regions = [...g.regions].sort();
        return {
          id: nodeId(stack.name, service),
          stack: stack.name,
          provider: g.provider,
          service,
          count: types.reduce((n, [, c]) => n + c, 0),
          types,
          regions: regions.length === 1 && regions[0] === region ? [] : regions,
        };
      })
      .sort((a, b) => a.service.localeCompare(b.service));
    return { name: stack.name, members: [stack.name], provider: providers.length === 1 ? providers[0] : "mixed", region, nodes };
  });

  // Edges: each reference a consumer's resource makes to a producer's output, from the consumer's
  // service node to the service node of the producer's resource behind that output.
  const counts = new Map<string, CrossStackEdge>();
  for (const stack of stacks) {
    for (const [type, byRes] of Object.entries(stack.json.resource ?? {})) {
      const from = nodeId(stack.name, serviceOf(type));
      const text = JSON.stringify(byRes);
      for (const m of text.matchAll(REMOTE_INPUT)) {
        const producer = byName.get(m[1]);
        const value = producer?.json.output?.[m[2]]?.value;
        const target = typeof value === "string" ? RESOURCE_REF.exec(value) : null;
        const to = target && producer ? nodeId(producer.name, serviceOf(target[1])) : anchorId(m[1]);
        const key = `${from}->${to}`;
        const prev = counts.get(key);
        counts.set(key, { from, to, references: (prev?.references ?? 0) + 1, consumer: stack.name, producer: m[1] });
      }
    }
    // A remote state read by no resource (outputs only) still ties the two stacks together.
    for (const key of Object.keys(stack.json.data?.terraform_remote_state ?? {})) {
      const producer = key.replace(/^cross-stack-reference-input-/, "");
      if (![...counts.values()].some((e) => e.consumer === stack.name && e.producer === producer)) {
        counts.set(`${stack.name}->${producer}`, {
          from: anchorId(stack.name),
          to: anchorId(producer),
          references: 1,
          consumer: stack.name,
          producer,
        });
      }
    }
  }
  return { stacks: clusters, edges: [...counts.values()] };
}
