#!/bin/sh
# Rotates the password of an application's PostgreSQL login (docs/data-and-backups.md, "Database
# credentials: rotation"). The services connect as one of two login roles, <base>_a and <base>_b,
# both members of <base> with `SET role = <base>`; this script gives the role NOT in use a new
# random password, checks that it logs in over TLS, writes the new DATABASE_URL into every listed
# secret, redeploys the services that read them and waits until every redeploy has finished (ECS:
# the new deployment COMPLETED; App Runner: the operation SUCCEEDED). The role in use keeps its
# password, so instances started before the rotation keep working until the next one.
# A redeploy that fails, rolls back or does not finish in REDEPLOY_TIMEOUT_SECONDS puts the previous
# DATABASE_URLs back (that login still works: its password did not change) and exits non-zero: the
# secrets never name a login the running services do not use, so next month's rotation cannot
# change a password under them.
# After a verified run no secret uses the base role any more: it loses LOGIN and its password (the
# hand-set one from before the rotation existed); it keeps owning the objects, and <base>_a/_b act
# as it through SET role.
#
# Environment (set by the task definition; no credential is passed in it):
#   MASTER_CREDENTIALS_ARN  the RDS-managed master secret ({"username": ..., "password": ...})
#   DATABASE_URL_ARNS       space-separated ARNs of the plain-URL secrets to rewrite; they must all
#                           log in as the same role today (postgres://<role>:<pw>@host:port/db?...)
#   APPRUNNER_SERVICE_ARNS  optional, space-separated: App Runner services to redeploy; unset = none
#   ECS_SERVICE_ARNS        optional, space-separated: ECS services to redeploy (Fargate engine);
#                           unset = none (the task definition leaves an unused list out: ECS drops
#                           empty values)
#   PGSSLMODE               optional, require (default), verify-ca or verify-full; never weaker
#   REDEPLOY_TIMEOUT_SECONDS optional (1800): how long to wait for the redeploys
#   REDEPLOY_POLL_SECONDS   optional (15): time between two status reads
#
# Secrets never reach a command line: passwords travel in psql's and aws' standard input or in
# PGPASSWORD, and the new password is hashed by psql (\password, SCRAM) before it is sent, so the
# server's DDL log (log_statement = ddl) records a verifier, not the password.
# Any failure exits non-zero (the EventBridge rule alarms on it): before the secrets are written,
# or after putting the previous ones back; the secrets then still hold credentials that work.
set -eu
set -o pipefail
umask 077

: "${MASTER_CREDENTIALS_ARN:?}" "${DATABASE_URL_ARNS:?}"
APPRUNNER_SERVICE_ARNS=${APPRUNNER_SERVICE_ARNS:-}
ECS_SERVICE_ARNS=${ECS_SERVICE_ARNS:-}
REDEPLOY_TIMEOUT_SECONDS=${REDEPLOY_TIMEOUT_SECONDS:-1800}
REDEPLOY_POLL_SECONDS=${REDEPLOY_POLL_SECONDS:-15}
case "$REDEPLOY_TIMEOUT_SECONDS$REDEPLOY_POLL_SECONDS" in *[!0-9]*) echo "rotate-db-credentials: REDEPLOY_TIMEOUT_SECONDS and REDEPLOY_POLL_SECONDS must be whole seconds" >&2; exit 2 ;; esac
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
# Kept (in memory only) for the last step, which retires the base role's login.
admin_password=$master_password
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
# The previous values stay in memory (the root filesystem is read-only): a failed redeploy puts them back.
i=0
for arn in $DATABASE_URL_ARNS; do
  i=$((i + 1))
  url=$(secret_value "$arn")
  eval "previous_$i=\$url"
  rest=${url#*://}
  # Same scheme, host, port, database and parameters; only the credentials change.
  printf '%s://%s:%s@%s' "${url%%://*}" "$next" "$password" "${rest##*@}" \
    | aws secretsmanager put-secret-value --secret-id "$arn" --secret-string file:///dev/stdin --output text --query VersionId >/dev/null
  echo "rotate-db-credentials: $arn now logs in as $next"
done
unset url rest password

restore_previous() {
  # The login in use before this run still has its password: the services that did not move keep working.
  stage="put the previous DATABASE_URL secrets back"
  i=0
  for arn in $DATABASE_URL_ARNS; do
    i=$((i + 1))
    eval "printf '%s' \"\$previous_$i\"" \
      | aws secretsmanager put-secret-value --secret-id "$arn" --secret-string file:///dev/stdin --output text --query VersionId >/dev/null \
      || { echo "rotate-db-credentials: could not put the previous value back into $arn: it names $next, whose services may not run" >&2; continue; }
    echo "rotate-db-credentials: $arn logs in as $user again" >&2
  done
}

redeploy_failed() {
  echo "rotate-db-credentials: $*" >&2
  restore_previous
  echo "rotate-db-credentials: the redeploy did not finish; the secrets name $user again (its password is unchanged). Instances that started during the run hold $next's new password, which stays valid until $next is rotated again; fix the cause and run the rotation again." >&2
  exit 1
}

# One status read per poll until done: $3 (COMPLETED, SUCCEEDED) ends the wait, a state matching
# one of the patterns in $2 fails it; an empty answer reads as None.
wait_for() {
  what=$1 failed=$2 done_state=$3
  shift 3
  waited=0
  while :; do
    state=$("$@") || redeploy_failed "$what: the status could not be read"
    [ -n "$state" ] || state=None
    [ "$state" != "$done_state" ] || { echo "rotate-db-credentials: $what: $state"; return 0; }
    # No file-name expansion of ROLLBACK_* (set -f); the case pattern itself globs.
    set -f
    for pattern in $failed; do
      # shellcheck disable=SC2254
      case "$state" in $pattern) set +f; redeploy_failed "$what: $state" ;; esac
    done
    set +f
    [ "$waited" -lt "$REDEPLOY_TIMEOUT_SECONDS" ] || redeploy_failed "$what: still $state after ${REDEPLOY_TIMEOUT_SECONDS}s"
    sleep "$REDEPLOY_POLL_SECONDS"
    waited=$((waited + REDEPLOY_POLL_SECONDS))
    [ "$REDEPLOY_POLL_SECONDS" -gt 0 ] || waited=$((waited + 1))
  done
}

stage="redeploy the services"
apprunner_ops=""
for arn in $APPRUNNER_SERVICE_ARNS; do
  op=$(aws apprunner start-deployment --service-arn "$arn" --output text --query OperationId) \
    || redeploy_failed "App Runner refused the deployment of $arn"
  apprunner_ops="$apprunner_ops $arn=$op"
  echo "rotate-db-credentials: redeploying $arn (operation $op)"
done
ecs_deployments=""
for arn in $ECS_SERVICE_ARNS; do
  # arn:aws:ecs:<region>:<account>:service/<cluster>/<service>
  path=${arn#*:service/}
  deployment=$(aws ecs update-service --cluster "${path%%/*}" --service "${path#*/}" --force-new-deployment --output text \
    --query 'service.deployments[?status==`PRIMARY`].id | [0]') || redeploy_failed "ECS refused the deployment of $arn"
  ecs_deployments="$ecs_deployments $arn=$deployment"
  echo "rotate-db-credentials: redeploying $arn (deployment $deployment)"
done

stage="wait for the redeploys"
for entry in $apprunner_ops; do
  arn=${entry%=*}
  op=${entry##*=}
  # FAILED, ROLLBACK_*: the service still runs the instances from before (on the previous login).
  wait_for "App Runner $arn operation $op" "FAILED ROLLBACK_*" SUCCEEDED \
    aws apprunner list-operations --service-arn "$arn" --output text --query "OperationSummaryList[?Id=='$op'].Status | [0]"
done
for entry in $ecs_deployments; do
  arn=${entry%=*}
  deployment=${entry##*=}
  path=${arn#*:service/}
  # The deployment this run started: FAILED, or gone (the circuit breaker rolled back to a new
  # PRIMARY deployment of the previous revision, "None"), is a failed redeploy.
  wait_for "ECS $arn deployment $deployment" "FAILED None" COMPLETED \
    aws ecs describe-services --cluster "${path%%/*}" --services "${path#*/}" --output text \
    --query "services[0].deployments[?id=='$deployment'].rolloutState | [0]"
done

stage="retire the base role's login"
# Every secret of this rotation now names $next and the services run on it: nothing logs in as
# $base. NOLOGIN and no password (the hand-set one from before the rotation existed); it keeps
# owning the objects. Idempotent: later runs find it retired already.
printf '%s\n' "ALTER ROLE ${base} NOLOGIN PASSWORD NULL;" \
  | PGPASSWORD=$admin_password psql "$(conninfo "$master_user")" -X -q -v ON_ERROR_STOP=1 >/dev/null \
  || fail "the rotation succeeded (the secrets name $next), but $base could not be made NOLOGIN; run ALTER ROLE ${base} NOLOGIN PASSWORD NULL as the master user"
unset admin_password
echo "rotate-db-credentials: $base cannot log in (NOLOGIN, no password); it still owns the objects"
stage=done
echo "rotate-db-credentials: done; $user keeps its password until the next rotation"
