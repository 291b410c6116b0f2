#!/usr/bin/env bash
# Load on the API (bench/README.md, "API load"): the whole system in local mode (AppHost, Release build) on a workspace
# of the data generator (bench/datagen.sh), once the fill is done and Crm.Search has indexed it; then bench/LoadBench
# runs each scenario at 1, 8 and 32 concurrent clients against the API and the same queries as SQL on PostgreSQL.
# Usage: bench/load.sh [contacts=100000] [seconds=12] [warmup=3] [clients=1,8,32] [--data <dir>]
#   --data <dir>  a data directory bench/datagen.sh --keep filled (no fill here); it is used, not removed.
set -euo pipefail
cd "$(dirname "$0")/.."
data=""
positional=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data=$(realpath "$2"); shift 2 ;;
    *) positional+=("$1"); shift ;;
  esac
done
contacts=${positional[0]:-100000}
seconds=${positional[1]:-12}
warmup=${positional[2]:-3}
clients=${positional[3]:-1,8,32}

dotnet build Crm.AppHost -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/LoadBench -c Release -nologo -v quiet -clp:ErrorsOnly
work=$(mktemp -d /tmp/crm-loadbench-XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user, which must reach the data directory
apphost_pid=""
cleanup() {
  [[ -n "$apphost_pid" ]] && kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [[ -z "$data" ]]; then
  data=$work/data
  CRM_BENCH_NO_BUILD=1 bench/datagen.sh "$contacts" --keep "$data"
fi

# Thousands of requests a minute from one user are the load, not abuse: the API's per-user and per-workspace limits
# (600 and 3,000 a minute) would answer 429. The AI worker runs without its local embedding model (no such file): it
# would otherwise embed every record of the workspace, minutes of both cores, during the measurement. The services
# inherit these from the AppHost.
RateLimits__UserPerMinute=100000000 RateLimits__WorkspacePerMinute=100000000 \
  Ai__Embeddings__Vectors=/nonexistent/vectors.bin Ai__Embeddings__Package=/nonexistent/package.tgz \
  CRM_APPHOST_MODE=local dotnet Crm.AppHost/bin/Release/net10.0/Crm.AppHost.dll --data-dir "$data" --port-base 0 \
  --env-file "$work/apphost.env" >"$work/apphost.log" 2>&1 &
apphost_pid=$!
while [[ ! -f "$work/apphost.env" ]]; do
  kill -0 "$apphost_pid" 2>/dev/null || { cat "$work/apphost.log" >&2; exit 1; }
  sleep 0.5
done
# shellcheck disable=SC1091
source "$work/apphost.env"
until grep -q "Demo workspace .* filled" "$work/apphost.log"; do
  kill -0 "$apphost_pid" 2>/dev/null || { tail -50 "$work/apphost.log" >&2; exit 1; }
  sleep 2
done

# psql takes the admin's Npgsql connection string as its parts.
part() { sed -n "s/.*$1=\([^;]*\).*/\1/p" <<<"$CRM_POSTGRES_ADMIN"; }
admin() { PGPASSWORD=$(part Password) psql -h "$(part Host)" -p "$(part Port)" -U "$(part Username)" -d crmdb -Atc "$1"; }
# Searchable: Crm.Search's index holds every record of the workspace (GET /index/check). The outbox consumer "search"
# would get there too, but the fill's 600,000-odd events take it an hour on a busy 2-core machine; the rebuild reads the
# records themselves (bench/README.md, "Search": 19,000 documents/s). The consumer then goes on through the events,
# finding the documents current; its remaining lag is printed and was measured beside the load.
key=$(printf crm-search-service | openssl dgst -sha256 -hmac "$(jq -r .PostgresServicePassword "$data/secrets.json")" | cut -d' ' -f2)
workspace=$(admin "SELECT id FROM workspaces ORDER BY created_at LIMIT 1")
in_sync() { curl -sf -H "X-Crm-Search-Key: $key" "$CRM_SEARCH_URL/index/check?workspace=$workspace" | jq -r .inSync; }
started=$(date +%s)
if [[ "$(in_sync)" != true ]]; then
  echo "load: rebuilding the search index"
  curl -sf -X POST -H "X-Crm-Search-Key: $key" "$CRM_SEARCH_URL/index/rebuild" >/dev/null
  until [[ "$(curl -sf -H "X-Crm-Search-Key: $key" "$CRM_SEARCH_URL/index/rebuild" | jq -r .state)" =~ Completed|Failed ]]; do
    kill -0 "$apphost_pid" 2>/dev/null || { tail -50 "$work/apphost.log" >&2; exit 1; }
    sleep 5
  done
  [[ "$(in_sync)" == true ]] || { echo "load: the search index is not in sync after the rebuild; see $work/apphost.log" >&2; exit 1; }
fi
curl -sf -H "X-Crm-Search-Key: $key" "$CRM_SEARCH_URL/index/check?workspace=$workspace" | jq -c '{inSync, records, missing, stale}'
echo "load: indexed after $(($(date +%s) - started)) s; consumer lag: $(admin "SELECT coalesce((SELECT max(position) FROM outbox_events), 0)
  - coalesce((SELECT position FROM outbox_consumers WHERE name = 'search'), 0)") events; ANALYZE, so the plans are those of a settled database"
admin "ANALYZE" >/dev/null
echo "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/LoadBench/bin/Release/net10.0/LoadBench.dll "$CRM_API_URL" demo@crm.local "$(jq -r .DemoPassword "$data/secrets.json")" \
  "$CRM_POSTGRES" "$seconds" "$warmup" "$clients"
