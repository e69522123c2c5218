import { block, isTrue } from "../../json";
import { Rule } from "../../types";

export const ECSServiceCircuitBreaker: Rule = {
  id: "RX-ECS-3",
  name: "ECSServiceCircuitBreaker",
  level: "error",
  title: "ECS service deploys without the circuit breaker and rollback",
  explanation:
    "A broken image would otherwise keep replacing healthy tasks; the circuit breaker stops the deployment and rolls back to the last working one.",
  fix: "Set deployment_circuit_breaker { enable = true, rollback = true }.",
  mirrors: [],
  appliesTo: ["aws_ecs_service"],
  evaluate: (s) => {
    const cb = block(s.config.deployment_circuit_breaker);
    return isTrue(cb.enable) && isTrue(cb.rollback) ? undefined : "deployment_circuit_breaker is not enabled with rollback";
  },
};
