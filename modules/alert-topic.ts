import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface AlertTopicProps {
  readonly name: string;
  readonly email: string;
  readonly kmsKeyArn: string;
  readonly provider?: TerraformProvider;
}

/** restartix-alerts: an encrypted SNS topic with the on-call address subscribed (confirm the email once). */
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
    new SnsTopicSubscription(this, "email", {
      topicArn: this.topic.arn,
      protocol: "email",
      endpoint: props.email,
      provider: props.provider,
    });
  }
}
