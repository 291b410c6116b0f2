#!/usr/bin/env bash
# Measures how long README's run command takes to bring every service to healthy, and to stop everything.
# Cold = a new data directory (initdb, first migration); warm = the same directory again (the usual developer run).
# Builds first and times the AppHost's own start (what `dotnet run` adds on top is the incremental build).
# Usage: bench/startup.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}

scripts/setup.sh >/dev/null
dotnet build Crm.sln -nologo -v quiet -clp:ErrorsOnly >/dev/null

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

measure() {  # $1 = data directory; prints "ready_seconds stop_seconds"
  local data=$1 env="$1/apphost.env" start pid ready stopped
  rm -f "$env"
  start=$(now)
  dotnet Crm.AppHost/bin/Debug/net10.0/Crm.AppHost.dll --data-dir "$data" --port-base 0 --env-file "$env" >"$data.log" 2>&1 &
  pid=$!
  while [[ ! -f "$env" ]]; do
    kill -0 "$pid" 2>/dev/null || { cat "$data.log" >&2; exit 1; }
    sleep 0.05
  done
  ready=$(now)
  if grep -qE " (Unhealthy|Exited)" "$data.log"; then cat "$data.log" >&2; exit 1; fi
  kill -TERM "$pid"; wait "$pid"
  stopped=$(now)
  echo "$(elapsed "$start" "$ready") $(elapsed "$ready" "$stopped")"
}

echo "run  cold-ready-s  cold-stop-s  warm-ready-s  warm-stop-s"
for i in $(seq 1 "$runs"); do
  data=$(mktemp -u /tmp/crm-bench-XXXXXX)
  mkdir -p "$data"
  read -r cold_ready cold_stop < <(measure "$data")
  read -r warm_ready warm_stop < <(measure "$data")
  printf "%-4s %-13s %-12s %-13s %s\n" "$i" "$cold_ready" "$cold_stop" "$warm_ready" "$warm_stop"
  rm -rf "$data" "$data.log"
done
