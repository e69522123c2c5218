"""Reproduces the evidence of each moto patch (rehearsal/emulator-gaps.json, "patches").

python3 rehearsal/patch_evidence.py
Starts moto_server unpatched and patched (rehearsal/moto_server.py) on free loopback ports, makes the
calls that show each bug, and prints what each server answered. Exit status 0: every bug is still
there unpatched and fixed patched; 1: a patch no longer changes anything (drop it) or no longer fixes
it. Run it before moving to another moto version.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(patched):
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


def main():
    results = {}
    for patched in (False, True):
        proc, url = start(patched)
        try:
            results[patched] = {"logging": logging_with_principal_star(url), "dbi": dbi_resource_ids(url)}
        finally:
            proc.terminate()
            proc.wait(10)
    ok = True
    for patched, r in results.items():
        print(f"{'patched  ' if patched else 'unpatched'}: PutBucketLogging -> {r['logging'][:160]}")
        print(f"{'patched  ' if patched else 'unpatched'}: DbiResourceId -> {r['dbi']}")
    if results[False]["logging"] == "ok":
        print("s3-logging-target-policy-principal-star: moto no longer crashes; drop the patch"); ok = False
    if results[True]["logging"] != "ok":
        print("s3-logging-target-policy-principal-star: the patch no longer fixes PutBucketLogging"); ok = False
    if len(set(results[False]["dbi"].values())) == 3:
        print("rds-unique-dbi-resource-id: moto's ids are unique now; drop the patch"); ok = False
    if len(set(results[True]["dbi"].values())) != 3:
        print("rds-unique-dbi-resource-id: the patch no longer gives unique ids"); ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
