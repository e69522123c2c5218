import { synth } from "./helpers";

/**
 * Secrets read from another stack (terraform_remote_state) lose their sensitive mark: terraform
 * then prints them in plan logs. Every read of a secret-valued cross-stack output must sit inside
 * sensitive(...) where it is read: the Redis URL (AUTH token) and the origin header value.
 */
const SECRET_OUTPUT = /outputs\.cross-stack-output-[^}")]*(secret_string|password|auth_token)/;

function unmarkedReads(json: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      // Each interpolation that reads a secret output must be, or be inside, a sensitive() call.
      if (SECRET_OUTPUT.test(v)) {
        const outside = v.replace(/sensitive\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g, "");
        if (SECRET_OUTPUT.test(outside)) found.push(v);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(json);
  return found;
}

describe.each([
  { phase: 2, compute: "apprunner" },
  { phase: 4, compute: "apprunner" },
])("phase $phase ($compute)", (options) => {
  const result = synth(options);

  test("every read of a secret through terraform_remote_state is wrapped in sensitive()", () => {
    const reads = result.stacks.flatMap((s) => {
      const text = JSON.stringify(s.json);
      return SECRET_OUTPUT.test(text) ? [s.name] : [];
    });
    // The readers exist (cells read the Redis URL, edge and the secondary platform the origin secret).
    if (options.phase === 4) expect(reads).toEqual(expect.arrayContaining(["edge", "platform-us"]));
    for (const s of result.stacks) expect([s.name, unmarkedReads(s.json)]).toEqual([s.name, []]);
  });

  test("the origin secret and the Redis URL are sensitive where they are made", () => {
    const platform = result.stacks.find((s) => s.name === "platform")!;
    expect(JSON.stringify(platform.json)).toContain(
      '"search_string":"${sensitive(aws_secretsmanager_secret_version.origin-secret-value.secret_string)}"',
    );
    const strings = (v: unknown): string[] =>
      typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(strings) : [];
    const redisUrls = result.stacks.flatMap((s) => strings(s.json).filter((x) => x.includes("rediss://")));
    expect(redisUrls.length).toBeGreaterThan(0);
    for (const u of redisUrls) expect(u).toMatch(/^\$\{sensitive\("rediss:/);
  });
});
