import * as fs from "fs";
import * as path from "path";
import { parseCloudflareIps, renderCloudflareIpsModule, staleCloudflareIpsWarning } from "../lib/cloudflare-ips";
import { synthWarnings } from "../main";
import { phaseConfig } from "../phases";
import { CLOUDFLARE_IPS } from "../phases/cloudflare-ips";
import { main, IPS_FILE } from "../scripts/cloudflare-ips";
import { CheckFailed } from "../tools/cli";
import { tempDir } from "./temp-dirs";

// Issue 20 item 19: the ALB's allowed sources were a hand-copied list with no way to refresh it.
const FIXTURES = path.join(__dirname, "fixtures", "cloudflare-ips");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const day = (d: string) => new Date(`${d}T12:00:00Z`);

describe("Cloudflare's published ranges", () => {
  test("the API's JSON answer and the ips-v4 text list both parse (IPv6 is not taken)", () => {
    const api = parseCloudflareIps(fixture("api.json"));
    expect(api).toHaveLength(15);
    expect(api).toContain("198.51.100.0/24");
    expect(api.join(" ")).not.toContain(":");
    expect(parseCloudflareIps(fixture("ips-v4.txt"))).toEqual(CLOUDFLARE_IPS.ipv4);
    expect(parseCloudflareIps(fixture("ips-v4.txt").replace(/\n/g, "\r\n") + "\n")).toEqual(CLOUDFLARE_IPS.ipv4);
  });

  test("anything else is refused, naming what is wrong: an HTML page, an error answer, an empty list, a bad range", () => {
    expect(() => parseCloudflareIps("<!DOCTYPE html><html>rate limited</html>")).toThrow(
      /range 1: "<!DOCTYPE html>.*is not an IPv4 network in CIDR notation/,
    );
    expect(() => parseCloudflareIps(JSON.stringify({ success: false, errors: [{ code: 10000, message: "nope" }], result: null }))).toThrow(
      /success = false \(10000 nope\)/,
    );
    expect(() => parseCloudflareIps(JSON.stringify({ success: true, result: { ipv4_cidrs: [] } }))).toThrow(
      /holds no IPv4 range: refusing to write an empty list/,
    );
    expect(() => parseCloudflareIps("173.245.48.0/20\n2400:cb00::/32")).toThrow(/range 2: "2400:cb00::\/32"/);
    expect(() => parseCloudflareIps("173.245.48.1/20")).toThrow(/range 1/);
  });

  test("phases/cloudflare-ips.ts is what the command writes, and phase 1's Fargate ranges come from it", () => {
    expect(fs.readFileSync(IPS_FILE, "utf8")).toBe(renderCloudflareIpsModule(CLOUDFLARE_IPS));
    expect(phaseConfig(1).fargate.cloudflareIpv4).toEqual(CLOUDFLARE_IPS.ipv4);
    expect(CLOUDFLARE_IPS.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  describe("npm run cloudflare-ips", () => {
    const tmpFile = () => path.join(tempDir("rx-cf-ips-"), "cloudflare-ips.ts");
    let out: jest.SpyInstance;
    beforeEach(() => (out = jest.spyOn(process.stdout, "write").mockImplementation(() => true)));
    afterEach(() => out.mockRestore());

    test("fetches the API without a token and writes the list with today's date, reporting what changed", async () => {
      const file = tmpFile();
      const calls: [string, RequestInit | undefined][] = [];
      const fetchFn = (async (url: string, init?: RequestInit) => {
        calls.push([url, init]);
        return new Response(fixture("api.json"), { status: 200 });
      }) as unknown as typeof fetch;
      expect(await main({ flags: {}, positionals: [] }, fetchFn, day("2027-03-01"), file)).toBe(0);
      expect(calls).toEqual([["https://api.cloudflare.com/client/v4/ips", { headers: { Accept: "application/json" } }]]);
      const written = fs.readFileSync(file, "utf8");
      expect(written).toContain('retrieved: "2027-03-01"');
      expect(written).toContain('"198.51.100.0/24"');
      expect(written).not.toContain("131.0.72.0/22");
      const printed = out.mock.calls.map((c) => String(c[0])).join("");
      expect(printed).toContain("  + 198.51.100.0/24");
      expect(printed).toContain("  - 131.0.72.0/22");
    });

    test("--from reads a saved answer; --check writes nothing and fails when the list differs", async () => {
      const file = tmpFile();
      const noFetch = (async () => Promise.reject(new Error("no network"))) as unknown as typeof fetch;
      await expect(
        main({ flags: { from: path.join(FIXTURES, "api.json"), check: true }, positionals: [] }, noFetch, day("2027-03-01"), file),
      ).rejects.toThrow(CheckFailed);
      expect(fs.existsSync(file)).toBe(false);
      expect(
        await main({ flags: { from: path.join(FIXTURES, "ips-v4.txt"), check: true }, positionals: [] }, noFetch, day("2027-03-01"), file),
      ).toBe(0);
      expect(await main({ flags: { from: path.join(FIXTURES, "ips-v4.txt") }, positionals: [] }, noFetch, day("2027-03-01"), file)).toBe(0);
      expect(fs.readFileSync(file, "utf8")).toBe(
        renderCloudflareIpsModule({ ...CLOUDFLARE_IPS, retrieved: "2027-03-01", source: "https://api.cloudflare.com/client/v4/ips" }),
      );
    });

    test("an error answer writes nothing", async () => {
      const file = tmpFile();
      const fetchFn = (async () => new Response("<html>error</html>", { status: 503 })) as unknown as typeof fetch;
      await expect(main({ flags: {}, positionals: [] }, fetchFn, day("2027-03-01"), file)).rejects.toThrow(/HTTP 503; nothing was written/);
      expect(fs.existsSync(file)).toBe(false);
    });
  });

  describe("the synth warns when the list is older than 90 days", () => {
    test("90 days is fresh, 91 is stale, with the command to run", () => {
      expect(staleCloudflareIpsWarning({ retrieved: "2026-11-28" }, day("2027-02-26"))).toBeUndefined();
      expect(staleCloudflareIpsWarning({ retrieved: "2026-11-28" }, day("2027-02-27"))).toMatch(
        /last read 91 days ago \(2026-11-28; older than 90\).*Fix: npm run cloudflare-ips/,
      );
      expect(staleCloudflareIpsWarning({ retrieved: "28.11.2026" }, day("2027-02-27"))).toMatch(/is not a date/);
    });

    test("only a deployment that runs Fargate (the ALB) is warned", () => {
      const late = new Date(Date.parse(`${CLOUDFLARE_IPS.retrieved}T00:00:00Z`) + 120 * 86_400_000);
      expect(synthWarnings({ deployment: { compute: "fargate" } } as never, late)).toEqual([
        expect.stringMatching(/Cloudflare's IP ranges were last read 120 days ago/),
      ]);
      expect(synthWarnings({ deployment: { compute: "apprunner", computeStandby: "fargate" } } as never, late)).toHaveLength(1);
      expect(synthWarnings({ deployment: { compute: "apprunner" } } as never, late)).toEqual([]);
      expect(
        synthWarnings({ deployment: { compute: "fargate" } } as never, new Date(Date.parse(`${CLOUDFLARE_IPS.retrieved}T00:00:00Z`))),
      ).toEqual([]);
    });
  });
});
