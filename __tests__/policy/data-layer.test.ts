import { dataLayerCases } from "./cases/data-layer";
import { runCases } from "./harness";

runCases("data layer rules (RDS log groups, replica keys, patient-file replication, schedule encryption)", dataLayerCases);
