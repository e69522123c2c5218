import { CIS_FILTERS } from "../../../modules/trail";
import { DeploymentCase, KEY, RuleCase, stack } from "../harness";

type Parts = Record<string, Record<string, object>>;

const MANAGEMENT = { name: "management", field_selector: [{ field: "eventCategory", equals: ["Management"] }] };
const dataEvents = (...buckets: string[]) => ({
  name: "data",
  field_selector: [
    { field: "eventCategory", equals: ["Data"] },
    { field: "resources.type", equals: ["AWS::S3::Object"] },
    { field: "resources.ARN", starts_with: buckets.map((b) => `arn:aws:s3:::${b}/`) },
  ],
});

/** A trail as modules/trail.ts writes it, delivering to bucket `bucket` and log group `group` of the same stack. */
const trail = (change: object = {}, bucket = "logs", group = "trail") => ({
  name: "audit",
  s3_bucket_name: `\${aws_s3_bucket.${bucket}.bucket}`,
  is_multi_region_trail: true,
  include_global_service_events: true,
  enable_logging: true,
  enable_log_file_validation: true,
  kms_key_id: KEY,
  cloud_watch_logs_group_arn: `\${aws_cloudwatch_log_group.${group}.arn}:*`,
  cloud_watch_logs_role_arn: "${aws_iam_role.trail.arn}",
  advanced_event_selector: [MANAGEMENT, dataEvents("restartix-uploads-prod")],
  ...change,
});

const T = (name: string) => `aws_cloudtrail.${name}`;

/** A trail bucket `name` with Object Lock for `days` and access logging (null leaves a part out). */
function lockedBucket(name: string, days: number | null = 2192, logging = true, lockEnabled = true): Parts {
  const ref = `\${aws_s3_bucket.${name}.id}`;
  const parts: Parts = { aws_s3_bucket: { [name]: { bucket: `${name}-bucket`, object_lock_enabled: lockEnabled } } };
  if (days !== null)
    parts.aws_s3_bucket_object_lock_configuration = { [name]: { bucket: ref, rule: { default_retention: { mode: "COMPLIANCE", days } } } };
  if (logging) parts.aws_s3_bucket_logging = { [name]: { bucket: ref, target_bucket: "access-logs", target_prefix: `s3/${name}/` } };
  return parts;
}

function merge(...sets: Parts[]): Record<string, any> {
  const resource: Parts = {};
  for (const set of sets) for (const [type, byName] of Object.entries(set)) resource[type] = { ...resource[type], ...byName };
  return stack(resource);
}

/** The log group `group` with the five CIS filters and their alarms, less those named in `without`. */
function cisAlarms(group: string, options: { without?: string[]; silent?: string[] } = {}): Parts {
  const filters: Record<string, object> = {};
  const alarms: Record<string, object> = {};
  for (const f of CIS_FILTERS.filter((x) => !(options.without ?? []).includes(x.id))) {
    filters[`${group}_${f.id}`] = {
      name: f.id,
      log_group_name: `\${aws_cloudwatch_log_group.${group}.name}`,
      pattern: f.pattern,
      metric_transformation: { name: `${group}-${f.id}`, namespace: "CISBenchmark", value: "1" },
    };
    alarms[`${group}_${f.id}`] = {
      alarm_name: `${group}-${f.id}`,
      metric_name: `${group}-${f.id}`,
      namespace: "CISBenchmark",
      alarm_actions: (options.silent ?? []).includes(f.id) ? [] : ["arn:aws:sns:eu-central-1:123456789012:restartix-alerts"],
    };
  }
  return {
    aws_cloudwatch_log_group: { [group]: { name: `/aws/cloudtrail/${group}`, retention_in_days: 365, kms_key_id: KEY } },
    aws_cloudwatch_log_metric_filter: filters,
    aws_cloudwatch_metric_alarm: alarms,
  };
}

const detector = (change: object = {}) => ({ enable: true, finding_publishing_frequency: "FIFTEEN_MINUTES", ...change });
const feature = (detectorName: string, name: string, status = "ENABLED") => ({
  detector_id: `\${aws_guardduty_detector.${detectorName}.id}`,
  name,
  status,
});
const D = (name: string) => `aws_guardduty_detector.${name}`;

const recorder = (name: string, change: object = {}) => ({
  name,
  role_arn: "${aws_iam_service_linked_role.config.arn}",
  recording_group: { all_supported: true },
  ...change,
});
const recorderStatus = (name: string, enabled = true, provider?: string) => ({
  name: `\${aws_config_configuration_recorder.${name}.name}`,
  is_enabled: enabled,
  ...(provider ? { provider } : {}),
});
const channel = (provider?: string) => ({ name: "restartix", s3_bucket_name: "config-bucket", ...(provider ? { provider } : {}) });
const R = (name: string) => `aws_config_configuration_recorder.${name}`;

const FSBP = (region: string) => `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`;

export const auditCases: RuleCase[] = [
  {
    rule: "RX-CT-1",
    title: "multi-region, global events, logging on, every management event (default, basic or advanced selectors)",
    json: stack({
      aws_cloudtrail: {
        pass: trail(),
        pass_default_selectors: trail({ advanced_event_selector: undefined }),
        pass_basic: trail({
          advanced_event_selector: undefined,
          event_selector: [{ read_write_type: "All", include_management_events: true }],
        }),
        fail: trail({ is_multi_region_trail: false }),
        fail2: trail({ include_global_service_events: false }),
        fail3: trail({ enable_logging: false }),
        fail4: trail({
          advanced_event_selector: [
            {
              name: "writes",
              field_selector: [
                { field: "eventCategory", equals: ["Management"] },
                { field: "readOnly", equals: ["false"] },
              ],
            },
          ],
        }),
        fail5: trail({
          advanced_event_selector: undefined,
          event_selector: [{ read_write_type: "WriteOnly", include_management_events: true }],
        }),
        fail6: trail({ advanced_event_selector: [dataEvents("restartix-uploads-prod")] }),
      },
    }),
    pass: [T("pass"), T("pass_default_selectors"), T("pass_basic")],
    fail: [T("fail"), T("fail2"), T("fail3"), T("fail4"), T("fail5"), T("fail6")],
  },
  {
    rule: "RX-CT-2",
    title: "log file validation must be on",
    json: stack({
      aws_cloudtrail: {
        pass: trail(),
        fail: trail({ enable_log_file_validation: undefined }),
        fail2: trail({ enable_log_file_validation: false }),
      },
    }),
    pass: [T("pass")],
    fail: [T("fail"), T("fail2")],
  },
  {
    rule: "RX-CT-3",
    title: "log files encrypted with a customer-managed key",
    json: stack({ aws_cloudtrail: { pass: trail(), fail: trail({ kms_key_id: undefined }) } }),
    pass: [T("pass")],
    fail: [T("fail")],
  },
  {
    rule: "RX-CT-4",
    title: "delivery to CloudWatch Logs needs the log group and the role",
    json: stack({
      aws_cloudtrail: {
        pass: trail(),
        fail: trail({ cloud_watch_logs_group_arn: undefined }),
        fail2: trail({ cloud_watch_logs_role_arn: undefined }),
      },
    }),
    pass: [T("pass")],
    fail: [T("fail"), T("fail2")],
  },
  {
    rule: "RX-CT-5",
    title: "the trail's bucket: Object Lock for six years or more, access-logged, in the same stack",
    json: merge(
      {
        aws_cloudtrail: {
          pass: trail({}, "locked"),
          pass_years: trail({}, "locked_years"),
          fail: trail({}, "one_year"),
          fail2: trail({}, "no_lock"),
          fail3: trail({}, "unlogged"),
          fail4: trail({ s3_bucket_name: "an-organization-bucket" }),
        },
      },
      lockedBucket("locked"),
      lockedBucket("one_year", 365),
      lockedBucket("no_lock", null, true, false),
      lockedBucket("unlogged", 2192, false),
      {
        aws_s3_bucket: { locked_years: { bucket: "locked_years-bucket", object_lock_enabled: true } },
        aws_s3_bucket_object_lock_configuration: {
          locked_years: { bucket: "locked_years-bucket", rule: { default_retention: { mode: "GOVERNANCE", years: 7 } } },
        },
        aws_s3_bucket_logging: { locked_years: { bucket: "locked_years-bucket", target_bucket: "access-logs" } },
      },
    ),
    pass: [T("pass"), T("pass_years")],
    fail: [T("fail"), T("fail2"), T("fail3"), T("fail4")],
  },
  {
    rule: "RX-CT-6",
    title: "S3 object reads and writes recorded (advanced or basic selectors; reads alone do not count)",
    json: stack({
      aws_cloudtrail: {
        pass: trail(),
        pass_basic: trail({
          advanced_event_selector: undefined,
          event_selector: [
            { read_write_type: "All", data_resource: [{ type: "AWS::S3::Object", values: ["arn:aws:s3:::restartix-uploads-prod/"] }] },
          ],
        }),
        fail: trail({ advanced_event_selector: [MANAGEMENT] }),
        fail2: trail({
          advanced_event_selector: [
            MANAGEMENT,
            {
              name: "reads",
              field_selector: [...dataEvents("restartix-uploads-prod").field_selector, { field: "readOnly", equals: ["true"] }],
            },
          ],
        }),
      },
    }),
    pass: [T("pass"), T("pass_basic")],
    fail: [T("fail"), T("fail2")],
  },
  {
    rule: "RX-CT-7",
    title: "the five CIS filters on the trail's log group, each with an alarm that notifies",
    json: merge(
      {
        aws_cloudtrail: {
          pass: trail({}, "logs", "complete"),
          fail: trail({}, "logs", "no_console"),
          fail2: trail({}, "logs", "silent_root"),
          fail3: trail({ cloud_watch_logs_group_arn: "arn:aws:logs:eu-central-1:123456789012:log-group:elsewhere:*" }),
        },
      },
      cisAlarms("complete"),
      cisAlarms("no_console", { without: ["console-signin-failures"] }),
      cisAlarms("silent_root", { silent: ["root-account-usage"] }),
    ),
    pass: [T("pass")],
    fail: [T("fail"), T("fail2"), T("fail3")],
  },
  {
    rule: "RX-GD-1",
    title: "detector enabled, findings published every 15 minutes or hour",
    json: stack({
      aws_guardduty_detector: {
        pass: detector(),
        pass_hour: detector({ finding_publishing_frequency: "ONE_HOUR" }),
        fail: detector({ enable: false }),
        fail2: detector({ finding_publishing_frequency: undefined }),
        fail3: detector({ finding_publishing_frequency: "SIX_HOURS" }),
      },
    }),
    pass: [D("pass"), D("pass_hour")],
    fail: [D("fail"), D("fail2"), D("fail3")],
  },
  {
    rule: "RX-GD-2",
    title: "S3 and RDS Protection on (features, or the legacy datasources block for S3)",
    json: stack({
      aws_guardduty_detector: {
        pass: detector(),
        pass_legacy: detector({ datasources: { s3_logs: { enable: true } } }),
        fail: detector(),
        fail2: detector(),
      },
      aws_guardduty_detector_feature: {
        pass_s3: feature("pass", "S3_DATA_EVENTS"),
        pass_rds: feature("pass", "RDS_LOGIN_EVENTS"),
        pass_legacy_rds: feature("pass_legacy", "RDS_LOGIN_EVENTS"),
        fail2_s3: feature("fail2", "S3_DATA_EVENTS"),
        fail2_rds: feature("fail2", "RDS_LOGIN_EVENTS", "DISABLED"),
      },
    }),
    pass: [D("pass"), D("pass_legacy")],
    fail: [D("fail"), D("fail2")],
  },
  {
    rule: "RX-CFG-1",
    title: "every resource type, recorder turned on, a delivery channel in its region",
    json: stack({
      aws_config_configuration_recorder: {
        pass: recorder("pass"),
        pass_region: recorder("pass_region", { provider: "aws.eu-west-1" }),
        fail: recorder("fail", { recording_group: { all_supported: false, resource_types: ["AWS::S3::Bucket"] } }),
        fail2: recorder("fail2"),
        fail3: recorder("fail3", { provider: "aws.us-east-1" }),
      },
      aws_config_configuration_recorder_status: {
        pass: recorderStatus("pass"),
        pass_region: recorderStatus("pass_region", true, "aws.eu-west-1"),
        fail: recorderStatus("fail"),
        fail2: recorderStatus("fail2", false),
        fail3: recorderStatus("fail3", true, "aws.us-east-1"),
      },
      aws_config_delivery_channel: { default: channel(), eu_west_1: channel("aws.eu-west-1") },
    }),
    pass: [R("pass"), R("pass_region")],
    fail: [R("fail"), R("fail2"), R("fail3")],
  },
  {
    rule: "RX-SH-1",
    title: "a hub subscribes to the FSBP standard in its own region",
    json: stack({
      aws_securityhub_account: {
        pass: { enable_default_standards: false },
        pass_region: { provider: "aws.eu-west-1" },
        fail: { provider: "aws.us-east-1" },
        fail2: { provider: "aws.us-west-2" },
      },
      aws_securityhub_standards_subscription: {
        fsbp: { standards_arn: FSBP("eu-central-1") },
        fsbp_eu_west_1: { standards_arn: FSBP("eu-west-1"), provider: "aws.eu-west-1" },
        cis_only: { standards_arn: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0", provider: "aws.us-west-2" },
      },
    }),
    pass: ["aws_securityhub_account.pass", "aws_securityhub_account.pass_region"],
    fail: ["aws_securityhub_account.fail", "aws_securityhub_account.fail2"],
  },
];

// ---------------------------------------------------------------------------------------------
// RX-AUDIT-1 looks at a whole deployment: a data stack, patient files, dumps in two regions.

const PROVIDERS = { aws: [{ region: "eu-central-1" }, { region: "eu-west-1", alias: "eu-west-1" }] };
const dataStacks = {
  data: { provider: PROVIDERS, resource: { aws_db_instance: { postgres: { identifier: "restartix-prod" } } } },
  storage: {
    provider: PROVIDERS,
    resource: { aws_s3_bucket: { uploads: { bucket: "restartix-uploads-prod" }, logs: { bucket: "restartix-access-logs-prod" } } },
  },
  backups: {
    provider: PROVIDERS,
    resource: {
      aws_s3_bucket: {
        primary: { bucket: "restartix-backups-primary" },
        replica: { bucket: "restartix-backups-replica", provider: "aws.eu-west-1" },
      },
    },
  },
};

type Owner = "stack" | "organization";
const declared = (owners: Partial<Record<"cloudtrail" | "guardduty" | "config" | "security_hub", Owner>> = {}) => ({
  audit_controls: {
    value: {
      cloudtrail: "stack",
      guardduty: "stack",
      config: "stack",
      security_hub: "stack",
      regions: ["eu-central-1", "eu-west-1"],
      ...owners,
    },
  },
});

/** The audit stack: a trail over `dataBuckets`, and the regional controls in `regions`. */
function auditStack(
  options: { dataBuckets?: string[]; regions?: string[]; detector?: object; owners?: Parameters<typeof declared>[0]; trail?: boolean } = {},
) {
  const regions = options.regions ?? ["eu-central-1", "eu-west-1"];
  const p = (r: string) => (r === "eu-central-1" ? {} : { provider: `aws.${r}` });
  const perRegion = (make: (r: string) => object) =>
    Object.fromEntries(regions.map((r) => [r.replace(/-/g, "_"), { ...make(r), ...p(r) }]));
  const resource: Record<string, object> = {
    aws_guardduty_detector: perRegion(() => detector(options.detector)),
    aws_config_configuration_recorder: perRegion((r) => recorder(r)),
    aws_securityhub_account: perRegion(() => ({})),
  };
  if (options.trail !== false) {
    resource.aws_cloudtrail = {
      trail: trail({
        advanced_event_selector: [
          MANAGEMENT,
          dataEvents(...(options.dataBuckets ?? ["restartix-uploads-prod", "restartix-backups-primary", "restartix-backups-replica"])),
        ],
      }),
    };
  }
  return { provider: PROVIDERS, resource, output: declared(options.owners) };
}

export const auditDeploymentCases: DeploymentCase[] = [
  {
    rule: "RX-AUDIT-1",
    title: "a trail over every patient-file and backup bucket, and the regional controls in every region holding data",
    stacks: { ...dataStacks, audit: auditStack() },
    fail: [],
  },
  {
    rule: "RX-AUDIT-1",
    title: "no audit stack at all: every control is missing, in every region holding data",
    stacks: dataStacks,
    fail: [
      "(deployment): aws_cloudtrail",
      "(deployment): aws_guardduty_detector (eu-central-1)",
      "(deployment): aws_guardduty_detector (eu-west-1)",
      "(deployment): aws_config_configuration_recorder (eu-central-1)",
      "(deployment): aws_config_configuration_recorder (eu-west-1)",
      "(deployment): aws_securityhub_account (eu-central-1)",
      "(deployment): aws_securityhub_account (eu-west-1)",
    ],
  },
  {
    rule: "RX-AUDIT-1",
    title: "every control left to the organization by its input: nothing is required here",
    stacks: {
      ...dataStacks,
      audit: {
        provider: PROVIDERS,
        output: declared({ cloudtrail: "organization", guardduty: "organization", config: "organization", security_hub: "organization" }),
      },
    },
    fail: [],
  },
  {
    rule: "RX-AUDIT-1",
    title: "a region holding data without its controls, and a backup bucket outside the trail's data events",
    stacks: {
      ...dataStacks,
      audit: auditStack({ regions: ["eu-central-1"], dataBuckets: ["restartix-uploads-prod", "restartix-backups-primary"] }),
    },
    fail: [
      "audit: aws_guardduty_detector (eu-west-1)",
      "audit: aws_config_configuration_recorder (eu-west-1)",
      "audit: aws_securityhub_account (eu-west-1)",
      "backups: aws_s3_bucket.replica",
    ],
  },
  {
    rule: "RX-AUDIT-1",
    title: "a disabled detector counts as none; a trail left to the organization is not required",
    stacks: { ...dataStacks, audit: auditStack({ detector: { enable: false }, trail: false, owners: { cloudtrail: "organization" } }) },
    fail: ["audit: aws_guardduty_detector (eu-central-1)", "audit: aws_guardduty_detector (eu-west-1)"],
  },
];
