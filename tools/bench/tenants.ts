import * as fs from "fs";
import * as path from "path";

/**
 * A tenant registry of `count` enterprise tenants (org-1 .. org-N in eu-central-1), each shaped
 * like the first entry of phases/tenants/phase3.json, for synth benchmarks at scale.
 */
export function writeTenantRegistry(root: string, count: number, file: string): string {
  const [template] = JSON.parse(fs.readFileSync(path.join(root, "phases", "tenants", "phase3.json"), "utf8")) as Record<string, unknown>[];
  const tenants = Array.from({ length: count }, (_, i) => ({
    ...template,
    id: `org-${i + 1}`,
    name: `Enterprise clinic ${i + 1}`,
    region: "eu-central-1",
    slot: 11 + i,
  }));
  fs.writeFileSync(file, JSON.stringify(tenants, null, 2));
  return file;
}
