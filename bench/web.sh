#!/usr/bin/env bash
# Measures the web frontend (bench/README.md, "Web frontend"): the AppHost in local mode, built in Release, with the
# default demo workspace (about 5,000 contacts), and headless Chromium driven by bench/WebBench.
# Usage: bench/web.sh [loads=20] [circuits=50]
set -euo pipefail
cd "$(dirname "$0")/.."
loads=${1:-20}
circuits=${2:-50}

dotnet build Crm.AppHost -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/WebBench -c Release -nologo -v quiet -clp:ErrorsOnly
work=$(mktemp -d /tmp/crm-webbench-XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user, which must reach the data directory
# One user loads pages as fast as a browser can: the API's per-user rate limit (600 a minute) would turn that into
# 429s and Retry-After waits, which is the limiter working, not page speed. The services inherit these.
RateLimits__UserPerMinute=1000000 RateLimits__WorkspacePerMinute=1000000 \
  CRM_APPHOST_MODE=local dotnet Crm.AppHost/bin/Release/net10.0/Crm.AppHost.dll --data-dir "$work/data" --port-base 0 \
  --env-file "$work/apphost.env" >"$work/apphost.log" 2>&1 &
apphost_pid=$!
cleanup() {
  kill -TERM "$apphost_pid" 2>/dev/null && wait "$apphost_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
while [[ ! -f "$work/apphost.env" ]]; do
  kill -0 "$apphost_pid" 2>/dev/null || { cat "$work/apphost.log" >&2; exit 1; }
  sleep 0.5
done
# shellcheck disable=SC1091
source "$work/apphost.env"
echo "web: waiting for the demo workspace to be filled"
until grep -q "Demo workspace .* filled" "$work/apphost.log"; do
  kill -0 "$apphost_pid" 2>/dev/null || { tail -50 "$work/apphost.log" >&2; exit 1; }
  sleep 2
done
grep -m1 "Demo workspace .* filled" "$work/apphost.log"
# The search indexer and the AI worker then read every new record; measure once they are done, not beside them.
echo "web: letting the indexer and the AI worker catch up (${CRM_BENCH_SETTLE:-120} s)"
sleep "${CRM_BENCH_SETTLE:-120}"
web_port=${CRM_WEB_URL##*:}
web_pid=$(fuser "$web_port/tcp" 2>/dev/null | awk '{print $1}')
password=$(jq -r .DemoPassword "$work/data/secrets.json")
dotnet bench/WebBench/bin/Release/net10.0/WebBench.dll "$CRM_WEB_URL" demo@crm.local "$password" "$web_pid" "$loads" "$circuits"
