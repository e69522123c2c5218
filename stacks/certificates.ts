import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { Construct } from "constructs";
import { BaseStack, BaseStackProps } from "./base";

export interface CertificatesStackProps extends BaseStackProps {
  /** Hostnames the ALB serves (the first is the certificate's name, the rest its SANs). */
  readonly hostnames: readonly string[];
}

/**
 * Fargate only: the ALB's ACM certificate, DNS-validated. Its own stack so the validation records
 * (certificates-dns, Cloudflare) exist before the compute stack waits for the certificate.
 */
export class CertificatesStack extends BaseStack {
  readonly certificate: AcmCertificate;

  constructor(scope: Construct, name: string, props: CertificatesStackProps) {
    super(scope, name, props);
    const [domainName, ...sans] = props.hostnames;
    this.certificate = new AcmCertificate(this, "api", {
      domainName,
      subjectAlternativeNames: sans,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      tags: { Name: domainName },
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
