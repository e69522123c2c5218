import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { RegistryConfig } from "../phases/types";

export interface ImageRepositoryProps {
  readonly name: string;
  readonly kmsKeyArn: string;
  readonly lifecycle: RegistryConfig;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * A private ECR repository: KMS-encrypted, scanned on push, with the document's lifecycle rules,
 * and immutable tags: a tag names one image forever. Deploys name each commit's tag (App Runner
 * update-service, a new ECS task definition revision: lib/workflows/app-deploy.ts), the backup
 * job its content hash; nothing is ever re-pushed under `latest`.
 */
export class ImageRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ImageRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepository(this, "repository", {
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      forceDelete: false,
      provider: props.provider,
      tags: { Name: props.name },
      lifecycle: { preventDestroy: true },
    });
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      provider: props.provider,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images after ${props.lifecycle.untaggedExpireDays} days`,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: props.lifecycle.untaggedExpireDays,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep only the last ${props.lifecycle.keepTaggedImages} tagged images`,
            selection: {
              tagStatus: "tagged",
              tagPatternList: ["*"],
              countType: "imageCountMoreThan",
              countNumber: props.lifecycle.keepTaggedImages,
            },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }
}
