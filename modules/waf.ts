import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Wafv2IpSet } from "@cdktf/provider-aws/lib/wafv2-ip-set";
import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface OriginGuardAclProps {
  /** Web ACL name (also the prefix of its metrics). */
  readonly name: string;
  /** Header Cloudflare adds to every request it forwards (X-Origin-Verify). */
  readonly headerName: string;
  /** The header's value: a reference to the generated secret, never a literal. */
  readonly headerValue: string;
  /**
   * Route 53 health checkers cannot send a header: admit their published ranges, on this path only.
   * @default - no exception (the canary probe sends the header)
   */
  readonly healthCheckers?: { readonly cidrs: readonly string[]; readonly path: string };
  /** Where blocked requests are logged: a log group encrypted with the region's key, kept this long. */
  readonly logs: { readonly kmsKeyArn: string; readonly retentionDays: number };
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** WAF logs to CloudWatch Logs only into groups whose name starts so (AWS WAF developer guide, "CloudWatch Logs"). */
export const WAF_LOG_PREFIX = "aws-waf-logs-";

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/** A byte match on a single header or the URI path (Terraform JSON: `statement` is free-form in the bindings). */
function exactMatch(field: { readonly header: string } | { readonly uriPath: true }, value: string): Record<string, unknown> {
  return {
    byte_match_statement: {
      positional_constraint: "EXACTLY",
      search_string: value,
      // WAF compares header names case-insensitively; the value is compared as sent.
      field_to_match: "header" in field ? { single_header: { name: field.header.toLowerCase() } } : { uri_path: {} },
      text_transformation: [{ priority: 0, type: "NONE" }],
    },
  };
}

/**
 * One REGIONAL AWS WAF web ACL per region that every App Runner service (and the Fargate ALB) of
 * the region is associated with: it blocks everything except requests carrying the secret origin
 * header Cloudflare adds, so the services' public default domains (*.awsapprunner.com, the ALB's
 * DNS name) no longer bypass Cloudflare's WAF, OWASP rules and rate limits. With the Route 53
 * health probe, the checkers' ranges may also GET the health path (nothing else).
 */
export class OriginGuardAcl extends Construct {
  readonly acl: Wafv2WebAcl;
  readonly arn: string;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: OriginGuardAclProps) {
    super(scope, id);
    const { provider } = props;
    const rules: Wafv2WebAclRule[] = [
      {
        name: "cloudflare-origin-header",
        priority: 0,
        action: { allow: {} },
        statement: exactMatch({ header: props.headerName }, props.headerValue),
        visibilityConfig: visibility(`${props.name}-origin-header`),
      },
    ];
    if (props.healthCheckers) {
      const checkers = new Wafv2IpSet(this, "health-checkers", {
        name: `${props.name}-route53-health-checkers`,
        description: "Route 53 health checkers (ip-ranges.json ROUTE53_HEALTHCHECKS)",
        scope: "REGIONAL",
        ipAddressVersion: "IPV4",
        addresses: [...props.healthCheckers.cidrs],
        provider,
        tags: { Name: `${props.name}-route53-health-checkers` },
      });
      rules.push({
        name: "route53-health-checkers",
        priority: 1,
        action: { allow: {} },
        statement: {
          and_statement: {
            statement: [{ ip_set_reference_statement: { arn: checkers.arn } }, exactMatch({ uriPath: true }, props.healthCheckers.path)],
          },
        },
        visibilityConfig: visibility(`${props.name}-health-checkers`),
      });
    }
    this.acl = new Wafv2WebAcl(this, "acl", {
      name: props.name,
      description: `Admits only requests that carry Cloudflare's ${props.headerName} header${props.healthCheckers ? " (and Route 53 health checks of the health path)" : ""}`,
      scope: "REGIONAL",
      defaultAction: { block: { customResponse: { responseCode: 403 } } },
      rule: rules,
      visibilityConfig: visibility(props.name),
      // The header's value is the key to the origins: WAF replaces it before any data leaves the
      // web ACL, in logs and in sampled requests alike (a logging configuration's redacted_fields
      // does not reach sampled requests: AWS WAF API reference, LoggingConfiguration.RedactedFields).
      dataProtectionConfig: {
        dataProtection: [{ action: "SUBSTITUTION", field: { fieldType: "SINGLE_HEADER", fieldKeys: [props.headerName.toLowerCase()] } }],
      },
      provider,
      tags: { Name: props.name },
    });
    this.arn = this.acl.arn;

    // Blocked requests only (someone reaching the origin around Cloudflare): admitted requests are
    // Cloudflare's traffic, already logged there, and each would carry the header.
    const logName = `${WAF_LOG_PREFIX}${props.name}`;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: logName,
      retentionInDays: props.logs.retentionDays,
      kmsKeyId: props.logs.kmsKeyArn,
      provider,
      tags: { Name: logName },
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.acl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      // Also redacted here: a record of a blocked request may carry an old value during a rotation.
      redactedFields: [{ singleHeader: { name: props.headerName.toLowerCase() } }],
      loggingFilter: {
        defaultBehavior: "DROP",
        filter: [{ behavior: "KEEP", requirement: "MEETS_ANY", condition: [{ actionCondition: { action: "BLOCK" } }] }],
      },
      provider,
    });
  }
}

/** Associates a web ACL with an App Runner service or an ALB (same region). */
export function guard(
  scope: Construct,
  id: string,
  resourceArn: string,
  webAclArn: string,
  provider?: TerraformProvider,
): Wafv2WebAclAssociation {
  return new Wafv2WebAclAssociation(scope, id, { resourceArn, webAclArn, provider });
}
