import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { PolicyStatement, policyDocument, serviceTrust } from "../lib/iam";

export interface ServiceRoleProps {
  readonly name: string;
  readonly description: string;
  /**
   * Service principal(s) allowed to assume the role, e.g. tasks.apprunner.amazonaws.com.
   * @default - none: required unless `trustPolicy` is given (the constructor throws without either)
   */
  readonly service?: string | readonly string[];
  /** A complete trust policy (built with `policyDocument`); overrides `service`. @default - a trust policy for `service` */
  readonly trustPolicy?: string;
  /**
   * Permissions, as a customer-managed policy (no inline policies: cdk-nag IAMNoInlinePolicy).
   * @default - no policy of its own
   */
  readonly statements?: readonly PolicyStatement[];
  /** AWS-managed policies to attach (by ARN). @default - none */
  readonly managedPolicyArns?: readonly string[];
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** An IAM role for one AWS service with exactly the permissions it lists. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly arn: string;
  readonly name: string;
  /** The role's policy attachments: a service that runs as the role depends on them (App Runner). */
  readonly attachments: IamRolePolicyAttachment[] = [];

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (!props.trustPolicy && !props.service) {
      throw new Error(`ServiceRole ${props.name}: give a service principal or a trust policy`);
    }
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description,
      assumeRolePolicy: props.trustPolicy ?? serviceTrust(this, "trust-policy", props.service!, undefined, props.provider),
      maxSessionDuration: 3600,
      provider: props.provider,
      tags: { Name: props.name },
    });
    this.arn = this.role.arn;
    this.name = this.role.name;
    if (props.statements && props.statements.length > 0) {
      const policy = new IamPolicy(this, "policy", {
        name: props.name,
        description: `Permissions of ${props.name}`,
        policy: policyDocument(this, "permissions", props.statements, props.provider),
        provider: props.provider,
        tags: { Name: props.name },
      });
      this.attachments.push(
        new IamRolePolicyAttachment(this, "attach", { role: this.role.name, policyArn: policy.arn, provider: props.provider }),
      );
    }
    (props.managedPolicyArns ?? []).forEach((arn, i) =>
      this.attachments.push(
        new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn, provider: props.provider }),
      ),
    );
  }
}
