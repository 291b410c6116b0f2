#!/usr/bin/env bash
# Measures GET /api/v1/contacts/{id} latency with the Redis cache: miss (first read of each contact: database, then
# SET), hit (second read: Redis only, plus the membership check) and Redis down (a second API process whose Redis is a
# closed port: every read goes to the database, the circuit skips Redis). Starts its own PostgreSQL and Redis (the
# AppHost in --infra-only mode) and two Crm.Api processes, registers a workspace, creates the contacts, then reads each
# contact once per pass over one keep-alive connection (curl's time_total per request, so no process start-up counts).
# Prints p50/p95/mean in milliseconds per pass.
# Usage: bench/contact-cache.sh [contacts=500]   (build first: dotnet build Crm.AppHost; dotnet build Crm.Api)
set -euo pipefail
cd "$(dirname "$0")/.."
contacts=${1:-500}

work=$(mktemp -d /tmp/crm-cache-bench-XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user, which must reach the data directory
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

CRM_APPHOST_MODE=local dotnet Crm.AppHost/bin/Debug/net10.0/Crm.AppHost.dll --infra-only \
  --data-dir "$work/data" --port-base 0 --env-file "$work/infra.env" >"$work/infra.log" 2>&1 &
pids+=($!)
while [[ ! -f "$work/infra.env" ]]; do
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/infra.log" >&2; exit 1; }
  sleep 0.2
done
# shellcheck disable=SC1091
source "$work/infra.env"
key=$(openssl rand -hex 32)

# start_api NAME REDIS: one Crm.Api process on a free port; prints its URL.
start_api() {
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # env, because the owner's variable has a hyphen, which a shell assignment cannot name. Rate limits off the path.
  env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__crmdb="$CRM_POSTGRES" "ConnectionStrings__crmdb-owner=$CRM_POSTGRES_OWNER" ConnectionStrings__redis="$2" \
    DataProtection__KeyEncryptionKey="$key" RateLimits__UserPerMinute=1000000 RateLimits__WorkspacePerMinute=1000000 \
    dotnet Crm.Api/bin/Debug/net10.0/Crm.Api.dll >"$work/$1.log" 2>&1 &
  pids+=($!)
  echo "http://127.0.0.1:$port"
}
cached=$(start_api cached "$CRM_REDIS")
down=$(start_api down "127.0.0.1:1,connectTimeout=500,syncTimeout=500")
for api in "$cached" "$down"; do
  until curl -sf "$api/alive" >/dev/null; do sleep 0.5; done
done

token=$(curl -sf "$cached/api/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench.$RANDOM@example.com\",\"password\":\"Str0ng!Passw0rd\",\"workspaceName\":\"Cache bench\"}" | jq -r .accessToken)
: >"$work/ids"
for ((start = 0; start < contacts + 50; start += 100)); do
  jq -n --argjson s "$start" --argjson n "$((contacts + 50))" \
    '{items: [range($s; [$s + 100, $n] | min) | {firstName: "First\(.)", lastName: "Last\(.)", email: "p\(.)@bench.test", city: "Porto", leadScore: (. % 101)}]}' |
    curl -sf "$cached/api/v1/contacts/batch" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d @- |
    jq -r '.data[].id' >>"$work/ids"
done
# The first 50 contacts warm both processes up (JIT, pools); the rest are measured.
head -50 "$work/ids" >"$work/warm"
tail -n +51 "$work/ids" >"$work/measured"
# Let the outbox consumer "cache" handle the creates' events, and their tombstones (Cache:InvalidationHold, 5 s) expire,
# before the first pass.
sleep 7

# pass NAME API IDS: one GET of each id over one connection; prints p50, p95, mean (ms).
pass() {
  local args=()
  while read -r id; do args+=(-o /dev/null "$2/api/v1/contacts/$id"); done <"$3"
  curl -s -H "Authorization: Bearer $token" -w '%{http_code} %{time_total}\n' "${args[@]}" >"$work/$1.times"
  if grep -qv "^200 " "$work/$1.times"; then echo "$1: not every read answered 200:" >&2; sort "$work/$1.times" | cut -c1-3 | uniq -c >&2; exit 1; fi
  awk '{ print $2 * 1000 }' "$work/$1.times" | sort -n | awk -v name="$1" '
    { v[NR] = $1; sum += $1 }
    END { printf "%-12s %6d %8.2f %8.2f %8.2f\n", name, NR, v[int(NR * 0.5 + 0.5)], v[int(NR * 0.95 + 0.5)], sum / NR }'
}
pass warm-cached "$cached" "$work/warm" >/dev/null
pass warm-cached "$cached" "$work/warm" >/dev/null
pass warm-down "$down" "$work/warm" >/dev/null
echo "pass         reads   p50-ms   p95-ms  mean-ms"
pass miss "$cached" "$work/measured"
pass hit "$cached" "$work/measured"
pass hit-again "$cached" "$work/measured"
pass redis-down "$down" "$work/measured"
pass redis-down-2 "$down" "$work/measured"
