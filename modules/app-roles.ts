import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { PolicyStatement } from "../lib/iam";
import { ServiceRole } from "./service-role";

export interface InstanceRoleProps {
  readonly name: string;
  readonly region: string;
  /** ARNs of the secrets the service reads, and nothing else. */
  readonly secretArns: readonly string[];
  /** Key that encrypts those secrets. */
  readonly kmsKeyArn: string;
  /** Patient-files bucket ARN, when the service reads and writes uploads. @default - no S3 access */
  readonly uploadsBucketArn?: string;
  /** Key of the uploads bucket when it is SSE-KMS. @default - SSE-S3, no key access */
  readonly uploadsKmsKeyArn?: string;
  /** Service principals of the runtimes (App Runner, ECS tasks; both while an engine migration runs). */
  readonly principals: readonly ("tasks.apprunner.amazonaws.com" | "ecs-tasks.amazonaws.com")[];
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** X-Ray write actions have no resource-level permissions: "*" is the only valid resource. */
const XRAY: PolicyStatement = {
  Sid: "XRayTraces",
  Effect: "Allow",
  Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
  Resource: "*",
};

/**
 * The role a service runs as: GetSecretValue on its own secrets (exact ARNs, stricter than the
 * document's restartix/production/*), Decrypt through Secrets Manager only, Get/PutObject on the
 * uploads bucket when it handles patient files, and X-Ray traces. No wildcard actions.
 */
export function instanceRole(scope: Construct, id: string, props: InstanceRoleProps): ServiceRole {
  const statements: PolicyStatement[] = [
    { Sid: "OwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...props.secretArns] },
    {
      Sid: "DecryptSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: props.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${props.region}.amazonaws.com` } },
    },
    XRAY,
  ];
  if (props.uploadsBucketArn) {
    statements.push({
      Sid: "PatientFiles",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject"],
      Resource: `${props.uploadsBucketArn}/*`,
    });
    if (props.uploadsKmsKeyArn) {
      statements.push({
        Sid: "PatientFilesKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: props.uploadsKmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${props.region}.amazonaws.com` } },
      });
    }
  }
  return new ServiceRole(scope, id, {
    name: props.name,
    description: `Runtime role of ${props.name.replace(/-instance$/, "")}`,
    service: props.principals.length === 1 ? props.principals[0] : [...props.principals],
    statements,
    provider: props.provider,
  });
}

export interface ImagePullRoleProps {
  readonly name: string;
  readonly repositoryArns: readonly string[];
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** The role App Runner pulls images with: read-only on the listed repositories. */
export function imagePullRole(scope: Construct, id: string, props: ImagePullRoleProps): ServiceRole {
  return new ServiceRole(scope, id, {
    name: props.name,
    description: "App Runner pulls the service images from ECR",
    service: "build.apprunner.amazonaws.com",
    statements: [
      {
        Sid: "PullImages",
        Effect: "Allow",
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages"],
        Resource: [...props.repositoryArns],
      },
      // Registry-wide by design: the token call has no resource.
      { Sid: "RegistryToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    ],
    provider: props.provider,
  });
}

export interface ExecutionRoleProps {
  readonly name: string;
  readonly description: string;
  readonly region: string;
  /** Secrets ECS injects into the container at start. */
  readonly secretArns: readonly string[];
  readonly kmsKeyArn: string;
}

/**
 * The ECS task execution role: pulls the image, writes the logs, and injects the task's secrets
 * (so the application's own role never needs to read them).
 */
export function executionRole(scope: Construct, id: string, props: ExecutionRoleProps): ServiceRole {
  return new ServiceRole(scope, id, {
    name: props.name,
    description: props.description,
    service: "ecs-tasks.amazonaws.com",
    managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
    // A task that injects no secrets gets no secret access at all.
    statements:
      props.secretArns.length === 0
        ? undefined
        : [
            { Sid: "InjectSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...props.secretArns] },
            {
              Sid: "DecryptSecrets",
              Effect: "Allow",
              Action: "kms:Decrypt",
              Resource: props.kmsKeyArn,
              Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${props.region}.amazonaws.com` } },
            },
          ],
  });
}
