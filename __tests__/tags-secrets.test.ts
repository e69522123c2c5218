import { resolveSettings } from "../config/settings";
import { synthesize } from "../tools/synth";
import { EXAMPLE_VARS, only, resources, stack, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

describe("tags: provider default tags plus Name", () => {
  const result = synth({ phase: 4 });

  test("every AWS provider of every stack carries project, environment, managed-by and the stack", () => {
    for (const s of result.stacks) {
      for (const p of s.json.provider?.aws ?? []) {
        expect([s.name, (p.default_tags as any)[0].tags]).toEqual([
          s.name,
          { project: "restartix", environment: "production", "managed-by": "cdktf", stack: s.name },
        ]);
      }
    }
  });

  test("every AWS resource that takes tags has a Name", () => {
    const missing: string[] = [];
    for (const s of result.stacks) {
      for (const [type, byName] of Object.entries(s.json.resource ?? {})) {
        if (!type.startsWith("aws_")) continue;
        for (const [name, config] of Object.entries(byName as Record<string, any>)) {
          if (config.tags !== undefined && !config.tags.Name) missing.push(`${s.name}: ${type}.${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test("the deployment's account is the only one the providers accept", () => {
    for (const s of result.stacks) for (const p of s.json.provider?.aws ?? []) expect(p.allowed_account_ids).toEqual(["123456789012"]);
  });
});

describe("GitHub Actions secrets come from sensitive Terraform variables, never literals", () => {
  const settings = resolveSettings({ varsFile: EXAMPLE_VARS });
  const withSecret = {
    ...settings,
    phase: { ...settings.phase, delivery: { ...settings.phase.delivery, actionsSecrets: ["SENTRY_AUTH_TOKEN"] } },
  };
  const github = stack(synthesize({}, tempDir("rx-secret-"), withSecret), "delivery-github");

  test("each configured secret is a github_actions_secret fed by a sensitive, non-nullable variable", () => {
    const secret = only(github, "github_actions_secret");
    expect(secret).toMatchObject({
      repository: "restartix-platform",
      secret_name: "SENTRY_AUTH_TOKEN",
      plaintext_value: "${var.secret-SENTRY_AUTH_TOKEN}",
    });
    expect(github.json.variable?.["secret-SENTRY_AUTH_TOKEN"]).toMatchObject({ type: "string", sensitive: true, nullable: false });
  });

  test("none is configured by default, so nothing is asked for", () => {
    expect(resources(stack(synth({ phase: 1 }), "delivery-github"), "github_actions_secret")).toEqual([]);
  });
});
