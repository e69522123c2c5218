import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Settings } from "../config/settings";
import { stateKey, workspaceName } from "../lib/naming";
import { BackendKind } from "../phases/types";

export interface BaseStackProps {
  readonly settings: Settings;
  /** Region of the stack's default AWS provider. */
  readonly region: string;
  /**
   * Backend of this stack.
   * @default - the deployment's backend (s3, cloud or local)
   */
  readonly backend?: BackendKind;
}

export interface ProjectStackProps {
  readonly settings: Settings;
  /** @default - the deployment's backend (s3, cloud or local) */
  readonly backend?: BackendKind;
}

/**
 * Terraform versions every stack accepts: S3-native state locking (`use_lockfile`) needs 1.10; 2.x
 * may change the language. CI installs 1.11.4 (the version the offline plans run on).
 */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.10, < 2.0";

/** A stack with the project's settings and backend, and no provider of its own (Cloudflare, GitHub). */
export class ProjectStack extends TerraformStack {
  readonly settings: Settings;

  constructor(scope: Construct, name: string, props: ProjectStackProps) {
    super(scope, name);
    this.settings = props.settings;
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
    configureBackend(this, name, props.backend ?? props.settings.deployment.backend, props.settings);
  }

  /**
   * cdktf 0.21 writes any terraform-block attribute besides required_providers, backend and cloud
   * into `cdktf synth --hcl` output as `0 = "required_version"` (it renders the list of keys, not the
   * object), which no HCL parser accepts: write the attribute itself.
   */
  override toHclTerraform(): ReturnType<TerraformStack["toHclTerraform"]> {
    const out = super.toHclTerraform();
    return {
      ...out,
      hcl: String(out.hcl).replace(/^\s*0 = "required_version"$/m, `required_version = ${JSON.stringify(TERRAFORM_REQUIRED_VERSION)}`),
    };
  }
}

/**
 * A stack with the project's backend, an AWS provider pinned to the deployment's account with the
 * base tags, and providers for other regions on demand.
 */
export class BaseStack extends ProjectStack {
  readonly region: string;
  readonly aws: AwsProvider;
  private readonly regionalProviders = new Map<string, AwsProvider>();

  constructor(scope: Construct, name: string, props: BaseStackProps) {
    super(scope, name, props);
    this.region = props.region;
    this.aws = this.newAwsProvider("aws", props.region);
    this.regionalProviders.set(props.region, this.aws);
  }

  /** The AWS provider of `region` (the default one, or an alias named after the region). */
  awsIn(region: string): AwsProvider {
    let provider = this.regionalProviders.get(region);
    if (!provider) {
      provider = this.newAwsProvider(`aws-${region}`, region, region);
      this.regionalProviders.set(region, provider);
    }
    return provider;
  }

  private newAwsProvider(id: string, region: string, alias?: string): AwsProvider {
    const { phase, deployment } = this.settings;
    return new AwsProvider(this, id, {
      region,
      alias,
      // A deploy with credentials of any other account fails before it changes anything.
      allowedAccountIds: [deployment.accountId],
      defaultTags: [
        {
          tags: {
            project: phase.project,
            environment: phase.environment,
            "managed-by": "cdktf",
            stack: this.node.id,
          },
        },
      ],
    });
  }
}

function configureBackend(stack: TerraformStack, name: string, kind: BackendKind, settings: Settings): void {
  const { phase, deployment } = settings;
  const primaryRegion = phase.regions.find((r) => r.primary)!.region;
  switch (kind) {
    case "s3":
      new S3Backend(stack, {
        bucket: deployment.stateBucket,
        // staging/<stack>/... for staging: both environments may share one state bucket.
        key: stateKey(name, phase.environment),
        region: primaryRegion,
        encrypt: true,
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no field for it.
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
      break;
    case "cloud":
      new CloudBackend(stack, {
        organization: deployment.tfcOrganization,
        workspaces: new NamedCloudWorkspace(workspaceName(phase.project, phase.environment, name)),
      });
      break;
    case "local":
      // Relative to the stack's working directory (cdktf.out/stacks/<name>): the repository root.
      new LocalBackend(stack, { path: `../../../terraform.${phase.environment === "staging" ? "staging-" : ""}${name}.tfstate` });
      break;
  }
}
