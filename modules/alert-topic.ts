import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { accountRoot, policyDocument } from "../lib/iam";

export interface AlertTopicProps {
  readonly name: string;
  readonly email: string;
  readonly kmsKeyArn: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * restartix-alerts: an encrypted SNS topic with the on-call address subscribed (confirm the email
 * once). Its policy lets the account (through IAM), CloudWatch alarms and EventBridge rules of this
 * account publish; the key policy lets the same two services use the key.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "topic", {
      name: props.name,
      kmsMasterKeyId: props.kmsKeyArn,
      provider: props.provider,
      tags: { Name: props.name },
    });
    this.arn = this.topic.arn;
    const account = { StringEquals: { "aws:SourceAccount": this.topic.owner } };
    new SnsTopicPolicy(this, "policy", {
      arn: this.topic.arn,
      policy: policyDocument(
        this,
        "policy-document",
        [
          {
            Sid: "AccountUsesThroughIam",
            Effect: "Allow",
            Principal: { AWS: accountRoot(this.topic.owner) },
            Action: ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"],
            Resource: this.topic.arn,
          },
          {
            Sid: "CloudWatchAlarms",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: account,
          },
          {
            Sid: "EventBridgeRules",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: account,
          },
        ],
        props.provider,
      ),
      provider: props.provider,
    });
    new SnsTopicSubscription(this, "email", {
      topicArn: this.topic.arn,
      protocol: "email",
      endpoint: props.email,
      provider: props.provider,
    });
  }
}
