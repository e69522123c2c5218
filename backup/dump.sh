#!/bin/sh
# Dumps the database, encrypts the dump with BACKUP_ENCRYPTION_KEY and streams it to the backups
# bucket (which also encrypts it with KMS and locks it). Nothing touches the local disk.
# Environment: DATABASE_URL and BACKUP_ENCRYPTION_KEY (injected from Secrets Manager by ECS),
# BACKUP_BUCKET, AWS_REGION.
set -eu
# busybox ash: without pipefail a failed pg_dump would still exit 0.
set -o pipefail
: "${DATABASE_URL:?}" "${BACKUP_ENCRYPTION_KEY:?}" "${BACKUP_BUCKET:?}"
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
key="daily/$(date -u +%Y/%m/%d)/restartix-${stamp}.pgdump.enc"
# pipefail only sets the exit status: `aws s3 cp` would still complete the object when its input
# ends, and a truncated dump would sit in the bucket for the Object Lock period, named like a good
# one. So a failed pg_dump terminates the pipeline's other commands (this script's children) before
# the upload completes; an unfinished multipart upload is removed by the bucket's lifecycle rule.
{ pg_dump "$DATABASE_URL" --format=custom --no-owner || { echo "dump.sh: pg_dump failed; upload aborted" >&2; pkill -TERM -P $$; exit 1; }; } \
  | openssl enc -aes-256-cbc -pbkdf2 -iter 200000 -salt -pass env:BACKUP_ENCRYPTION_KEY \
  | aws s3 cp - "s3://${BACKUP_BUCKET}/${key}" --only-show-errors
echo "backup written: s3://${BACKUP_BUCKET}/${key}"
