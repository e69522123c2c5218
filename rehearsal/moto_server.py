"""moto_server with the rehearsal's two patches (see rehearsal/emulator-gaps.json, "patches").

Run instead of the `moto_server` entry point: python3 rehearsal/moto_server.py -H 127.0.0.1 -p PORT.
Each patch fixes one emulator bug that would otherwise make a correct configuration fail; nothing
here changes what moto accepts or rejects otherwise. A moto version other than the one the patches
were written against is refused: re-check the evidence before moving it.
"""
import json
import os
import sys
import uuid

import moto
from moto.rds import models as rds_models
from moto.s3 import models as s3_models
from moto.server import main

PATCHED_FOR = "5.2.1"
if moto.__version__ != PATCHED_FOR and os.environ.get("REHEARSAL_ALLOW_MOTO_VERSION") != moto.__version__:
    sys.stderr.write(
        f"rehearsal/moto_server.py: moto {moto.__version__} is installed; the patches were written for {PATCHED_FOR}. "
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

if __name__ == "__main__":
    main(sys.argv[1:])
