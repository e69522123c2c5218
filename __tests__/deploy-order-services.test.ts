import { main } from "../scripts/deploy-order";
import { DEFAULT_ENGINE, EXAMPLE_VARS, synth } from "./helpers";

/**
 * What `npm run deploy-order` prints, checked against the synthesized JSON and nothing else: no stack
 * that runs a service (it holds an aws_apprunner_service or aws_ecs_service: the service cannot start
 * before its image and its secret values exist) is in a command printed before the manual step that
 * pushes the first images and sets the secret values. Independent of tools/deploy-order.ts's own
 * classification, so a foundation step that gains a service stack fails here, not only in the docs.
 */
const SERVICE_TYPES = ["aws_apprunner_service", "aws_ecs_service"];

function printed(flags: Record<string, string>): string {
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  try {
    expect(main({ flags: { vars: EXAMPLE_VARS, ...flags }, positionals: [] })).toBe(0);
  } finally {
    log.mockRestore();
  }
  return lines.join("\n");
}

// Without --compute: the default engine (Fargate), whose cells are a data stack and a service stack.
describe.each([
  { phase: 1 },
  { phase: 2 },
  { phase: 3 },
  { phase: 4 },
  { phase: 1, compute: "apprunner" },
  { phase: 3, compute: "apprunner" },
  { phase: 4, compute: "apprunner" },
] as const)("npm run deploy-order -- %j", (layout) => {
  const stacks = synth({ ...layout, compute: "compute" in layout ? layout.compute : DEFAULT_ENGINE }).stacks;
  const services = stacks.filter((s) => SERVICE_TYPES.some((t) => Object.keys(s.json.resource?.[t] ?? {}).length > 0)).map((s) => s.name);
  const flags = Object.fromEntries(Object.entries(layout).map(([k, v]) => [k, String(v)]));
  const text = printed(flags);
  const steps = text.split(/\n(?=\d+\. )/).slice(1);
  const manual = steps.findIndex((s) => /first images and secret values/.test(s));
  const commands = (from: number, to: number) =>
    steps
      .slice(from, to)
      .flatMap((s) => [...s.matchAll(/npx cdktf deploy ([^\n]+)/g)].map((m) => m[1].trim().split(/\s+/)))
      .flat();

  test("the layout has service stacks, and the manual step (images, secret values) is printed between two commands", () => {
    expect(services.length).toBeGreaterThan(0);
    expect(manual).toBeGreaterThan(0);
    expect(commands(0, manual).length).toBeGreaterThan(0);
    expect(commands(manual + 1, steps.length).length).toBeGreaterThan(0);
  });

  test("no command before the manual step names a service stack", () => {
    expect(commands(0, manual).filter((n) => services.includes(n))).toEqual([]);
  });

  test("every service stack is deployed by a command after it", () => {
    const after = new Set(commands(manual + 1, steps.length));
    expect(services.filter((n) => !after.has(n))).toEqual([]);
  });
});
