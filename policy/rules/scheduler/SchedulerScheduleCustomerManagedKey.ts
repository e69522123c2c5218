import { isSet } from "../../json";
import { Rule } from "../../types";

export const SchedulerScheduleCustomerManagedKey: Rule = {
  id: "RX-SCHED-1",
  name: "SchedulerScheduleCustomerManagedKey",
  level: "error",
  title: "EventBridge Scheduler schedule is not encrypted with a customer-managed key",
  explanation:
    "A schedule stores its target's input (the backup task's network and parameters) at rest; with an AWS-owned key, its use does not show in CloudTrail under our key policy (HIPAA 164.312(a)(2)(iv)).",
  fix: "Set kms_key_arn to the region's key and allow the schedule's role kms:Decrypt on it.",
  mirrors: ["CKV_AWS_297"],
  appliesTo: ["aws_scheduler_schedule"],
  evaluate: (schedule) => (isSet(schedule.config.kms_key_arn) ? undefined : "kms_key_arn is not set"),
};
