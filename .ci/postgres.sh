#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on 127.0.0.1 for the PostgreSQL tests and prints the connection string.
# Usage: eval "$(.ci/postgres.sh)"   → exports COHORT_TEST_POSTGRES (and COHORT_TEST_POSTGRES_DIR for stopping).
# Installs Debian's postgresql when it is missing (needs root). Stop with:
#   su postgres -c "$(ls -d /usr/lib/postgresql/*/bin | tail -1)/pg_ctl -D $COHORT_TEST_POSTGRES_DIR stop -m fast"
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; } >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/cohort-pg.XXXXXX)
chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
password="cohort-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s\n' "$password" > "$dir/pw"
chown postgres "$dir/pw"
su postgres -s /bin/sh -c "$bin/initdb -D '$dir/data' -U cohort --pwfile='$dir/pw' -A scram-sha-256 -E UTF8 --no-sync" >&2
rm -f "$dir/pw"
# Many worker processes in the load test: allow plenty of connections; durability is not what CI tests.
su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/data' -l '$dir/log' -w start -o \"-h 127.0.0.1 -p $port -k '$dir' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\"" >&2
PGPASSWORD="$password" su postgres -s /bin/sh -c "PGPASSWORD='$password' $bin/createdb -h 127.0.0.1 -p $port -U cohort cohort" >&2
echo "export COHORT_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=cohort;Password=$password;Database=cohort'"
echo "export COHORT_TEST_POSTGRES_DIR='$dir/data'"
