import { isExpression, referencedAddresses, strings } from "./json";
import { ResourceView, StackView } from "./types";

type Json = Readonly<Record<string, any>>;

/**
 * One stack's JSON, indexed lazily: resources by type on first use, and for each (type, attribute)
 * pair asked about, the addresses and literals that attribute points at. Every index is built once
 * per stack in one pass over the resources of that type, so rules stay linear in the stack's size.
 */
export class StackContext implements StackView {
  private readonly byType = new Map<string, ResourceView[]>();
  private readonly pointers = new Map<string, Map<string, ResourceView[]>>();
  private readonly mentions = new Map<string, Set<string>>();

  constructor(
    readonly stackName: string,
    readonly json: Json,
  ) {}

  resources(type: string): readonly ResourceView[] {
    let list = this.byType.get(type);
    if (!list) {
      const isData = type.startsWith("data.");
      const section = (isData ? this.json.data : this.json.resource) as Record<string, Record<string, Json>> | undefined;
      const bare = isData ? type.slice(5) : type;
      list = Object.entries(section?.[bare] ?? {}).map(([name, config]) => ({ type, name, address: `${type}.${name}`, config }));
      this.byType.set(type, list);
    }
    return list;
  }

  find(address: string): ResourceView | undefined {
    const dot = address.lastIndexOf(".");
    if (dot < 0) return undefined;
    const name = address.slice(dot + 1);
    return this.resources(address.slice(0, dot)).find((r) => r.name === name);
  }

  attached(target: ResourceView, type: string, attr: string, targetAttr?: string): readonly ResourceView[] {
    const index = this.pointerIndex(type, attr);
    const byAddress = index.get(target.address) ?? [];
    const literal = targetAttr === undefined ? undefined : target.config[targetAttr];
    if (typeof literal !== "string" || isExpression(literal)) return byAddress;
    const byLiteral = index.get(`=${literal}`) ?? [];
    return byLiteral.length === 0 ? byAddress : [...new Set([...byAddress, ...byLiteral])];
  }

  targets(value: unknown, type: string, typeAttr?: string): readonly ResourceView[] {
    const out: ResourceView[] = [];
    for (const s of strings(value)) {
      if (isExpression(s)) {
        for (const address of referencedAddresses(s)) {
          if (!address.startsWith(`${type}.`)) continue;
          const found = this.find(address);
          if (found) out.push(found);
        }
      } else if (typeAttr !== undefined) {
        out.push(...this.resources(type).filter((r) => r.config[typeAttr] === s));
      }
    }
    return out;
  }

  referencesOf(resource: ResourceView): ReadonlySet<string> {
    let set = this.mentions.get(resource.address);
    if (!set) {
      set = new Set();
      collect(resource.config, set);
      this.mentions.set(resource.address, set);
    }
    return set;
  }

  regionOf(resource: ResourceView): string | undefined {
    const ref = typeof resource.config.provider === "string" ? resource.config.provider : "aws";
    const alias = ref.includes(".") ? ref.slice(ref.indexOf(".") + 1).replace(/\}$/, "") : undefined;
    const providers = (this.json.provider?.aws ?? []) as readonly Record<string, unknown>[];
    const provider = providers.find((p) => (alias === undefined ? p.alias === undefined : p.alias === alias));
    return typeof provider?.region === "string" ? provider.region : undefined;
  }

  /** For resources of `type`: what their `attr` points at (addresses, and `=literal` for plain values) -> the resources. */
  private pointerIndex(type: string, attr: string): Map<string, ResourceView[]> {
    const key = `${type}|${attr}`;
    let index = this.pointers.get(key);
    if (!index) {
      index = new Map();
      for (const r of this.resources(type)) {
        for (const s of strings(r.config[attr])) {
          const keys = isExpression(s) ? referencedAddresses(s) : [`=${s}`];
          for (const k of keys) {
            const list = index.get(k);
            if (list) list.push(r);
            else index.set(k, [r]);
          }
        }
      }
      this.pointers.set(key, index);
    }
    return index;
  }
}

function collect(value: unknown, into: Set<string>): void {
  if (typeof value === "string") {
    for (const a of referencedAddresses(value)) into.add(a);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, into);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "//") collect(v, into);
  }
}
