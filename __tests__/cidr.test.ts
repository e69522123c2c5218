import { cidrsOverlap, cidrsubnet, parseCidr, subnetLayout } from "../lib/cidr";

describe("CIDR arithmetic (subnets are computed, never typed in)", () => {
  test("cidrsubnet matches Terraform's", () => {
    expect(cidrsubnet("10.0.0.0/16", 4, 0)).toBe("10.0.0.0/20");
    expect(cidrsubnet("10.0.0.0/16", 4, 9)).toBe("10.0.144.0/20");
    expect(cidrsubnet("10.1.0.0/16", 8, 255)).toBe("10.1.255.0/24");
    expect(() => cidrsubnet("10.0.0.0/16", 4, 16)).toThrow(/netnum 16 does not fit in 4 bits/);
    expect(() => cidrsubnet("10.0.0.0/30", 4, 0)).toThrow(/exceeds \/32/);
  });

  test("public subnets first, private ones in the upper half", () => {
    expect(subnetLayout("10.1.0.0/16", 4, 2)).toEqual({
      public: ["10.1.0.0/20", "10.1.16.0/20"],
      private: ["10.1.128.0/20", "10.1.144.0/20"],
    });
  });

  test("a network address with host bits set is not a network", () => {
    expect(parseCidr("10.0.0.1/16")).toBeUndefined();
    expect(parseCidr("300.0.0.0/16")).toBeUndefined();
    expect(parseCidr("10.0.0.0/16")).toEqual({ base: 167772160, prefix: 16 });
  });

  test("overlap", () => {
    expect(cidrsOverlap("10.0.0.0/16", "10.0.128.0/17")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/16", "10.1.0.0/16")).toBe(false);
  });
});
