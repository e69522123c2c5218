import { KEY, RuleCase, stack } from "../harness";

const repo = {
  name: "core-api",
  image_tag_mutability: "IMMUTABLE",
  image_scanning_configuration: { scan_on_push: true },
  encryption_configuration: [{ encryption_type: "KMS", kms_key: KEY }],
  lifecycle: { prevent_destroy: true },
};
const E = (name: string) => `aws_ecr_repository.${name}`;
const repoPolicy = (principal: unknown) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "Pull", Effect: "Allow", Principal: principal, Action: ["ecr:BatchGetImage"] }],
  });

const table = {
  name: "routing",
  hash_key: "org",
  point_in_time_recovery: { enabled: true },
  deletion_protection_enabled: true,
  server_side_encryption: { enabled: true, kms_key_arn: KEY },
  replica: [{ region_name: "us-east-1", kms_key_arn: "${aws_kms_key.us.arn}", point_in_time_recovery: true }],
  lifecycle: { prevent_destroy: true },
};
const D = (name: string) => `aws_dynamodb_table.${name}`;
const replicaResource = {
  global_table_arn: "${aws_dynamodb_table.pass.arn}",
  kms_key_arn: "${aws_kms_key.us.arn}",
  point_in_time_recovery: true,
};

export const ecrDynamodbCases: RuleCase[] = [
  {
    rule: "RX-ECR-1",
    title: "scan on push is required",
    json: stack({
      aws_ecr_repository: {
        pass: repo,
        fail: { ...repo, image_scanning_configuration: { scan_on_push: false } },
        fail2: { ...repo, image_scanning_configuration: undefined },
      },
    }),
    pass: [E("pass")],
    fail: [E("fail"), E("fail2")],
  },
  {
    rule: "RX-ECR-2",
    title: "KMS encryption is required",
    json: stack({
      aws_ecr_repository: {
        pass: repo,
        fail: { ...repo, encryption_configuration: [{ encryption_type: "AES256" }] },
        fail2: { ...repo, encryption_configuration: undefined },
      },
    }),
    pass: [E("pass")],
    fail: [E("fail"), E("fail2")],
  },
  {
    rule: "RX-ECR-3",
    title: "a lifecycle policy by reference or by name is required",
    json: stack({
      aws_ecr_repository: { pass: repo, pass_by_name: { ...repo, name: "telemetry-api" }, fail: { ...repo, name: "orphan" } },
      aws_ecr_lifecycle_policy: {
        pass: { repository: "${aws_ecr_repository.pass.name}", policy: "{}" },
        by_name: { repository: "telemetry-api", policy: "{}" },
      },
    }),
    pass: [E("pass"), E("pass_by_name")],
    fail: [E("fail")],
  },
  {
    rule: "RX-ECR-4",
    title: "mutable tags warn, explicitly or by default",
    json: stack({
      aws_ecr_repository: {
        pass: repo,
        fail: { ...repo, image_tag_mutability: "MUTABLE" },
        fail2: { ...repo, image_tag_mutability: undefined },
      },
    }),
    pass: [E("pass")],
    fail: [E("fail"), E("fail2")],
  },
  {
    rule: "RX-ECR-5",
    title: 'a repository policy allowing "*" fails',
    json: stack({
      aws_ecr_repository_policy: {
        pass: { repository: "core-api", policy: repoPolicy({ AWS: "arn:aws:iam::123456789012:root" }) },
        fail: { repository: "core-api", policy: repoPolicy("*") },
      },
    }),
    pass: ["aws_ecr_repository_policy.pass"],
    fail: ["aws_ecr_repository_policy.fail"],
  },
  {
    rule: "RX-DDB-1",
    title: "point-in-time recovery is required",
    json: stack({
      aws_dynamodb_table: {
        pass: table,
        fail: { ...table, point_in_time_recovery: { enabled: false } },
        fail2: { ...table, point_in_time_recovery: undefined },
      },
    }),
    pass: [D("pass")],
    fail: [D("fail"), D("fail2")],
  },
  {
    rule: "RX-DDB-2",
    title: "deletion protection is required",
    json: stack({
      aws_dynamodb_table: {
        pass: table,
        fail: { ...table, deletion_protection_enabled: false },
        fail2: { ...table, deletion_protection_enabled: undefined },
      },
    }),
    pass: [D("pass")],
    fail: [D("fail"), D("fail2")],
  },
  {
    rule: "RX-DDB-3",
    title: "SSE with our key is required; the AWS-owned or AWS-managed key fails",
    json: stack({
      aws_dynamodb_table: {
        pass: table,
        fail: { ...table, server_side_encryption: undefined },
        fail2: { ...table, server_side_encryption: { enabled: true } },
      },
    }),
    pass: [D("pass")],
    fail: [D("fail"), D("fail2")],
  },
  {
    rule: "RX-DDB-4",
    title: "every replica block and table replica names its region's key",
    json: stack({
      aws_dynamodb_table: {
        pass: table,
        pass_single_region: { ...table, replica: undefined },
        fail: { ...table, replica: [...table.replica, { region_name: "eu-west-1", point_in_time_recovery: true }] },
      },
      aws_dynamodb_table_replica: { pass: replicaResource, fail: { ...replicaResource, kms_key_arn: undefined } },
    }),
    pass: [D("pass"), D("pass_single_region"), "aws_dynamodb_table_replica.pass"],
    fail: [D("fail"), "aws_dynamodb_table_replica.fail"],
  },
  {
    rule: "RX-DDB-5",
    title: "every replica block and table replica has point-in-time recovery",
    json: stack({
      aws_dynamodb_table: {
        pass: table,
        fail: { ...table, replica: [{ region_name: "us-east-1", kms_key_arn: "${aws_kms_key.us.arn}" }] },
      },
      aws_dynamodb_table_replica: { pass: replicaResource, fail: { ...replicaResource, point_in_time_recovery: false } },
    }),
    pass: [D("pass"), "aws_dynamodb_table_replica.pass"],
    fail: [D("fail"), "aws_dynamodb_table_replica.fail"],
  },
];
