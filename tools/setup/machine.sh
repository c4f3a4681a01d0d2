#!/usr/bin/env bash
# Prepare a fresh Debian machine for parsl-ts development: the system packages the tests use
# (tools/setup/system-packages.txt), the pinned pnpm, and the workspace's dependencies.
#
#   bash tools/setup/machine.sh            # everything
#   bash tools/setup/machine.sh --system   # only the Debian packages
#
# Needs root (or sudo) for apt-get. Safe to run again: installed packages are skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
only_system=0
[[ ${1:-} == --system ]] && only_system=1

log() { printf '[setup] %s\n' "$*"; }

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' tools/setup/system-packages.txt | grep -v '^$')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { log "ERROR: installing ${missing[*]} needs root; run as root or install sudo"; exit 1; }
    sudo=(sudo)
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq </dev/null
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
else
  log "system packages: all ${#wanted[@]} installed"
fi
[[ $only_system -eq 1 ]] && exit 0

have=$( (cd / && pnpm --version 2>/dev/null) || true)
if [[ $have != "$PNPM_VERSION" ]]; then
  log "npm install -g pnpm@$PNPM_VERSION (corepack cannot verify signatures here)"
  npm install -g --no-fund --no-audit "pnpm@$PNPM_VERSION" </dev/null
fi
# better-sqlite3 compiles against the Node headers in /usr/include/node (no prebuilt download here).
export npm_config_nodedir=/usr
log "pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile ${CI:+--reporter=append-only}
