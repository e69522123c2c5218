import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Fn, TerraformIterator } from "cdktf";
import { Construct } from "constructs";
import { ProjectStack, ProjectStackProps } from "./base";
import { CertificatesStack } from "./certificates";

export interface CertificatesDnsStackProps extends ProjectStackProps {
  readonly certificates: CertificatesStack;
}

/**
 * Fargate only: the ACM validation records in Cloudflare, read from the certificates stack's state
 * (known values, so for_each works). DNS-only and never deleted: ACM renews against them.
 */
export class CertificatesDnsStack extends ProjectStack {
  constructor(scope: Construct, name: string, props: CertificatesDnsStackProps) {
    super(scope, name, props);
    new CloudflareProvider(this, "cloudflare", {});
    acmValidationRecords(
      this,
      "validation",
      props.certificates.certificate,
      props.settings.deployment.cloudflareZoneId,
      "ACM validation of the API certificate: never delete",
    );
  }
}

/**
 * A certificate's ACM validation records in Cloudflare, one per domain, read from the certificate's
 * state (known values, so for_each works). DNS-only and never deleted: ACM renews against them.
 */
export function acmValidationRecords(
  scope: Construct,
  id: string,
  certificate: AcmCertificate,
  zoneId: string,
  comment: string,
): DnsRecord {
  const records = TerraformIterator.fromComplexList(certificate.domainValidationOptions, "domain_name");
  return new DnsRecord(scope, id, {
    forEach: records,
    zoneId,
    name: Fn.trimsuffix(records.getString("resource_record_name"), "."),
    type: records.getString("resource_record_type"),
    content: Fn.trimsuffix(records.getString("resource_record_value"), "."),
    proxied: false,
    ttl: 1,
    comment,
    lifecycle: { preventDestroy: true },
  });
}
