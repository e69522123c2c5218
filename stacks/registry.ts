import { EcrReplicationConfiguration } from "@cdktf/provider-aws/lib/ecr-replication-configuration";
import { Construct } from "constructs";
import { imagePullRole } from "../modules/app-roles";
import { ImageRepository } from "../modules/ecr-repository";
import { ServiceRole } from "../modules/service-role";
import { ServiceKey } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";
import { KeysStack } from "./keys";

export interface RegistryStackProps extends BaseStackProps {
  readonly keys: KeysStack;
}

/**
 * The container images: one ECR repository per service in the primary region, and in phase 4 a
 * copy in every other region (App Runner pulls only from its own region), fed by ECR replication;
 * plus the backup job's image.
 */
export class RegistryStack extends BaseStack {
  private readonly repos = new Map<string, ImageRepository>();
  /** The daily pg_dump image (backup/Dockerfile). */
  readonly backupJob: ImageRepository;
  /** The one role App Runner pulls service images with, in every region (IAM is global). */
  readonly pullRole: ServiceRole;

  constructor(scope: Construct, name: string, props: RegistryStackProps) {
    super(scope, name, props);
    const { phase } = props.settings;
    for (const region of phase.regions) {
      for (const svc of Object.values(phase.services)) {
        // Primary region repositories keep the IDs "core" and "telemetry" forever.
        const id = region.primary ? svc.key : `${svc.key}-${region.key}`;
        this.repos.set(
          `${svc.key}@${region.region}`,
          new ImageRepository(this, id, {
            name: svc.name,
            kmsKeyArn: props.keys.keyArn(region.region),
            lifecycle: phase.registry,
            provider: this.awsIn(region.region),
          }),
        );
      }
    }
    this.backupJob = new ImageRepository(this, "backup-job", {
      name: phase.backups.jobRepository,
      kmsKeyArn: props.keys.keyArn(this.region),
      lifecycle: phase.registry,
    });
    this.pullRole = imagePullRole(this, "apprunner-pull-role", {
      name: `${phase.project}-apprunner-ecr-access`,
      repositoryArns: [...this.repos.values()].map((r) => r.repository.arn),
    });
    const others = phase.regions.filter((r) => !r.primary);
    if (others.length > 0) {
      new EcrReplicationConfiguration(this, "replication", {
        replicationConfiguration: {
          rule: [
            {
              destination: others.map((r) => ({ region: r.region, registryId: props.settings.deployment.accountId })),
              // Exactly the service repositories the other regions hold: a project-wide prefix
              // would also copy the backup job's image into an unmanaged repository there.
              repositoryFilter: Object.values(phase.services).map((svc) => ({ filter: svc.name, filterType: "PREFIX_MATCH" })),
            },
          ],
        },
      });
    }
  }

  repository(service: ServiceKey, region: string): ImageRepository {
    const repo = this.repos.get(`${service}@${region}`);
    if (!repo) throw new Error(`RegistryStack: no ${service} repository in ${region}`);
    return repo;
  }
}
