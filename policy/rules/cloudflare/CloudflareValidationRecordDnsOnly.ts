import { Rule } from "../../types";
import { DNS_TYPES, isProxied, isValidationRecord } from "./common";

export const CloudflareValidationRecordDnsOnly: Rule = {
  id: "RX-CF-2",
  name: "CloudflareValidationRecordDnsOnly",
  level: "error",
  title: "Certificate validation record is proxied",
  explanation:
    "ACM and App Runner validate (and later renew) certificates by resolving these _-prefixed records; proxied, they answer with Cloudflare's addresses and renewal silently fails.",
  fix: 'Set proxied = false on validation records (names starting with "_").',
  mirrors: [],
  appliesTo: DNS_TYPES,
  evaluate: (r) => (isValidationRecord(r) && isProxied(r) ? `validation record ${JSON.stringify(r.config.name)} is proxied` : undefined),
};
