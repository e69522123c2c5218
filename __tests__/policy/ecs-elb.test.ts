import { ecsElbCases } from "./cases/ecs-elb";
import { runCases } from "./harness";

runCases("ECS and load balancer rules (the Fargate engine)", ecsElbCases);
