// The Security Hub notifier's handler (functions/finding-notifier.js) with fake SNS and Security Hub
// clients: one mail per new finding, NOTIFIED after it, failures thrown (issue 20, item 17).
export {};
const notifier = require("../functions/finding-notifier.js");

const TOPIC = "arn:aws:sns:eu-central-1:123456789012:restartix-alerts";
const PRODUCT = "arn:aws:securityhub:eu-central-1::product/aws/securityhub";

type Finding = Record<string, any>;

/** A failing FSBP control finding as Security Hub imports it (consolidated control findings). */
function controlFinding(n: number, over: Finding = {}): Finding {
  return {
    SchemaVersion: "2018-10-08",
    Id: `arn:aws:securityhub:eu-central-1:123456789012:security-control/S3.${n}/finding/0000-${n}`,
    ProductArn: PRODUCT,
    ProductName: "Security Hub",
    AwsAccountId: "123456789012",
    Region: "eu-central-1",
    Title: `S3 general purpose buckets should block public access (${n})`,
    Description: "This control checks whether an S3 bucket blocks public access.",
    Severity: { Label: "HIGH" },
    Compliance: { Status: "FAILED", SecurityControlId: `S3.${n}` },
    RecordState: "ACTIVE",
    Workflow: { Status: "NEW" },
    Resources: [{ Type: "AwsS3Bucket", Id: "arn:aws:s3:::restartix-example", Region: "eu-central-1" }],
    Remediation: { Recommendation: { Url: "https://docs.aws.amazon.com/console/securityhub/S3.8/remediation" } },
    ...over,
  };
}

const importedEvent = (findings: Finding[]) => ({
  id: "event-1",
  source: "aws.securityhub",
  "detail-type": "Security Hub Findings - Imported",
  detail: { findings },
});

/** Fake clients that record every call in order; `unprocessed` decides what each BatchUpdateFindings call leaves. */
function fakes(unprocessed: (ids: { Id: string }[], call: number) => { Id: string; ProductArn: string }[] = () => []) {
  const calls: { op: string; input: any }[] = [];
  let updates = 0;
  return {
    calls,
    deps: {
      topicArn: TOPIC,
      severities: ["HIGH", "CRITICAL"],
      region: "eu-central-1",
      publish: async (input: any) => {
        calls.push({ op: "publish", input });
        return { MessageId: "m-1" };
      },
      batchUpdate: async (input: any) => {
        calls.push({ op: "batchUpdate", input });
        const left = unprocessed(input.FindingIdentifiers, ++updates);
        return {
          ProcessedFindings: input.FindingIdentifiers.filter((i: { Id: string }) => !left.some((l) => l.Id === i.Id)),
          UnprocessedFindings: left.map((FindingIdentifier) => ({
            FindingIdentifier,
            ErrorCode: "FindingNotFound",
            ErrorMessage: "Finding not found",
          })),
        };
      },
      sleep: async () => undefined,
      log: () => undefined,
    },
  };
}

describe("the Security Hub notifier (functions/finding-notifier.js)", () => {
  test("first import of a failing control: one mail to the alert topic, then the finding is set to NOTIFIED", async () => {
    const f = fakes();
    const finding = controlFinding(8);
    await expect(notifier.notify(importedEvent([finding]), f.deps)).resolves.toEqual({ mailed: 1 });
    expect(f.calls.map((c) => c.op)).toEqual(["publish", "batchUpdate"]);
    const mail = f.calls[0].input;
    expect(mail.TopicArn).toBe(TOPIC);
    expect(mail.Subject).toBe("Security Hub HIGH: S3 general purpose buckets should block public access (8)");
    expect(mail.Message).toContain(finding.Id);
    expect(mail.Message).toContain("control S3.8 FAILED");
    expect(mail.Message).toContain("Resource: AwsS3Bucket arn:aws:s3:::restartix-example (eu-central-1)");
    expect(f.calls[1].input).toEqual({ FindingIdentifiers: [{ Id: finding.Id, ProductArn: PRODUCT }], Workflow: { Status: "NOTIFIED" } });
  });

  test("a re-import of a finding already NOTIFIED (the control re-evaluated, still failing): no mail, no update", async () => {
    const f = fakes();
    const notified = controlFinding(8, { Workflow: { Status: "NOTIFIED" } });
    await expect(notifier.notify(importedEvent([notified]), f.deps)).resolves.toEqual({ mailed: 0 });
    expect(f.calls).toEqual([]);
  });

  test("an event matched through another finding: only the new, active, unpassed findings of the alerted severities are mailed", async () => {
    // EventBridge matches a pattern field against any element of detail.findings, not finding by finding.
    const f = fakes();
    const mailed = controlFinding(1, { Severity: { Label: "CRITICAL" } });
    const others = [
      controlFinding(2, { Workflow: { Status: "NOTIFIED" } }),
      controlFinding(3, { RecordState: "ARCHIVED" }),
      controlFinding(4, { Severity: { Label: "LOW" } }),
      controlFinding(5, { Compliance: { Status: "PASSED" }, Severity: { Label: "HIGH" } }),
    ];
    await notifier.notify(importedEvent([...others, mailed]), f.deps);
    expect(f.calls[1].input.FindingIdentifiers).toEqual([{ Id: mailed.Id, ProductArn: PRODUCT }]);
    // A GuardDuty finding has no compliance status: it is mailed like a failed control.
    const g = fakes();
    const threat = {
      ...controlFinding(9),
      Compliance: undefined,
      ProductName: "GuardDuty",
      Title: "UnauthorizedAccess:IAMUser/MaliciousIPCaller",
    };
    await expect(notifier.notify(importedEvent([threat]), g.deps)).resolves.toEqual({ mailed: 1 });
  });

  test("several findings in one event: one mail, and BatchUpdateFindings in calls of at most 100", async () => {
    const f = fakes();
    const many = Array.from({ length: 205 }, (_, i) => controlFinding(i));
    await expect(notifier.notify(importedEvent(many), f.deps)).resolves.toEqual({ mailed: 205 });
    expect(f.calls.filter((c) => c.op === "publish")).toHaveLength(1);
    expect(f.calls.filter((c) => c.op === "batchUpdate").map((c) => c.input.FindingIdentifiers.length)).toEqual([100, 100, 5]);
    expect(f.calls[0].input.Subject.length).toBeLessThanOrEqual(100);
    expect(f.calls[0].input.Subject).toMatch(/\(\+204 more\)$/);
  });

  test("partial failure of BatchUpdateFindings: retried for the unprocessed findings only, then thrown naming them (never swallowed)", async () => {
    const stuck = controlFinding(2);
    const f = fakes((ids) => ids.filter((i) => i.Id === stuck.Id).map((i) => ({ Id: i.Id, ProductArn: PRODUCT })));
    await expect(notifier.notify(importedEvent([controlFinding(1), stuck]), f.deps)).rejects.toThrow(
      new RegExp(
        `could not set Workflow.Status NOTIFIED on 1 after 3 attempts: ${stuck.Id.replace(/[.]/g, "\\.")} \\(FindingNotFound: Finding not found\\)`,
      ),
    );
    expect(f.calls.filter((c) => c.op === "publish")).toHaveLength(1);
    expect(f.calls.filter((c) => c.op === "batchUpdate").map((c) => c.input.FindingIdentifiers.map((i: { Id: string }) => i.Id))).toEqual([
      [controlFinding(1).Id, stuck.Id],
      [stuck.Id],
      [stuck.Id],
    ]);
  });

  test("a transient partial failure that a retry clears resolves", async () => {
    const f = fakes((ids, call) => (call === 1 ? ids.slice(0, 1).map((i) => ({ Id: i.Id, ProductArn: PRODUCT })) : []));
    await expect(notifier.notify(importedEvent([controlFinding(1), controlFinding(2)]), f.deps)).resolves.toEqual({ mailed: 2 });
    expect(f.calls.filter((c) => c.op === "batchUpdate")).toHaveLength(2);
  });

  test("a failed publish throws before anything is marked: the findings stay NEW for Lambda's retry", async () => {
    const f = fakes();
    const deps = { ...f.deps, publish: async () => Promise.reject(new Error("KMSAccessDeniedException")) };
    await expect(notifier.notify(importedEvent([controlFinding(1)]), deps)).rejects.toThrow("KMSAccessDeniedException");
    expect(f.calls.filter((c) => c.op === "batchUpdate")).toEqual([]);
  });

  test("subjects are printable ASCII of at most 100 characters", () => {
    const subject = notifier.subjectOf([controlFinding(1, { Title: `Zugriff für ${"x".repeat(200)}\nnext line` })]);
    expect(subject.length).toBe(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});
