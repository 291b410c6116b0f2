#!/usr/bin/env bash
# Measures Crm.Search on its PostgreSQL backend (bench/README.md, "Search"): indexing throughput through the outbox
# (100,000 contacts), write-to-searchable lag, query latency at 100,000 contacts and at a large index (default
# 1,000,000, loaded without events and indexed by the rebuild). Starts its own PostgreSQL and Redis (the AppHost in
# --infra-only mode); bench/SearchBench starts the real Crm.Search process and does the measuring.
# Usage: bench/search.sh [large=1000000]   (build first: dotnet build Crm.AppHost; dotnet build Crm.Search)
set -euo pipefail
cd "$(dirname "$0")/.."
large=${1:-1000000}

work=$(mktemp -d /tmp/crm-search-bench-XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user, which must reach the data directory
infra_pid=""
cleanup() {
  [[ -n "$infra_pid" ]] && kill -TERM "$infra_pid" 2>/dev/null && wait "$infra_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

CRM_APPHOST_MODE=local dotnet Crm.AppHost/bin/Debug/net10.0/Crm.AppHost.dll --infra-only \
  --data-dir "$work/data" --port-base 0 --env-file "$work/infra.env" >"$work/infra.log" 2>&1 &
infra_pid=$!
while [[ ! -f "$work/infra.env" ]]; do
  kill -0 "$infra_pid" 2>/dev/null || { cat "$work/infra.log" >&2; exit 1; }
  sleep 0.2
done
# shellcheck disable=SC1091
source "$work/infra.env"

dotnet build bench/SearchBench -nologo -v quiet -clp:ErrorsOnly
dotnet bench/SearchBench/bin/Debug/net10.0/SearchBench.dll "$CRM_POSTGRES_ADMIN" "$CRM_REDIS" \
  Crm.Search/bin/Debug/net10.0/Crm.Search.dll "$large"
