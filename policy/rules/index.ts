import { ECSClusterContainerInsights } from "./ecs/ECSClusterContainerInsights";
import { RDSLogExportGroupsManaged } from "./rds/RDSLogExportGroupsManaged";
import { RDSReplicaKmsKeySameRegion } from "./rds/RDSReplicaKmsKeySameRegion";
import { S3PatientFilesReplicated } from "./s3/S3PatientFilesReplicated";
import { SchedulerScheduleCustomerManagedKey } from "./scheduler/SchedulerScheduleCustomerManagedKey";
import { ECSServiceCircuitBreaker } from "./ecs/ECSServiceCircuitBreaker";
import { ECSServiceNoPublicIp } from "./ecs/ECSServiceNoPublicIp";
import { ECSTaskDefinitionLogging } from "./ecs/ECSTaskDefinitionLogging";
import { ECSTaskDefinitionSecretsInjected } from "./ecs/ECSTaskDefinitionSecretsInjected";
import { ECSContainerEnvironmentNotEmpty } from "./ecs/ECSContainerEnvironmentNotEmpty";
import { ALBAccessLogs } from "./elb/ALBAccessLogs";
import { ALBDeletionProtection } from "./elb/ALBDeletionProtection";
import { ALBDropInvalidHeaders } from "./elb/ALBDropInvalidHeaders";
import { ALBListenerHttpsOnly } from "./elb/ALBListenerHttpsOnly";
import { TargetGroupHealthCheck } from "./elb/TargetGroupHealthCheck";
import { TargetGroupHttps } from "./elb/TargetGroupHttps";
import { ECSContainerNonRoot } from "./ecs/ECSContainerNonRoot";
import { ECSContainerReadOnlyRoot } from "./ecs/ECSContainerReadOnlyRoot";
import { CanaryArtifactsEncrypted } from "./synthetics/CanaryArtifactsEncrypted";
import { SyntheticsRuntimeSupported } from "./synthetics/SyntheticsRuntimeSupported";
import { LambdaRuntimeSupported } from "./lambda/LambdaRuntimeSupported";
import { WebAclAssociated } from "./waf/WebAclAssociated";
import { WebAclOriginHeader } from "./waf/WebAclOriginHeader";
import { AppRunnerCustomerManagedKey } from "./apprunner/AppRunnerCustomerManagedKey";
import { AppRunnerHealthCheck } from "./apprunner/AppRunnerHealthCheck";
import { AppRunnerInstanceRole } from "./apprunner/AppRunnerInstanceRole";
import { AppRunnerObservability } from "./apprunner/AppRunnerObservability";
import { AppRunnerVpcEgress } from "./apprunner/AppRunnerVpcEgress";
import { CloudflareApplicationRecordProxied } from "./cloudflare/CloudflareApplicationRecordProxied";
import { CloudflareManagedWaf } from "./cloudflare/CloudflareManagedWaf";
import { CloudflareMinTlsVersion } from "./cloudflare/CloudflareMinTlsVersion";
import { CloudflareSslStrict } from "./cloudflare/CloudflareSslStrict";
import { CloudflareValidationRecordDnsOnly } from "./cloudflare/CloudflareValidationRecordDnsOnly";
import { CloudWatchAlarmAction } from "./cloudwatch/CloudWatchAlarmAction";
import { CloudWatchLogGroupEncrypted } from "./cloudwatch/CloudWatchLogGroupEncrypted";
import { CloudWatchLogGroupMinimumRetention } from "./cloudwatch/CloudWatchLogGroupMinimumRetention";
import { CloudWatchLogGroupRetentionPeriod } from "./cloudwatch/CloudWatchLogGroupRetentionPeriod";
import { StatefulPreventDestroy } from "./dataloss/StatefulPreventDestroy";
import { DynamoDBCustomerManagedKey } from "./dynamodb/DynamoDBCustomerManagedKey";
import { DynamoDBDeletionProtection } from "./dynamodb/DynamoDBDeletionProtection";
import { DynamoDBPITREnabled } from "./dynamodb/DynamoDBPITREnabled";
import { DynamoDBReplicaCustomerManagedKey } from "./dynamodb/DynamoDBReplicaCustomerManagedKey";
import { DynamoDBReplicaPITR } from "./dynamodb/DynamoDBReplicaPITR";
import { ECRImmutableTags } from "./ecr/ECRImmutableTags";
import { ECRKMSEncryption } from "./ecr/ECRKMSEncryption";
import { ECRLifecyclePolicy } from "./ecr/ECRLifecyclePolicy";
import { ECRRepositoryNotPublic } from "./ecr/ECRRepositoryNotPublic";
import { ECRScanOnPush } from "./ecr/ECRScanOnPush";
import { ElastiCacheAtRestEncryption } from "./elasticache/ElastiCacheAtRestEncryption";
import { ElastiCacheCustomerManagedKey } from "./elasticache/ElastiCacheCustomerManagedKey";
import { ElastiCacheInTransitEncryption } from "./elasticache/ElastiCacheInTransitEncryption";
import { ElastiCacheMultiAZ } from "./elasticache/ElastiCacheMultiAZ";
import { ElastiCacheRedisAuth } from "./elasticache/ElastiCacheRedisAuth";
import { ElastiCacheSnapshotRetention } from "./elasticache/ElastiCacheSnapshotRetention";
import { GitHubActionsSecretNoPlaintext } from "./github/GitHubActionsSecretNoPlaintext";
import { GitHubFileTemplateEscaped } from "./github/GitHubFileTemplateEscaped";
import { GitHubWorkflowIdTokenScoped } from "./github/GitHubWorkflowIdTokenScoped";
import { GitHubWorkflowPermissions } from "./github/GitHubWorkflowPermissions";
import { IAMGitHubOidcTrustScoped } from "./iam/IAMGitHubOidcTrustScoped";
import { IAMNoAdministratorAccessAttached } from "./iam/IAMNoAdministratorAccessAttached";
import { IAMNoInlinePolicy } from "./iam/IAMNoInlinePolicy";
import { IAMNoUsers } from "./iam/IAMNoUsers";
import { IAMNoWildcardResource } from "./iam/IAMNoWildcardResource";
import { IAMPolicyNoStatementsWithAdminAccess } from "./iam/IAMPolicyNoStatementsWithAdminAccess";
import { IAMPolicyNoStatementsWithFullAccess } from "./iam/IAMPolicyNoStatementsWithFullAccess";
import { IAMRoleTrustNotPublic } from "./iam/IAMRoleTrustNotPublic";
import { KMSBackingKeyRotationEnabled } from "./kms/KMSBackingKeyRotationEnabled";
import { KMSKeyDeletionWindow } from "./kms/KMSKeyDeletionWindow";
import { KMSKeyPolicyDefined } from "./kms/KMSKeyPolicyDefined";
import { KMSKeyPolicyNoWildcardPrincipal } from "./kms/KMSKeyPolicyNoWildcardPrincipal";
import { RDSAutomaticMinorVersionUpgradeEnabled } from "./rds/RDSAutomaticMinorVersionUpgradeEnabled";
import { RDSBackupReplicationEncrypted } from "./rds/RDSBackupReplicationEncrypted";
import { RDSCaCertificate } from "./rds/RDSCaCertificate";
import { RDSCopyTagsToSnapshot } from "./rds/RDSCopyTagsToSnapshot";
import { RDSCustomAdminUsername } from "./rds/RDSCustomAdminUsername";
import { RDSEncryptionInTransit } from "./rds/RDSEncryptionInTransit";
import { RDSEnhancedMonitoringEnabled } from "./rds/RDSEnhancedMonitoringEnabled";
import { RDSFinalSnapshot } from "./rds/RDSFinalSnapshot";
import { RDSIamAuthentication } from "./rds/RDSIamAuthentication";
import { RDSInstanceBackupEnabled } from "./rds/RDSInstanceBackupEnabled";
import { RDSInstanceDeletionProtectionEnabled } from "./rds/RDSInstanceDeletionProtectionEnabled";
import { RDSInstancePublicAccess } from "./rds/RDSInstancePublicAccess";
import { RDSLogStatements } from "./rds/RDSLogStatements";
import { RDSLogConnections } from "./rds/RDSLogConnections";
import { RDSLoggingEnabled } from "./rds/RDSLoggingEnabled";
import { RDSMultiAZSupport } from "./rds/RDSMultiAZSupport";
import { RDSPerformanceInsightsEnabled } from "./rds/RDSPerformanceInsightsEnabled";
import { RDSPerformanceInsightsEncrypted } from "./rds/RDSPerformanceInsightsEncrypted";
import { RDSStorageEncrypted } from "./rds/RDSStorageEncrypted";
import { S3BackupBucketObjectLock } from "./s3/S3BackupBucketObjectLock";
import { S3BucketLevelPublicAccessProhibited } from "./s3/S3BucketLevelPublicAccessProhibited";
import { S3BucketLifecycleConfigured } from "./s3/S3BucketLifecycleConfigured";
import { S3BucketLoggingEnabled } from "./s3/S3BucketLoggingEnabled";
import { S3BucketNoForceDestroy } from "./s3/S3BucketNoForceDestroy";
import { S3BucketOwnershipEnforced } from "./s3/S3BucketOwnershipEnforced";
import { S3BucketPolicyNotPublic } from "./s3/S3BucketPolicyNotPublic";
import { S3BucketReplicationEnabled } from "./s3/S3BucketReplicationEnabled";
import { S3BucketSSLRequestsOnly } from "./s3/S3BucketSSLRequestsOnly";
import { S3BucketVersioningEnabled } from "./s3/S3BucketVersioningEnabled";
import { S3DefaultEncryption } from "./s3/S3DefaultEncryption";
import { S3DefaultEncryptionKMS } from "./s3/S3DefaultEncryptionKMS";
import { NoSecretsInCode } from "./secrets/NoSecretsInCode";
import { SecretsManagerRotationEnabled } from "./secretsmanager/SecretsManagerRotationEnabled";
import { SecretsManagerRotationPeriod } from "./secretsmanager/SecretsManagerRotationPeriod";
import { SecretsManagerScheduledRotationExists } from "./secretsmanager/SecretsManagerScheduledRotationExists";
import { SecretsManagerUsingKMSKey } from "./secretsmanager/SecretsManagerUsingKMSKey";
import { SecurityGroupNoOpenEgress } from "./vpc/SecurityGroupNoOpenEgress";
import { SecurityGroupNoOpenIngress } from "./vpc/SecurityGroupNoOpenIngress";
import { VPCDefaultSecurityGroupClosed } from "./vpc/VPCDefaultSecurityGroupClosed";
import { VPCFlowLogsEnabled } from "./vpc/VPCFlowLogsEnabled";
import { VPCSubnetAutoAssignPublicIpDisabled } from "./vpc/VPCSubnetAutoAssignPublicIpDisabled";
import { DeploymentAuditControls } from "./audit/DeploymentAuditControls";
import { CloudTrailBucketRetention } from "./cloudtrail/CloudTrailBucketRetention";
import { CloudTrailCisAlarms } from "./cloudtrail/CloudTrailCisAlarms";
import { CloudTrailCloudWatchLogs } from "./cloudtrail/CloudTrailCloudWatchLogs";
import { CloudTrailEncrypted } from "./cloudtrail/CloudTrailEncrypted";
import { CloudTrailLogFileValidation } from "./cloudtrail/CloudTrailLogFileValidation";
import { CloudTrailMultiRegion } from "./cloudtrail/CloudTrailMultiRegion";
import { CloudTrailS3DataEvents } from "./cloudtrail/CloudTrailS3DataEvents";
import { ConfigRecorderEnabled } from "./config/ConfigRecorderEnabled";
import { GuardDutyDataProtection } from "./guardduty/GuardDutyDataProtection";
import { GuardDutyEnabled } from "./guardduty/GuardDutyEnabled";
import { SecurityHubFoundationalStandard } from "./securityhub/SecurityHubFoundationalStandard";
import { Rule } from "../types";

/** Every rule of the pack, in report order (by service, then number). */
export const RULES: readonly Rule[] = [
  ALBDeletionProtection,
  ALBDropInvalidHeaders,
  ALBAccessLogs,
  ALBListenerHttpsOnly,
  TargetGroupHealthCheck,
  TargetGroupHttps,
  ECSClusterContainerInsights,
  ECSServiceNoPublicIp,
  ECSServiceCircuitBreaker,
  ECSTaskDefinitionLogging,
  ECSTaskDefinitionSecretsInjected,
  ECSContainerReadOnlyRoot,
  ECSContainerNonRoot,
  ECSContainerEnvironmentNotEmpty,
  WebAclAssociated,
  WebAclOriginHeader,
  CanaryArtifactsEncrypted,
  SyntheticsRuntimeSupported,
  LambdaRuntimeSupported,
  RDSStorageEncrypted,
  RDSMultiAZSupport,
  RDSInstanceDeletionProtectionEnabled,
  RDSInstanceBackupEnabled,
  RDSEnhancedMonitoringEnabled,
  RDSPerformanceInsightsEnabled,
  RDSPerformanceInsightsEncrypted,
  RDSAutomaticMinorVersionUpgradeEnabled,
  RDSCopyTagsToSnapshot,
  RDSLoggingEnabled,
  RDSInstancePublicAccess,
  RDSEncryptionInTransit,
  RDSLogStatements,
  RDSLogConnections,
  RDSCaCertificate,
  RDSFinalSnapshot,
  RDSCustomAdminUsername,
  RDSIamAuthentication,
  RDSBackupReplicationEncrypted,
  RDSLogExportGroupsManaged,
  RDSReplicaKmsKeySameRegion,
  ElastiCacheAtRestEncryption,
  ElastiCacheInTransitEncryption,
  ElastiCacheCustomerManagedKey,
  ElastiCacheRedisAuth,
  ElastiCacheMultiAZ,
  ElastiCacheSnapshotRetention,
  S3BucketLevelPublicAccessProhibited,
  S3BucketVersioningEnabled,
  S3DefaultEncryption,
  S3DefaultEncryptionKMS,
  S3BucketLoggingEnabled,
  S3BucketSSLRequestsOnly,
  S3BucketOwnershipEnforced,
  S3BucketNoForceDestroy,
  S3BucketLifecycleConfigured,
  S3BucketReplicationEnabled,
  S3BackupBucketObjectLock,
  S3BucketPolicyNotPublic,
  S3PatientFilesReplicated,
  SchedulerScheduleCustomerManagedKey,
  SecretsManagerUsingKMSKey,
  SecretsManagerRotationEnabled,
  SecretsManagerRotationPeriod,
  SecretsManagerScheduledRotationExists,
  KMSBackingKeyRotationEnabled,
  KMSKeyPolicyNoWildcardPrincipal,
  KMSKeyPolicyDefined,
  KMSKeyDeletionWindow,
  CloudWatchLogGroupRetentionPeriod,
  CloudWatchLogGroupMinimumRetention,
  CloudWatchLogGroupEncrypted,
  CloudWatchAlarmAction,
  ECRScanOnPush,
  ECRKMSEncryption,
  ECRLifecyclePolicy,
  ECRImmutableTags,
  ECRRepositoryNotPublic,
  DynamoDBPITREnabled,
  DynamoDBDeletionProtection,
  DynamoDBCustomerManagedKey,
  DynamoDBReplicaCustomerManagedKey,
  DynamoDBReplicaPITR,
  IAMPolicyNoStatementsWithAdminAccess,
  IAMPolicyNoStatementsWithFullAccess,
  IAMNoWildcardResource,
  IAMNoAdministratorAccessAttached,
  IAMNoUsers,
  IAMGitHubOidcTrustScoped,
  IAMRoleTrustNotPublic,
  IAMNoInlinePolicy,
  VPCFlowLogsEnabled,
  VPCDefaultSecurityGroupClosed,
  VPCSubnetAutoAssignPublicIpDisabled,
  SecurityGroupNoOpenIngress,
  SecurityGroupNoOpenEgress,
  AppRunnerCustomerManagedKey,
  AppRunnerVpcEgress,
  AppRunnerInstanceRole,
  AppRunnerHealthCheck,
  AppRunnerObservability,
  CloudflareApplicationRecordProxied,
  CloudflareValidationRecordDnsOnly,
  CloudflareSslStrict,
  CloudflareManagedWaf,
  CloudflareMinTlsVersion,
  GitHubActionsSecretNoPlaintext,
  GitHubWorkflowPermissions,
  GitHubWorkflowIdTokenScoped,
  GitHubFileTemplateEscaped,
  StatefulPreventDestroy,
  NoSecretsInCode,
  CloudTrailMultiRegion,
  CloudTrailLogFileValidation,
  CloudTrailEncrypted,
  CloudTrailCloudWatchLogs,
  CloudTrailBucketRetention,
  CloudTrailS3DataEvents,
  CloudTrailCisAlarms,
  GuardDutyEnabled,
  GuardDutyDataProtection,
  ConfigRecorderEnabled,
  SecurityHubFoundationalStandard,
  DeploymentAuditControls,
];
