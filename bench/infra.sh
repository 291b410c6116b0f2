# Sourced by the bench scripts: a throwaway PostgreSQL and Redis (the AppHost's --infra-only mode) under a scratch
# folder, stopped and removed on exit. Sets $work (the scratch folder, for the caller's own files), $infra_pid and the
# CRM_POSTGRES*/CRM_REDIS variables of infra.env. A caller with processes of its own stops them in a function named
# bench_cleanup, which runs first. A caller may set infra_data (a data directory to use and keep instead of one in the
# scratch folder) and infra_configuration (the AppHost build to run, Debug by default).
work=$(mktemp -d /tmp/crm-bench-XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user, which must reach the data directory
infra_data=${infra_data:-$work/data}
infra_pid=""
infra_cleanup() {
  if declare -F bench_cleanup >/dev/null; then bench_cleanup; fi
  [[ -n "$infra_pid" ]] && kill -TERM "$infra_pid" 2>/dev/null && wait "$infra_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap infra_cleanup EXIT

CRM_APPHOST_MODE=local dotnet "Crm.AppHost/bin/${infra_configuration:-Debug}/net10.0/Crm.AppHost.dll" --infra-only \
  --data-dir "$infra_data" --port-base 0 --env-file "$work/infra.env" >"$work/infra.log" 2>&1 &
infra_pid=$!
while [[ ! -f "$work/infra.env" ]]; do
  kill -0 "$infra_pid" 2>/dev/null || { cat "$work/infra.log" >&2; exit 1; }
  sleep 0.2
done
# shellcheck disable=SC1091
source "$work/infra.env"
