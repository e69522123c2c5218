import { blocks } from "../../json";
import { Rule } from "../../types";

/** TLS 1.2+ listener policies (the TLS13-1-2 and FS-1-2 families). */
const MODERN_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|FS-1-2|TLS-1-2)/;

export const ALBListenerHttpsOnly: Rule = {
  id: "RX-ELB-4",
  name: "ALBListenerHttpsOnly",
  level: "error",
  title: "Load balancer listener serves plain HTTP or old TLS",
  explanation: "Patient data must be encrypted in transit: a listener either terminates TLS 1.2+ or only redirects to HTTPS.",
  fix: 'Use protocol = "HTTPS" with ssl_policy ELBSecurityPolicy-TLS13-1-2-2021-06, or make the HTTP listener\'s default action a redirect to HTTPS.',
  mirrors: ["CKV_AWS_2", "CKV_AWS_103", "ELB.1"],
  appliesTo: ["aws_lb_listener"],
  evaluate: (l) => {
    const protocol = l.config.protocol ?? "HTTP";
    if (protocol === "HTTPS" || protocol === "TLS") {
      return MODERN_POLICY.test(String(l.config.ssl_policy ?? ""))
        ? undefined
        : `ssl_policy ${JSON.stringify(l.config.ssl_policy ?? "default")} allows TLS below 1.2`;
    }
    const actions = blocks(l.config.default_action);
    const redirects = actions.length > 0 && actions.every((a) => a.type === "redirect" && blocks(a.redirect)[0]?.protocol === "HTTPS");
    return redirects ? undefined : `${protocol} listener does not only redirect to HTTPS`;
  },
};
