import * as fs from "fs";
import * as path from "path";
import { SynthResult } from "../tools/synth";
import { STATEFUL_TYPES } from "../tools/upgrade-proof";
import { DEFAULT_ENGINE, synth } from "./helpers";

/**
 * Construct IDs are a contract: a renamed ID is a new address, and Terraform destroys the old
 * resource. This pins the address of every stateful resource of every phase. A deliberate addition
 * updates the fixture (UPDATE_PINNED_ADDRESSES=1 npx jest stateful-addresses); re-recording refuses
 * a pinned address that disappeared (a rename is a destroyed database) unless
 * fixtures/stateful-addresses-removed.json lists it, with the reason, as removed on purpose: that
 * list is reviewed with the change.
 */
const FIXTURE = path.join(__dirname, "fixtures", "stateful-addresses.json");
const REMOVED = path.join(__dirname, "fixtures", "stateful-addresses-removed.json");

type Pinned = Record<string, string[]>;
/** phase -> address -> why it may disappear. */
type Removed = Record<string, Record<string, string>>;

function addresses(result: SynthResult): string[] {
  return result.stacks
    .flatMap((s) =>
      STATEFUL_TYPES.flatMap((type) => Object.keys(s.json.resource?.[type] ?? {}).map((name) => `${s.name}: ${type}.${name}`)),
    )
    .sort();
}

/** Pinned addresses gone from `current` without a reason in `removed`: what a re-record must refuse. */
export function unexplainedRemovals(pinned: Pinned, current: Pinned, removed: Removed): string[] {
  return Object.keys(pinned).flatMap((phase) => {
    const now = new Set(current[phase] ?? []);
    return pinned[phase].filter((a) => !now.has(a) && !(removed[phase]?.[a] ?? "").trim()).map((a) => `${phase}: ${a}`);
  });
}

/** The new fixture, or why it is refused. */
export function rerecord(pinned: Pinned, current: Pinned, removed: Removed): { fixture: Pinned } | { refused: string } {
  const gone = unexplainedRemovals(pinned, current, removed);
  if (gone.length === 0) return { fixture: current };
  return {
    refused:
      `UPDATE_PINNED_ADDRESSES=1 refused: ${gone.length} pinned stateful address(es) would disappear, and Terraform destroys what a renamed ID held:\n` +
      gone.map((a) => `  ${a}`).join("\n") +
      `\nFix: keep the construct ID (or move the state: terraform state mv). Only a resource removed on purpose may go: list it in ${path.relative(process.cwd(), REMOVED)} as "<phase>": { "<address>": "<why>" }, reviewed with the change.`,
  };
}

const removed = JSON.parse(fs.readFileSync(REMOVED, "utf8")) as Removed;
const current = Object.fromEntries([1, 2, 3, 4].map((phase) => [`phase${phase}`, addresses(synth({ phase }))]));
let refusal: string | undefined;
if (process.env.UPDATE_PINNED_ADDRESSES === "1") {
  const outcome = rerecord(JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Pinned, current, removed);
  if ("fixture" in outcome) fs.writeFileSync(FIXTURE, JSON.stringify(outcome.fixture, null, 1) + "\n");
  else refusal = outcome.refused;
}
const pinned = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Pinned;

if (refusal !== undefined) {
  test("re-recording the pinned addresses", () => {
    throw new Error(refusal);
  });
}

describe.each(Object.keys(pinned))("%s: stateful resource addresses", (phase) => {
  test("no pinned address disappears (a rename would destroy the resource), unless listed as removed on purpose", () => {
    expect(unexplainedRemovals({ [phase]: pinned[phase] }, current, removed)).toEqual([]);
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

describe("the list of addresses removed on purpose", () => {
  test("gives a reason for every address", () => {
    for (const [phase, list] of Object.entries(removed))
      for (const [address, why] of Object.entries(list)) expect([phase, address, why.trim().length > 10]).toEqual([phase, address, true]);
  });
});

describe("re-recording (UPDATE_PINNED_ADDRESSES=1)", () => {
  const before = { phase1: ["data: aws_db_instance.postgres_instance_919E2690", "storage: aws_s3_bucket.uploads_1"] };

  test("accepts an addition", () => {
    const now = { phase1: [...before.phase1, "data: aws_db_instance.replica_2"] };
    expect(rerecord(before, now, {})).toEqual({ fixture: now });
  });

  test("refuses a rename: the old address would be destroyed", () => {
    const renamed = { phase1: ["data: aws_db_instance.database_1A2B3C4D", "storage: aws_s3_bucket.uploads_1"] };
    const outcome = rerecord(before, renamed, {});
    expect(outcome).toEqual({ refused: expect.stringContaining("phase1: data: aws_db_instance.postgres_instance_919E2690") });
    expect((outcome as { refused: string }).refused).toMatch(/Fix: keep the construct ID .*stateful-addresses-removed\.json/);
  });

  test("accepts the removal only when the list gives a reason for that address", () => {
    const now = { phase1: ["storage: aws_s3_bucket.uploads_1"] };
    const address = "data: aws_db_instance.postgres_instance_919E2690";
    expect(
      rerecord(before, now, { phase1: { [address]: "the database moved to the shard stacks (state moved with terraform state mv)" } }),
    ).toEqual({ fixture: now });
    expect(rerecord(before, now, { phase1: { [address]: " " } })).toHaveProperty("refused");
    expect(rerecord(before, now, { phase2: { [address]: "listed for another phase" } })).toHaveProperty("refused");
  });
});
