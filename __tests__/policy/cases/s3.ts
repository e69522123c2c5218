import { KEY, RuleCase, stack } from "../harness";

type Parts = Record<string, Record<string, object>>;

const tlsOnly = (name: string) => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [`\${aws_s3_bucket.${name}.arn}`, `\${aws_s3_bucket.${name}.arn}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});

/**
 * A bucket and its split resources as modules/private-bucket.ts writes them, each part named after
 * the bucket and pointing at it by reference. `change` replaces (or, with null, removes) parts.
 */
function bucket(name: string, change: Record<string, object | null> = {}, config: object = {}): Parts {
  const ref = `\${aws_s3_bucket.${name}.id}`;
  const parts: Record<string, object | null> = {
    aws_s3_bucket_public_access_block: {
      bucket: ref,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    },
    aws_s3_bucket_versioning: { bucket: ref, versioning_configuration: { status: "Enabled" } },
    aws_s3_bucket_server_side_encryption_configuration: {
      bucket: ref,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true }],
    },
    aws_s3_bucket_logging: { bucket: ref, target_bucket: "logs-bucket", target_prefix: `s3/${name}/` },
    aws_s3_bucket_policy: { bucket: ref, policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsOnly(name)] }) },
    aws_s3_bucket_ownership_controls: { bucket: ref, rule: { object_ownership: "BucketOwnerEnforced" } },
    aws_s3_bucket_lifecycle_configuration: { bucket: ref, rule: [{ id: "abort", status: "Enabled", filter: [{ prefix: "" }] }] },
    ...change,
  };
  const out: Parts = {
    aws_s3_bucket: { [name]: { bucket: `${name}-bucket`, force_destroy: false, lifecycle: { prevent_destroy: true }, ...config } },
  };
  for (const [type, part] of Object.entries(parts)) if (part !== null) out[type] = { [name]: part };
  return out;
}

function merge(...sets: Parts[]): Record<string, any> {
  const resource: Parts = {};
  for (const set of sets) for (const [type, byName] of Object.entries(set)) resource[type] = { ...resource[type], ...byName };
  return stack(resource);
}

const A = (name: string) => `aws_s3_bucket.${name}`;
const policy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

export const s3Cases: RuleCase[] = [
  {
    rule: "RX-S3-1",
    title: "a public access block with all four flags, by reference or by name",
    json: merge(
      bucket("pass"),
      bucket("pass_by_name", {
        aws_s3_bucket_public_access_block: {
          bucket: "pass_by_name-bucket",
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      }),
      bucket("fail", { aws_s3_bucket_public_access_block: null }),
      bucket("fail2", {
        aws_s3_bucket_public_access_block: {
          bucket: "${aws_s3_bucket.fail2.id}",
          block_public_acls: true,
          block_public_policy: false,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      }),
    ),
    pass: [A("pass"), A("pass_by_name")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-S3-2",
    title: "versioning Enabled (split resource or legacy inline block)",
    json: merge(
      bucket("pass"),
      bucket("pass_inline", { aws_s3_bucket_versioning: null }, { versioning: { enabled: true } }),
      bucket("fail", { aws_s3_bucket_versioning: null }),
      bucket("fail2", {
        aws_s3_bucket_versioning: { bucket: "${aws_s3_bucket.fail2.id}", versioning_configuration: { status: "Suspended" } },
      }),
    ),
    pass: [A("pass"), A("pass_inline")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-S3-3",
    title: "a default encryption configuration is required",
    json: merge(
      bucket("pass"),
      bucket("pass_sse_s3", {
        aws_s3_bucket_server_side_encryption_configuration: {
          bucket: "${aws_s3_bucket.pass_sse_s3.id}",
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
        },
      }),
      bucket("fail", { aws_s3_bucket_server_side_encryption_configuration: null }),
    ),
    pass: [A("pass"), A("pass_sse_s3")],
    fail: [A("fail")],
  },
  {
    rule: "RX-S3-4",
    title: "SSE-S3 or KMS without our key warns",
    json: merge(
      bucket("pass"),
      bucket("pass_unconfigured", { aws_s3_bucket_server_side_encryption_configuration: null }),
      bucket("fail", {
        aws_s3_bucket_server_side_encryption_configuration: {
          bucket: "${aws_s3_bucket.fail.id}",
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
        },
      }),
      bucket("fail2", {
        aws_s3_bucket_server_side_encryption_configuration: {
          bucket: "${aws_s3_bucket.fail2.id}",
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" } }],
        },
      }),
    ),
    pass: [A("pass"), A("pass_unconfigured")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-S3-5",
    title: "server access logging is required",
    json: merge(
      bucket("pass"),
      bucket("pass_inline", { aws_s3_bucket_logging: null }, { logging: { target_bucket: "logs" } }),
      bucket("fail", { aws_s3_bucket_logging: null }),
    ),
    pass: [A("pass"), A("pass_inline")],
    fail: [A("fail")],
  },
  {
    rule: "RX-S3-6",
    title: "a bucket policy denying aws:SecureTransport = false is required",
    json: merge(
      bucket("pass"),
      bucket("fail", { aws_s3_bucket_policy: null }),
      bucket("fail2", {
        aws_s3_bucket_policy: {
          bucket: "${aws_s3_bucket.fail2.id}",
          policy: policy({ Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: "*" }),
        },
      }),
      bucket("fail3", { aws_s3_bucket_policy: { bucket: "${aws_s3_bucket.fail3.id}", policy: "${jsonencode({Statement = []})}" } }),
    ),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2"), A("fail3")],
  },
  {
    rule: "RX-S3-7",
    title: "ownership controls BucketOwnerEnforced are required",
    json: merge(
      bucket("pass"),
      bucket("fail", { aws_s3_bucket_ownership_controls: null }),
      bucket("fail2", {
        aws_s3_bucket_ownership_controls: { bucket: "${aws_s3_bucket.fail2.id}", rule: { object_ownership: "BucketOwnerPreferred" } },
      }),
    ),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-S3-8",
    title: "force_destroy true fails",
    json: merge(bucket("pass"), bucket("pass_default", {}, { force_destroy: undefined }), bucket("fail", {}, { force_destroy: true })),
    pass: [A("pass"), A("pass_default")],
    fail: [A("fail")],
  },
  {
    rule: "RX-S3-9",
    title: "an enabled lifecycle rule is required",
    json: merge(
      bucket("pass"),
      bucket("fail", { aws_s3_bucket_lifecycle_configuration: null }),
      bucket("fail2", {
        aws_s3_bucket_lifecycle_configuration: { bucket: "${aws_s3_bucket.fail2.id}", rule: [{ id: "off", status: "Disabled" }] },
      }),
    ),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-S3-10",
    title: "replication source and destination pass, a lone bucket warns",
    json: merge(bucket("pass_source"), bucket("pass_destination"), bucket("fail"), {
      aws_s3_bucket_replication_configuration: {
        replication: {
          bucket: "${aws_s3_bucket.pass_source.id}",
          role: "${aws_iam_role.replication.arn}",
          rule: [{ id: "all", status: "Enabled", destination: { bucket: "${aws_s3_bucket.pass_destination.arn}" } }],
        },
      },
    }),
    pass: [A("pass_source"), A("pass_destination")],
    fail: [A("fail")],
  },
  {
    rule: "RX-S3-11",
    title: "backup buckets need Object Lock with a default retention; other buckets are exempt",
    json: merge(
      bucket(
        "pass",
        {
          aws_s3_bucket_object_lock_configuration: {
            bucket: "${aws_s3_bucket.pass.id}",
            rule: { default_retention: { mode: "COMPLIANCE", days: 30 } },
          },
        },
        { bucket: "db-backups-primary", object_lock_enabled: true },
      ),
      bucket("pass_plain"),
      bucket("fail", {}, { bucket: "db-backups-replica" }),
      bucket("fail2", {}, { bucket: "dumps", object_lock_enabled: true, tags: { purpose: "backups" } }),
    ),
    pass: [A("pass"), A("pass_plain")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-S3-12",
    title: 'an Allow for Principal "*" fails; a Deny for "*" and named services pass',
    json: merge(
      bucket("pass", {
        aws_s3_bucket_policy: {
          bucket: "${aws_s3_bucket.pass.id}",
          policy: policy(tlsOnly("pass"), {
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "*",
          }),
        },
      }),
      bucket("fail", {
        aws_s3_bucket_policy: {
          bucket: "${aws_s3_bucket.fail.id}",
          policy: policy(tlsOnly("fail"), { Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }),
        },
      }),
      bucket("fail2", {
        aws_s3_bucket_policy: {
          bucket: "${aws_s3_bucket.fail2.id}",
          policy: policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "*" }),
        },
      }),
    ),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
];
