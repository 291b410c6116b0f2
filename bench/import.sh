#!/usr/bin/env bash
# Measures a CSV import of contacts end to end: upload, the background worker's chunks (validation, dedupe, staged
# binary COPY, audit rows), until the job has completed. Starts its own PostgreSQL and Redis (the AppHost in
# --infra-only mode) and one Crm.Api process, registers a workspace, uploads a generated file, polls the job.
# Prints the server-side duration (the job's startedAt to finishedAt) and rows per second.
# Then, as the baseline (issue #7, item 3), loads the same rows with raw COPY straight into the contacts table of a
# second fresh workspace, as the PostgreSQL superuser, with the table's indexes, checks and outbox trigger in place: awk
# puts the columns the product adds (id, workspace_id, owner and creator, source) in front of the file's own, psql's
# \copy streams the result (COPY FROM STDIN). Prints both rows/s and their ratio, the load average after each part, and
# the API's peak resident memory during the import (VmHWM, reset before each run).
# Usage: bench/import.sh [rows=100000] [runs=1] [configuration=Debug]
#   (build first: dotnet build Crm.AppHost; dotnet build Crm.Api -c <configuration>)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
runs=${2:-1}
configuration=${3:-Debug}
api_dll=Crm.Api/bin/$configuration/net10.0/Crm.Api.dll
[[ -f "$api_dll" ]] || { echo "no $api_dll: dotnet build Crm.Api -c $configuration" >&2; exit 1; }

api_pid=""
bench_cleanup() {
  [[ -n "$api_pid" ]] && kill -TERM "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
}
# shellcheck source=bench/infra.sh
source bench/infra.sh

# psql as the superuser on the CRM's database: the parts of the Npgsql-style CRM_POSTGRES_ADMIN (whose database is
# postgres) and the database of CRM_POSTGRES_OWNER, as libpq variables (as scripts/backup-drill.sh).
field() { tr ';' '\n' <<<"$1" | sed -n "s/^$2=//Ip" | head -1; }
export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
PGHOST=$(field "$CRM_POSTGRES_ADMIN" Host); PGPORT=$(field "$CRM_POSTGRES_ADMIN" Port)
PGUSER=$(field "$CRM_POSTGRES_ADMIN" Username); PGPASSWORD=$(field "$CRM_POSTGRES_ADMIN" Password)
PGDATABASE=$(field "$CRM_POSTGRES_OWNER" Database)
psql() { /usr/lib/postgresql/15/bin/psql -X -v ON_ERROR_STOP=1 -qAt "$@"; }
# CPU seconds so far of the API process, and of the whole PostgreSQL server: the postmaster, its live children (the
# backends, autovacuum, the WAL writer...) and the children it has reaped. On a shared machine these say what each part
# costs where wall-clock seconds also count the waiting for a core.
cpu_of() { { cat "$@" 2>/dev/null || true; } | awk -v tick="$(getconf CLK_TCK)" '{ t += $14 + $15 + $16 + $17 } END { printf "%.1f", t / tick }'; }
api_cpu() { cpu_of "/proc/$api_pid/stat"; }
postgres_cpu() {
  local postmaster
  postmaster=$(head -1 "$work/data/postgres/postmaster.pid")
  cpu_of "/proc/$postmaster/stat" $(pgrep -P "$postmaster" | sed 's|.*|/proc/&/stat|')
}
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1 /proc/loadavg; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port"
# env, because the owner's variable has a hyphen, which a shell assignment cannot name. The upload limit (20 MB by
# default, about 220,000 rows of this file) is raised to 1 GiB so that a 1M-row file (about 90 MB) is accepted.
env ASPNETCORE_URLS="$api" ASPNETCORE_ENVIRONMENT=Production \
  ConnectionStrings__crmdb="$CRM_POSTGRES" "ConnectionStrings__crmdb-owner=$CRM_POSTGRES_OWNER" ConnectionStrings__redis="$CRM_REDIS" \
  DataProtection__KeyEncryptionKey="$(openssl rand -hex 32)" Imports__PollInterval=00:00:00.5 Imports__MaxFileBytes=1073741824 \
  dotnet "$api_dll" >"$work/api.log" 2>&1 &
api_pid=$!
until curl -sf "$api/health" >/dev/null; do
  kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log" >&2; exit 1; }
  sleep 0.5
done

password='Str0ng!Passw0rd'
# A fresh workspace and its owner: prints the owner's email, access token, workspace id and user id.
register() {
  local email="$1.$RANDOM@example.com" token ids
  token=$(curl -sSf "$api/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\",\"workspaceName\":\"Bench $1\"}" | jq -r .accessToken)
  ids=$(psql -F ' ' -c "SELECT m.workspace_id, m.user_id FROM workspace_members m JOIN users u ON u.id = m.user_id
                        WHERE u.email = '$email'")
  echo "$email $token $ids"
}
# A new access token: one lasts 15 minutes (Auth:AccessTokenLifetime), less than a 1M-row import under load.
login() {
  curl -sSf "$api/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$password\"}" | jq -r .accessToken
}

echo "API: $configuration build; rows/s = created rows / seconds; ratio = import rows/s / COPY rows/s; load = 1-min load average after"
echo "the part; api-cpu, pg-cpu = CPU seconds of the API process and of PostgreSQL from the upload (the start of the COPY) to the end"
echo "run  rows     file-MB  created  server-s  rows/s  wall-s  api-cpu  pg-cpu  load  peak-MB  | awk-s  copy-s  copied   rows/s  pg-cpu  load  | ratio"
for run in $(seq 1 "$runs"); do
  read -r email token _ _ <<<"$(register "bench$run")"
  awk -v n="$rows" -v run="$run" 'BEGIN {
    print "firstName,lastName,email,phone,title,city,country,leadScore";
    for (i = 1; i <= n; i++) printf "First%d,Last%d,person%d.run%d@bench.test,+1 555 %07d,Engineer,City %d,Portugal,%d\n", i, i, i, run, i, i % 500, i % 101;
  }' >"$work/contacts.csv"
  size=$(awk -v b="$(stat -c %s "$work/contacts.csv")" 'BEGIN { printf "%.1f", b / 1048576 }')

  echo 5 >"/proc/$api_pid/clear_refs"  # resets VmHWM, so the peak is this run's
  start=$(date +%s.%N) api_cpu_start=$(api_cpu) postgres_cpu_start=$(postgres_cpu)
  id=$(curl -sSf "$api/api/v1/imports" -H "Authorization: Bearer $token" \
    -F "file=@$work/contacts.csv;type=text/csv" -F objectType=contacts | jq -r .id)
  while true; do
    code=$(curl -sS -o "$work/job.json" -w '%{http_code}' "$api/api/v1/imports/$id" -H "Authorization: Bearer $token")
    if [[ "$code" == 401 ]]; then
      token=$(login "$email")
      continue
    fi
    job=$(cat "$work/job.json")
    [[ "$code" == 200 ]] || { echo "GET /api/v1/imports/$id: $code $job" >&2; exit 1; }
    status=$(jq -r .status <<<"$job")
    [[ "$status" == completed || "$status" == failed || "$status" == cancelled ]] && break
    sleep 0.5
  done
  wall=$(seconds_since "$start")
  import_api_cpu=$(awk -v a="$api_cpu_start" -v b="$(api_cpu)" 'BEGIN { printf "%.1f", b - a }')
  import_postgres_cpu=$(awk -v a="$postgres_cpu_start" -v b="$(postgres_cpu)" 'BEGIN { printf "%.1f", b - a }')
  import_load=$(load)
  peak=$(awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$api_pid/status")
  [[ "$status" == completed ]] || { echo "job $status: $job" >&2; exit 1; }
  server=$(awk -v a="$(date -d "$(jq -r .startedAt <<<"$job")" +%s.%N)" -v b="$(date -d "$(jq -r .finishedAt <<<"$job")" +%s.%N)" \
    'BEGIN { printf "%.1f", b - a }')
  created=$(jq -r .rowsCreated <<<"$job")
  import_rate=$(awk -v r="$created" -v s="$server" 'BEGIN { printf "%d", r / s }')

  # The baseline: the same file, raw COPY into contacts of another fresh workspace. The ids are version 7 UUIDs of now
  # with the row number, time-ordered like the product's (Guid.CreateVersion7), so the primary key grows at its right
  # edge in both.
  read -r _ _ workspace user <<<"$(register "copy$run")"
  start=$(date +%s.%N)
  awk -v ws="$workspace" -v user="$user" -v ms="$(date +%s%3N)" '
    NR == 1 { print "id,workspaceId,ownerId,createdBy,updatedBy,source," $0; next }
    { printf "%08x-%04x-7000-8000-%012x,%s,%s,%s,%s,import,%s\n", int(ms / 65536), ms % 65536, NR, ws, user, user, user, $0 }' \
    "$work/contacts.csv" >"$work/contacts-copy.csv"
  prepare=$(seconds_since "$start")
  start=$(date +%s.%N) postgres_cpu_start=$(postgres_cpu)
  psql -c "\copy contacts (id, workspace_id, owner_id, created_by, updated_by, source, first_name, last_name, email, phone, title, city, country, lead_score) FROM '$work/contacts-copy.csv' WITH (FORMAT csv, HEADER true)"
  copy=$(seconds_since "$start")
  copy_postgres_cpu=$(awk -v a="$postgres_cpu_start" -v b="$(postgres_cpu)" 'BEGIN { printf "%.1f", b - a }')
  copy_load=$(load)
  copied=$(psql -c "SELECT count(*) FROM contacts WHERE workspace_id = '$workspace'")
  copy_rate=$(awk -v r="$copied" -v s="$copy" 'BEGIN { printf "%d", r / s }')
  rm "$work/contacts-copy.csv"

  printf "%-4s %-8s %-8s %-8s %-9s %-7s %-7s %-8s %-7s %-5s %-8s | %-6s %-7s %-8s %-7s %-7s %-5s | %s\n" \
    "$run" "$rows" "$size" "$created" "$server" "$import_rate" "$wall" "$import_api_cpu" "$import_postgres_cpu" "$import_load" "$peak" \
    "$prepare" "$copy" "$copied" "$copy_rate" "$copy_postgres_cpu" "$copy_load" "$(awk -v a="$import_rate" -v b="$copy_rate" 'BEGIN { printf "%.3f", a / b }')"
done
