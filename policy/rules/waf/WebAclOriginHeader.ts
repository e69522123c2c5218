import { blocks, isExpression } from "../../json";
import { Rule } from "../../types";

/** An allow rule that byte-matches one header exactly: what the origin guard is built from. */
function originHeaderRules(acl: Record<string, any>): Record<string, any>[] {
  return blocks(acl.rule).filter((rule) => {
    const allow = blocks(rule.action).some((a) => a.allow !== undefined);
    const match = blocks(rule.statement).flatMap((s) => blocks(s.byte_match_statement))[0];
    const header = match && blocks(match.field_to_match).flatMap((f) => blocks(f.single_header))[0];
    return allow && header && match.positional_constraint === "EXACTLY";
  });
}

export const WebAclOriginHeader: Rule = {
  id: "RX-WAF-2",
  name: "WebAclOriginHeader",
  level: "error",
  title: "Origin guard web ACL does not require the secret origin header",
  explanation:
    "The regional web ACL is what keeps the services' public endpoints behind Cloudflare: it must block by default and admit a request only when it carries the header Cloudflare adds, whose value is a reference to the generated secret (a literal value in the JSON would be in the repository).",
  fix: 'Use default_action { block {} } and an allow rule with byte_match_statement { field_to_match { single_header { name = "x-origin-verify" } }, positional_constraint = "EXACTLY", search_string = <reference to the secret> } (modules/waf.ts OriginGuardAcl).',
  mirrors: [],
  appliesTo: ["aws_wafv2_web_acl"],
  evaluate: (acl) => {
    if (acl.config.scope !== "REGIONAL") return undefined;
    const problems: string[] = [];
    if (!blocks(acl.config.default_action).some((a) => a.block !== undefined)) problems.push("default_action does not block");
    const rules = originHeaderRules(acl.config);
    if (rules.length === 0) problems.push("no allow rule matching a single header exactly");
    for (const rule of rules) {
      const value = blocks(blocks(rule.statement)[0].byte_match_statement)[0].search_string;
      if (!isExpression(value))
        problems.push(`rule ${JSON.stringify(rule.name)} compares the header with a literal value (the secret would be in the JSON)`);
    }
    return problems;
  },
};
