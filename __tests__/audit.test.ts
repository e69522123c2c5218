import * as fs from "fs";
import * as path from "path";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import { resolveSettings } from "../config/settings";
import { CIS_FILTERS } from "../modules/trail";
import { applyPolicyPack, blocking } from "../policy";
import { CIS_CONTROLS, implementsControl } from "../policy/rules/cloudtrail/CloudTrailCisAlarms";
import { findingsOf } from "../scripts/check";
import { AuditStack } from "../stacks/audit";
import { keyRegions, KeysStack } from "../stacks/keys";
import { StorageStack } from "../stacks/storage";
import { phaseConfig } from "../phases";
import { deployWaves } from "../tools/waves";
import { EXAMPLE_VARS, json, only, policy, resources, stack, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

const ACCOUNT = "123456789012";
const p1 = synth({ phase: 1 });
const p4 = synth({ phase: 4 });
const audit1 = stack(p1, "audit");
const audit4 = stack(p4, "audit");

/** The example inputs with some lines replaced (`name = value`). */
function varsWith(values: Record<string, string>): string {
  let text = fs.readFileSync(EXAMPLE_VARS, "utf8");
  for (const [name, value] of Object.entries(values)) text = text.replace(new RegExp(`^${name} = .*$`, "m"), `${name} = ${value}`);
  const file = path.join(tempDir("audit-vars-"), "terraform.tfvars");
  fs.writeFileSync(file, text);
  return file;
}

const regionOf = (json: Record<string, any>, config: Record<string, any>): string => {
  const alias = typeof config.provider === "string" ? config.provider.replace(/^aws\.?/, "") : "";
  return (json.provider.aws as any[]).find((p) => (alias ? p.alias === alias : p.alias === undefined)).region;
};
const regionsOfType = (s: ReturnType<typeof stack>, type: string) =>
  resources(s, type)
    .map(([, c]) => regionOf(s.json, c))
    .sort();

describe("the trail", () => {
  const trail = only(audit1, "aws_cloudtrail");

  test("multi-region, global events, log file validation, the audit key, CloudWatch Logs delivery", () => {
    expect(trail).toMatchObject({
      name: "restartix-audit",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
    });
    expect(trail.kms_key_id).toMatch(/^\$\{aws_kms_key\.key_[A-Z0-9]+\.arn\}$/);
    expect(trail.cloud_watch_logs_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.trail_log-group_[A-Z0-9]+\.arn\}:\*$/);
    expect(trail.cloud_watch_logs_role_arn).toMatch(/aws_iam_role\.trail_logs-role/);
  });

  test("every management event, and S3 data events of exactly the patient-file and backup buckets of the phase", () => {
    const [management, data] = trail.advanced_event_selector;
    expect(management.field_selector).toEqual([{ field: "eventCategory", equals: ["Management"] }]);
    const arns = (t: Record<string, any>) =>
      t.advanced_event_selector[1].field_selector.find((f: any) => f.field === "resources.ARN").starts_with;
    expect(data.field_selector.slice(0, 2)).toEqual([
      { field: "eventCategory", equals: ["Data"] },
      { field: "resources.type", equals: ["AWS::S3::Object"] },
    ]);
    expect(arns(trail)).toEqual([
      "arn:aws:s3:::restartix-uploads-prod/",
      "arn:aws:s3:::restartix-uploads-prod-replica-123456789012/",
      "arn:aws:s3:::restartix-backups-primary-123456789012/",
      "arn:aws:s3:::restartix-backups-replica-123456789012/",
    ]);
    // Phase 4: the US region's patient files join.
    expect(arns(only(audit4, "aws_cloudtrail"))).toEqual(
      expect.arrayContaining([
        "arn:aws:s3:::restartix-uploads-prod-us-123456789012/",
        "arn:aws:s3:::restartix-uploads-prod-us-replica-123456789012/",
      ]),
    );
  });

  test("waits for the bucket policy, the Object Lock default and the log role's policy", () => {
    expect(trail.depends_on.map((d: string) => d.split(".")[0]).sort()).toEqual([
      "aws_iam_role_policy_attachment",
      "aws_s3_bucket_object_lock_configuration",
      "aws_s3_bucket_policy",
    ]);
  });
});

describe("the trail bucket", () => {
  const [[name, bucket]] = resources(audit1, "aws_s3_bucket").filter(([n]) => n.startsWith("trail_"));
  const part = (type: string) => resources(audit1, type).find(([, c]) => c.bucket === `\${aws_s3_bucket.${name}.id}`)![1];

  test("account-scoped name, Object Lock in compliance mode for six years, never destroyed", () => {
    expect(bucket).toMatchObject({
      bucket: `restartix-cloudtrail-${ACCOUNT}`,
      object_lock_enabled: true,
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(part("aws_s3_bucket_object_lock_configuration").rule.default_retention).toEqual({ mode: "COMPLIANCE", days: 2192 });
  });

  test("to Glacier after 90 days, expired after the retention; access-logged to the region's log bucket; SSE-KMS with the audit key", () => {
    const rule = part("aws_s3_bucket_lifecycle_configuration").rule.find((r: any) => r.id === "archive-then-expire");
    expect(rule.transition).toEqual([{ days: 90, storage_class: "GLACIER" }]);
    expect(rule.expiration).toEqual([{ days: 2192 }]);
    expect(part("aws_s3_bucket_logging")).toMatchObject({ target_prefix: `s3/restartix-cloudtrail-${ACCOUNT}/` });
    expect(part("aws_s3_bucket_logging").target_bucket).toMatch(/cross-stack-reference-input-storage/);
    expect(
      part("aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default.kms_master_key_id,
    ).toMatch(/aws_kms_key\.key_/);
  });

  test("CloudTrail may write only its own trail's files (aws:SourceArn), with the owner-full-control ACL", () => {
    const statements = policy(part("aws_s3_bucket_policy").policy, audit1).Statement;
    const arn = `arn:aws:cloudtrail:eu-central-1:${ACCOUNT}:trail/restartix-audit`;
    expect(statements.find((s) => s.Sid === "CloudTrailAclCheck")).toMatchObject({
      Action: "s3:GetBucketAcl",
      Condition: { StringEquals: { "aws:SourceArn": arn } },
    });
    expect(statements.find((s) => s.Sid === "CloudTrailWrite")).toMatchObject({
      Action: "s3:PutObject",
      Resource: `\${aws_s3_bucket.${name}.arn}/AWSLogs/${ACCOUNT}/*`,
      Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": arn } },
    });
  });
});

describe("the audit key", () => {
  const key = only(audit1, "aws_kms_key");
  const statements = policy(key.policy, audit1).Statement;
  const sid = (s: string) => statements.find((x) => x.Sid === s)!;

  test("its own key, rotated, protected; CloudTrail may use it only for this account's trail", () => {
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(sid("CloudTrailEncryptsLogFiles")).toMatchObject({
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Condition: {
        StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:eu-central-1:${ACCOUNT}:trail/restartix-audit` },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
      },
    });
    expect(sid("CloudTrailDescribesKey").Condition).toEqual({
      StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:eu-central-1:${ACCOUNT}:trail/restartix-audit` },
    });
    expect(sid("CloudTrailWritesUnderBucketDefault").Condition).toEqual({
      StringLike: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::restartix-cloudtrail-${ACCOUNT}*` },
    });
    expect(sid("CloudWatchLogs").Condition).toEqual({
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-central-1:${ACCOUNT}:*` },
    });
    expect(sid("ConfigDelivers").Condition).toEqual({ StringEquals: { "AWS:SourceAccount": ACCOUNT } });
    expect(statements.every((s) => s.Principal !== "*" && s.Principal?.AWS !== "*")).toBe(true);
  });

  test("the keys stack does not change for the audit controls", () => {
    expect(JSON.stringify(stack(p1, "keys").json)).not.toMatch(/cloudtrail/);
  });
});

describe("the log group and the CIS alarms", () => {
  test("log group: encrypted, a year, prevent_destroy, its address fixed (a new address would drop a year of events)", () => {
    // Beside it, only the Security Hub notifier's own group (/aws/lambda/restartix-security-findings).
    const groups = resources(audit1, "aws_cloudwatch_log_group").filter(([, g]) => !String(g.name).startsWith("/aws/lambda/"));
    expect(groups.map(([n]) => n)).toEqual(["trail_log-group_2BDB0A37"]);
    expect(groups[0][1]).toMatchObject({
      name: "/aws/cloudtrail/restartix-audit",
      retention_in_days: 365,
      lifecycle: { prevent_destroy: true },
    });
    expect(groups[0][1].kms_key_id).toMatch(/aws_kms_key\.key_/);
  });

  test("five filters with the CIS patterns, each alarm to restartix-alerts of the primary region (the observability stack's topic)", () => {
    const filters = resources(audit1, "aws_cloudwatch_log_metric_filter").map(([, c]) => c);
    expect(filters.map((f) => f.pattern).sort()).toEqual(CIS_FILTERS.map((f) => f.pattern).sort());
    for (const control of CIS_CONTROLS) expect(filters.filter((f) => implementsControl(f.pattern, control))).toHaveLength(1);
    // The Security Hub notifier's two alarms are tested with it.
    const alarms = resources(audit1, "aws_cloudwatch_metric_alarm")
      .map(([, c]) => c)
      .filter((c) => !String(c.alarm_name).startsWith("restartix-security-findings-"));
    expect(alarms).toHaveLength(5);
    for (const a of alarms) {
      expect(a).toMatchObject({
        namespace: "CISBenchmark",
        statistic: "Sum",
        period: 300,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
      });
      expect(a.alarm_actions).toEqual([`arn:aws:sns:eu-central-1:${ACCOUNT}:restartix-alerts`]);
    }
    const obs = stack(p1, "observability");
    const topics = resources(obs, "aws_sns_topic").map(([, t]) => `${t.name}@${regionOf(obs.json, t)}`);
    expect(topics).toContain("restartix-alerts@eu-central-1");
  });

  test("the exact CIS pattern texts (a changed character is a different filter)", () => {
    const byId = Object.fromEntries(CIS_FILTERS.map((f) => [f.id, f.pattern]));
    expect(byId["root-account-usage"]).toBe(
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    );
    expect(byId["console-signin-failures"]).toBe('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }');
    expect(byId["cloudtrail-changes"]).toBe(
      "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    );
  });
});

describe("GuardDuty, AWS Config and Security Hub in every region holding data", () => {
  test.each([
    [1, p1],
    [4, p4],
  ] as const)("phase %i: one detector, recorder and hub per region of keyRegions", (phase, result) => {
    const a = stack(result, "audit");
    const regions = [...keyRegions(phaseConfig(phase))].sort();
    expect(regions.length).toBe(phase === 1 ? 3 : 4);
    for (const type of [
      "aws_guardduty_detector",
      "aws_config_configuration_recorder",
      "aws_config_delivery_channel",
      "aws_config_configuration_recorder_status",
      "aws_securityhub_account",
      "aws_securityhub_standards_subscription",
    ]) {
      expect([type, regionsOfType(a, type)]).toEqual([type, regions]);
    }
  });

  test("detectors: enabled, 15-minute findings, S3 and RDS Protection", () => {
    for (const [, d] of resources(audit1, "aws_guardduty_detector"))
      expect(d).toMatchObject({ enable: true, finding_publishing_frequency: "FIFTEEN_MINUTES" });
    const features = resources(audit1, "aws_guardduty_detector_feature").map(([, f]) => `${f.name}:${f.status}`);
    expect(features.sort()).toEqual(["RDS_LOGIN_EVENTS:ENABLED", "S3_DATA_EVENTS:ENABLED"].flatMap((f) => [f, f, f]).sort());
  });

  test("Config: every resource type, global resources recorded once (primary region), the service-linked role, the KMS bucket", () => {
    const recorders = resources(audit1, "aws_config_configuration_recorder").map(([, c]) => c);
    expect(recorders.every((r) => r.recording_group.all_supported === true)).toBe(true);
    expect(recorders.filter((r) => r.recording_group.include_global_resource_types === true).map((r) => regionOf(audit1.json, r))).toEqual([
      "eu-central-1",
    ]);
    expect(only(audit1, "aws_iam_service_linked_role").aws_service_name).toBe("config.amazonaws.com");
    for (const [, c] of resources(audit1, "aws_config_delivery_channel")) {
      expect(c.s3_bucket_name).toMatch(/aws_s3_bucket\.config-bucket/);
      expect(c.s3_kms_key_arn).toMatch(/aws_kms_key\.key_/);
    }
    const bucket = resources(audit1, "aws_s3_bucket").find(([n]) => n.startsWith("config-bucket"))![1];
    expect(bucket).toMatchObject({ bucket: `restartix-config-${ACCOUNT}`, lifecycle: { prevent_destroy: true } });
  });

  test("Security Hub: FSBP only (no default standards), the region's standard ARN, findings aggregated in the primary region", () => {
    for (const [, h] of resources(audit1, "aws_securityhub_account"))
      expect(h).toMatchObject({ enable_default_standards: false, control_finding_generator: "SECURITY_CONTROL" });
    for (const [, s] of resources(audit1, "aws_securityhub_standards_subscription")) {
      expect(s.standards_arn).toBe(
        `arn:aws:securityhub:${regionOf(audit1.json, s)}::standards/aws-foundational-security-best-practices/v/1.0.0`,
      );
    }
    const aggregator = only(audit4, "aws_securityhub_finding_aggregator");
    expect(aggregator.linking_mode).toBe("SPECIFIED_REGIONS");
    expect([...aggregator.specified_regions].sort()).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
  });
});

/**
 * EventBridge's matching for the pattern forms these rules use: a list of exact values or
 * `{ numeric: [">=", n] }` per leaf, nested objects, and event arrays (any element matches).
 */
function eventMatches(pattern: Record<string, any>, event: unknown): boolean {
  const leaf = (want: any[], got: unknown): boolean =>
    (Array.isArray(got) ? got : [got]).some((g) =>
      want.some((w) =>
        w !== null && typeof w === "object" ? w.numeric && typeof g === "number" && w.numeric[0] === ">=" && g >= w.numeric[1] : w === g,
      ),
    );
  return Object.entries(pattern).every(([key, want]) => {
    const values = (Array.isArray(event) ? event : [event]).map((e) => (e as Record<string, unknown>)?.[key]);
    return values.some((got) => got !== undefined && (Array.isArray(want) ? leaf(want, got) : eventMatches(want, got)));
  });
}

describe("findings reach restartix-alerts", () => {
  const eventPattern = (rule: Record<string, any>) => json(rule.event_pattern);
  const topicArn = "arn:aws:sns:eu-central-1:123456789012:restartix-alerts";

  test("HIGH and CRITICAL Security Hub findings of every region (GuardDuty's among them), active and new, to the notifier function of the primary region", () => {
    for (const audit of [audit1, audit4]) {
      const rule = only(audit, "aws_cloudwatch_event_rule");
      expect(regionOf(audit.json, rule)).toBe("eu-central-1");
      expect(eventPattern(rule)).toEqual({
        source: ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        detail: { findings: { Severity: { Label: ["HIGH", "CRITICAL"] }, RecordState: ["ACTIVE"], Workflow: { Status: ["NEW"] } } },
      });
      // Not the topic itself any more: an SNS target mailed every re-import of a failing control.
      expect(only(audit, "aws_cloudwatch_event_target")).toMatchObject({
        arn: "${aws_lambda_function.finding-alerts_function_351503AE.arn}",
        dead_letter_config: { arn: "${aws_sqs_queue.finding-alerts_dlq_4E05FD8C.arn}" },
        rule: "${aws_cloudwatch_event_rule.finding-alerts_rule_2276FC66.name}",
      });
      expect(only(audit, "aws_lambda_permission")).toMatchObject({
        principal: "events.amazonaws.com",
        source_arn: "${aws_cloudwatch_event_rule.finding-alerts_rule_2276FC66.arn}",
      });
    }
  });

  test("once per new finding: a finding the function marked NOTIFIED no longer matches when re-imported; Security Hub's reset to NEW matches again", () => {
    const pattern = eventPattern(only(audit1, "aws_cloudwatch_event_rule"));
    const imported = (finding: Record<string, unknown>) => ({
      source: "aws.securityhub",
      "detail-type": "Security Hub Findings - Imported",
      detail: {
        findings: [
          { Severity: { Label: "HIGH" }, RecordState: "ACTIVE", Workflow: { Status: "NEW" }, Compliance: { Status: "FAILED" }, ...finding },
        ],
      },
    });
    expect(
      [
        imported({}), // first import of the failing control
        imported({ Workflow: { Status: "NOTIFIED" } }), // every later re-evaluation, after the function marked it
        imported({ Workflow: { Status: "NEW" }, Compliance: { Status: "FAILED" } }), // PASSED -> FAILED: Security Hub resets it to NEW
        imported({ RecordState: "ARCHIVED" }),
        imported({ Severity: { Label: "MEDIUM" } }),
      ].map((e) => eventMatches(pattern, e)),
    ).toEqual([true, false, true, false, false]);
  });

  test("the notifier: nodejs22.x, no reserved concurrency (a new account's quota of 10 refuses any), the topic and severities as variables, its own encrypted log group, a dead-letter queue, alarms on both", () => {
    const fn = only(audit1, "aws_lambda_function");
    expect(fn).toMatchObject({
      function_name: "restartix-security-findings",
      runtime: "nodejs22.x",
      handler: "index.handler",
      environment: { variables: { TOPIC_ARN: topicArn, SEVERITIES: "HIGH,CRITICAL" } },
      dead_letter_config: { target_arn: "${aws_sqs_queue.finding-alerts_dlq_4E05FD8C.arn}" },
      kms_key_arn: expect.stringContaining("cross-stack-reference-input-keys"),
      s3_bucket: "${aws_s3_bucket.code-bucket_F949F573.bucket}",
    });
    expect(fn.reserved_concurrent_executions).toBeUndefined();
    // The archive is the file in functions/, zipped at synth.
    const { zip } = require("../lib/zip") as typeof import("../lib/zip");
    const archive = zip([
      { name: "index.js", content: fs.readFileSync(path.join(__dirname, "..", "functions", "finding-notifier.js"), "utf8") },
    ]);
    expect(fn.source_code_hash).toBe(require("crypto").createHash("sha256").update(archive).digest("base64"));
    expect(only(audit1, "aws_s3_object").depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_s3_bucket_versioning\./),
        expect.stringMatching(/^aws_s3_bucket_server_side_encryption_configuration\./),
      ]),
    );
    const logs = resources(audit1, "aws_cloudwatch_log_group")
      .map(([, g]) => g)
      .find((g) => g.name === "/aws/lambda/restartix-security-findings");
    expect(logs).toMatchObject({ retention_in_days: 365, kms_key_id: expect.stringContaining("cross-stack-reference-input-keys") });
    expect(only(audit1, "aws_sqs_queue")).toMatchObject({
      name: "restartix-security-findings-dlq",
      kms_master_key_id: expect.stringContaining("cross-stack-reference-input-keys"),
    });
    // EventBridge may put the events it cannot deliver there; the ARNs are the queue's and the rule's own.
    expect(policy(only(audit1, "aws_sqs_queue").policy, audit1).Statement).toEqual([
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: "arn:aws:sqs:eu-central-1:123456789012:restartix-security-findings-dlq",
        Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-central-1:123456789012:rule/restartix-security-findings" } },
      },
    ]);
    const alarms = resources(audit1, "aws_cloudwatch_metric_alarm")
      .map(([, a]) => a)
      .filter((a) => String(a.alarm_name).startsWith("restartix-security-findings"));
    expect(alarms.map((a) => [a.alarm_name, a.namespace, a.metric_name, a.alarm_actions]).sort()).toEqual([
      ["restartix-security-findings-dead-letters", "AWS/SQS", "ApproximateNumberOfMessagesVisible", [topicArn]],
      ["restartix-security-findings-errors", "AWS/Lambda", "Errors", [topicArn]],
    ]);
  });

  test("the notifier's role: publish to the one topic (its key through SNS only), BatchUpdateFindings on the hub to NOTIFIED only, every other finding field denied", () => {
    const [, attached] = resources(audit1, "aws_iam_policy").find(([, p]) => p.name === "restartix-security-findings")!;
    const statements = policy(attached.policy, audit1).Statement;
    const bySid = Object.fromEntries(statements.map((st) => [st.Sid, st]));
    expect(bySid.MailToAlertTopic).toMatchObject({ Effect: "Allow", Action: "sns:Publish", Resource: topicArn });
    expect(bySid.AlertTopicKey).toMatchObject({ Condition: { StringEquals: { "kms:ViaService": "sns.eu-central-1.amazonaws.com" } } });
    expect(bySid.MarkFindingsNotified).toEqual({
      Sid: "MarkFindingsNotified",
      Effect: "Allow",
      Action: "securityhub:BatchUpdateFindings",
      Resource: "arn:aws:securityhub:eu-central-1:123456789012:hub/default",
      Condition: { StringEquals: { "securityhub:ASFFSyntaxPath/Workflow.Status": "NOTIFIED" } },
    });
    const denied = statements
      .filter((st) => st.Effect === "Deny")
      .map((st) => Object.keys(st.Condition.Null)[0].replace("securityhub:ASFFSyntaxPath/", ""));
    expect(denied).toEqual([
      "Confidence",
      "Criticality",
      "Note.Text",
      "Note.UpdatedBy",
      "RelatedFindings",
      "Severity.Label",
      "Severity.Normalized",
      "Severity.Product",
      "Types",
      "UserDefinedFields.key",
      "UserDefinedFields.value",
      "VerificationState",
    ]);
    for (const st of statements.filter((x) => x.Effect === "Deny")) expect(Object.values(st.Condition.Null)).toEqual(["false"]);
    expect(statements.flatMap((st) => [st.Resource].flat())).not.toContain("*");
  });

  test("with Security Hub left to the organization, GuardDuty's own findings of severity 7 or more; with neither, no rule", () => {
    const noHub = stack(synth({ phase: 1, varsFile: varsWith({ manage_security_hub: "false" }) }), "audit");
    const guardDuty = eventPattern(only(noHub, "aws_cloudwatch_event_rule"));
    expect(guardDuty).toEqual({
      source: ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      detail: { severity: [{ numeric: [">=", 7] }], service: { count: [1] } },
    });
    // GuardDuty re-publishes a finding at each new occurrence with service.count grown: only the first mails.
    const gd = (severity: number, count: number) => ({
      source: "aws.guardduty",
      "detail-type": "GuardDuty Finding",
      detail: { severity, type: "UnauthorizedAccess:EC2/SSHBruteForce", service: { count } },
    });
    expect([gd(8, 1), gd(8, 2), gd(8, 40), gd(5, 1)].map((e) => eventMatches(guardDuty, e))).toEqual([true, false, false, false]);
    expect(only(noHub, "aws_cloudwatch_event_target").arn).toBe(topicArn);
    // GuardDuty's own finding events carry service.count: no function, no code bucket needed.
    expect(resources(noHub, "aws_lambda_function")).toEqual([]);
    expect(resources(noHub, "aws_s3_bucket").map(([, b]) => b.bucket)).not.toContain("restartix-audit-code-123456789012");
    const neither = stack(synth({ phase: 1, varsFile: varsWith({ manage_security_hub: "false", manage_guardduty: "false" }) }), "audit");
    expect(resources(neither, "aws_cloudwatch_event_rule")).toEqual([]);
  });
});

describe("deploy order", () => {
  test("the audit stack depends on the keys and storage stacks only (the data key's ARN, the access-log bucket): deployable before any compute or data", () => {
    // keys: the Security Hub notifier's key; storage depends on keys already, so the waves are unchanged.
    expect([...audit1.dependencies].sort()).toEqual(["keys", "storage"]);
    const waves = deployWaves(p1.stacks).map((w) => w.map((s) => s.name));
    const wave = (n: string) => waves.findIndex((w) => w.includes(n));
    expect(wave("audit")).toBe(wave("storage") + 1);
    expect(wave("audit")).toBeLessThanOrEqual(wave("data"));
  });
});

describe("controls left to the organization (manage_* = false)", () => {
  const none = synth({
    phase: 1,
    varsFile: varsWith({ manage_cloudtrail: "false", manage_guardduty: "false", manage_config: "false", manage_security_hub: "false" }),
  });
  const noTrail = synth({ phase: 1, varsFile: varsWith({ manage_cloudtrail: "false" }) });

  test("each input removes its control; the output says who provides each", () => {
    const a = stack(none, "audit");
    for (const type of [
      "aws_cloudtrail",
      "aws_guardduty_detector",
      "aws_config_configuration_recorder",
      "aws_securityhub_account",
      "aws_kms_key",
      "aws_s3_bucket",
      "aws_cloudwatch_metric_alarm",
    ]) {
      expect([type, resources(a, type)]).toEqual([type, []]);
    }
    expect(a.json.output?.audit_controls.value).toMatchObject({
      cloudtrail: "organization",
      guardduty: "organization",
      config: "organization",
      security_hub: "organization",
    });
  });

  test("without the trail there is no log group to filter: the CIS alarms go with it (an organization trail's log group lives in its own account)", () => {
    const a = stack(noTrail, "audit");
    expect(resources(a, "aws_cloudtrail")).toEqual([]);
    expect(resources(a, "aws_cloudwatch_log_metric_filter")).toEqual([]);
    expect(resources(a, "aws_cloudwatch_metric_alarm").filter(([, c]) => c.namespace === "CISBenchmark")).toEqual([]);
    expect(resources(a, "aws_guardduty_detector")).toHaveLength(3);
    // The Config bucket still needs the key.
    expect(resources(a, "aws_kms_key")).toHaveLength(1);
    expect((a.json.output?.audit_controls.value as Record<string, string>).cloudtrail).toBe("organization");
  });

  test("the deployment rule accepts both, and flags nothing else in the example deployment", () => {
    for (const result of [p1, p4, none, noTrail])
      expect(blocking(findingsOf(result)).map((f) => `${f.ruleId} ${f.stack} ${f.address}`)).toEqual([]);
  });
});

describe("guards", () => {
  test("a retention shorter than six years is refused, naming the field, the value and the fix", () => {
    const settings = resolveSettings({ varsFile: EXAMPLE_VARS, phase: 1 });
    const short = { ...settings, phase: { ...settings.phase, audit: { ...settings.phase.audit, retentionDays: 365 } } };
    const app = new App({ outdir: tempDir("audit-guard-") });
    const base = { settings: short, region: "eu-central-1" };
    const keys = new KeysStack(app, "keys", base);
    const storage = new StorageStack(app, "storage", { ...base, regionConfig: short.phase.regions[0], keys });
    expect(
      () => new AuditStack(app, "audit", { ...base, storage, keys, dataEventBuckets: [storage.uploads], regions: ["eu-central-1"] }),
    ).toThrow(/audit\.retentionDays is 365; expected at least 2192 .*164\.316\(b\)\(2\)\(i\).*Fix: set audit\.retentionDays to 2192/);
    expect(
      () =>
        new AuditStack(app, "audit2", { settings, region: "eu-central-1", storage, keys, dataEventBuckets: [], regions: ["eu-west-1"] }),
    ).toThrow(/leave out the primary region eu-central-1/);
  });

  test("the app builder turns the deployment rules on: an app holding data without an audit trail fails synth", () => {
    const build = (deploymentRules: boolean) => {
      const app = new App({ outdir: tempDir("audit-pack-") });
      const s = new TerraformStack(app, "data");
      new AwsProvider(s, "aws", { region: "eu-central-1" });
      new DbInstance(s, "db", { instanceClass: "db.t4g.micro", engine: "postgres", lifecycle: { preventDestroy: true } });
      return { app, run: applyPolicyPack(app, { mode: "report", deploymentRules }) };
    };
    const on = build(true);
    on.app.synth();
    expect(on.run.findings.filter((f) => f.ruleId === "RX-AUDIT-1").map((f) => f.address)).toEqual([
      "aws_cloudtrail",
      "aws_guardduty_detector (eu-central-1)",
      "aws_config_configuration_recorder (eu-central-1)",
      "aws_securityhub_account (eu-central-1)",
    ]);
    const off = build(false);
    off.app.synth();
    expect(off.run.findings.filter((f) => f.ruleId === "RX-AUDIT-1")).toEqual([]);
  });
});
