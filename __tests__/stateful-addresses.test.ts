import * as fs from "fs";
import * as path from "path";
import { SynthResult } from "../tools/synth";
import { STATEFUL_TYPES } from "../tools/upgrade-proof";
import { DEFAULT_ENGINE, synth } from "./helpers";

/**
 * Construct IDs are a contract: a renamed ID is a new address, and Terraform destroys the old
 * resource. This pins the address of every stateful resource of every phase. A deliberate addition
 * updates the fixture (UPDATE_PINNED_ADDRESSES=1 npx jest stateful-addresses); a rename or removal
 * of an existing address can only pass by editing it out by hand, in review.
 */
const FIXTURE = path.join(__dirname, "fixtures", "stateful-addresses.json");

function addresses(result: SynthResult): string[] {
  return result.stacks
    .flatMap((s) => STATEFUL_TYPES.flatMap((type) => Object.keys(s.json.resource?.[type] ?? {}).map((name) => `${s.name}: ${type}.${name}`)))
    .sort();
}

const current = Object.fromEntries([1, 2, 3, 4].map((phase) => [`phase${phase}`, addresses(synth({ phase }))]));
if (process.env.UPDATE_PINNED_ADDRESSES === "1") fs.writeFileSync(FIXTURE, JSON.stringify(current, null, 1) + "\n");
const pinned = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, string[]>;

describe.each(Object.keys(pinned))("%s: stateful resource addresses", (phase) => {
  test("no pinned address disappears (a rename would destroy the resource)", () => {
    const now = new Set(current[phase]);
    expect(pinned[phase].filter((a) => !now.has(a))).toEqual([]);
  });

  test("no stateful resource appears without being pinned", () => {
    const known = new Set(pinned[phase]);
    expect(current[phase].filter((a) => !known.has(a))).toEqual([]);
  });
});

/**
 * The default engine (Fargate) keeps every cell's data where the App Runner layout has it: the same
 * stack names and the same construct IDs, so moving a deployment's cells between engines never
 * touches a database or secret (the services move to <cell>-service stacks, which hold no stateful
 * resource).
 */
describe.each([3, 4])("phase %i on Fargate: cells keep their stateful addresses", (phase) => {
  test("every pinned address of a tenant or shard stack exists in the Fargate layout, and service stacks hold none", () => {
    const fargate = addresses(synth({ phase, compute: DEFAULT_ENGINE }));
    const cellAddress = (a: string) => /^(tenant|shard)-[^:]+: /.test(a);
    expect(pinned[`phase${phase}`].filter(cellAddress).filter((a) => !fargate.includes(a))).toEqual([]);
    expect(fargate.filter((a) => /^(tenant|shard)-[^:]+-service: /.test(a))).toEqual([]);
  });
});
