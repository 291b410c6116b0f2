#!/usr/bin/env bash
# Starts the whole CRM on this machine: installs what is missing (scripts/setup.sh), then runs the AppHost,
# which builds and starts PostgreSQL, Redis and every service. Arguments go to the AppHost (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec dotnet run --project Crm.AppHost -- "$@"
