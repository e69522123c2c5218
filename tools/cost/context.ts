import { UsageAssumptions } from "../../phases/usage";
import { SynthStack } from "../synth";
import { LineItem, round2, ServiceLine } from "./line-item";
import { PriceTable, unitPrice } from "./price-table";

/** One managed resource of a synthesized stack, with the region its provider puts it in. */
export interface Resource {
  readonly stack: SynthStack;
  readonly type: string;
  /** Logical name in the stack (the key under resource.<type>). */
  readonly name: string;
  readonly config: Readonly<Record<string, any>>;
  readonly region: string;
  readonly address: string;
}

export interface ItemSpec {
  readonly service: ServiceLine;
  readonly component: string;
  readonly quantity: number;
  readonly unit: string;
  readonly priceKey: string;
  /** @default - none: the price key has one figure per region (a key with variants then fails with MissingPrice) */
  readonly variant?: string;
  /** Region of the price when it is not the resource's (replicas, destinations of replication). @default - the resource's own region */
  readonly region?: string;
  /** Free-tier pool this quantity draws from (pricing/aws-prices.json freeTier). @default - no free tier: every unit is charged */
  readonly freeTier?: string;
  /** Multiplies the unit price (Multi-AZ bills the standby like the primary). @default 1 */
  readonly priceFactor?: number;
  /** @default - nothing shown beside the charge */
  readonly why?: string;
}

/** The region a resource's provider points at: `provider = "aws.<alias>"`, else the default provider. */
export function regionOf(stack: SynthStack, config: Readonly<Record<string, any>>): string | undefined {
  const ref = typeof config.provider === "string" ? config.provider : "aws";
  const alias = ref.includes(".") ? ref.slice(ref.indexOf(".") + 1) : undefined;
  const providers = (stack.json.provider?.aws ?? []) as readonly Record<string, unknown>[];
  const provider = providers.find((p) => (alias === undefined ? p.alias === undefined : p.alias === alias));
  return typeof provider?.region === "string" ? provider.region : undefined;
}

const RESOURCE_REF = /\$\{([a-z0-9_]+)\.([^.}]+)\.[^}]*\}/;
const CROSS_STACK_REF = /\$\{data\.terraform_remote_state\.cross-stack-reference-input-([^.}]+)\.outputs\.([^.}]+)\}/;

/** What a price lookup and the assumptions give every pricer; also the account-wide free-tier pools. */
export class PricingContext {
  private readonly freeLeft = new Map<string, number>();

  constructor(
    readonly table: PriceTable,
    readonly usage: UsageAssumptions,
    readonly stacks: readonly SynthStack[],
  ) {
    for (const [key, entry] of Object.entries(table.freeTier)) this.freeLeft.set(key, entry.quantity);
  }

  get hours(): number {
    return this.usage.hoursPerMonth;
  }

  price(key: string, region: string, variant?: string): number {
    return unitPrice(this.table, key, region, variant);
  }

  /** Prices `spec.quantity` of one resource, taking what the free tier still covers off first. */
  item(r: Resource, spec: ItemSpec): LineItem {
    const region = spec.region ?? r.region;
    const unitPriceUsd = this.price(spec.priceKey, region, spec.variant) * (spec.priceFactor ?? 1);
    let free = 0;
    if (spec.freeTier !== undefined) {
      const left = this.freeLeft.get(spec.freeTier) ?? 0;
      free = Math.min(left, spec.quantity);
      this.freeLeft.set(spec.freeTier, left - free);
    }
    return {
      stack: r.stack.name,
      address: r.address,
      type: r.type,
      name: displayName(r),
      service: spec.service,
      region,
      component: spec.component,
      quantity: spec.quantity,
      unit: spec.unit,
      unitPriceUsd,
      monthlyUsd: round2((spec.quantity - free) * unitPriceUsd),
      ...(free > 0 ? { freeQuantity: free } : {}),
      ...(spec.why ? { why: spec.why } : {}),
    };
  }

  /**
   * The resource a reference points at: `${type.name.attr}` in the same stack, or a cross-stack
   * input (`${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>}`),
   * followed to the producing stack's output and resolved there.
   */
  resolve(stack: SynthStack, ref: unknown): Resource | undefined {
    if (typeof ref !== "string") return undefined;
    const remote = CROSS_STACK_REF.exec(ref);
    if (remote) {
      const producer = this.stacks.find((s) => s.name === remote[1]);
      const output = producer?.json.output?.[remote[2]];
      return producer && output ? this.resolve(producer, output.value) : undefined;
    }
    const m = RESOURCE_REF.exec(ref);
    if (!m || m[1] === "data") return undefined;
    const config = stack.json.resource?.[m[1]]?.[m[2]];
    if (!config) return undefined;
    return { stack, type: m[1], name: m[2], config, region: regionOf(stack, config) ?? "unknown", address: `${m[1]}.${m[2]}` };
  }

  /** Resources of a type in a stack. */
  resourcesOf(stack: SynthStack, type: string): Resource[] {
    return Object.entries(stack.json.resource?.[type] ?? {}).map(([name, config]) => ({
      stack,
      type,
      name,
      config,
      region: regionOf(stack, config) ?? "unknown",
      address: `${type}.${name}`,
    }));
  }

  /** Whether any resource of `type` in any stack mentions `needle` (a reference to another resource). */
  anyMentions(type: string, needle: string): boolean {
    return this.stacks.some((s) => Object.values(s.json.resource?.[type] ?? {}).some((c) => JSON.stringify(c).includes(needle)));
  }
}

/** The name a person knows a resource by. */
function displayName(r: Resource): string {
  const c = r.config;
  const candidates = [
    c.identifier,
    c.service_name,
    c.bucket,
    c.name,
    c.replication_group_id,
    c.alarm_name,
    c.dashboard_name,
    c.description,
    c.fqdn,
  ];
  const found = candidates.find((v) => typeof v === "string" && !v.includes("${"));
  return typeof found === "string" ? found : r.name;
}

/** Prices one resource. Throws MissingPrice when the table lacks a figure it needs. */
export type Pricer = (r: Resource, ctx: PricingContext) => LineItem[];
