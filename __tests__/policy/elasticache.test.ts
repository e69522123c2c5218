import { elasticacheCases } from "./cases/elasticache";
import { runCases } from "./harness";

runCases("ElastiCache rules", elasticacheCases);
