import { phaseConfig } from "../phases";
import { WAF_LOG_PREFIX } from "../modules/waf";
import { only, resources, stack, synth } from "./helpers";

/**
 * The origin guard's web ACL logs (issue 20 item 22, CKV2_AWS_31) without giving away the origin
 * header (item 13): blocked requests only, the header redacted in the logging configuration and
 * replaced by the web ACL's data protection (which also covers sampled requests).
 */
describe.each([
  { phase: 1, stackName: "platform", acl: "restartix-origin-guard", region: "eu-central-1" },
  { phase: 4, stackName: "platform-us", acl: "restartix-origin-guard-us", region: "us-east-1" },
])("phase $phase, $stackName", ({ phase, stackName, acl: aclName, region }) => {
  const platform = stack(synth({ phase }), stackName);
  const acl = only(platform, "aws_wafv2_web_acl");
  const group = only(platform, "aws_cloudwatch_log_group");
  const logging = only(platform, "aws_wafv2_web_acl_logging_configuration");

  test("logs to a CloudWatch log group named aws-waf-logs-<acl>, encrypted with the region's key, kept the project's retention", () => {
    expect(acl.name).toBe(aclName);
    expect(group.name).toBe(`${WAF_LOG_PREFIX}${aclName}`);
    expect(group.name.startsWith("aws-waf-logs-")).toBe(true);
    expect(group.retention_in_days).toBe(phaseConfig(phase as 1 | 4).observability.logRetentionDays);
    // The keys stack's key of this region, read from its state.
    expect(group.kms_key_id).toMatch(
      new RegExp(
        `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-keys\\.outputs\\.cross-stack-output-aws_kms_key${region}_key_[0-9A-F]+arn\\}$`,
      ),
    );
    const [[groupName]] = resources(platform, "aws_cloudwatch_log_group");
    const [[aclId]] = resources(platform, "aws_wafv2_web_acl");
    expect(logging).toMatchObject({
      resource_arn: `\${aws_wafv2_web_acl.${aclId}.arn}`,
      log_destination_configs: [`\${aws_cloudwatch_log_group.${groupName}.arn}`],
    });
  });

  test("only blocked requests are logged", () => {
    expect(logging.logging_filter).toEqual({
      default_behavior: "DROP",
      filter: [{ behavior: "KEEP", requirement: "MEETS_ANY", condition: [{ action_condition: { action: "BLOCK" } }] }],
    });
  });

  test("the origin header is redacted in the logs and replaced in logs and sampled requests by data protection", () => {
    expect(logging.redacted_fields).toEqual([{ single_header: { name: "x-origin-verify" } }]);
    expect(acl.data_protection_config).toEqual({
      data_protection: [{ action: "SUBSTITUTION", field: { field_type: "SINGLE_HEADER", field_keys: ["x-origin-verify"] } }],
    });
    // The header the rule matches is the header protected.
    expect(acl.rule[0].statement.byte_match_statement.field_to_match.single_header.name).toBe("x-origin-verify");
  });
});
