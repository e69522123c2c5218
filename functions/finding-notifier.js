// Lambda (Node.js 22, the AWS SDK v3 the runtime bundles): the target of the EventBridge rule on
// "Security Hub Findings - Imported" (HIGH/CRITICAL, ACTIVE, Workflow.Status NEW). Security Hub
// re-imports a failing control's finding at every re-evaluation with Workflow.Status still NEW, so
// an SNS target mailed the same finding again and again (issue 20, item 17). This function mails
// the new findings of one event once, then sets their Workflow.Status to NOTIFIED: their later
// re-imports no longer match the rule. Security Hub itself puts a NOTIFIED finding back to NEW when
// its compliance goes from PASSED to FAILED (or WARNING, NOT_AVAILABLE) or its record goes from
// ARCHIVED to ACTIVE (Security Hub API reference, "Workflow"): such a re-opened finding mails again.
// Publish first, mark second: a failure after the mail is retried by Lambda and may mail twice,
// never zero times. Tested in __tests__/finding-notifier.test.ts.
"use strict";

/** BatchUpdateFindings takes at most 100 finding identifiers per call. */
const BATCH = 100;
/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
const SUBJECT_MAX = 100;

/**
 * The findings of an event still to mail: the rule's pattern matches an event when any of its
 * findings matches each field, so every finding is checked on its own here.
 */
function newFindings(event, severities) {
  const findings = (event && event.detail && event.detail.findings) || [];
  return findings.filter(
    (f) =>
      f &&
      f.Workflow?.Status === "NEW" &&
      f.RecordState === "ACTIVE" &&
      // A passed control is no finding to wake anyone for (Security Hub labels it INFORMATIONAL anyway).
      f.Compliance?.Status !== "PASSED" &&
      severities.includes(f.Severity?.Label),
  );
}

const ascii = (text) => String(text ?? "").replace(/[^\x20-\x7e]/g, "?");

function subjectOf(findings) {
  const first = findings[0];
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : "";
  const subject = `Security Hub ${first.Severity.Label}: ${ascii(first.Title)}${more}`;
  return subject.length <= SUBJECT_MAX ? subject : `${subject.slice(0, SUBJECT_MAX - 3)}...`;
}

function describe(f, i) {
  const resources = (f.Resources || []).map((r) => `${r.Type} ${r.Id}${r.Region ? ` (${r.Region})` : ""}`);
  const lines = [
    `${i + 1}. [${f.Severity.Label}] ${f.Title}`,
    `   ${f.Description || ""}`.trimEnd(),
    `   Account ${f.AwsAccountId}, region ${f.Region || "?"}, from ${f.ProductName || f.ProductArn}${f.Compliance?.SecurityControlId ? `, control ${f.Compliance.SecurityControlId} ${f.Compliance.Status}` : ""}`,
    ...resources.map((r) => `   Resource: ${r}`),
    ...(f.Remediation?.Recommendation?.Url ? [`   Remediation: ${f.Remediation.Recommendation.Url}`] : []),
    `   Finding: ${f.Id}`,
    `   Product: ${f.ProductArn}`,
  ];
  return lines.filter((l) => l.trim() !== "").join("\n");
}

function messageOf(findings, region) {
  return [
    `${findings.length} new Security Hub finding${findings.length > 1 ? "s" : ""} (${region}, the findings of every region are aggregated here):`,
    "",
    ...findings.map(describe),
    "",
    "Each is now marked NOTIFIED in Security Hub: it mails again only if it is re-opened (the control passes",
    "and then fails again, or the finding is archived and becomes active again). Set it to RESOLVED or",
    "SUPPRESSED in the console once handled. One finding from the CLI:",
    `aws securityhub get-findings --region ${region} --filters '{"Id":[{"Value":"<Finding>","Comparison":"EQUALS"}]}'`,
  ].join("\n");
}

/**
 * Sets Workflow.Status = NOTIFIED on `findings`, retrying the ones Security Hub reports as
 * unprocessed up to `attempts` times; throws, naming each one left and its error, if any is.
 */
async function markNotified(findings, { batchUpdate, attempts = 3, sleep }) {
  let pending = findings.map((f) => ({ Id: f.Id, ProductArn: f.ProductArn }));
  let failures = [];
  for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
    if (attempt > 1) await sleep(200 * 2 ** attempt);
    failures = [];
    for (let i = 0; i < pending.length; i += BATCH) {
      const ids = pending.slice(i, i + BATCH);
      const out = await batchUpdate({ FindingIdentifiers: ids, Workflow: { Status: "NOTIFIED" } });
      failures.push(...(out.UnprocessedFindings || []));
    }
    pending = failures.map((u) => u.FindingIdentifier);
  }
  if (failures.length > 0) {
    const list = failures.map((u) => `${u.FindingIdentifier.Id} (${u.ErrorCode}: ${u.ErrorMessage})`).join("; ");
    throw new Error(
      `mailed ${findings.length} finding(s) but could not set Workflow.Status NOTIFIED on ${failures.length} after ${attempts} attempts: ${list}. They stay NEW and mail again at their next re-import; set them by hand: aws securityhub batch-update-findings --finding-identifiers Id=<id>,ProductArn=<arn> --workflow Status=NOTIFIED`,
    );
  }
}

/** One event: one mail for its new findings, then NOTIFIED on each. Returns what it did. */
async function notify(event, { topicArn, severities, region, publish, batchUpdate, sleep, log }) {
  const findings = newFindings(event, severities);
  if (findings.length === 0) {
    log(`event ${event && event.id}: no finding to mail (already notified, archived, passed or below ${severities.join("/")})`);
    return { mailed: 0 };
  }
  await publish({ TopicArn: topicArn, Subject: subjectOf(findings), Message: messageOf(findings, region) });
  log(`event ${event.id}: mailed ${findings.map((f) => f.Id).join(", ")}`);
  await markNotified(findings, { batchUpdate, sleep });
  return { mailed: findings.length };
}

async function handler(event) {
  const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");
  const { SecurityHubClient, BatchUpdateFindingsCommand } = require("@aws-sdk/client-securityhub");
  const sns = new SNSClient({});
  const hub = new SecurityHubClient({});
  return notify(event, {
    topicArn: process.env.TOPIC_ARN,
    severities: process.env.SEVERITIES.split(","),
    region: process.env.AWS_REGION,
    publish: (input) => sns.send(new PublishCommand(input)),
    batchUpdate: (input) => hub.send(new BatchUpdateFindingsCommand(input)),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: console.log,
  });
}

module.exports = { handler, notify, newFindings, markNotified, subjectOf, messageOf };
