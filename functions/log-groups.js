// Lambda (Node.js): App Runner creates its services' log groups itself, /aws/apprunner/<service>/<id>/
// {application,service}, without the customer-managed key and with no retention, under names that
// contain the service id (known only after the service exists); Synthetics does the same for its
// canaries' /aws/lambda/cwsyn-* groups. On a schedule this function gives every such group of its
// region the key and the retention. Tested in __tests__/compute-observability.test.ts.
"use strict";

/** What to change on one log group: [] when it already has the key and the retention. */
function fixesFor(group, { kmsKeyArn, retentionDays }) {
  const fixes = [];
  if (group.retentionInDays !== retentionDays) fixes.push("retention");
  if (group.kmsKeyId !== kmsKeyArn) fixes.push("key");
  return fixes;
}

async function sweep({ prefixes, kmsKeyArn, retentionDays, listGroups, putRetention, associateKey, log }) {
  const fixed = [];
  for (const prefix of prefixes) {
    for await (const group of listGroups(prefix)) {
      const fixes = fixesFor(group, { kmsKeyArn, retentionDays });
      if (fixes.includes("key")) await associateKey(group.logGroupName, kmsKeyArn);
      if (fixes.includes("retention")) await putRetention(group.logGroupName, retentionDays);
      if (fixes.length) {
        log(`${group.logGroupName}: set ${fixes.join(" and ")}`);
        fixed.push(group.logGroupName);
      }
    }
  }
  return fixed;
}

async function handler() {
  const logs = require("@aws-sdk/client-cloudwatch-logs");
  const client = new logs.CloudWatchLogsClient({});
  async function* listGroups(prefix) {
    for await (const page of logs.paginateDescribeLogGroups({ client }, { logGroupNamePrefix: prefix })) yield* page.logGroups ?? [];
  }
  const fixed = await sweep({
    prefixes: process.env.PREFIXES.split(","),
    kmsKeyArn: process.env.KMS_KEY_ARN,
    retentionDays: Number(process.env.RETENTION_DAYS),
    listGroups,
    putRetention: (logGroupName, retentionInDays) => client.send(new logs.PutRetentionPolicyCommand({ logGroupName, retentionInDays })),
    associateKey: (logGroupName, kmsKeyId) => client.send(new logs.AssociateKmsKeyCommand({ logGroupName, kmsKeyId })),
    log: console.log,
  });
  return { fixed: fixed.length };
}

module.exports = { handler, sweep, fixesFor };
