#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for the PostgreSQL tests (issue 6).
#   eval "$(.ci/postgres.sh)"          installs Debian's postgresql when missing (needs root), starts a cluster in a
#                                      temporary directory on a free port, prints the exports:
#                                      COHORT_TEST_POSTGRES (connection string), COHORT_TEST_POSTGRES_DIR (data dir)
#   .ci/postgres.sh stop "$COHORT_TEST_POSTGRES_DIR"   stops it and removes the directory
# Progress goes to stderr; only the exports go to stdout. The password is random and never printed elsewhere.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; } >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

if [ "${1:-}" = "stop" ]; then
  su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$2' stop -m fast" >&2 || true
  rm -rf "$(dirname "$2")"
  exit 0
fi

dir=$(mktemp -d /tmp/cohort-pg.XXXXXX)
chown postgres "$dir"
port=
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "no free port found" >&2; exit 1; }
password="cohort-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" > "$dir/pw"
chown postgres "$dir/pw"
su postgres -s /bin/sh -c "'$bin/initdb' -D '$dir/data' -U cohort --pwfile='$dir/pw' -A scram-sha-256 -E UTF8 --no-sync" >&2
rm -f "$dir/pw"
# Room for the load test's 16 worker processes; durability is not under test, so no fsync.
su postgres -s /bin/sh -c "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w start -o \"-h 127.0.0.1 -p $port -k '$dir' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\"" >&2
su postgres -s /bin/sh -c "PGPASSWORD='$password' '$bin/createdb' -h 127.0.0.1 -p $port -U cohort cohort" >&2
echo "export COHORT_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=cohort;Password=$password;Database=cohort'"
echo "export COHORT_TEST_POSTGRES_DIR='$dir/data'"
