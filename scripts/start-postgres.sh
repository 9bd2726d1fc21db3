#!/usr/bin/env bash
# Start a local PostgreSQL cluster for the tests (idempotent) and print its SQLAlchemy URL.
#
# Uses Debian's postgresql-common tools (pg_lsclusters, pg_createcluster, pg_ctlcluster).
# Run as root or as a user with sudo. Creates, if absent, the login role `perfeval`
# (password `perfeval`, CREATEDB so tests may make scratch databases) and the database
# `perfeval_test` owned by it. Progress goes to stderr; stdout is only the URL, so
#   export PERFEVAL_TEST_PG_URL="$(bash scripts/start-postgres.sh)"
# works. PG_VERSION (default: newest installed) and PG_CLUSTER (default: main) override.
set -euo pipefail

role=perfeval
password=perfeval
database=perfeval_test
cluster="${PG_CLUSTER:-main}"

log() { echo "[start-postgres] $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "pg_ctlcluster not found: install PostgreSQL (Debian: apt-get install postgresql)"
    exit 1
fi
version="${PG_VERSION:-$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)}"
if [[ -z "$version" || ! -x "/usr/lib/postgresql/$version/bin/postgres" ]]; then
    log "no PostgreSQL server binaries under /usr/lib/postgresql"
    exit 1
fi

if [[ "$(id -u)" -eq 0 ]]; then
    as_root() { "$@"; }
    as_postgres() { runuser -u postgres -- "$@"; }
else
    as_root() { sudo "$@"; }
    as_postgres() { sudo -u postgres "$@"; }
fi

# The socket directory lives on a tmpfs in containers and may be gone after a restart.
as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql

if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {found = 1} END {exit !found}'; then
    log "creating cluster $version/$cluster"
    as_root pg_createcluster "$version" "$cluster" -- --auth-local=peer --auth-host=scram-sha-256 >&2
fi
port="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $3}')"
status="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $4}')"
if [[ "$status" != online* ]]; then
    log "starting cluster $version/$cluster on port $port"
    as_root pg_ctlcluster "$version" "$cluster" start >&2
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port" || { log "server on 127.0.0.1:$port did not become ready"; exit 1; }

psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"; }
psql_admin -c "DO \$\$ BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
        ALTER ROLE $role LOGIN CREATEDB PASSWORD '$password';
    ELSE
        CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
    END IF;
END \$\$;"
if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]]; then
    log "creating database $database"
    psql_admin -c "CREATE DATABASE $database OWNER $role"
fi

# Prove the URL works over TCP with the password, as the tests will connect.
PGPASSWORD="$password" psql -X -q -h 127.0.0.1 -p "$port" -U "$role" -d "$database" -tAc "SELECT 1" >/dev/null
log "ready: $role@127.0.0.1:$port/$database"
echo "postgresql+psycopg://$role:$password@127.0.0.1:$port/$database"
