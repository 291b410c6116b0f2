#!/usr/bin/env bash
# Backup and restore drill (issue #7, item 5): a filled CRM database is dumped with pg_dump, restored into a fresh
# database, and the two are compared table by table: row counts, and a checksum of every row's content. Prints the
# dump's size and the time of each step, one line per table, and exits non-zero on any difference.
# Usage: scripts/backup-drill.sh            (starts its own AppHost with the default demo workspace, then stops it)
#        scripts/backup-drill.sh <admin-cs>  (an existing server: a Npgsql-style connection string of a superuser whose
#                                            database crmdb is the one to drill; as CRM_POSTGRES_ADMIN of an env file)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/crm-drill-XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user, which must reach the data directory
apphost_pid=""
cleanup() {
  [[ -n "$apphost_pid" ]] && kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ $# -ge 1 ]]; then
  admin=$1
else
  echo "drill: starting the AppHost with the demo workspace (log: $work/apphost.log)"
  CRM_APPHOST_MODE=local dotnet Crm.AppHost/bin/Debug/net10.0/Crm.AppHost.dll --data-dir "$work/data" --port-base 0 \
    --env-file "$work/apphost.env" >"$work/apphost.log" 2>&1 &
  apphost_pid=$!
  while [[ ! -f "$work/apphost.env" ]]; do
    kill -0 "$apphost_pid" 2>/dev/null || { cat "$work/apphost.log" >&2; exit 1; }
    sleep 0.5
  done
  until grep -q "Demo workspace .* filled" "$work/apphost.log"; do
    kill -0 "$apphost_pid" 2>/dev/null || { tail -50 "$work/apphost.log" >&2; exit 1; }
    sleep 1
  done
  # shellcheck disable=SC1091
  source "$work/apphost.env"
  admin=$CRM_POSTGRES_ADMIN
fi

# The connection string's parts, as libpq environment variables.
field() { tr ';' '\n' <<<"$admin" | sed -n "s/^$1=//Ip" | head -1; }
export PGHOST PGPORT PGUSER PGPASSWORD
PGHOST=$(field Host); PGPORT=$(field Port); PGUSER=$(field Username); PGPASSWORD=$(field Password)
source_db=crmdb
restored_db=crmdb_drill_$(date +%s)
psql() { "$bin/psql" -X -v ON_ERROR_STOP=1 -qAt "$@"; }
elapsed() { echo $(( $(date +%s%N) / 1000000 - $1 )); }

# The services keep writing while the drill runs (it is a drill of a live system), so the dump and the comparison read
# one snapshot: a transaction held open here exports it, pg_dump dumps it, and every source query below reads it.
coproc SNAPSHOT { "$bin/psql" -X -qAt -d "$source_db"; }
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot();" >&"${SNAPSHOT[1]}"
read -r snapshot <&"${SNAPSHOT[0]}"
echo "drill: reading $source_db as of snapshot $snapshot"

start=$(( $(date +%s%N) / 1000000 ))
"$bin/pg_dump" --format=custom --snapshot="$snapshot" --file="$work/crmdb.dump" "$source_db"
echo "drill: pg_dump of $source_db: $(du -h "$work/crmdb.dump" | cut -f1) in $(elapsed "$start") ms"

start=$(( $(date +%s%N) / 1000000 ))
psql -d postgres -c "CREATE DATABASE $restored_db"
"$bin/pg_restore" --exit-on-error --dbname="$restored_db" "$work/crmdb.dump"
echo "drill: pg_restore into $restored_db: $(elapsed "$start") ms"
drop_restored() { psql -d postgres -c "DROP DATABASE IF EXISTS $restored_db" || true; }
trap 'drop_restored; cleanup' EXIT

# Every table of the application's schema, with its row count and an md5 of all its rows' text in a fixed order. The
# superuser running this bypasses row-level security, so every workspace's rows count.
tables=$(psql -d "$source_db" -c "SELECT quote_ident(table_name) FROM information_schema.tables
  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")
differences=0
printf '%-36s %10s %10s  %s\n' table source restored contents
for table in $tables; do
  query="SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '-') FROM $table t"
  read -r source_count source_sum <<<"$(psql -d "$source_db" -c "BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '$snapshot'; $query; COMMIT")"
  read -r restored_count restored_sum <<<"$(psql -d "$restored_db" -c "$query")"
  verdict=equal
  if [[ "$source_count" != "$restored_count" || "$source_sum" != "$restored_sum" ]]; then
    verdict=DIFFERENT
    differences=$((differences + 1))
  fi
  printf '%-36s %10s %10s  %s\n' "$table" "$source_count" "$restored_count" "$verdict"
done
# What protects the rows comes back too: the same row-level security policies, on the same tables, forced.
security="SELECT (SELECT count(*) FROM pg_policies WHERE schemaname = 'public') || ' policies, ' ||
  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relrowsecurity AND c.relforcerowsecurity) || ' tables with forced row-level security'"
source_security=$(psql -d "$source_db" -c "$security")
restored_security=$(psql -d "$restored_db" -c "$security")
echo "drill: source: $source_security; restored: $restored_security"
if [[ "$source_security" != "$restored_security" ]]; then
  differences=$((differences + 1))
fi
if [[ $differences -gt 0 ]]; then
  echo "drill: FAILED: $differences difference(s) after the restore" >&2
  exit 1
fi
echo "drill: every table of $source_db equals its restored copy (row counts and every row's content)"
