#!/usr/bin/env bash
# Generates a realistic workspace with the product's own demo fill (Crm.Api/Features/Demo: records made in memory with
# Bogus from a fixed seed, written with binary COPY into staging tables and INSERT … SELECT under row-level security),
# at a size scaled from the number of contacts, and prints rows, milliseconds and rows per second per table, as the
# API logs them, plus the API's peak resident memory (VmHWM).
# Starts PostgreSQL and Redis (the AppHost in --infra-only mode) and one Crm.Api process (Release build) with
# Demo__Enabled=true and the counts below; stops both when the fill is done.
# Usage: bench/datagen.sh [contacts=100000] [--keep <dir>]
#   --keep <dir>  use <dir> as the AppHost data directory and keep it: bench/load.sh --data <dir> starts the whole
#                 system on the filled workspace instead of filling one itself (the demo login is in <dir>/secrets.json).
set -euo pipefail
cd "$(dirname "$0")/.."
contacts=100000
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) keep=$(realpath -m "$2"); shift 2 ;;
    *) contacts=$1; shift ;;
  esac
done

# The ratios of a B2B sales workspace: five contacts per company, three leads and 1.6 deals per ten contacts, two
# activities per contact (one from 500,000 contacts on, which keeps a million contacts within memory and half an hour
# on 2 cores), a note per ten contacts.
companies=$((contacts / 5))
leads=$((contacts * 3 / 10))
deals=$((contacts * 16 / 100))
activities=$((contacts >= 500000 ? contacts : contacts * 2))
notes=$((contacts / 10))

if [[ -z "${CRM_BENCH_NO_BUILD:-}" ]]; then
  dotnet build Crm.AppHost -c Release -nologo -v quiet -clp:ErrorsOnly
fi
if [[ -n "$keep" ]]; then
  [[ -e "$keep/postgres" ]] && { echo "datagen: $keep holds data already; give a new directory" >&2; exit 1; }
  mkdir -p "$keep"
  chmod 755 "$keep"  # PostgreSQL runs as its own user, which must reach the data directory
  infra_data=$keep
fi
api_pid=""
bench_cleanup() {
  [[ -n "$api_pid" ]] && kill -TERM "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
}
infra_configuration=Release
# shellcheck source=bench/infra.sh
source bench/infra.sh
data=$infra_data

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "datagen: $contacts contacts, $companies companies, $leads leads, $deals deals, $activities activities, $notes notes"
echo "datagen: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
# env, because the owner's variable has a hyphen, which a shell assignment cannot name. The data protection key is the
# one the AppHost keeps in the data directory, so the whole system started later on it (bench/load.sh) reads its keys.
env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
  Logging__LogLevel__Default=Warning Logging__LogLevel__Crm.Api.Features.Demo=Information \
  ConnectionStrings__crmdb="$CRM_POSTGRES" "ConnectionStrings__crmdb-owner=$CRM_POSTGRES_OWNER" ConnectionStrings__redis="$CRM_REDIS" \
  DataProtection__KeyEncryptionKey="$(jq -r .DataProtectionKey "$data/secrets.json")" \
  Demo__Enabled=true Demo__Password="$(jq -r .DemoPassword "$data/secrets.json")" \
  Demo__Companies="$companies" Demo__Contacts="$contacts" Demo__Leads="$leads" Demo__Deals="$deals" \
  Demo__Activities="$activities" Demo__Notes="$notes" \
  dotnet Crm.Api/bin/Release/net10.0/Crm.Api.dll >"$work/api.log" 2>&1 &
api_pid=$!
peak_load=0
until grep -qs "Demo workspace .* filled in" "$work/api.log"; do
  if ! kill -0 "$api_pid" 2>/dev/null || grep -qs "could not be filled" "$work/api.log"; then
    tail -40 "$work/api.log" >&2
    exit 1
  fi
  peak_load=$(awk -v a="$peak_load" '{ print ($1 > a ? $1 : a) }' /proc/loadavg)
  sleep 1
done
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
hwm=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$api_pid/status")

# The API's lines: "Demo data made in N ms", "Demo workspace: N <table> in M ms", "... filled in N ms".
awk '
  /Demo data made in/ { match($0, /made in [0-9]+ ms/); split(substr($0, RSTART, RLENGTH), w, " "); made = w[3] }
  /Demo workspace: [0-9]+ / {
    match($0, /Demo workspace: [0-9]+ .* in [0-9]+ ms/); line = substr($0, RSTART + 16, RLENGTH - 16)
    n = split(line, w, " "); rows = w[1]; ms = w[n - 1]; name = w[2]; for (i = 3; i < n - 2; i++) name = name " " w[i]
    names[++count] = name; r[count] = rows; t[count] = ms; total_rows += rows; total_ms += ms
  }
  /Demo workspace .* filled in/ { match($0, /filled in [0-9]+ ms/); split(substr($0, RSTART, RLENGTH), w, " "); fill = w[3] }
  END {
    printf "%-20s %10s %9s %9s\n", "table", "rows", "ms", "rows/s"
    printf "%-20s %10s %9d %9s\n", "(made in memory)", "-", made, "-"
    for (i = 1; i <= count; i++) printf "%-20s %10d %9d %9d\n", names[i], r[i], t[i], (t[i] > 0 ? r[i] * 1000 / t[i] : 0)
    printf "%-20s %10d %9d %9d\n", "written", total_rows, total_ms, (total_ms > 0 ? total_rows * 1000 / total_ms : 0)
    printf "%-20s %10d %9d %9d\n", "whole fill", total_rows, fill, (fill > 0 ? total_rows * 1000 / fill : 0)
  }' "$work/api.log"
echo "datagen: wall ${wall} s from the API's start; API peak RSS (VmHWM) ${hwm} MiB; peak 1-min load average ${peak_load}"
if [[ -n "$keep" ]]; then
  grep -h "Demo" "$work/api.log" >"$keep/datagen.log"
  echo "datagen: data kept in $keep (bench/load.sh --data $keep); the API's fill log in $keep/datagen.log"
fi
