#!/bin/sh
# Dumps the database, encrypts the dump with BACKUP_ENCRYPTION_KEY and streams it to the backups
# bucket (which also encrypts it with KMS and locks it). Nothing touches the local disk.
# Environment: DATABASE_URL and BACKUP_ENCRYPTION_KEY (injected from Secrets Manager by ECS),
# BACKUP_BUCKET, AWS_REGION, MAX_RUNTIME_SECONDS, METRIC_NAMESPACE, DATABASE_IDENTIFIER.
# Any failure, or running past MAX_RUNTIME_SECONDS, exits non-zero: the backups stack alarms on
# that, and on a day without the metric this script writes after a complete upload.
set -eu
# busybox ash: without pipefail a failed pg_dump would still upload a truncated dump.
set -o pipefail
: "${DATABASE_URL:?}" "${BACKUP_ENCRYPTION_KEY:?}" "${BACKUP_BUCKET:?}"
: "${MAX_RUNTIME_SECONDS:?}" "${METRIC_NAMESPACE:?}" "${DATABASE_IDENTIFIER:?}"
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
key="daily/$(date -u +%Y/%m/%d)/restartix-${stamp}.pgdump.enc"
export key
# The whole pipeline under one deadline: busybox timeout ends the pipeline's shell (exit 143),
# this script then exits non-zero, and ECS stops the container with whatever is left of it (the
# unfinished multipart upload is aborted by the bucket's lifecycle rule after 7 days).
# pipefail only sets the exit status: `aws s3 cp` would still complete the object when its input
# ends, and a truncated dump would sit in the bucket for the Object Lock period, named like a good
# one. So a failed pg_dump terminates the pipeline's other commands (the inner shell's children)
# before the upload completes.
timeout "$MAX_RUNTIME_SECONDS" sh -euc '
  set -o pipefail
  { pg_dump "$DATABASE_URL" --format=custom --no-owner || { echo "dump.sh: pg_dump failed; upload aborted" >&2; pkill -TERM -P $$; exit 1; }; } \
    | openssl enc -aes-256-cbc -pbkdf2 -iter 200000 -salt -pass env:BACKUP_ENCRYPTION_KEY \
    | aws s3 cp - "s3://${BACKUP_BUCKET}/${key}" --only-show-errors
'
echo "backup written: s3://${BACKUP_BUCKET}/${key}"
# Only a complete upload reaches this line: the missing-dump alarm counts these.
aws cloudwatch put-metric-data --namespace "$METRIC_NAMESPACE" --metric-name DumpsCompleted \
  --dimensions "Database=${DATABASE_IDENTIFIER}" --value 1 --unit Count
