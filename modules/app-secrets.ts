import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { suppress } from "../policy/suppress";
import { ROTATED_BY_TAG } from "./db-rotation";

export interface AppSecretsProps {
  /** Secrets Manager path, e.g. restartix/production/core-api. */
  readonly path: string;
  /** Variable names; each becomes the secret <path>/<NAME>. */
  readonly names: readonly string[];
  readonly kmsKeyArn: string;
  /**
   * Copies of every secret in other regions (phase 4: cells there read the shared values locally).
   * @default - no replicas
   */
  readonly replicas?: readonly { readonly region: string; readonly kmsKeyArn: string }[];
  /**
   * Which of `names` get the replicas (values that may leave the region: the shared third-party
   * keys). A connection string of this region's database or cache never does.
   * @default - every name
   */
  readonly replicate?: readonly string[];
  /**
   * Secrets a scheduled rotation rewrites (DATABASE_URL): name -> the rotation schedule's name. They
   * carry the RotatedBy tag (RX-SM-2 accepts it; RX-SM-4 checks the schedule exists).
   * @default - none: every secret is rotated by hand
   */
  readonly rotatedBy?: Readonly<Record<string, string>>;
  /** Region of the secrets (to derive replica ARNs). */
  readonly region: string;
  /** prevent_destroy; off only to decommission a tenant (deleted secrets stay recoverable 30 days). @default true */
  readonly protect?: boolean;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * Secrets Manager secrets, one per environment variable: App Runner injects a whole secret into one
 * variable and cannot pick a key out of a JSON secret, so the document's
 * restartix/production/core-api becomes a path holding one secret per value. Values are set out of
 * band (README "Secrets") and Terraform never sees them, except where `generate` derives one from
 * resources it manages (REDIS_URL).
 */
export class AppSecrets extends Construct {
  readonly path: string;
  private readonly region: string;
  private readonly provider?: TerraformProvider;
  private readonly secrets = new Map<string, SecretsmanagerSecret>();

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    this.path = props.path;
    this.region = props.region;
    this.provider = props.provider;
    const unknown = (props.replicate ?? []).filter((n) => !props.names.includes(n));
    if (unknown.length > 0)
      throw new Error(
        `AppSecrets ${props.path}: replicate names ${unknown.join(", ")}, which are not among its secrets (${props.names.join(", ")})`,
      );
    const rotatedBy = props.rotatedBy ?? {};
    const unrotatable = Object.keys(rotatedBy).filter((n) => !props.names.includes(n));
    if (unrotatable.length > 0)
      throw new Error(
        `AppSecrets ${props.path}: rotatedBy names ${unrotatable.join(", ")}, which are not among its secrets (${props.names.join(", ")})`,
      );
    for (const name of props.names) {
      this.secrets.set(
        name,
        new SecretsmanagerSecret(this, name, {
          name: `${props.path}/${name}`,
          description: `${name} of ${props.path} (value set out of band)`,
          kmsKeyId: props.kmsKeyArn,
          recoveryWindowInDays: 30,
          // An empty block list is invalid Terraform JSON: leave the argument out instead.
          replica:
            props.replicas?.length && (props.replicate ?? props.names).includes(name)
              ? props.replicas.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyArn }))
              : undefined,
          provider: props.provider,
          tags: { Name: `${props.path}/${name}`, ...(rotatedBy[name] ? { [ROTATED_BY_TAG]: rotatedBy[name] } : {}) },
          lifecycle: { preventDestroy: props.protect ?? true },
        }),
      );
    }
    for (const [name, secret] of this.secrets) {
      if (rotatedBy[name]) continue;
      suppress(
        secret,
        "RX-SM-2",
        "Values are set out of band and rotated by hand: third-party API keys (Clerk, Daily.co, ClickHouse) and encryption keys have no API this code could rotate them through; REDIS_URL follows the cache token, rotated with terraform apply -replace (docs/data-and-backups.md)",
      );
    }
  }

  /**
   * Gives a secret a value Terraform derives from other resources (REDIS_URL from the cache's
   * endpoint and generated token), instead of one set by hand: the JSON holds only the expression,
   * the value lives in the encrypted state.
   */
  generate(name: string, value: string): SecretsmanagerSecretVersion {
    if (!this.secrets.has(name)) this.arn(name);
    return new SecretsmanagerSecretVersion(this, `${name}-value`, {
      secretId: this.secrets.get(name)!.id,
      secretString: value,
      provider: this.provider,
    });
  }

  arn(name: string): string {
    const secret = this.secrets.get(name);
    if (!secret) throw new Error(`AppSecrets ${this.path}: no secret ${name} (known: ${[...this.secrets.keys()].join(", ")})`);
    return secret.arn;
  }

  /** ARN of a secret's copy in `region` (a replica keeps the name and suffix, only the region differs). */
  arnIn(name: string, region: string): string {
    const arn = this.arn(name);
    return region === this.region ? arn : Fn.replace(arn, `:${this.region}:`, `:${region}:`);
  }

  get names(): string[] {
    return [...this.secrets.keys()];
  }

  /** Variable name -> secret ARN, for runtime_environment_secrets and task definitions. */
  get arns(): Record<string, string> {
    return Object.fromEntries([...this.secrets].map(([n, s]) => [n, s.arn]));
  }
}
