// CloudWatch Synthetics canary (Node.js runtime): "> N consecutive failed health checks". One run
// probes the service's health URL up to PROBES times, SPACING_SECONDS apart, with Cloudflare's
// origin header (the service's WAF admits nothing else); the run fails, and the alarm on its
// SuccessPercent fires, only when every probe of the run failed. A healthy first probe ends the run.
// Generated into the canary's code archive by modules/canary.ts; tested in __tests__/compute-observability.test.ts.
"use strict";

const https = require("https");

/** One GET; resolves to undefined when healthy (2xx), else to what went wrong. */
function probe(url, headers, timeoutMs) {
  return new Promise((resolve) => {
    const req = https.get(url, { headers, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode >= 200 && res.statusCode < 300 ? undefined : `HTTP ${res.statusCode}`);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e) => resolve(e.message));
  });
}

/** The consecutive-failure rule, apart from I/O: returns the failures, or [] once a probe passes. */
async function probeUntilHealthy({ probes, spacingMs, check, sleep, log }) {
  const failures = [];
  for (let i = 1; i <= probes; i++) {
    if (i > 1) await sleep(spacingMs);
    const failure = await check();
    if (failure === undefined) {
      log(`probe ${i}: healthy`);
      return [];
    }
    log(`probe ${i}: ${failure}`);
    failures.push(failure);
  }
  return failures;
}

async function originHeaderValue(secretArn, region) {
  // The AWS SDK v3 ships with the Synthetics Node.js runtimes.
  const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");
  const out = await new SecretsManagerClient({ region }).send(new GetSecretValueCommand({ SecretId: secretArn }));
  return out.SecretString;
}

async function handler() {
  const env = process.env;
  const url = env.TARGET_URL;
  const probes = Number(env.PROBES);
  const headers = {
    "user-agent": "restartix-health-canary",
    [env.ORIGIN_HEADER]: await originHeaderValue(env.ORIGIN_SECRET_ARN, env.ORIGIN_SECRET_REGION),
  };
  let log = console.log;
  try {
    log = require("SyntheticsLogger").info;
  } catch {
    // Outside the Synthetics runtime (tests): console.
  }
  const failures = await probeUntilHealthy({
    probes,
    spacingMs: Number(env.SPACING_SECONDS) * 1000,
    check: () => probe(url, headers, Number(env.TIMEOUT_SECONDS) * 1000),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    log: (m) => log(m),
  });
  if (failures.length) throw new Error(`${probes} consecutive failed health checks of ${url}: ${failures.join("; ")}`);
  return "healthy";
}

module.exports = { handler, probeUntilHealthy, probe };
