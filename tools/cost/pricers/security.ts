import { Pricer } from "../context";

/** KMS keys, Secrets Manager secrets, SSM parameters, AWS WAF. */

const kmsKey: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "KMS",
    component: "customer managed key",
    quantity: 1,
    unit: "key-month",
    priceKey: "kms.keyMonth",
    why: "each customer managed key bills $1/month; the document counts none",
  }),
  ctx.item(r, {
    service: "KMS",
    component: "requests",
    quantity: ctx.usage.kmsRequestsPerKeyMonth / 10_000,
    unit: "10k requests",
    priceKey: "kms.requests10k",
    freeTier: "kms.requests",
  }),
];

const secret: Pricer = (r, ctx) => {
  const replicas = Array.isArray(r.config.replica) ? (r.config.replica as any[]) : [];
  return [
    ctx.item(r, {
      service: "Secrets Manager",
      component: "secret",
      quantity: 1,
      unit: "secret-month",
      priceKey: "secretsmanager.secretMonth",
    }),
    ...replicas.map((rep) =>
      ctx.item(r, {
        service: "Secrets Manager",
        component: `replica secret in ${rep.region}`,
        quantity: 1,
        unit: "secret-month",
        priceKey: "secretsmanager.secretMonth",
        region: String(rep.region),
      }),
    ),
    ctx.item(r, {
      service: "Secrets Manager",
      component: "API calls",
      quantity: ctx.usage.secretsApiCallsPerSecretMonth / 10_000,
      unit: "10k calls",
      priceKey: "secretsmanager.apiCalls10k",
    }),
  ];
};

const webAcl: Pricer = (r, ctx) => {
  const rules = Array.isArray(r.config.rule) ? r.config.rule.length : 0;
  return [
    ctx.item(r, { service: "WAF", component: "web ACL", quantity: 1, unit: "ACL-month", priceKey: "wafv2.webAclMonth" }),
    ctx.item(r, { service: "WAF", component: "rules", quantity: rules, unit: "rule-month", priceKey: "wafv2.ruleMonth" }),
    ctx.item(r, {
      service: "WAF",
      component: "requests inspected",
      quantity: ctx.usage.wafRequestsPerAclMonth / 1e6,
      unit: "million requests",
      priceKey: "wafv2.requestsMillion",
      why: "one web ACL per region guards every service there; one per service would add $5 + $1 a rule each",
    }),
  ];
};

const parameter: Pricer = (r, ctx) => {
  const advanced = r.config.tier === "Advanced" || r.config.tier === "Intelligent-Tiering";
  return [
    ctx.item(r, {
      service: "SSM Parameter Store",
      component: advanced ? "advanced parameter" : "standard parameter (no charge)",
      quantity: 1,
      unit: "parameter-month",
      priceKey: "ssm.advancedParameterMonth",
      priceFactor: advanced ? 1 : 0,
    }),
  ];
};

export const securityPricers: Readonly<Record<string, Pricer>> = {
  aws_kms_key: kmsKey,
  aws_kms_replica_key: kmsKey,
  aws_secretsmanager_secret: secret,
  aws_wafv2_web_acl: webAcl,
  aws_ssm_parameter: parameter,
};
