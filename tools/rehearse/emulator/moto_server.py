"""moto_server with the rehearsal's patches (see tools/rehearse/emulator/emulator-gaps.json, "patches").

Run instead of the `moto_server` entry point: python3 tools/rehearse/emulator/moto_server.py -H 127.0.0.1 -p PORT.
Each patch fixes one emulator bug that would otherwise make a correct configuration fail, or (the
last two) makes moto as strict as AWS where its leniency hid a bug: a Lambda runtime past its
create-block date is refused, and ECS drops empty container environment values. Nothing else changes
what moto accepts or rejects. A moto version other than the one the patches
were written against is refused: re-check the evidence before moving it.
"""
import datetime
import json
import os
import sys
import uuid

import moto
from moto.awslambda import exceptions as lambda_exceptions
from moto.awslambda import models as lambda_models
from moto.cloudtrail import models as cloudtrail_models
from moto.ec2 import exceptions as ec2_exceptions
from moto.ec2.models import security_groups as ec2_security_groups
from moto.ecs import models as ecs_models
from moto.guardduty import models as guardduty_models
from moto.rds import models as rds_models
from moto.s3 import models as s3_models
from moto.server import main

PATCHED_FOR = "5.2.1"
if moto.__version__ != PATCHED_FOR and os.environ.get("REHEARSAL_ALLOW_MOTO_VERSION") != moto.__version__:
    sys.stderr.write(
        f"tools/rehearse/emulator/moto_server.py: moto {moto.__version__} is installed; the patches were written for {PATCHED_FOR}. "
        f"Install moto[server]=={PATCHED_FOR}, or re-check each patch's evidence and set REHEARSAL_ALLOW_MOTO_VERSION={moto.__version__}.\n"
    )
    sys.exit(3)

# Patch "rds-unique-dbi-resource-id": moto 5.2.1 gives every DB instance the constant DbiResourceId
# "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U" (moto/rds/models.py, DBInstance.__init__), and a read replica is a
# shallow copy of its primary (RDSBackend.create_db_instance_read_replica). The AWS provider reads an
# instance back by its resource id, so a replica reads back as its primary. Real RDS ids are unique.
def _new_dbi_resource_id():
    return "db-" + uuid.uuid4().hex[:26].upper()


_instance_init = rds_models.DBInstance.__init__


def _instance_init_unique_id(self, *args, **kwargs):
    _instance_init(self, *args, **kwargs)
    self.dbi_resource_id = _new_dbi_resource_id()


_create_replica = rds_models.RDSBackend.create_db_instance_read_replica


def _create_replica_unique_id(self, db_kwargs):
    replica = _create_replica(self, db_kwargs)
    replica.dbi_resource_id = _new_dbi_resource_id()
    return replica


rds_models.DBInstance.__init__ = _instance_init_unique_id
rds_models.RDSBackend.create_db_instance_read_replica = _create_replica_unique_id

# Patch "s3-logging-target-policy-principal-star": moto 5.2.1's PutBucketLogging reads every statement of
# the target bucket's policy with stmt.get("Principal", {}).get("Service"), which raises
# AttributeError (HTTP 500) on a statement with "Principal": "*" (our DenyInsecureTransport).
# Same check as moto's, with statements whose principal is not an object skipped (they cannot grant
# the logging service anything).
_LOGGING = s3_models.LOGGING_SERVICE_PRINCIPAL


def _log_permissions_enabled_policy(target_bucket, target_prefix):
    if not target_bucket.policy:
        return False
    arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
    accepted = {f"{arn}/{target_prefix if target_prefix else ''}*", f"{arn}/*", arn}
    for stmt in json.loads(target_bucket.policy.decode())["Statement"]:
        principal = stmt.get("Principal", {})
        if not isinstance(principal, dict) or principal.get("Service") != _LOGGING:
            continue
        if stmt.get("Effect", "") != "Allow" or "s3:PutObject" not in stmt.get("Action", []):
            continue
        if stmt.get("Resource") in accepted:
            return True
    return False


s3_models.FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)

# Patch "cloudtrail-trail-arn": moto 5.2.1's StartLogging, StopLogging and DeleteTrail look the trail up
# by name only (CloudTrailBackend.start_logging: self.trails[name]), so the trail's ARN, which the AWS
# provider uses as the trail's id, raises KeyError (HTTP 500) or, for DeleteTrail, deletes nothing.
# Real CloudTrail takes the name or the ARN for all three ("Name: ... the name or the CloudTrail ARN
# of the trail"); GetTrail and PutEventSelectors in moto already resolve both, and the patch uses the same lookup.
def _trail_name(backend, name_or_arn):
    return backend.get_trail(name_or_arn).trail_name


_start_logging = cloudtrail_models.CloudTrailBackend.start_logging
_stop_logging = cloudtrail_models.CloudTrailBackend.stop_logging
_delete_trail = cloudtrail_models.CloudTrailBackend.delete_trail
cloudtrail_models.CloudTrailBackend.start_logging = lambda self, name: _start_logging(self, _trail_name(self, name))
cloudtrail_models.CloudTrailBackend.stop_logging = lambda self, name: _stop_logging(self, _trail_name(self, name))


def _delete_trail_by_name_or_arn(self, name):
    try:
        name = _trail_name(self, name)
    except cloudtrail_models.TrailNotFoundException:
        pass
    _delete_trail(self, name)


cloudtrail_models.CloudTrailBackend.delete_trail = _delete_trail_by_name_or_arn

# Patch "guardduty-detector-features-merge": moto 5.2.1's UpdateDetector replaces the detector's
# features with the ones in the request (Detector.update: self.features = features). The provider's
# aws_guardduty_detector_feature sends one feature per call, as real GuardDuty allows (features not in
# the request keep their configuration), so of two features created side by side only the last
# survives and the other reads back empty. The patch merges by feature name.
_detector_update = guardduty_models.Detector.update


def _feature_name(feature):
    return feature.get("name", feature.get("Name"))


def _detector_update_merging_features(self, enable, finding_publishing_frequency, data_sources, features):
    if features is not None:
        given = {_feature_name(f) for f in features}
        features = [f for f in self.features if _feature_name(f) not in given] + list(features)
    _detector_update(self, enable, finding_publishing_frequency, data_sources, features)


guardduty_models.Detector.update = _detector_update_merging_features

# Patch "s3-object-calls-conditional-bucket-policy": for object calls (GetObject, HeadObject,
# GetObjectTagging, ...) moto 5.2.1 evaluates the bucket policy without any request context
# (FakeBucket.get_permission -> IAMPolicy.is_action_permitted with no condition values), and a
# statement whose condition cannot be met that way answers DENIED whatever its effect. Our
# DenyInsecureTransport (Deny s3:* when aws:SecureTransport is false) therefore denies every object
# read, over HTTP or HTTPS alike: the provider cannot read back an aws_s3_object it just wrote. The
# patch leaves statements with a Condition out of moto's evaluation (moto cannot evaluate them); the
# others are evaluated as before.
_get_permission = s3_models.FakeBucket.get_permission


def _get_permission_without_conditions(self, action, resource):
    if self.policy is None:
        return _get_permission(self, action, resource)
    from moto.iam.access_control import IAMPolicy, PermissionResult

    document = json.loads(self.policy.decode())
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    kept = [st for st in statements if not st.get("Condition")]
    if not kept:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**document, "Statement": kept})).is_action_permitted(action, resource)


s3_models.FakeBucket.get_permission = _get_permission_without_conditions

# Patch "s3-delete-marker-dispose": in a bucket whose versioning is suspended, moto 5.2.1's
# DeleteObject/DeleteObjects drops the whole key with _VersionedKeyStore.pop, which calls dispose()
# on every version, and a delete marker has no dispose: AttributeError: 'FakeDeleteMarker' object
# has no attribute 'dispose' (HTTP 500). terraform destroys aws_s3_bucket_versioning (versioning
# suspended) before the bucket, so a bucket with a deleted object (a delete marker) can then not be
# emptied by force_destroy. A delete marker holds no data, so its dispose does nothing.
s3_models.FakeDeleteMarker.dispose = lambda self, garbage=False: None

# Patch "ec2-revoke-unknown-rule-id-error-code": RevokeSecurityGroupIngress/Egress with a
# SecurityGroupRuleIds entry the group does not hold answers InvalidPermission.NotFound in moto 5.2.1
# (SecurityGroupBackend.revoke_security_group_ingress: has_unknown_rules -> InvalidPermissionNotFoundError);
# real EC2 answers InvalidSecurityGroupRuleId.NotFound, the code the AWS provider's delete of
# aws_vpc_security_group_ingress_rule / _egress_rule treats as "already gone". With moto's code a
# revoke that finds its rule already removed (a retried request) fails the destroy. The patch answers
# AWS's code (moto's own InvalidSecurityGroupRuleIdNotFoundError) before any rule is touched; what
# moto accepts and removes is unchanged.
def _revoke_checking_rule_ids(revoke, egress):
    def patched(self, group_name_or_id, *args, **kwargs):
        rule_ids = kwargs.get("security_rule_ids") or []
        group = self.get_security_group_by_name_or_id(group_name_or_id, kwargs.get("vpc_id"))
        if group is not None and rule_ids:
            held = {rule.id for rule in (group.egress_rules if egress else group.ingress_rules)}
            for rule_id in rule_ids:
                if rule_id not in held:
                    raise ec2_exceptions.InvalidSecurityGroupRuleIdNotFoundError(rule_id)
        return revoke(self, group_name_or_id, *args, **kwargs)

    return patched


_sg_backend = ec2_security_groups.SecurityGroupBackend
_sg_backend.revoke_security_group_ingress = _revoke_checking_rule_ids(_sg_backend.revoke_security_group_ingress, egress=False)
_sg_backend.revoke_security_group_egress = _revoke_checking_rule_ids(_sg_backend.revoke_security_group_egress, egress=True)

# Patch "lambda-runtime-create-block": moto 5.2.1 stores any Runtime string (LambdaBackend.create_function,
# LambdaFunction.update_configuration: self.run_time = value), so a function on a runtime AWS no longer
# creates (nodejs20.x since 2026-06-01) applied cleanly in the rehearsal and failed on the first real
# deploy (issue 20, item 1). Real Lambda answers CreateFunction from the runtime's "Block function
# create" date, and UpdateFunctionConfiguration from its "Block function update" date, with HTTP 400
# InvalidParameterValueException "The runtime parameter of <rt> is no longer supported for creating or
# updating AWS Lambda functions. We recommend you use the new runtime (<rt>) while creating or updating
# functions." The dates are the policy pack's table (policy/rules/lambda/runtime-dates.json, RX-LAMBDA-1);
# a runtime it does not list is left to moto. REHEARSAL_TODAY (YYYY-MM-DD) sets the day compared against.
_RUNTIME_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "policy", "rules", "lambda", "runtime-dates.json")
with open(_RUNTIME_TABLE, encoding="utf-8") as _f:
    _LAMBDA_RUNTIMES = json.load(_f)["lambda"]


def _today():
    return os.environ.get("REHEARSAL_TODAY") or datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def _refuse_blocked_runtime(runtime, block):
    dates = _LAMBDA_RUNTIMES.get(runtime) if isinstance(runtime, str) else None
    day = _today()
    if not dates or not dates.get(block) or dates[block] > day:
        return
    open_ = [r for r, d in _LAMBDA_RUNTIMES.items() if not d.get("createBlocked") or d["createBlocked"] > day]
    newest = max(open_, key=lambda r: _LAMBDA_RUNTIMES[r].get("createBlocked") or "9999") if open_ else runtime
    raise lambda_exceptions.InvalidParameterValueException(
        f"The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda functions. "
        f"We recommend you use the new runtime ({newest}) while creating or updating functions."
    )


_create_function = lambda_models.LambdaBackend.create_function


def _create_function_checking_runtime(self, spec):
    if spec.get("PackageType", "Zip") != "Image":
        _refuse_blocked_runtime(spec.get("Runtime"), "createBlocked")
    return _create_function(self, spec)


_update_function_configuration = lambda_models.LambdaBackend.update_function_configuration


def _update_function_configuration_checking_runtime(self, function_name, qualifier, body):
    if "Runtime" in body:
        _refuse_blocked_runtime(body["Runtime"], "updateBlocked")
    return _update_function_configuration(self, function_name, qualifier, body)


lambda_models.LambdaBackend.create_function = _create_function_checking_runtime
lambda_models.LambdaBackend.update_function_configuration = _update_function_configuration_checking_runtime

# Patch "ecs-drop-empty-environment-values": moto 5.2.1's RegisterTaskDefinition stores the container
# definitions as sent (EC2ContainerServiceBackend.register_task_definition), so an environment entry
# whose value is "" reads back from DescribeTaskDefinition and the re-plan is clean. Real ECS drops
# such entries; hashicorp/aws 5.x then reads back a shorter list and plans a replacement of the task
# definition on every plan (hashicorp/terraform-provider-aws#39533; issue 20, item 8: the rotation's
# unused APPRUNNER_SERVICE_ARNS / ECS_SERVICE_ARNS). The patch drops them as ECS does, so the
# rehearsal's re-plan shows the never-converging diff.
_register_task_definition = ecs_models.EC2ContainerServiceBackend.register_task_definition


def _register_dropping_empty_environment(self, family, container_definitions, *args, **kwargs):
    for container in container_definitions or []:
        if isinstance(container, dict) and isinstance(container.get("environment"), list):
            container["environment"] = [e for e in container["environment"] if not (isinstance(e, dict) and e.get("value") in ("", None))]
    return _register_task_definition(self, family, container_definitions, *args, **kwargs)


ecs_models.EC2ContainerServiceBackend.register_task_definition = _register_dropping_empty_environment

if __name__ == "__main__":
    main(sys.argv[1:])
