"""Reproduces the evidence of each moto patch (tools/rehearse/emulator/emulator-gaps.json, "patches").

python3 tools/rehearse/emulator/patch_evidence.py
Starts moto_server unpatched and patched (tools/rehearse/emulator/moto_server.py) on free loopback ports, makes the
calls that show each bug, and prints what each server answered. Exit status 0: every bug is still
there unpatched and fixed patched; 1: a patch no longer changes anything (drop it) or no longer fixes
it. Run it before moving to another moto version.
"""
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile

import boto3


def _zip():
    """A zip archive holding one empty index.js (CreateFunction only checks that it is a zip)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", "")
    return buf.getvalue()


ZIP = _zip()

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(patched):
    # The day the runtime dates are compared with: fixed, so the evidence does not change with the calendar.
    os.environ["REHEARSAL_TODAY"] = "2026-12-07"
    port = free_port()
    cmd = [sys.executable, os.path.join(HERE, "moto_server.py")] if patched else [sys.executable, "-c", "import sys; from moto.server import main; main(sys.argv[1:])"]
    proc = subprocess.Popen(cmd + ["-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=2)
            return proc, url
        except Exception:
            time.sleep(0.25)
    proc.kill()
    raise SystemExit(f"moto_server did not start on {url}")


def logging_with_principal_star(url):
    s3 = boto3.client("s3", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    for b in ["restartix-logs", "restartix-data"]:
        s3.create_bucket(Bucket=b, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_bucket_policy(Bucket="restartix-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::restartix-logs", "arn:aws:s3:::restartix-logs/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "S3ServerAccessLogDelivery", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::restartix-logs/*"}]}))
    try:
        s3.put_bucket_logging(Bucket="restartix-data", BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "restartix-logs", "TargetPrefix": "s3/restartix-data/"}})
        return "ok"
    except Exception as e:  # noqa: BLE001 - the error is the evidence
        return f"error: {e}"


def dbi_resource_ids(url):
    rds = boto3.client("rds", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    for i in ["db-a", "db-b"]:
        rds.create_db_instance(DBInstanceIdentifier=i, DBInstanceClass="db.t4g.medium", Engine="postgres",
                               MasterUsername="u", MasterUserPassword="password1234", AllocatedStorage=20)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="db-a-replica", SourceDBInstanceIdentifier="db-a")
    return {d["DBInstanceIdentifier"]: d["DbiResourceId"] for d in rds.describe_db_instances()["DBInstances"]}


def trail_by_arn(url):
    kw = dict(endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    s3, ct = boto3.client("s3", **kw), boto3.client("cloudtrail", **kw)
    s3.create_bucket(Bucket="restartix-cloudtrail", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    arn = ct.create_trail(Name="restartix-audit", S3BucketName="restartix-cloudtrail", IsMultiRegionTrail=True)["TrailARN"]
    out = {}
    try:
        ct.start_logging(Name=arn)
        out["start"] = "ok" if ct.get_trail_status(Name=arn)["IsLogging"] else "not logging"
    except Exception as e:  # noqa: BLE001 - the error is the evidence
        out["start"] = f"error: {e}"
    try:
        ct.delete_trail(Name=arn)
        out["delete"] = "deleted" if not ct.describe_trails()["trailList"] else "still there"
    except Exception as e:  # noqa: BLE001
        out["delete"] = f"error: {e}"
    return out


def detector_features(url):
    gd = boto3.client("guardduty", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    detector = gd.create_detector(Enable=True)["DetectorId"]
    for name in ["S3_DATA_EVENTS", "RDS_LOGIN_EVENTS"]:
        gd.update_detector(DetectorId=detector, Features=[{"Name": name, "Status": "ENABLED"}])
    return sorted(f["Name"] for f in gd.get_detector(DetectorId=detector).get("Features", []))


def object_read_under_deny_insecure_transport(url):
    s3 = boto3.client("s3", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    s3.create_bucket(Bucket="restartix-observability", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_object(Bucket="restartix-observability", Key="code/a.zip", Body=b"PK")
    s3.put_bucket_policy(Bucket="restartix-observability", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::restartix-observability", "arn:aws:s3:::restartix-observability/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    out = []
    for call in (lambda: s3.head_object(Bucket="restartix-observability", Key="code/a.zip"),
                 lambda: s3.get_object_tagging(Bucket="restartix-observability", Key="code/a.zip")):
        try:
            call()
            out.append("ok")
        except Exception as e:  # noqa: BLE001 - the error is the evidence
            out.append(f"error: {e}")
    return out


def empty_versioned_bucket_with_delete_marker(url):
    s3 = boto3.client("s3", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    s3.create_bucket(Bucket="restartix-versioned", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_bucket_versioning(Bucket="restartix-versioned", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="restartix-versioned", Key="code/a.zip", Body=b"PK")
    s3.delete_object(Bucket="restartix-versioned", Key="code/a.zip")
    # terraform destroys aws_s3_bucket_versioning before the bucket: versioning is then Suspended.
    s3.put_bucket_versioning(Bucket="restartix-versioned", VersioningConfiguration={"Status": "Suspended"})
    listed = s3.list_object_versions(Bucket="restartix-versioned")
    objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]
    try:
        s3.delete_objects(Bucket="restartix-versioned", Delete={"Objects": objects, "Quiet": True})
        left = s3.list_object_versions(Bucket="restartix-versioned")
        return f"ok, {len(left.get('Versions', [])) + len(left.get('DeleteMarkers', []))} versions left"
    except Exception as e:  # noqa: BLE001 - the error is the evidence
        return f"error: {e}"


def revoke_rule_twice(url):
    """A rule revoked by its id, then revoked again (a retried request): the second call's error code."""
    ec2 = boto3.client("ec2", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    db = ec2.create_security_group(GroupName="db", Description="database", VpcId=vpc)["GroupId"]
    rotation = ec2.create_security_group(GroupName="rotation", Description="rotation", VpcId=vpc)["GroupId"]
    codes = {}
    for direction in ("ingress", "egress"):
        perms = [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": rotation}]}]
        added = getattr(ec2, f"authorize_security_group_{direction}")(GroupId=db, IpPermissions=perms)
        rule_id = added["SecurityGroupRules"][0]["SecurityGroupRuleId"]
        revoke = getattr(ec2, f"revoke_security_group_{direction}")
        revoke(GroupId=db, SecurityGroupRuleIds=[rule_id])
        try:
            revoke(GroupId=db, SecurityGroupRuleIds=[rule_id])
            codes[direction] = "ok"
        except Exception as e:  # noqa: BLE001 - the error code is the evidence
            codes[direction] = getattr(e, "response", {}).get("Error", {}).get("Code", str(e))
    return codes


def lambda_runtimes(url):
    """CreateFunction on nodejs20.x (create-blocked 2026-06-01) and on nodejs24.x, on 2026-12-07."""
    kw = dict(endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    iam, lam = boto3.client("iam", **kw), boto3.client("lambda", **kw)
    role = iam.create_role(RoleName="sweeper", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    out = {}
    for runtime in ("nodejs20.x", "nodejs24.x"):
        try:
            lam.create_function(FunctionName=f"sweeper-{runtime.replace('.', '-')}", Runtime=runtime, Role=role, Handler="index.handler",
                                Code={"ZipFile": ZIP})
            out[runtime] = "created"
        except Exception as e:  # noqa: BLE001 - the error is the evidence
            err = getattr(e, "response", {}).get("Error", {})
            out[runtime] = f"{err.get('Code', e)}: {err.get('Message', '')}"
    return out


def ecs_empty_environment(url):
    """RegisterTaskDefinition with one set and one empty environment value; what DescribeTaskDefinition returns."""
    ecs = boto3.client("ecs", endpoint_url=url, region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    ecs.register_task_definition(family="restartix-db-rotation", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
                                 containerDefinitions=[{"name": "rotate-db-credentials", "image": "x", "essential": True, "environment": [
                                     {"name": "APPRUNNER_SERVICE_ARNS", "value": "arn:aws:apprunner:eu-central-1:123456789012:service/a/b"},
                                     {"name": "ECS_SERVICE_ARNS", "value": ""}]}])
    described = ecs.describe_task_definition(taskDefinition="restartix-db-rotation")["taskDefinition"]
    return sorted(e["name"] for e in described["containerDefinitions"][0].get("environment", []))


def main():
    results = {}
    for patched in (False, True):
        proc, url = start(patched)
        try:
            results[patched] = {"logging": logging_with_principal_star(url), "dbi": dbi_resource_ids(url), "trail": trail_by_arn(url), "features": detector_features(url), "objects": object_read_under_deny_insecure_transport(url), "markers": empty_versioned_bucket_with_delete_marker(url), "revoke": revoke_rule_twice(url), "lambda": lambda_runtimes(url), "ecs_env": ecs_empty_environment(url)}
        finally:
            proc.terminate()
            proc.wait(10)
    ok = True
    for patched, r in results.items():
        print(f"{'patched  ' if patched else 'unpatched'}: PutBucketLogging -> {r['logging'][:160]}")
        print(f"{'patched  ' if patched else 'unpatched'}: DbiResourceId -> {r['dbi']}")
        print(f"{'patched  ' if patched else 'unpatched'}: CloudTrail StartLogging(ARN) -> {r['trail']['start'][:160]}; DeleteTrail(ARN) -> {r['trail']['delete'][:160]}")
        print(f"{'patched  ' if patched else 'unpatched'}: GuardDuty features after UpdateDetector(S3_DATA_EVENTS), UpdateDetector(RDS_LOGIN_EVENTS) -> {r['features']}")
        print(f"{'patched  ' if patched else 'unpatched'}: HeadObject, GetObjectTagging under DenyInsecureTransport -> {r['objects']}")
        print(f"{'patched  ' if patched else 'unpatched'}: DeleteObjects of an object version and its delete marker -> {r['markers'][:160]}")
        print(f"{'patched  ' if patched else 'unpatched'}: RevokeSecurityGroupIngress/Egress of an already revoked rule id -> {r['revoke']}")
        print(f"{'patched  ' if patched else 'unpatched'}: CreateFunction nodejs20.x, nodejs24.x on {os.environ['REHEARSAL_TODAY']} -> {r['lambda']}")
        print(f"{'patched  ' if patched else 'unpatched'}: DescribeTaskDefinition environment after registering APPRUNNER_SERVICE_ARNS=<arn>, ECS_SERVICE_ARNS=\"\" -> {r['ecs_env']}")
    if results[False]["logging"] == "ok":
        print("s3-logging-target-policy-principal-star: moto no longer crashes; drop the patch"); ok = False
    if results[True]["logging"] != "ok":
        print("s3-logging-target-policy-principal-star: the patch no longer fixes PutBucketLogging"); ok = False
    if len(set(results[False]["dbi"].values())) == 3:
        print("rds-unique-dbi-resource-id: moto's ids are unique now; drop the patch"); ok = False
    if len(set(results[True]["dbi"].values())) != 3:
        print("rds-unique-dbi-resource-id: the patch no longer gives unique ids"); ok = False
    if results[False]["trail"] == {"start": "ok", "delete": "deleted"}:
        print("cloudtrail-trail-arn: moto resolves trail ARNs now; drop the patch"); ok = False
    if results[True]["trail"] != {"start": "ok", "delete": "deleted"}:
        print("cloudtrail-trail-arn: the patch no longer makes StartLogging and DeleteTrail take the ARN"); ok = False
    if results[False]["features"] == ["RDS_LOGIN_EVENTS", "S3_DATA_EVENTS"]:
        print("guardduty-detector-features-merge: moto merges features now; drop the patch"); ok = False
    if results[True]["features"] != ["RDS_LOGIN_EVENTS", "S3_DATA_EVENTS"]:
        print("guardduty-detector-features-merge: the patch no longer keeps both features"); ok = False
    if results[False]["objects"] == ["ok", "ok"]:
        print("s3-object-calls-conditional-bucket-policy: moto no longer denies; drop the patch"); ok = False
    if results[True]["objects"] != ["ok", "ok"]:
        print("s3-object-calls-conditional-bucket-policy: the patch no longer lets object reads through"); ok = False
    if results[False]["markers"].startswith("ok"):
        print("s3-delete-marker-dispose: moto empties the bucket now; drop the patch"); ok = False
    if results[True]["markers"] != "ok, 0 versions left":
        print("s3-delete-marker-dispose: the patch no longer lets the bucket be emptied"); ok = False
    aws_code = {"ingress": "InvalidSecurityGroupRuleId.NotFound", "egress": "InvalidSecurityGroupRuleId.NotFound"}
    if results[False]["revoke"] == aws_code:
        print("ec2-revoke-unknown-rule-id-error-code: moto answers AWS's code now; drop the patch"); ok = False
    if results[True]["revoke"] != aws_code:
        print("ec2-revoke-unknown-rule-id-error-code: the patch no longer answers InvalidSecurityGroupRuleId.NotFound"); ok = False
    blocked = {
        "nodejs20.x": "InvalidParameterValueException: The runtime parameter of nodejs20.x is no longer supported for creating or updating AWS Lambda functions. "
        "We recommend you use the new runtime (nodejs24.x) while creating or updating functions.",
        "nodejs24.x": "created",
    }
    if results[False]["lambda"] == blocked:
        print("lambda-runtime-create-block: moto refuses blocked runtimes now; drop the patch"); ok = False
    if results[True]["lambda"] != blocked:
        print("lambda-runtime-create-block: the patch no longer refuses nodejs20.x with AWS's error (or refuses nodejs24.x)"); ok = False
    if results[False]["ecs_env"] == ["APPRUNNER_SERVICE_ARNS"]:
        print("ecs-drop-empty-environment-values: moto drops empty values now; drop the patch"); ok = False
    if results[True]["ecs_env"] != ["APPRUNNER_SERVICE_ARNS"]:
        print("ecs-drop-empty-environment-values: the patch no longer drops the empty value"); ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
