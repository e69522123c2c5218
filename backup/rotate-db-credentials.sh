#!/bin/sh
# Rotates the password of an application's PostgreSQL login (docs/data-and-backups.md, "Database
# credentials: rotation"). The services connect as one of two login roles, <base>_a and <base>_b,
# both members of <base> with `SET role = <base>`; this script gives the role NOT in use a new
# random password, checks that it logs in over TLS, writes the new DATABASE_URL into every listed
# secret and redeploys the services that read them. The role in use keeps its password, so
# instances started before the rotation keep working until the next one.
#
# Environment (set by the task definition; no credential is passed in it):
#   MASTER_CREDENTIALS_ARN  the RDS-managed master secret ({"username": ..., "password": ...})
#   DATABASE_URL_ARNS       space-separated ARNs of the plain-URL secrets to rewrite; they must all
#                           log in as the same role today (postgres://<role>:<pw>@host:port/db?...)
#   APPRUNNER_SERVICE_ARNS  optional, space-separated: App Runner services to redeploy
#   ECS_SERVICE_ARNS        optional, space-separated: ECS services to redeploy (Fargate engine)
#   PGSSLMODE               optional, require (default), verify-ca or verify-full; never weaker
#
# Secrets never reach a command line: passwords travel in psql's and aws' standard input or in
# PGPASSWORD, and the new password is hashed by psql (\password, SCRAM) before it is sent, so the
# server's DDL log (log_statement = ddl) records a verifier, not the password.
# Any failure exits non-zero before the secrets are written (the EventBridge rule alarms on it);
# the secrets then still hold credentials that work.
set -eu
set -o pipefail
umask 077

: "${MASTER_CREDENTIALS_ARN:?}" "${DATABASE_URL_ARNS:?}"
APPRUNNER_SERVICE_ARNS=${APPRUNNER_SERVICE_ARNS:-}
ECS_SERVICE_ARNS=${ECS_SERVICE_ARNS:-}
PGSSLMODE=${PGSSLMODE:-require}
case "$PGSSLMODE" in
  require | verify-ca | verify-full) ;;
  *) echo "rotate-db-credentials: PGSSLMODE=$PGSSLMODE would allow a connection without TLS; use require, verify-ca or verify-full" >&2; exit 2 ;;
esac
export PGSSLMODE PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-15}

stage=start
trap 'status=$?; if [ "$status" -ne 0 ]; then echo "rotate-db-credentials: FAILED at step \"$stage\" (exit $status); the DATABASE_URL secrets were not changed unless the log says so" >&2; fi' EXIT

fail() {
  echo "rotate-db-credentials: $*" >&2
  exit 1
}

secret_value() {
  aws secretsmanager get-secret-value --secret-id "$1" --query SecretString --output text
}

identifier() {
  case "$1" in
    '' | *[!a-z0-9_]* | [0-9]*) return 1 ;;
  esac
  [ "${#1}" -le 60 ]
}

stage="read the master secret"
master=$(secret_value "$MASTER_CREDENTIALS_ARN")
master_user=$(printf '%s' "$master" | jq -er '.username')
master_password=$(printf '%s' "$master" | jq -er '.password')
unset master
identifier "$master_user" || fail "the master secret's username is not a plain PostgreSQL identifier"

stage="read the current DATABASE_URL"
user=""
location=""
for arn in $DATABASE_URL_ARNS; do
  url=$(secret_value "$arn")
  case "$url" in
    postgres://*@* | postgresql://*@*) ;;
    *) fail "secret $arn does not hold a postgres://user:password@host:port/database URL" ;;
  esac
  rest=${url#*://}
  userinfo=${rest%@*}
  this_user=${userinfo%%:*}
  this_location=${rest##*@}
  identifier "$this_user" || fail "secret $arn: its user is not a plain PostgreSQL identifier"
  [ -z "$user" ] || [ "$user" = "$this_user" ] || fail "secrets log in as different roles ($user, $this_user): rotate them separately"
  user=$this_user
  [ -n "$location" ] || location=$this_location
done
unset url rest userinfo

# host:port/database?parameters of the first secret: the database whose roles are rotated.
hostport=${location%%/*}
database=${location#*/}
database=${database%%\?*}
host=${hostport%:*}
port=${hostport##*:}
[ "$port" != "$hostport" ] || port=5432
[ -n "$host" ] && [ -n "$database" ] || fail "cannot read host and database from the DATABASE_URL"
case "$port" in '' | *[!0-9]*) fail "the DATABASE_URL's port is not a number" ;; esac

# The role not in use. The first rotation moves from the document's single role (<base>) to <base>_a.
case "$user" in
  *_a) base=${user%_a}; next=${base}_b ;;
  *_b) base=${user%_b}; next=${base}_a ;;
  *) base=$user; next=${base}_a ;;
esac
identifier "$base" && identifier "$next" || fail "cannot derive the login roles from $user"
echo "rotate-db-credentials: ${host}:${port}/${database}: in use ${user}, rotating ${next} (member of ${base})"

conninfo() {
  printf 'host=%s port=%s dbname=%s user=%s' "$host" "$port" "$database" "$1"
}

stage="create the login roles if missing"
# Idempotent: creates <base>_a and <base>_b the first time, makes them members of <base> and
# makes every session of theirs act as <base> (objects stay owned by <base>).
printf '%s\n' \
  "\\set ON_ERROR_STOP on" \
  "\\set base '${base}'" \
  "SELECT 1 / count(*) AS base_exists FROM pg_roles WHERE rolname = :'base' \\gset" \
  "SELECT format('CREATE ROLE %I LOGIN', r) FROM (VALUES ('${base}_a'), ('${base}_b')) AS v(r) WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \\gexec" \
  "SELECT format('GRANT %I TO %I', :'base', r) FROM (VALUES ('${base}_a'), ('${base}_b')) AS v(r) WHERE NOT pg_has_role(r, :'base', 'MEMBER') \\gexec" \
  "ALTER ROLE ${base}_a SET role = ${base};" \
  "ALTER ROLE ${base}_b SET role = ${base};" \
  | PGPASSWORD=$master_password psql "$(conninfo "$master_user")" -X -q -v ON_ERROR_STOP=1 >/dev/null

stage="generate the new password"
# 40 characters of [A-Za-z0-9] (238 bits): nothing to escape in a URL or in SQL.
raw=$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9')
password=$(printf '%.40s' "$raw")
unset raw
[ "${#password}" -eq 40 ] || fail "could not read enough random bytes from /dev/urandom"

stage="set the password of $next"
# psql's \password hashes the password (SCRAM-SHA-256) and sends ALTER ROLE with the verifier. It
# reads the password twice from /dev/tty, or from standard input when there is no terminal:
# setsid detaches from any terminal, so it always reads the pipe.
printf '%s\n%s\n' "$password" "$password" \
  | PGPASSWORD=$master_password setsid psql "$(conninfo "$master_user")" -X -q -v ON_ERROR_STOP=1 -c "\\password ${next}" >/dev/null 2>&1 \
  || fail "could not set the password of $next (ALTER ROLE failed); nothing was written"
unset master_password

stage="log in as $next over TLS"
# The session acts as <base> (SET role); pg_stat_ssl shows it is encrypted (after SET ROLE NONE: a
# role sees only its own sessions there).
check=$(PGPASSWORD=$password psql "$(conninfo "$next")" -X -q -A -t -v ON_ERROR_STOP=1 \
  -c "SELECT session_user || ' ' || current_user" -c "SET ROLE NONE" \
  -c "SELECT CASE WHEN ssl THEN 'tls=yes' ELSE 'tls=no' END FROM pg_stat_ssl WHERE pid = pg_backend_pid()") \
  || fail "$next cannot log in with its new password; nothing was written"
expected=$(printf '%s %s\ntls=yes' "$next" "$base")
[ "$check" = "$expected" ] || fail "$next logged in but the session is not TLS as $base (got: $check); nothing was written"

stage="write the DATABASE_URL secrets"
for arn in $DATABASE_URL_ARNS; do
  url=$(secret_value "$arn")
  rest=${url#*://}
  # Same scheme, host, port, database and parameters; only the credentials change.
  printf '%s://%s:%s@%s' "${url%%://*}" "$next" "$password" "${rest##*@}" \
    | aws secretsmanager put-secret-value --secret-id "$arn" --secret-string file:///dev/stdin --output text --query VersionId >/dev/null
  echo "rotate-db-credentials: $arn now logs in as $next"
done
unset url rest password

stage="redeploy the services"
for arn in $APPRUNNER_SERVICE_ARNS; do
  aws apprunner start-deployment --service-arn "$arn" --output text --query OperationId >/dev/null
  echo "rotate-db-credentials: redeploying $arn"
done
for arn in $ECS_SERVICE_ARNS; do
  # arn:aws:ecs:<region>:<account>:service/<cluster>/<service>
  path=${arn#*:service/}
  aws ecs update-service --cluster "${path%%/*}" --service "${path#*/}" --force-new-deployment --output text --query service.serviceArn >/dev/null
  echo "rotate-db-credentials: redeploying $arn"
done
stage=done
echo "rotate-db-credentials: done; $user keeps its password until the next rotation"
