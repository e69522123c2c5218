import { block, isSet } from "../../json";
import { Rule } from "../../types";

export const AppRunnerCustomerManagedKey: Rule = {
  id: "RX-AR-1",
  name: "AppRunnerCustomerManagedKey",
  level: "error",
  title: "App Runner service is not encrypted with a customer-managed key",
  explanation:
    "App Runner stores the service's configuration and image copy; with our key they fall under our key policy. It can only be set at creation. No public rule set covers App Runner.",
  fix: "Set encryption_configuration { kms_key = <the region's key> }.",
  mirrors: [],
  appliesTo: ["aws_apprunner_service"],
  evaluate: (svc) =>
    isSet(block(svc.config.encryption_configuration).kms_key) ? undefined : "encryption_configuration.kms_key is not set",
};
