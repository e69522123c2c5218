import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { Construct } from "constructs";

export interface LoadBalancerProps {
  readonly name: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  /** An ACM certificate the edge validates in Cloudflare. */
  readonly certificateArn: string;
  readonly sslPolicy: string;
  readonly idleTimeoutSeconds: number;
  readonly accessLogsBucket: string;
  /** Body of the HTTPS listener's default 404 (JSON). @default {"error":"unknown host"} */
  readonly notFoundBody?: string;
}

/**
 * The public ALB in front of the Fargate services: HTTPS only (HTTP answers with a redirect),
 * deletion protection, invalid headers dropped, access logs to S3. The HTTPS listener waits for
 * the certificate to be issued (its validation records are published by the certificates-dns stack).
 */
export class LoadBalancer extends Construct {
  readonly lb: Lb;
  readonly https: LbListener;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.lb = new Lb(this, "alb", {
      name: props.name,
      loadBalancerType: "application",
      internal: false,
      subnets: [...props.subnetIds],
      securityGroups: [props.securityGroupId],
      enableDeletionProtection: true,
      dropInvalidHeaderFields: true,
      idleTimeout: props.idleTimeoutSeconds,
      accessLogs: { bucket: props.accessLogsBucket, prefix: `alb/${props.name}`, enabled: true },
      tags: { Name: props.name },
    });
    const issued = new AcmCertificateValidation(this, "certificate-issued", {
      certificateArn: props.certificateArn,
      timeouts: { create: "45m" },
    });
    this.https = new LbListener(this, "https", {
      loadBalancerArn: this.lb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: props.sslPolicy,
      certificateArn: issued.certificateArn,
      defaultAction: [
        {
          type: "fixed-response",
          fixedResponse: {
            contentType: "application/json",
            messageBody: props.notFoundBody ?? '{"error":"unknown host"}',
            statusCode: "404",
          },
        },
      ],
      tags: { Name: `${props.name}-https` },
    });
    new LbListener(this, "http-redirect", {
      loadBalancerArn: this.lb.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      tags: { Name: `${props.name}-http-redirect` },
    });
  }
}
