/** IPv4 CIDR arithmetic at synth time, so subnets are known values that validation and tests see. */

export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((base & ~mask) >>> 0 !== 0) return undefined; // host bits set: 10.0.0.1/16 is not a network
  return { base, prefix };
}

function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** Terraform's cidrsubnet(prefix, newbits, netnum). */
export function cidrsubnet(cidr: string, newbits: number, netnum: number): string {
  const parent = parseCidr(cidr);
  if (!parent) throw new Error(`cidrsubnet: '${cidr}' is not an IPv4 network in CIDR notation`);
  const prefix = parent.prefix + newbits;
  if (prefix > 32) throw new Error(`cidrsubnet: /${parent.prefix} + ${newbits} bits exceeds /32`);
  if (netnum < 0 || netnum >= 2 ** newbits) {
    throw new Error(`cidrsubnet: netnum ${netnum} does not fit in ${newbits} bits`);
  }
  const base = (parent.base + netnum * 2 ** (32 - prefix)) >>> 0;
  return formatCidr({ base, prefix });
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const size = (c: Cidr) => 2 ** (32 - c.prefix);
  return x.base < y.base + size(y) && y.base < x.base + size(x);
}

/** Subnet layout of a VPC: public subnets first, private ones in the upper half of the range. */
export function subnetLayout(vpcCidr: string, newbits: number, azCount: number): { public: string[]; private: string[] } {
  const half = 2 ** (newbits - 1);
  return {
    public: Array.from({ length: azCount }, (_, i) => cidrsubnet(vpcCidr, newbits, i)),
    private: Array.from({ length: azCount }, (_, i) => cidrsubnet(vpcCidr, newbits, half + i)),
  };
}
