#!/usr/bin/env bash
# Measures Crm.Search on its PostgreSQL backend (bench/README.md, "Search"): indexing throughput through the outbox
# (100,000 contacts), write-to-searchable lag, query latency at 100,000 contacts and at a large index (default
# 1,000,000, loaded without events and indexed by the rebuild). Starts its own PostgreSQL and Redis (the AppHost in
# --infra-only mode); bench/SearchBench starts the real Crm.Search process and does the measuring.
# Usage: bench/search.sh [large=1000000]   (build first: dotnet build Crm.AppHost; dotnet build Crm.Search)
set -euo pipefail
cd "$(dirname "$0")/.."
large=${1:-1000000}

# shellcheck source=bench/infra.sh
source bench/infra.sh

dotnet build bench/SearchBench -nologo -v quiet -clp:ErrorsOnly
dotnet bench/SearchBench/bin/Debug/net10.0/SearchBench.dll "$CRM_POSTGRES_ADMIN" "$CRM_REDIS" \
  Crm.Search/bin/Debug/net10.0/Crm.Search.dll "$large"
