import { KEY, RuleCase, stack } from "../harness";

const keep = { lifecycle: { prevent_destroy: true } };

// Secret-shaped strings are assembled at run time so that the repository holds none that a secret scanner would flag.
export const SAMPLES = {
  awsKeyId: ["AKIA", "IOSFODNN7", "EXAMPLE"].join(""),
  pem: ["-----BEGIN", "RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"].join(" "),
  liveKey: ["sk", "live", "4eC39HqLyjWDarjtT1zdp7dc"].join("_"),
  webhookSecret: ["whsec", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"].join("_"),
  githubToken: ["ghp", "16C7e42F292c6912E7710c838347Ae178B4a"].join("_"),
  githubPat: ["github", "pat", "11ABCDEFG0123456789abcdefghij"].join("_"),
  slackWebhook: ["https://hooks.slack", "com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"].join("."),
  connection: ["postgres://app:", "s3cr3t-pw", "@db.internal:5432/app"].join(""),
  assignment: ["Server=db;User Id=app;", "Password=", "hunter22;"].join(""),
};

export const datalossSecretCases: RuleCase[] = [
  {
    rule: "RX-DL-1",
    title: "every stateful type needs a literal prevent_destroy; stateless types are exempt",
    json: stack({
      aws_db_instance: { pass: { identifier: "db", ...keep }, fail: { identifier: "db2" } },
      aws_s3_bucket: { pass: { bucket: "b", ...keep }, fail: { bucket: "b2", lifecycle: { prevent_destroy: false } } },
      aws_dynamodb_table: { fail: { name: "t", lifecycle: { create_before_destroy: true } } },
      aws_kms_key: { pass: { description: "k", ...keep }, fail: { description: "k2" } },
      aws_elasticache_replication_group: { fail: { replication_group_id: "r" } },
      aws_secretsmanager_secret: { pass: { name: "s", ...keep }, fail: { name: "s2", lifecycle: { prevent_destroy: "${var.protect}" } } },
      aws_ecr_repository: { fail: { name: "e" } },
      aws_vpc: { pass: { cidr_block: "10.0.0.0/16", ...keep }, fail: { cidr_block: "10.1.0.0/16" } },
      aws_security_group: { stateless: { name: "sg" } },
    }),
    pass: ["aws_db_instance.pass", "aws_s3_bucket.pass", "aws_kms_key.pass", "aws_secretsmanager_secret.pass", "aws_vpc.pass"],
    fail: [
      "aws_db_instance.fail",
      "aws_s3_bucket.fail",
      "aws_dynamodb_table.fail",
      "aws_kms_key.fail",
      "aws_elasticache_replication_group.fail",
      "aws_secretsmanager_secret.fail",
      "aws_ecr_repository.fail",
      "aws_vpc.fail",
    ],
  },
  {
    rule: "RX-SECRET-1",
    title: "secret shapes anywhere in the stack fail: resources, data sources, providers, variables, outputs",
    json: {
      provider: { aws: [{ region: "eu-central-1", access_key: SAMPLES.awsKeyId }] },
      variable: { clean: { type: "string", sensitive: true }, defaulted: { type: "string", default: SAMPLES.liveKey } },
      output: { url: { value: SAMPLES.connection } },
      resource: {
        aws_apprunner_service: {
          pass: {
            service_name: "api",
            source_configuration: {
              image_repository: {
                image_configuration: {
                  runtime_environment_variables: { APP_ENV: "production", REDIS_URL_FROM: "${aws_secretsmanager_secret.redis.arn}" },
                },
              },
            },
          },
          fail: {
            service_name: "api",
            source_configuration: {
              image_repository: { image_configuration: { runtime_environment_variables: { CLERK_WEBHOOK_SECRET: SAMPLES.webhookSecret } } },
            },
          },
        },
        aws_secretsmanager_secret: {
          pass: { name: "app/DATABASE_URL", kms_key_id: KEY, description: "postgres://user@host (value set out of band)" },
        },
        aws_ssm_parameter: { fail: { name: "deploy-key", type: "SecureString", value: SAMPLES.pem } },
        github_actions_variable: { fail: { repository: "app", variable_name: "NOTIFY", value: SAMPLES.slackWebhook } },
        aws_db_instance: { fail: { identifier: "db", password: "correct-horse-battery" } },
      },
      data: { http: { fail: { url: "https://api.github.com", request_headers: { Authorization: `token ${SAMPLES.githubToken}` } } } },
    },
    pass: ["aws_apprunner_service.pass", "aws_secretsmanager_secret.pass", "variable.clean"],
    fail: [
      "provider.aws",
      "variable.defaulted",
      "output.url",
      "aws_apprunner_service.fail",
      "aws_ssm_parameter.fail",
      "github_actions_variable.fail",
      "aws_db_instance.fail",
      "data.http.fail",
    ],
  },
];
