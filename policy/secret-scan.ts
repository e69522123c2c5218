/**
 * Secret shapes in synthesized JSON. A hit names where the secret sits and what kind it is, never
 * the value: the scanner's output goes to terminals, CI logs and SARIF files.
 */

export interface SecretHit {
  /** Where in the JSON: the block's address, then keys and [indexes] (provider.aws[0].secret_key). */
  readonly path: string;
  readonly kind: string;
}

const NOT_A_VALUE = /^(\$\{|\$\$\{|<.*>$|\*+$|x+$)/i;

/** Patterns on string values. Each is specific enough to report on its own. */
const VALUE_PATTERNS: readonly { kind: string; pattern: RegExp; group?: number }[] = [
  { kind: "AWS access key ID", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
  { kind: "private key (PEM)", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/ },
  { kind: "live API secret key (sk_live_/rk_live_)", pattern: /\b[rs]k_live_[0-9A-Za-z]{16,}/ },
  { kind: "webhook signing secret (whsec_)", pattern: /\bwhsec_[0-9A-Za-z+/=]{16,}/ },
  { kind: "GitHub token", pattern: /\b(?:gh[pousr]_[0-9A-Za-z]{36,}|github_pat_[0-9A-Za-z_]{22,})/ },
  { kind: "Slack webhook URL", pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{8,}/ },
  { kind: "Slack token", pattern: /\bxox[abprs]-[0-9A-Za-z-]{10,}/ },
  { kind: "connection string with a password", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/]+)@\S/i, group: 1 },
  { kind: "password assignment", pattern: /\b(?:password|passwd|pwd)\s*=\s*([^\s&;,'"]{4,})/i, group: 1 },
];

// Cheap first pass: most strings match none of these and skip the patterns above.
const MAYBE = /AKIA|ASIA|ABIA|ACCA|PRIVATE KEY|_live_|whsec_|gh[pousr]_|github_pat_|hooks\.slack|xox[abprs]-|:\/\/|passw|pwd/i;

/** Attribute names that hold a credential: a literal value under one is a secret in the code. */
const CREDENTIAL_KEY =
  /(^|_)(password|passwd|secret|token|api_?key|private_?key|secret_?key|access_?key|client_?secret|auth_?token|secret_?string|plaintext_?value)$/i;

function literalCredential(value: string): boolean {
  return (
    value.length >= 6 &&
    !NOT_A_VALUE.test(value) &&
    !value.includes("${") &&
    !value.startsWith("arn:") &&
    value !== "true" &&
    value !== "false"
  );
}

function scanString(value: string, path: string, key: string | undefined, hits: SecretHit[]): void {
  if (MAYBE.test(value)) {
    for (const { kind, pattern, group } of VALUE_PATTERNS) {
      const m = pattern.exec(value);
      if (m && (group === undefined || !NOT_A_VALUE.test(m[group]))) hits.push({ path, kind });
    }
  }
  if (key !== undefined && CREDENTIAL_KEY.test(key) && literalCredential(value) && !hits.some((h) => h.path === path)) {
    hits.push({ path, kind: `literal value of credential attribute "${key}"` });
  }
}

/** Every secret-shaped string under `value`; `//` metadata (construct paths, stack traces) is skipped. */
export function scanForSecrets(value: unknown, path: string): SecretHit[] {
  const hits: SecretHit[] = [];
  const walk = (v: unknown, p: string, key: string | undefined): void => {
    if (typeof v === "string") scanString(v, p, key, hits);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}[${i}]`, key));
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) if (k !== "//") walk(x, `${p}.${k}`, k);
    }
  };
  walk(value, path, undefined);
  return hits;
}
