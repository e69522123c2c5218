import { phaseConfig } from "../phases";
import { USAGE } from "../phases/usage";
import { estimateMonthlyCost } from "../tools/cost/estimate";
import { loadPriceTable, unitPrice } from "../tools/cost/price-table";
import { stack, synth } from "./helpers";

/**
 * The data layer's new billable resources appear in `npm run cost` with their quantities and the
 * price table's unit prices: the uploads replica (storage class and region of the replica),
 * replication transfer and metrics, the dump alarms' custom metric, the dead-letter queue, and ECR
 * replication of the service repositories only.
 */
const prices = loadPriceTable();
// No free tier: every quantity shows at its list price.
const table = { ...prices, freeTier: {} };
const itemsOf = (phase: 1 | 4, stackName: string) =>
  estimateMonthlyCost([stack(synth({ phase }), stackName)], { phase: phaseConfig(phase) }, { prices: table }).byStack[0].items;

describe("cost of the data layer's additions", () => {
  test("the uploads replica: STANDARD_IA storage in eu-west-1 for what the uploads bucket holds", () => {
    const replica = itemsOf(1, "storage").find((i) => i.name === "restartix-uploads-prod-replica-123456789012")!;
    expect(replica).toMatchObject({ component: "STANDARD_IA storage", quantity: 500, region: "eu-west-1" });
    expect(replica.unitPriceUsd).toBe(unitPrice(prices, "s3.storageGbMonth", "eu-west-1", "STANDARD_IA"));
    expect(replica.monthlyUsd).toBeCloseTo(500 * replica.unitPriceUsd, 2);
  });

  test("replication: new uploads cross regions each month; the rule's four metrics bill as custom metrics", () => {
    const items = itemsOf(1, "storage").filter((i) => i.type === "aws_s3_bucket_replication_configuration");
    const transfer = items.find((i) => i.service === "Inter-region transfer")!;
    expect(transfer).toMatchObject({
      quantity: 25,
      region: "eu-central-1",
      unitPriceUsd: unitPrice(prices, "transfer.interRegionGb", "eu-central-1"),
    });
    const metrics = items.find((i) => i.service === "CloudWatch")!;
    expect(metrics).toMatchObject({ quantity: 4, unitPriceUsd: unitPrice(prices, "cloudwatch.customMetricMonth", "eu-central-1") });
  });

  test("the dump alarms: two alarms, the script's custom metric, an idle dead-letter queue", () => {
    const items = itemsOf(1, "backups");
    const job = items.filter((i) => i.address.includes(".job_"));
    expect(job.filter((i) => i.type === "aws_cloudwatch_metric_alarm" && i.component.startsWith("alarm"))).toHaveLength(2);
    expect(items.find((i) => i.component === "custom metric RestartiX/Backups/DumpsCompleted")).toMatchObject({
      quantity: 1,
      unitPriceUsd: 0.3,
    });
    const queue = job.find((i) => i.type === "aws_sqs_queue")!;
    expect(queue).toMatchObject({
      service: "SQS",
      quantity: USAGE[1].sqsRequestsPerQueueMonth / 1e6,
      unitPriceUsd: unitPrice(prices, "sqs.requestsMillion", "eu-central-1"),
    });
  });

  test("the credential rotations: one alarm, one monthly run each, on Fargate; an idle dead-letter queue", () => {
    const items = itemsOf(1, "backups");
    for (const prefix of ["db-rotation_", "backup-db-rotation_"]) {
      const own = items.filter((i) => i.address.includes(`.${prefix}`));
      expect(own.filter((i) => i.type === "aws_cloudwatch_metric_alarm").map((i) => i.monthlyUsd)).toEqual([0.1]);
      const schedule = own.filter((i) => i.type === "aws_scheduler_schedule");
      expect(schedule.find((i) => i.service === "EventBridge Scheduler")!.component).toBe("invocations (cron(30 4 1 * ? *))");
      expect(schedule.find((i) => i.service === "EventBridge Scheduler")!.quantity).toBeCloseTo(1 / 1e6, 9);
      expect(schedule.filter((i) => i.component.includes("scheduled task (1.0 runs")).length).toBeGreaterThan(0);
      expect(own.filter((i) => i.type === "aws_sqs_queue")).toHaveLength(1);
    }
  });

  test("phase 4: ECR replication copies the two service repositories, not the backup job's", () => {
    const ecr = itemsOf(4, "registry").find((i) => i.type === "aws_ecr_replication_configuration" && i.service === "ECR")!;
    expect(ecr.component).toBe("replicated image storage (2 repositories)");
    expect(ecr.quantity).toBeCloseTo(2 * USAGE[4].ecrGbPerRepository, 5);
  });
});
