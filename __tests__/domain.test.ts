import { loadInputs } from "../config/deployment";
import { ConfigError, Issues } from "../config/errors";
import { validateDeployment, validatePhase } from "../config/validate";
import { phaseConfig } from "../phases";
import { EXAMPLE_VARS } from "./helpers";

// A bad `domain` is reported as `domain`, with what is wrong with it and the value to write when
// one can be read from it; never as a service's subdomain. Validation calls only.

function issuesFor(domain: string) {
  const issues = new Issues();
  const deployment = validateDeployment({ ...loadInputs(EXAMPLE_VARS).values, domain }, EXAMPLE_VARS, issues);
  if (issues.all.length === 0) validatePhase(phaseConfig(4), deployment, issues);
  return issues.all;
}

test.each<[string, RegExp, string]>([
  ["https://restartix.com/", /this is a URL/, 'set domain = "restartix.com"'],
  ["restartix.com.", /ends in a dot/, 'set domain = "restartix.com"'],
  ["Restartix.com", /upper-case letters/, 'set domain = "restartix.com"'],
  [" restartix.com", /holds spaces/, 'set domain = "restartix.com"'],
  ["restartix.com/app", /has a path/, 'set domain = "restartix.com"'],
  ["restartix.com:443", /has a port/, 'set domain = "restartix.com"'],
  ["localhost", /one label/, 'set domain to the zone\'s name as the Cloudflare dashboard shows it, e.g. "restartix.com"'],
  [
    "rest_artix.com",
    /"rest_artix": a DNS label holds only lower-case letters/,
    'set domain to the zone\'s name as the Cloudflare dashboard shows it, e.g. "restartix.com"',
  ],
  [
    "-restartix.com",
    /does not start or end with a hyphen/,
    'set domain to the zone\'s name as the Cloudflare dashboard shows it, e.g. "restartix.com"',
  ],
  ["restartix.c0m", /top-level domain/, 'set domain to the zone\'s name as the Cloudflare dashboard shows it, e.g. "restartix.com"'],
])("%j: reported as domain, with the reason and the fix", (domain, why, fix) => {
  const issues = issuesFor(domain);
  expect(issues).toEqual([{ field: "domain (terraform.tfvars.example)", value: domain, problem: expect.stringMatching(why), fix }]);
  expect(issues[0].problem).toMatch(/^expected a lower-case domain name \(the Cloudflare zone, e\.g\. restartix\.com\): /);
});

test("a domain too long for the services' hostnames is reported as domain, not as a subdomain", () => {
  const long = `${["a", "b", "c"].map((c) => c.repeat(63)).join(".")}.${"d".repeat(54)}.com`; // 250 characters: valid on its own
  const issues = issuesFor(long);
  expect(issues.map((i) => i.field)).toEqual(["domain", "domain"]);
  expect(long).toHaveLength(250);
  expect(issues[0].problem).toBe("with the subdomain api of phase4.services.core the hostname has 254 characters, above DNS's 253");
  expect(issues[1].problem).toBe(
    "with the subdomain telemetry of phase4.services.telemetry the hostname has 260 characters, above DNS's 253",
  );
  expect(issues[1].fix).toBe("use a domain of at most 243 characters (253 minus the longest subdomain and its dot)");
  expect(new ConfigError(issues).message).not.toMatch(/subdomain \(phases/);
});
