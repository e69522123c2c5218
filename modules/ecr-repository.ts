import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { RegistryConfig } from "../phases/types";
import { suppress } from "../policy/suppress";

export interface ImageRepositoryProps {
  readonly name: string;
  readonly kmsKeyArn: string;
  readonly lifecycle: RegistryConfig;
  readonly provider?: TerraformProvider;
}

/**
 * A private ECR repository: KMS-encrypted, scanned on push, with the document's lifecycle rules.
 * Tags stay mutable because App Runner deploys on each new `latest` push (the document's flow);
 * every image is also pushed under its commit SHA, which is what a rollback names.
 */
export class ImageRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepository(this, "repository", {
      name: props.name,
      imageTagMutability: "MUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      forceDelete: false,
      provider: props.provider,
      tags: { Name: props.name },
      lifecycle: { preventDestroy: true },
    });
    suppress(
      this.repository,
      "RX-ECR-4",
      "Deploys follow the latest tag (App Runner redeploys on its push; ECS task definitions, the backup task's included, run :latest); each image is also pushed under its commit SHA for rollbacks",
    );
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      provider: props.provider,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images after ${props.lifecycle.untaggedExpireDays} days`,
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: props.lifecycle.untaggedExpireDays },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep only the last ${props.lifecycle.keepTaggedImages} tagged images`,
            selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: props.lifecycle.keepTaggedImages },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }
}
