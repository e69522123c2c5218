import * as fs from "fs";
import * as path from "path";
import { App, S3Backend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { rememberBackendsDuringSynth, restoreBackendLookup } from "../lib/backend-lookup";
import { tempDir } from "./temp-dirs";

const CONSUMERS = 5;
/** cdktf's private tree walk (typed private in cdktf's declarations). */
const stackInternals = TerraformStack.prototype as unknown as { findAll: (predicate: unknown) => unknown[] };

/** One producer read by five consumers; `withBackend` false leaves the producer to cdktf's LocalBackend. */
function app(withBackend: boolean) {
  const outdir = tempDir("rx-backend-lookup-");
  const app = new App({ outdir });
  const producer = new TerraformStack(app, "producer");
  new AwsProvider(producer, "aws", { region: "eu-central-1" });
  if (withBackend) new S3Backend(producer, { bucket: "state", key: "producer.tfstate", region: "eu-central-1" });
  const source = new SsmParameter(producer, "source", { name: "/a", type: "String", value: "x" });
  for (let i = 0; i < CONSUMERS; i++) {
    const consumer = new TerraformStack(app, `consumer-${i}`);
    new AwsProvider(consumer, "aws", { region: "eu-central-1" });
    new SsmParameter(consumer, "copy", { name: `/b${i}`, type: "String", value: source.arn });
  }
  return { app, producer, outdir };
}

/** How often cdktf walked the producer's tree for its backend during one synth, and what it wrote. */
function synthCounting(withBackend: boolean) {
  const { app: a, producer, outdir } = app(withBackend);
  const spy = jest.spyOn(stackInternals, "findAll");
  try {
    a.synth();
    const walks = spy.mock.contexts.filter((c) => c === producer).length;
    const read = (stack: string) => fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
    return { walks, producer: read("producer"), consumer: read("consumer-3") };
  } finally {
    spy.mockRestore();
  }
}

describe("each stack's backend is looked up once per synth (lib/backend-lookup.ts)", () => {
  afterAll(() => rememberBackendsDuringSynth({}));

  test.each([true, false])("a producer read by five stacks is walked once, the output unchanged (own backend: %s)", (withBackend) => {
    restoreBackendLookup();
    const theirs = synthCounting(withBackend);
    expect(theirs.walks).toBe(1 + CONSUMERS);
    expect(rememberBackendsDuringSynth({})).toBe(true);
    const ours = synthCounting(withBackend);
    expect(ours.walks).toBe(1);
    expect(ours.producer).toBe(theirs.producer);
    expect(ours.consumer).toBe(theirs.consumer);
    expect(ours.consumer).toContain(withBackend ? '"backend": "s3"' : '"backend": "local"');
  });

  test("outside a synth cdktf's own lookup runs each time", () => {
    rememberBackendsDuringSynth({});
    const { producer } = app(true);
    const spy = jest.spyOn(stackInternals, "findAll");
    try {
      producer.ensureBackendExists();
      producer.ensureBackendExists();
      expect(spy.mock.contexts.filter((c) => c === producer)).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
  });

  test("RESTARTIX_BACKEND_MEMO=0 leaves cdktf's methods; installing twice is refused", () => {
    restoreBackendLookup();
    const own = App.prototype.synth;
    expect(rememberBackendsDuringSynth({ RESTARTIX_BACKEND_MEMO: "0" })).toBe(false);
    expect(App.prototype.synth).toBe(own);
    expect(rememberBackendsDuringSynth({})).toBe(true);
    expect(App.prototype.synth).not.toBe(own);
    expect(rememberBackendsDuringSynth({})).toBe(false);
  });
});
