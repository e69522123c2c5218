import { KEY, RuleCase, stack } from "../harness";

/** The shape modules/apprunner-service.ts synthesizes (single blocks as objects). */
const service = {
  service_name: "core-api",
  encryption_configuration: { kms_key: KEY },
  instance_configuration: { cpu: "1024", memory: "2048", instance_role_arn: "${aws_iam_role.instance.arn}" },
  health_check_configuration: { protocol: "HTTP", path: "/health", interval: 10, timeout: 5 },
  network_configuration: {
    egress_configuration: { egress_type: "VPC", vpc_connector_arn: "${aws_apprunner_vpc_connector.c.arn}" },
    ingress_configuration: { is_publicly_accessible: true },
  },
  observability_configuration: {
    observability_enabled: true,
    observability_configuration_arn: "${aws_apprunner_observability_configuration.o.arn}",
  },
};
const A = (name: string) => `aws_apprunner_service.${name}`;
const services = (byName: Record<string, object>) => stack({ aws_apprunner_service: byName });

export const apprunnerCases: RuleCase[] = [
  {
    rule: "RX-AR-1",
    title: "a customer-managed key is required",
    json: services({ pass: service, fail: { ...service, encryption_configuration: undefined } }),
    pass: [A("pass")],
    fail: [A("fail")],
  },
  {
    rule: "RX-AR-2",
    title: "egress through a VPC connector is required",
    json: services({
      pass: service,
      fail: { ...service, network_configuration: { egress_configuration: { egress_type: "DEFAULT" } } },
      fail2: { ...service, network_configuration: { egress_configuration: { egress_type: "VPC" } } },
      fail3: { ...service, network_configuration: undefined },
    }),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2"), A("fail3")],
  },
  {
    rule: "RX-AR-3",
    title: "an instance role is required",
    json: services({ pass: service, fail: { ...service, instance_configuration: { cpu: "1024", memory: "2048" } } }),
    pass: [A("pass")],
    fail: [A("fail")],
  },
  {
    rule: "RX-AR-4",
    title: "an HTTP health check with a path is required",
    json: services({
      pass: service,
      fail: { ...service, health_check_configuration: undefined },
      fail2: { ...service, health_check_configuration: { protocol: "TCP" } },
    }),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
  {
    rule: "RX-AR-5",
    title: "observability on with a configuration is required",
    json: services({
      pass: service,
      fail: { ...service, observability_configuration: { observability_enabled: false } },
      fail2: { ...service, observability_configuration: { observability_enabled: true } },
    }),
    pass: [A("pass")],
    fail: [A("fail"), A("fail2")],
  },
];
