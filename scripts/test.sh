#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# 1. installs what is missing (scripts/setup.sh), 2. builds the solution, 3. starts a throwaway PostgreSQL and
# Redis through the AppHost's --infra-only mode (fresh data under .crm/test), 4. runs every test project against
# them, 5. prints one summary line and stops the servers. Extra arguments go to `dotnet test` (e.g. --filter X).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# The suite drives the AppHost's local mode (its own PostgreSQL and Redis), also on machines where a container runtime
# would otherwise select aspire mode; tests/Crm.AppHost.Tests covers aspire mode (docs/deployment.md).
export CRM_APPHOST_MODE=local

scripts/setup.sh

echo "test: building the solution"
dotnet build Crm.sln -nologo -v quiet -clp:ErrorsOnly

infra_dir="$root/.crm/test"
results="$root/artifacts/test-results"
rm -rf "$infra_dir" "$results"
mkdir -p "$infra_dir" "$results"

echo "test: starting PostgreSQL and Redis for the tests (log: .crm/test/infra.log)"
dotnet Crm.AppHost/bin/Debug/net10.0/Crm.AppHost.dll --infra-only --data-dir "$infra_dir/data" --port-base 0 \
  --env-file "$infra_dir/infra.env" >"$infra_dir/infra.log" 2>&1 &
infra_pid=$!
stop_infra() {
  kill -TERM "$infra_pid" 2>/dev/null && wait "$infra_pid" 2>/dev/null || true
}
trap stop_infra EXIT

for _ in $(seq 1 600); do
  [[ -f "$infra_dir/infra.env" ]] && break
  if ! kill -0 "$infra_pid" 2>/dev/null; then
    cat "$infra_dir/infra.log" >&2
    echo "test: ERROR: the test infrastructure did not start (log above)" >&2
    exit 1
  fi
  sleep 0.1
done
[[ -f "$infra_dir/infra.env" ]] || { cat "$infra_dir/infra.log" >&2; echo "test: ERROR: infrastructure not ready after 60 s" >&2; exit 1; }

# shellcheck disable=SC1091
source "$infra_dir/infra.env"
export CRM_TEST_POSTGRES="$CRM_POSTGRES_ADMIN" CRM_TEST_REDIS="$CRM_REDIS"

echo "test: running the tests"
status=0
dotnet test Crm.sln --no-build -nologo --results-directory "$results" --logger trx \
  --blame-hang-timeout 10m "$@" || status=$?

# One line for the whole suite, summed over every project's TRX report.
read -r total passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*' | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d %d %d %d\n", c["total"], c["passed"], c["failed"], c["total"] - c["executed"] }')
echo "test: $passed passed, $failed failed, $skipped not executed ($total total); reports in artifacts/test-results"
if [[ $total -eq 0 ]]; then
  echo "test: ERROR: no test ran" >&2
  exit 1
fi
# The Elasticsearch contract tests need a server (CRM_TEST_ELASTICSEARCH_URL); without one they are skipped, and said
# so here. Any other test that did not run fails the suite.
not_run=$(cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*outcome="NotExecuted"' | grep -o 'testName="[^"]*"' | sed 's/testName="\(.*\)"/\1/' || true)
elasticsearch_skipped=$(grep -cE 'Elasticsearch\.Elasticsearch[A-Za-z]*ContractTests\.' <<<"$not_run" || true)
if [[ -z "${CRM_TEST_ELASTICSEARCH_URL:-}" && $elasticsearch_skipped -gt 0 ]]; then
  echo "test: SKIPPED: $elasticsearch_skipped Elasticsearch contract test(s): CRM_TEST_ELASTICSEARCH_URL is not set (e.g. http://elastic:pw@localhost:9200)"
  skipped=$((skipped - elasticsearch_skipped))
fi
if [[ $skipped -gt 0 ]]; then
  echo "test: ERROR: $skipped test(s) did not run; every test must run here (see the TRX reports):" >&2
  grep -vE 'Elasticsearch\.Elasticsearch[A-Za-z]*ContractTests\.' <<<"$not_run" >&2 || true
  exit 1
fi
exit "$status"
