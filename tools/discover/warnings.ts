import { DeploymentInputs } from "../../config/deployment";

/**
 * Warnings `npm start` prints about the deployment inputs: a deploy would do something the user
 * probably does not want, but it is not invalid.
 */
export function deploymentWarnings(d: Pick<DeploymentInputs, "existingPlatform" | "adoption" | "zoneWideTls">): string[] {
  const out: string[] = [];
  const a = d.adoption;
  const adopted = [...Object.values(a.records), ...Object.values(a.rulesets), a.githubOidcProviderArn, ...a.uploadsSettings].filter(
    (v) => v !== undefined && v !== "",
  );
  if (d.existingPlatform && adopted.length === 0) {
    out.push(
      "existing_platform = true, but no adoption input is set: the first deploy would try to create the api./telemetry. records and the zone's WAF rulesets " +
        "(Cloudflare refuses: 81053, 20217) and overwrite the uploads bucket's settings. Run npm run discover and paste its lines into deployment.tfvars " +
        "(docs/adoption.md), or set existing_platform = false for a new zone and account.",
    );
  }
  if (d.zoneWideTls) {
    out.push(
      "zone_wide_tls = true: SSL Full (strict), minimum TLS 1.2 and Always Use HTTPS apply to every hostname of the zone, not only the API's: " +
        "any other site in the zone without a valid origin certificate stops working. Leave it false to scope them to the API hostnames.",
    );
  }
  return out;
}
