import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { zip } from "../lib/zip";
import { PrivateBucket } from "./private-bucket";
import { ServiceRole } from "./service-role";

/**
 * Node.js 24: the newest Lambda runtime (create-blocked 2028-06-01, policy/rules/lambda/runtime-dates.json);
 * nodejs20.x can no longer be created. The code is an async handler using the AWS SDK v3 the runtime
 * bundles (Node.js 24 dropped callback handlers; none here).
 */
export const SWEEPER_RUNTIME = "nodejs24.x";

export const SWEEPER_SOURCE = path.join(ROOT, "functions", "log-groups.js");

/** Log groups AWS services create on their own in this project: App Runner's and the canaries' Lambdas. */
export const SERVICE_LOG_GROUP_PREFIXES = ["/aws/apprunner/", "/aws/lambda/cwsyn-"];

export interface LogGroupSweeperProps {
  /** Function and role name (role names are account-wide: include the region key). */
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly kmsKeyArn: string;
  readonly retentionDays: number;
  /** Where the code archive is uploaded (the region's observability bucket). */
  readonly bucket: PrivateBucket;
  /** @default SERVICE_LOG_GROUP_PREFIXES */
  readonly prefixes?: readonly string[];
  /** @default "rate(15 minutes)" */
  readonly schedule?: string;
  readonly provider?: TerraformProvider;
}

/**
 * App Runner creates /aws/apprunner/<service>/<service id>/{application,service} itself when a
 * service starts, without the customer-managed key and without retention, under names that
 * contain the service id: Terraform cannot create them first, and an import needs the id before
 * the plan. This function, every 15 minutes, gives every such group of its region the key
 * (AssociateKmsKey: events ingested from then on are encrypted with it) and the retention. Its own
 * log group is created here first, with both.
 */
export class LogGroupSweeper extends Construct {
  readonly fn: LambdaFunction;

  constructor(scope: Construct, id: string, props: LogGroupSweeperProps) {
    super(scope, id);
    const { region, accountId, provider } = props;
    const prefixes = props.prefixes ?? SERVICE_LOG_GROUP_PREFIXES;
    const archive = zip([{ name: "index.js", content: fs.readFileSync(SWEEPER_SOURCE, "utf8") }]);
    const digest = createHash("sha256").update(archive).digest("hex");
    const code = new S3Object(this, "code", {
      bucket: props.bucket.name,
      key: `code/log-group-sweeper-${digest.slice(0, 12)}.zip`,
      contentBase64: archive.toString("base64"),
      contentType: "application/zip",
      provider,
      tags: { Name: `${props.name}-code` },
    });
    const logs = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.name}`,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
      provider,
      tags: { Name: `/aws/lambda/${props.name}` },
    });
    const groupArns = prefixes.map((p) => `arn:aws:logs:${region}:${accountId}:log-group:${p}*`);
    const role = new ServiceRole(this, "role", {
      name: props.name,
      description: `Gives the ${prefixes.join(", ")} log groups of ${region} the data key and the retention`,
      service: "lambda.amazonaws.com",
      statements: [
        // DescribeLogGroups has no resource-level permission.
        { Sid: "ListLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
        { Sid: "FixServiceLogGroups", Effect: "Allow", Action: ["logs:PutRetentionPolicy", "logs:AssociateKmsKey"], Resource: groupArns },
        // Its own group exists already (above): no CreateLogGroup.
        { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logs.arn}:*` },
      ],
      provider,
    });
    this.fn = new LambdaFunction(this, "function", {
      functionName: props.name,
      description: "Sets the data key and retention on log groups AWS services create themselves",
      role: role.arn,
      runtime: SWEEPER_RUNTIME,
      handler: "index.handler",
      s3Bucket: props.bucket.name,
      s3Key: code.key,
      s3ObjectVersion: code.versionId,
      sourceCodeHash: createHash("sha256").update(archive).digest("base64"),
      timeout: 60,
      memorySize: 128,
      kmsKeyArn: props.kmsKeyArn,
      tracingConfig: { mode: "PassThrough" },
      environment: {
        variables: { PREFIXES: prefixes.join(","), KMS_KEY_ARN: props.kmsKeyArn, RETENTION_DAYS: String(props.retentionDays) },
      },
      provider,
      tags: { Name: props.name },
      dependsOn: [logs],
    });
    const schedule = new CloudwatchEventRule(this, "schedule", {
      name: props.name,
      description: "Runs the log group sweeper",
      scheduleExpression: props.schedule ?? "rate(15 minutes)",
      provider,
      tags: { Name: props.name },
    });
    new CloudwatchEventTarget(this, "target", { rule: schedule.name, arn: this.fn.arn, provider });
    new LambdaPermission(this, "invoke", {
      statementId: "EventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.fn.functionName,
      principal: "events.amazonaws.com",
      sourceArn: schedule.arn,
      provider,
    });
  }
}
