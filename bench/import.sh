#!/usr/bin/env bash
# Measures a CSV import of contacts end to end: upload, the background worker's chunks (validation, dedupe, staged
# binary COPY, audit rows), until the job has completed. Starts its own PostgreSQL and Redis (the AppHost in
# --infra-only mode) and one Crm.Api process, registers a workspace, uploads a generated file, polls the job.
# Prints the server-side duration (the job's startedAt to finishedAt) and rows per second.
# Usage: bench/import.sh [rows=100000] [runs=1]   (build first: dotnet build Crm.AppHost; dotnet build Crm.Api)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
runs=${2:-1}

api_pid=""
bench_cleanup() {
  [[ -n "$api_pid" ]] && kill -TERM "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
}
# shellcheck source=bench/infra.sh
source bench/infra.sh

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port"
# env, because the owner's variable has a hyphen, which a shell assignment cannot name.
env ASPNETCORE_URLS="$api" ASPNETCORE_ENVIRONMENT=Production \
  ConnectionStrings__crmdb="$CRM_POSTGRES" "ConnectionStrings__crmdb-owner=$CRM_POSTGRES_OWNER" ConnectionStrings__redis="$CRM_REDIS" \
  DataProtection__KeyEncryptionKey="$(openssl rand -hex 32)" Imports__PollInterval=00:00:00.5 \
  dotnet Crm.Api/bin/Debug/net10.0/Crm.Api.dll >"$work/api.log" 2>&1 &
api_pid=$!
until curl -sf "$api/health" >/dev/null; do
  kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log" >&2; exit 1; }
  sleep 0.5
done

echo "run  rows     file-MB  created  server-s  rows/s  wall-s"
for run in $(seq 1 "$runs"); do
  token=$(curl -sf "$api/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench$run.$RANDOM@example.com\",\"password\":\"Str0ng!Passw0rd\",\"workspaceName\":\"Bench $run\"}" | jq -r .accessToken)
  awk -v n="$rows" -v run="$run" 'BEGIN {
    print "firstName,lastName,email,phone,title,city,country,leadScore";
    for (i = 1; i <= n; i++) printf "First%d,Last%d,person%d.run%d@bench.test,+1 555 %07d,Engineer,City %d,Portugal,%d\n", i, i, i, run, i, i % 500, i % 101;
  }' >"$work/contacts.csv"
  size=$(awk -v b="$(stat -c %s "$work/contacts.csv")" 'BEGIN { printf "%.1f", b / 1048576 }')
  start=$(date +%s.%N)
  id=$(curl -sf "$api/api/v1/imports" -H "Authorization: Bearer $token" \
    -F "file=@$work/contacts.csv;type=text/csv" -F objectType=contacts | jq -r .id)
  while true; do
    job=$(curl -sf "$api/api/v1/imports/$id" -H "Authorization: Bearer $token")
    status=$(jq -r .status <<<"$job")
    [[ "$status" == completed || "$status" == failed || "$status" == cancelled ]] && break
    sleep 0.5
  done
  wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  [[ "$status" == completed ]] || { echo "job $status: $job" >&2; exit 1; }
  server=$(awk -v a="$(date -d "$(jq -r .startedAt <<<"$job")" +%s.%N)" -v b="$(date -d "$(jq -r .finishedAt <<<"$job")" +%s.%N)" \
    'BEGIN { printf "%.1f", b - a }')
  created=$(jq -r .rowsCreated <<<"$job")
  printf "%-4s %-8s %-8s %-8s %-9s %-7s %s\n" "$run" "$rows" "$size" "$created" "$server" \
    "$(awk -v r="$created" -v s="$server" 'BEGIN { printf "%d", r / s }')" "$wall"
done
