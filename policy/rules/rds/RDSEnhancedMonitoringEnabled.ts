import { isSet, num, show } from "../../json";
import { Rule } from "../../types";

const INTERVALS = [1, 5, 10, 15, 30, 60];

export const RDSEnhancedMonitoringEnabled: Rule = {
  id: "RX-RDS-5",
  name: "RDSEnhancedMonitoringEnabled",
  level: "error",
  title: "RDS instance has no Enhanced Monitoring",
  explanation:
    "Enhanced Monitoring gives OS-level metrics (memory, swap, processes) that CloudWatch's hypervisor view lacks. The provider default (0) turns it off.",
  fix: `Set monitoring_interval to one of ${INTERVALS.join(", ")} and monitoring_role_arn to the Enhanced Monitoring role.`,
  mirrors: ["CKV_AWS_118", "HIPAA.Security-RDSEnhancedMonitoringEnabled", "RDS.6"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => {
    const interval = num(db.config.monitoring_interval);
    if (interval === undefined || !INTERVALS.includes(interval)) return `monitoring_interval is ${show(db.config.monitoring_interval)}`;
    return isSet(db.config.monitoring_role_arn) ? undefined : "monitoring_role_arn is not set";
  },
};
