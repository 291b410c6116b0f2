#!/usr/bin/env bash
# Measures the AI worker (bench/README.md, "AI worker"): the local embedding model's load time and embeddings/s, lead
# scoring rows/s and training times (in memory), and vector queries through PostgreSQL (the real migration's table and
# HNSW index, EmbeddingStore.NearestAsync's SQL in a workspace session) against exact search at each count.
# Usage: bench/ai.sh [all|cpu|vectors] [counts=100000,1000000]
# The bench and the worker's code it calls are built in Release (the CPU figures of a Debug build, without JIT
# optimisation, say little about production). The PostgreSQL part starts its own PostgreSQL (the AppHost in
# --infra-only mode; build Crm.AppHost first).
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}
counts=${2:-100000,1000000}
vectors_file=${CRM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/crm}/embeddings/glove-100d-1.1.0.bin
[[ -f "$vectors_file" ]] || { echo "no $vectors_file: run scripts/setup.sh (and the AI worker once) first" >&2; exit 1; }

dotnet build bench/AiBench -c Release -nologo -v quiet -clp:ErrorsOnly
# Run from a copy, so that a rebuild during a long run cannot replace the assemblies under it.
bin=$(mktemp -d /tmp/crm-aibench-bin-XXXXXX)
cp -r bench/AiBench/bin/Release/net10.0/. "$bin"
trap 'rm -rf "$bin"' EXIT

if [[ "$part" == all || "$part" == cpu ]]; then
  dotnet "$bin/AiBench.dll" cpu "$vectors_file"
fi
if [[ "$part" == all || "$part" == vectors ]]; then
  bench_cleanup() { rm -rf "$bin"; }
  # shellcheck source=bench/infra.sh
  source bench/infra.sh
  dotnet "$bin/AiBench.dll" vectors "$vectors_file" "$CRM_POSTGRES_ADMIN" "$counts"
fi
