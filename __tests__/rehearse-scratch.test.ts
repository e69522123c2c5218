import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { endpointFor, endpointsFor } from "../tools/rehearse/endpoints";
import { EmulatorGaps, GAPS_FILE, loadGaps, parseGaps, splitByEnforcement } from "../tools/rehearse/gaps";
import { closureOf, prune, referencesOf, StackJson } from "../tools/rehearse/graph";
import { summaryText } from "../tools/rehearse/report";
import {
  DELETION_PROTECTION,
  deletionProtectedAddresses,
  ignoreUnstoredAttributes,
  liftProtections,
  prepareScratch,
  preventDestroyAddresses,
} from "../tools/rehearse/scratch";
import { isAwsOnly } from "../tools/offline-plan";
import { synth } from "./helpers";

/** The rehearsal's scratch copy (tools/rehearse): what is cut out, ignored, pointed at the emulator and lifted. */

const NO_GAPS: EmulatorGaps = {
  moto: "5.2.1",
  provider: "hashicorp/aws 5.100.0",
  exclude: [],
  ignore: [],
  unenforced: [],
  patches: [],
  settings: [],
};

describe("references and removal", () => {
  const producer = (): StackJson => ({
    resource: {
      aws_apprunner_vpc_connector: { conn: { subnets: ["${aws_subnet.a.id}"] } },
      aws_subnet: { a: { vpc_id: "x" } },
      aws_security_group: { sg: { name: "sg" } },
    },
    output: {
      "cross-stack-output-aws_apprunner_vpc_connectorconnarn": { value: "${aws_apprunner_vpc_connector.conn.arn}" },
      "cross-stack-output-aws_security_groupsgid": { value: "${aws_security_group.sg.id}" },
    },
  });
  const consumer = (): StackJson => ({
    data: { terraform_remote_state: { "cross-stack-reference-input-network": { backend: "local", config: { path: "x" } } } },
    resource: {
      aws_apprunner_service: {
        svc: {
          network_configuration: {
            egress_configuration: {
              vpc_connector_arn:
                "${data.terraform_remote_state.cross-stack-reference-input-network.outputs.cross-stack-output-aws_apprunner_vpc_connectorconnarn}",
            },
          },
        },
      },
      aws_route53_health_check: { hc: { fqdn: "${aws_apprunner_service.svc.service_url}" } },
      aws_cloudwatch_metric_alarm: {
        alarm: { dimensions: { HealthCheckId: "${aws_route53_health_check.hc.id}" } },
        other: { namespace: "AWS/RDS" },
      },
      aws_db_instance: {
        db: {
          vpc_security_group_ids: [
            "${data.terraform_remote_state.cross-stack-reference-input-network.outputs.cross-stack-output-aws_security_groupsgid}",
          ],
        },
      },
      aws_s3_bucket_logging: { l: { depends_on: ["aws_route53_health_check.hc"] } },
    },
  });

  test("referencesOf finds same-stack references, depends_on and other stacks' outputs", () => {
    const c = consumer();
    const known = new Set([
      "aws_apprunner_service.svc",
      "aws_route53_health_check.hc",
      "data.terraform_remote_state.cross-stack-reference-input-network",
    ]);
    expect([...referencesOf(c.resource!.aws_cloudwatch_metric_alarm.alarm, known).local]).toEqual(["aws_route53_health_check.hc"]);
    expect([...referencesOf(c.resource!.aws_cloudwatch_metric_alarm.other, known).local]).toEqual([]);
    expect([...referencesOf(c.resource!.aws_route53_health_check.hc, known).local]).toEqual(["aws_apprunner_service.svc"]);
    expect([...referencesOf(c.resource!.aws_s3_bucket_logging.l, known).local]).toEqual(["aws_route53_health_check.hc"]);
    expect(referencesOf(c.resource!.aws_apprunner_service.svc, known).remote).toEqual([
      { input: "cross-stack-reference-input-network", output: "cross-stack-output-aws_apprunner_vpc_connectorconnarn" },
    ]);
  });

  test("closureOf follows dependants transitively", () => {
    expect([...closureOf(consumer(), ["aws_apprunner_service.svc"])].sort()).toEqual(
      ["aws_apprunner_service.svc", "aws_cloudwatch_metric_alarm.alarm", "aws_route53_health_check.hc", "aws_s3_bucket_logging.l"].sort(),
    );
  });

  test("prune removes an excluded type, its outputs, and what other stacks build on those outputs, and nothing else", () => {
    const stacks = new Map([
      ["network", producer()],
      ["compute", consumer()],
    ]);
    const removals = prune({
      stacks,
      excluded: new Map([["network", new Map([["aws_apprunner_vpc_connector.conn", "apprunner"]])]]),
      absent: new Set(),
    });
    expect(removals.map((r) => `${r.stack}:${r.address}`).sort()).toEqual(
      [
        "network:aws_apprunner_vpc_connector.conn",
        "network:output.cross-stack-output-aws_apprunner_vpc_connectorconnarn",
        "compute:aws_apprunner_service.svc",
        "compute:aws_route53_health_check.hc",
        "compute:aws_cloudwatch_metric_alarm.alarm",
        "compute:aws_s3_bucket_logging.l",
      ].sort(),
    );
    expect(removals.find((r) => r.address === "aws_apprunner_vpc_connector.conn")).toMatchObject({ gap: "apprunner" });
    expect(removals.find((r) => r.address === "aws_apprunner_service.svc")).toMatchObject({
      because: "network:output.cross-stack-output-aws_apprunner_vpc_connectorconnarn",
    });
    expect(Object.keys(stacks.get("compute")!.resource!).sort()).toEqual(["aws_cloudwatch_metric_alarm", "aws_db_instance"]);
    expect(Object.keys(stacks.get("compute")!.resource!.aws_cloudwatch_metric_alarm)).toEqual(["other"]);
    expect(stacks.get("network")!.resource!.aws_subnet.a).toBeDefined();
  });

  test("a stack that is not applied takes its readers' remote state and everything built on it", () => {
    const stacks = new Map([["compute", consumer()]]);
    prune({ stacks, excluded: new Map(), absent: new Set(["network"]) });
    expect(stacks.get("compute")!.data).toBeUndefined();
    expect(Object.keys(stacks.get("compute")!.resource!)).toEqual(["aws_cloudwatch_metric_alarm"]);
  });
});

describe("the emulator gaps file", () => {
  test("the repository's file is valid, and every excluded type and ignored attribute exists in the provider's schema shape", () => {
    const gaps = loadGaps();
    expect(gaps.moto).toBe("5.2.1");
    for (const e of gaps.exclude) expect(e.types.every((t) => t.startsWith("aws_"))).toBe(true);
    for (const p of gaps.patches) expect(fs.readFileSync(path.join(ROOT, p.file), "utf8")).toContain(`Patch "${p.id}"`);
  });

  test("every patch in tools/rehearse/emulator/moto_server.py has an entry with its evidence", () => {
    const ids = [
      ...fs.readFileSync(path.join(ROOT, "tools", "rehearse", "emulator", "moto_server.py"), "utf8").matchAll(/# Patch "([^"]+)"/g),
    ].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(
      loadGaps()
        .patches.map((p) => p.id)
        .sort(),
    ).toEqual(ids.sort());
  });

  test("docs/rehearsal.md names every gap, patch and emulator setting of the file", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "rehearsal.md"), "utf8");
    const gaps = loadGaps();
    for (const id of [...gaps.exclude, ...gaps.ignore, ...gaps.unenforced, ...gaps.patches].map((g) => g.id))
      expect([id, doc.includes(`\`${id}\``)]).toEqual([id, true]);
    for (const setting of gaps.settings) expect(doc).toContain(`${setting.name}=${setting.value}`);
  });

  test.each([
    [
      { ...NO_GAPS, exclude: [{ id: "x", moto: "5.2.1", call: "apprunner:CreateService", types: ["aws_apprunner_service"] }] },
      /exclude\[0\]\.evidence: missing/,
    ],
    [
      { ...NO_GAPS, exclude: [{ id: "x", moto: "5.1.0", call: "c", evidence: "e", types: ["aws_x"] }] },
      /observed with moto 5\.1\.0, but the rehearsal runs 5\.2\.1/,
    ],
    [
      { ...NO_GAPS, ignore: [{ id: "x", moto: "5.2.1", call: "c", evidence: "e", type: "aws_x", attributes: [] }] },
      /ignore\[0\]\.attributes: expected a non-empty list/,
    ],
    [
      { ...NO_GAPS, patches: [{ id: "x", moto: "5.2.1", call: "c", evidence: "e", file: "rehearsal/nope.py" }] },
      /patches\[0\]\.file: expected the path of an existing file/,
    ],
    [
      {
        ...NO_GAPS,
        exclude: [
          { id: "a", moto: "5.2.1", call: "c", evidence: "e", types: ["aws_x"] },
          { id: "a", moto: "5.2.1", call: "c", evidence: "e", types: ["aws_y"] },
        ],
      },
      /"a" is used twice/,
    ],
    [{ ...NO_GAPS, surprise: 1 }, /surprise: unknown field/],
    [
      { ...NO_GAPS, unenforced: [{ id: "x", moto: "5.2.1", call: "elasticloadbalancing:DeleteLoadBalancer", evidence: "e" }] },
      /unenforced\[0\]\.type: expected an AWS resource type/,
    ],
    [{ ...NO_GAPS, unenforced: [{ id: "x", moto: "5.2.1", call: "c", type: "aws_lb" }] }, /unenforced\[0\]\.evidence: missing/],
    [{ ...NO_GAPS, unenforced: undefined }, /unenforced: expected a list/],
    [
      {
        ...NO_GAPS,
        ignore: [{ id: "x", moto: "5.2.1", call: "c", evidence: "e", type: "aws_x", attributes: ["rule[0].a"], remove: true }],
      },
      /with remove, only top-level attribute names/,
    ],
  ])("an entry without what makes it reviewable is refused (%#)", (doc, message) => {
    expect(() => parseGaps(doc, GAPS_FILE)).toThrow(message);
  });
});

describe("deletion protections the emulator does not enforce", () => {
  test("every listed type is one the destroy checks, and each gap names the protected type's delete call", () => {
    const gaps = loadGaps();
    expect(gaps.unenforced.length).toBeGreaterThan(0);
    for (const u of gaps.unenforced) expect([u.id, Object.keys(DELETION_PROTECTION).includes(u.type)]).toEqual([u.id, true]);
  });

  test("the destroy expects the delete call to fail only where the emulator enforces the protection", () => {
    const gaps: EmulatorGaps = {
      ...NO_GAPS,
      unenforced: [{ id: "alb-unenforced", moto: "5.2.1", call: "elasticloadbalancing:DeleteLoadBalancer", evidence: "e", type: "aws_lb" }],
    };
    const addresses = ["aws_db_instance.primary", "aws_lb.alb", "aws_dynamodb_table.tenants"];
    expect(splitByEnforcement(addresses, gaps)).toEqual({
      enforced: ["aws_db_instance.primary", "aws_dynamodb_table.tenants"],
      unenforced: [{ address: "aws_lb.alb", gap: "alb-unenforced" }],
    });
    // Without the gap every protected resource must stop its delete: a load balancer deleted
    // while protected fails the rehearsal.
    expect(splitByEnforcement(addresses, NO_GAPS).unenforced).toEqual([]);
  });

  test("the Fargate ALB is protected, and the repository's gaps file lists it as not enforced by moto", () => {
    const compute = synth({ phase: 1, compute: "fargate", backend: "local" }).stacks.find((s) => s.name === "compute");
    expect(compute).toBeDefined();
    const protectedAddresses = deletionProtectedAddresses(compute!.json);
    expect(protectedAddresses.some((a) => a.startsWith("aws_lb."))).toBe(true);
    expect(splitByEnforcement(protectedAddresses, loadGaps()).unenforced.map((u) => u.gap)).toContain(
      "elbv2-deletion-protection-not-enforced",
    );
  });
});

describe("ignored attributes", () => {
  const gaps = (remove: boolean): EmulatorGaps => ({
    ...NO_GAPS,
    ignore: [
      {
        id: "replicas",
        moto: "5.2.1",
        call: "dynamodb:UpdateTable",
        evidence: "e",
        type: "aws_dynamodb_table",
        attributes: ["replica"],
        remove,
      },
    ],
  });
  const table = () => ({
    resource: {
      aws_dynamodb_table: {
        t: { name: "t", replica: [{ region_name: "us-east-1" }], lifecycle: { prevent_destroy: true, ignore_changes: ["tags"] } },
      },
    },
  });

  test("are added to ignore_changes next to the project's own, and still sent", () => {
    const json = table();
    ignoreUnstoredAttributes(json, gaps(false));
    expect(json.resource.aws_dynamodb_table.t).toMatchObject({
      replica: [{ region_name: "us-east-1" }],
      lifecycle: { prevent_destroy: true, ignore_changes: ["tags", "replica"] },
    });
  });

  test("with onlyWith, only on resources that set that attribute (read replicas, not their primary)", () => {
    const json = {
      resource: {
        aws_db_instance: {
          primary: { identifier: "p", multi_az: true },
          replica: { identifier: "r", replicate_source_db: "${aws_db_instance.primary.identifier}" },
        },
      },
    } as any;
    const g: EmulatorGaps = {
      ...NO_GAPS,
      ignore: [
        {
          id: "replica",
          moto: "5.2.1",
          call: "c",
          evidence: "e",
          type: "aws_db_instance",
          attributes: ["multi_az"],
          onlyWith: "replicate_source_db",
        },
      ],
    };
    expect(ignoreUnstoredAttributes(json, g)).toEqual(["aws_db_instance.replica"]);
    expect(json.resource.aws_db_instance.primary.lifecycle).toBeUndefined();
    expect(json.resource.aws_db_instance.replica.lifecycle.ignore_changes).toEqual(["multi_az"]);
  });

  test("with remove, are left out of the copy as well", () => {
    const json = table();
    ignoreUnstoredAttributes(json, gaps(true));
    expect(json.resource.aws_dynamodb_table.t).not.toHaveProperty("replica");
    expect(json.resource.aws_dynamodb_table.t.lifecycle.ignore_changes).toEqual(["tags", "replica"]);
  });
});

describe("endpoints", () => {
  test("each service the stacks use maps to the provider's endpoint key", () => {
    expect(endpointFor("aws_route53_health_check")).toBe("route53");
    expect(endpointFor("aws_route_table")).toBe("ec2");
    expect(endpointFor("aws_cloudwatch_log_group")).toBe("logs");
    expect(endpointFor("aws_cloudwatch_metric_alarm")).toBe("cloudwatch");
    expect(endpointFor("aws_lb_listener")).toBe("elbv2");
    expect(endpointFor("aws_s3_bucket_policy")).toBe("s3");
  });

  test("a type without a mapping stops the rehearsal instead of going anywhere by default", () => {
    expect(() => endpointsFor(["aws_kms_key", "aws_quantum_ledger"], [])).toThrow(/no emulator endpoint for aws_quantum_ledger/);
  });

  test.each([
    [1, "apprunner"],
    [1, "fargate"],
    [2, "fargate"],
    [3, "apprunner"],
    [4, "apprunner"],
  ])("every AWS resource and data source type of phase %s (%s) has an endpoint", (phase, compute) => {
    const stacks = synth({ phase, compute, backend: "local" }).stacks.filter(isAwsOnly);
    const types = stacks.flatMap((s) => Object.keys(s.json.resource ?? {}));
    const data = stacks.flatMap((s) => Object.keys(s.json.data ?? {}));
    expect(() => endpointsFor(types, data)).not.toThrow();
  });
});

describe("the scratch copy of phase 1", () => {
  const result = synth({ phase: 1, backend: "local" });
  const aws = result.stacks.filter(isAwsOnly);
  const absent = new Set(result.stacks.filter((s) => !isAwsOnly(s)).map((s) => s.name));
  const scratch = prepareScratch(aws, { endpoint: "http://127.0.0.1:1234", stateDir: "/scratch/state", gaps: loadGaps(), absent });

  test("every AWS provider points at the emulator and keeps its account guard", () => {
    for (const s of scratch.stacks.values()) {
      for (const p of s.json.provider.aws) {
        expect(p.allowed_account_ids).toEqual(["123456789012"]);
        expect(p.skip_requesting_account_id).toBe(false);
        expect(p.s3_use_path_style).toBe(true);
        expect(p.endpoints[0].sts).toBe("http://127.0.0.1:1234");
        expect(Object.values(p.endpoints[0]).every((e) => e === "http://127.0.0.1:1234")).toBe(true);
      }
    }
    expect(scratch.stacks.get("data")!.json.provider.aws[0].endpoints[0]).toMatchObject({
      rds: "http://127.0.0.1:1234",
      secretsmanager: "http://127.0.0.1:1234",
    });
  });

  test("state lives in the scratch directory and consumers read their producers' files there", () => {
    expect(scratch.stacks.get("compute")!.json.terraform.backend.local.path).toBe("/scratch/state/compute.tfstate");
    expect(scratch.stacks.get("compute")!.json.data.terraform_remote_state["cross-stack-reference-input-data"].config).toEqual({
      path: "/scratch/state/data.tfstate",
    });
  });

  test("the synthesized stacks are left as they were", () => {
    expect(result.stacks.find((s) => s.name === "compute")!.json.terraform?.backend).toEqual({
      local: { path: "../../../terraform.compute.tfstate" },
    });
  });

  test("the uploads bucket's import block is kept: the rehearsal adopts a bucket it creates in the emulator first", () => {
    expect(scratch.stacks.get("storage")!.imports).toEqual([
      { to: expect.stringMatching(/^aws_s3_bucket\.uploads/), id: "restartix-uploads-prod", region: "eu-central-1" },
    ]);
  });

  test("every excluded resource is gone from the copy and counted, with its reason", () => {
    const gaps = loadGaps();
    const excludedTypes = new Set(gaps.exclude.flatMap((e) => e.types));
    for (const s of scratch.stacks.values()) for (const t of Object.keys(s.json.resource ?? {})) expect(excludedTypes.has(t)).toBe(false);
    for (const r of scratch.removals) expect(r.gap ?? r.because).toBeTruthy();
  });

  test("lifting protections changes only the copy: prevent_destroy off, deletion protection off on request", () => {
    const data = scratch.stacks.get("data")!.json;
    expect(preventDestroyAddresses(data).length).toBeGreaterThan(0);
    expect(deletionProtectedAddresses(data)).toEqual([expect.stringMatching(/^aws_db_instance\./)]);
    const lifted = liftProtections(data, { deletionProtection: false });
    expect(preventDestroyAddresses(lifted)).toEqual([]);
    expect(deletionProtectedAddresses(lifted)).toEqual(deletionProtectedAddresses(data));
    expect(deletionProtectedAddresses(liftProtections(data, { deletionProtection: true }))).toEqual([]);
    expect(preventDestroyAddresses(data).length).toBeGreaterThan(0);
  });

  test("prevent_destroy can be lifted on named resources only (the destroy's rounds)", () => {
    const data = scratch.stacks.get("data")!.json;
    const [first, ...rest] = preventDestroyAddresses(data);
    expect(preventDestroyAddresses(liftProtections(data, { deletionProtection: false, preventDestroyOn: [] }))).toEqual([first, ...rest]);
    expect(preventDestroyAddresses(liftProtections(data, { deletionProtection: false, preventDestroyOn: [first] }))).toEqual(rest);
  });

  test("a consumer that reads a path its producer does not write is a wiring error", () => {
    const keys = aws.find((s) => s.name === "keys")!;
    const registry = aws.find((s) => s.name === "registry")!;
    const broken = {
      ...registry,
      json: JSON.parse(JSON.stringify(registry.json).replace("../../../terraform.keys.tfstate", "../terraform.keys.tfstate")),
    };
    expect(() => prepareScratch([keys, broken], { endpoint: "http://x", stateDir: "/s", gaps: NO_GAPS, absent: new Set() })).toThrow(
      /registry reads the state of keys from local:..\/terraform.keys.tfstate, but keys writes local:..\/..\/..\/terraform.keys.tfstate/,
    );
  });
});

describe("summary table", () => {
  const run = (stack: string) => ({
    stack,
    phase: 1,
    step: "apply" as const,
    ok: true,
    resources: 3,
    excluded: 0,
    imported: 0,
    added: 3,
    changed: 0,
    destroyed: 0,
    seconds: 10,
    replan: "no changes" as const,
    log: "",
  });
  const destroyRun = (stack: string, ok: boolean) => ({
    stack,
    ok,
    preventDestroyBlocked: [],
    preventDestroyExpected: [],
    deletionProtectionBlocked: [],
    notEmpty: [],
    deletionProtectionExpected: [],
    deletionProtectionUnenforced: [],
    destroyed: ok ? 3 : 0,
    seconds: 5,
    log: "",
  });
  const summary = {
    ok: false,
    phase: 1,
    compute: "apprunner",
    moto: "5.2.1",
    terraform: "1.11.4",
    scratchDir: "/s",
    kept: true,
    seconds: 60,
    load: [1, 1] as const,
    applied: [run("keys"), run("data"), run("observability")],
    upgraded: [],
    destroyed: [destroyRun("observability", false)],
    destroySkipped: [{ stack: "data", reason: "observability still holds resources" }],
    notApplied: [],
    removals: {},
    failures: ["observability (destroy): x"],
  };

  test("a stack the destroy left alone says why, instead of an empty cell", () => {
    const text = summaryText(summary);
    expect(text).toMatch(/data .* not run: observability still holds resources/);
    expect(text).toMatch(/observability .* FAIL\s*$/m);
    expect(text).toContain("0/1 stacks destroyed (1 not run)");
  });

  test("after an upgrade, the excluded count is the next phase's, each stack counted once (it said phase 3's and mixed both)", () => {
    const p3 = [
      { ...run("data"), phase: 3, excluded: 3 },
      { ...run("tenant"), phase: 3, excluded: 12 },
    ];
    const p4 = [
      { ...run("data"), phase: 4, step: "upgrade" as const, excluded: 5 },
      { ...run("tenant"), phase: 4, step: "upgrade" as const, excluded: 12 },
      { ...run("shard"), phase: 4, excluded: 7 },
    ];
    const text = summaryText({ ...summary, phase: 3, applied: p3, upgraded: p4, destroyed: [], destroySkipped: [] });
    expect(text).toContain("5/5 stack runs ok, 9 resources held by the emulator, 24 resources of phase 4 excluded by emulator gaps");
  });

  test("a protection the emulator does not enforce is counted apart from the ones that stopped the delete", () => {
    const compute = {
      ...destroyRun("observability", true),
      deletionProtectionUnenforced: [{ address: "aws_lb.alb", gap: "elbv2-deletion-protection-not-enforced" }],
    };
    expect(summaryText({ ...summary, destroyed: [compute] })).toMatch(
      /observability .* deletion protection 0 \(\+1 not enforced by the emulator\)/,
    );
  });
});
