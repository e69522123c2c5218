import { execFile } from "child_process";
import { UPLOADS_SETTINGS, UploadsSetting } from "../../config/deployment";
import { DiscoverError } from "./cloudflare";

/**
 * What already exists in the AWS account (read-only): the GitHub OIDC provider and the uploads
 * bucket's settings. The calls go through the AWS CLI behind `AwsCli`, so the parsing is tested
 * against recorded outputs; credentials come from the CLI's usual environment and never pass here.
 */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AwsCli {
  /** Runs `aws <args> --output json`. */
  run(args: readonly string[]): Promise<CliResult>;
}

/** The real CLI. A missing `aws` binary is reported as a DiscoverError with the fix. */
export function execAwsCli(binary = "aws"): AwsCli {
  return {
    run: (args) =>
      new Promise((resolve, reject) => {
        execFile(
          binary,
          [...args, "--output", "json"],
          { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, AWS_PAGER: "" } },
          (error, stdout, stderr) => {
            const code = (error as NodeJS.ErrnoException | null)?.code;
            if (code === "ENOENT") {
              reject(
                new DiscoverError(
                  "the AWS CLI (aws) is not installed: install it, or run the equivalent commands of docs/adoption.md by hand",
                ),
              );
              return;
            }
            resolve({
              code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
              stdout: String(stdout),
              stderr: String(stderr),
            });
          },
        );
      }),
  };
}

/** The AWS error code of a failed CLI call: "An error occurred (NoSuchBucketPolicy) when calling ...". */
export const errorCode = (stderr: string): string | undefined => /An error occurred \(([\w.]+)\)/.exec(stderr)?.[1];

function parse(result: CliResult, what: string): Record<string, any> {
  try {
    return result.stdout.trim() === "" ? {} : (JSON.parse(result.stdout) as Record<string, any>);
  } catch {
    throw new DiscoverError(`${what}: the AWS CLI answered something that is not JSON`);
  }
}

function failure(result: CliResult, what: string): DiscoverError {
  const code = errorCode(result.stderr);
  const first =
    result.stderr
      .trim()
      .split("\n")
      .find((l) => l.trim() !== "") ?? `exit code ${result.code}`;
  return new DiscoverError(`${what}: ${code ?? first}`);
}

/** The account the CLI's credentials belong to (`aws sts get-caller-identity`). */
export async function callerAccount(cli: AwsCli): Promise<string> {
  const result = await cli.run(["sts", "get-caller-identity"]);
  if (result.code !== 0) throw failure(result, "aws sts get-caller-identity");
  return String(parse(result, "aws sts get-caller-identity").Account ?? "");
}

const GITHUB_OIDC_URL = "token.actions.githubusercontent.com";

export interface OidcProvider {
  readonly arn: string;
  readonly clientIds: readonly string[];
}

/** The account's GitHub OIDC provider, if any (`list-open-id-connect-providers`, then its details). */
export async function githubOidcProvider(cli: AwsCli): Promise<OidcProvider | undefined> {
  const list = await cli.run(["iam", "list-open-id-connect-providers"]);
  if (list.code !== 0) throw failure(list, "aws iam list-open-id-connect-providers");
  const arns = ((parse(list, "aws iam list-open-id-connect-providers").OpenIDConnectProviderList ?? []) as { Arn?: string }[]).map((p) =>
    String(p.Arn ?? ""),
  );
  const arn = arns.find((a) => a.endsWith(`:oidc-provider/${GITHUB_OIDC_URL}`));
  if (!arn) return undefined;
  const detail = await cli.run(["iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn]);
  if (detail.code !== 0) throw failure(detail, "aws iam get-open-id-connect-provider");
  return { arn, clientIds: (parse(detail, "aws iam get-open-id-connect-provider").ClientIDList ?? []) as string[] };
}

/**
 * One uploads-bucket setting: the s3api call that reads it, and how its answer says "not set" (an
 * error code for the sub-resources S3 stores separately, an empty answer for versioning and logging).
 */
interface SettingProbe {
  readonly setting: UploadsSetting;
  readonly command: string;
  readonly absentCodes?: readonly string[];
  readonly isSet?: (answer: Record<string, any>) => boolean;
}

export const BUCKET_PROBES: readonly SettingProbe[] = [
  { setting: "public_access_block", command: "get-public-access-block", absentCodes: ["NoSuchPublicAccessBlockConfiguration"] },
  { setting: "ownership", command: "get-bucket-ownership-controls", absentCodes: ["OwnershipControlsNotFoundError"] },
  { setting: "versioning", command: "get-bucket-versioning", isSet: (a) => a.Status === "Enabled" || a.Status === "Suspended" },
  // Since January 2023 every bucket has default encryption (SSE-S3), so this is normally set.
  { setting: "encryption", command: "get-bucket-encryption", absentCodes: ["ServerSideEncryptionConfigurationNotFoundError"] },
  { setting: "policy", command: "get-bucket-policy", absentCodes: ["NoSuchBucketPolicy"] },
  { setting: "lifecycle", command: "get-bucket-lifecycle-configuration", absentCodes: ["NoSuchLifecycleConfiguration"] },
  { setting: "logging", command: "get-bucket-logging", isSet: (a) => a.LoggingEnabled !== undefined },
];

export interface BucketSettings {
  readonly bucket: string;
  readonly settings: readonly UploadsSetting[];
  /** What each existing setting holds, in a few words (never the policy text). */
  readonly details: Readonly<Partial<Record<UploadsSetting, string>>>;
}

function summary(setting: UploadsSetting, a: Record<string, any>): string {
  switch (setting) {
    case "public_access_block": {
      const c = a.PublicAccessBlockConfiguration ?? {};
      const on = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"].filter((k) => c[k] === true);
      return `${on.length} of 4 blocks on`;
    }
    case "ownership":
      return String(a.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? "set");
    case "versioning":
      return String(a.Status);
    case "encryption":
      return String(a.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? "set");
    case "policy": {
      let statements = 0;
      try {
        statements = (JSON.parse(String(a.Policy)) as { Statement?: unknown[] }).Statement?.length ?? 0;
      } catch {
        // An unreadable document still exists: count it as set.
      }
      return `${statements} statement${statements === 1 ? "" : "s"}`;
    }
    case "lifecycle": {
      const n = (a.Rules ?? []).length;
      return `${n} rule${n === 1 ? "" : "s"}`;
    }
    case "logging":
      return `to ${String(a.LoggingEnabled?.TargetBucket ?? "?")}`;
  }
}

/** The settings the existing uploads bucket already has, in the order UPLOADS_SETTINGS lists them. */
export async function uploadsBucketSettings(cli: AwsCli, bucket: string, region: string): Promise<BucketSettings> {
  const found = new Map<UploadsSetting, string>();
  for (const probe of BUCKET_PROBES) {
    const what = `aws s3api ${probe.command} --bucket ${bucket}`;
    const result = await cli.run(["s3api", probe.command, "--bucket", bucket, "--region", region]);
    if (result.code !== 0) {
      const code = errorCode(result.stderr);
      if (code && probe.absentCodes?.includes(code)) continue;
      if (code === "NoSuchBucket")
        throw new DiscoverError(
          `bucket ${bucket} does not exist in this account: check phases' storage.uploadsBucket, or leave uploads_existing_settings = []`,
        );
      throw failure(result, what);
    }
    const answer = parse(result, what);
    if (probe.isSet && !probe.isSet(answer)) continue;
    found.set(probe.setting, summary(probe.setting, answer));
  }
  const settings = UPLOADS_SETTINGS.filter((s) => found.has(s));
  return { bucket, settings, details: Object.fromEntries(settings.map((s) => [s, found.get(s)!])) };
}

/** One configured availability zone as this account sees it. */
export interface ZoneMapping {
  readonly region: string;
  readonly name: string;
  /**
   * The physical zone's id (euc1-az2): the same in every account, unlike the name.
   * @default - absent: the zone name is not listed for the account
   */
  readonly id?: string;
  /** @default - absent: the zone name is not listed for the account */
  readonly state?: string;
}

/**
 * The configured AZ names of a region with their ids in this account (`aws ec2
 * describe-availability-zones`). AWS maps names to physical zones per account, so the names in the
 * phase config say nothing about which zones the subnets land in: discover prints the ids, and a
 * name the account does not have, or that is not "available", is a problem.
 */
export async function zoneMappings(
  cli: AwsCli,
  region: string,
  names: readonly string[],
): Promise<{ zones: ZoneMapping[]; problems: string[] }> {
  const what = `aws ec2 describe-availability-zones --region ${region}`;
  const result = await cli.run(["ec2", "describe-availability-zones", "--region", region, "--all-availability-zones"]);
  if (result.code !== 0) throw failure(result, what);
  const listed = (parse(result, what).AvailabilityZones ?? []) as { ZoneName?: string; ZoneId?: string; State?: string }[];
  const zones: ZoneMapping[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const z = listed.find((x) => x.ZoneName === name);
    zones.push({ region, name, id: z?.ZoneId, state: z?.State });
    if (!z)
      problems.push(
        `availability zone ${name} does not exist in ${region} for this account: set network.azs of the phase config to zones ${listed.map((x) => x.ZoneName).join(", ") || "(none listed)"} lists`,
      );
    else if (z.State !== "available")
      problems.push(
        `availability zone ${name} (${z.ZoneId}) is "${z.State}" in this account: choose another in network.azs of the phase config before the network stack creates subnets there`,
      );
  }
  return { zones, problems };
}
