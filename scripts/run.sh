#!/usr/bin/env bash
# Runs a deno task on a machine that has node/npm and nothing else, installing
# what the task needs first:
#
#   scripts/run.sh TASK [ARGS...]   deno task TASK ARGS...
#   scripts/run.sh ci               deno task check, then deno task test
#
# 1. Deno 2.9.6: the one on PATH if it is that version, else the npm package
#    `deno@2.9.6` installed into .tools/ (no root needed).
# 2. For `test` and `ci`: a Chromium for the browser-page test
#    ($SENTEMB_CHROMIUM, else /usr/bin/chromium), installed from Debian with
#    apt-get when missing (as root, or through passwordless sudo).
# 3. For `test` and `ci`: `nats-server` (NATS with JetStream, for the queue
#    tests, which start and stop their own `nats-server -js` on a free port),
#    installed from Debian the same way when missing ($SENTEMB_NATS_SERVER
#    names another binary).
# 4. The npm dependencies, exactly as deno.lock pins them (deno install --frozen).
set -euo pipefail

DENO_VERSION=2.9.6
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

say() { printf 'sentemb setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ $# -ge 1 ] || die "usage: scripts/run.sh TASK [ARGS...] (or: scripts/run.sh ci)"

# --- 1. Deno -----------------------------------------------------------------
deno_version() { "$1" --version 2>/dev/null | head -n1 | awk '{print $2}'; }

DENO=""
if command -v deno >/dev/null 2>&1 &&
  [ "$(deno_version "$(command -v deno)")" = "$DENO_VERSION" ]; then
  DENO="$(command -v deno)"
elif [ -x "$TOOLS/node_modules/.bin/deno" ] &&
  [ "$(deno_version "$TOOLS/node_modules/.bin/deno")" = "$DENO_VERSION" ]; then
  DENO="$TOOLS/node_modules/.bin/deno"
else
  command -v npm >/dev/null 2>&1 ||
    die "Deno $DENO_VERSION is not on PATH and npm is missing: install Node.js (npm), or Deno $DENO_VERSION yourself"
  say "installing Deno $DENO_VERSION from npm into .tools/"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "deno@$DENO_VERSION" >&2 ||
    die "npm could not install deno@$DENO_VERSION (is the npm registry reachable?)"
  DENO="$TOOLS/node_modules/.bin/deno"
  [ "$(deno_version "$DENO")" = "$DENO_VERSION" ] ||
    die "the npm package deno@$DENO_VERSION did not give a working deno at $DENO"
fi
# Tasks and tests that spawn `deno` find this one first.
PATH="$(dirname "$DENO"):$PATH"
export PATH

# Installs Debian package $1 with apt-get (as root, or through passwordless
# sudo); $2 says who needs it, $3 what to do instead when it cannot.
apt_install() {
  command -v apt-get >/dev/null 2>&1 ||
    die "$2 and there is no apt-get here: $3"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      die "$2: run 'sudo apt-get install $1' (this script is not root and has no passwordless sudo), or $3"
    fi
  fi
  say "installing $1 from Debian (apt-get install $1)"
  $sudo apt-get update -q >/dev/null || die "apt-get update failed: $3"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$1" >/dev/null ||
    die "apt-get install $1 failed: $3"
}

# --- 2. Chromium, for the browser-page test ------------------------------------
needs_browser() { [ "$1" = test ] || [ "$1" = ci ]; }

if needs_browser "$1"; then
  CHROMIUM="${SENTEMB_CHROMIUM:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM" ]; then
    if [ -n "${SENTEMB_CHROMIUM:-}" ]; then
      die "SENTEMB_CHROMIUM=$CHROMIUM is not an executable"
    fi
    apt_install chromium "the browser-page test needs Chromium" \
      "install Chromium and set SENTEMB_CHROMIUM=/path/to/chromium"
  fi
fi

# --- 3. nats-server, for the queue tests ------------------------------------
if needs_browser "$1"; then
  NATS="${SENTEMB_NATS_SERVER:-nats-server}"
  # Debian puts it in /usr/sbin, which a user's PATH may lack.
  if ! command -v "$NATS" >/dev/null 2>&1 && [ -z "${SENTEMB_NATS_SERVER:-}" ] &&
    [ -x /usr/sbin/nats-server ]; then
    export SENTEMB_NATS_SERVER=/usr/sbin/nats-server
    NATS=/usr/sbin/nats-server
  fi
  if ! command -v "$NATS" >/dev/null 2>&1; then
    if [ -n "${SENTEMB_NATS_SERVER:-}" ]; then
      die "SENTEMB_NATS_SERVER=$NATS is not an executable"
    fi
    apt_install nats-server "the queue tests need nats-server (with JetStream)" \
      "install nats-server and put it on PATH, or set SENTEMB_NATS_SERVER=/path/to/nats-server"
    # Debian installs it in /usr/sbin, which may not be on this PATH.
    if ! command -v nats-server >/dev/null 2>&1 && [ -x /usr/sbin/nats-server ]; then
      export SENTEMB_NATS_SERVER=/usr/sbin/nats-server
    fi
  fi
  # The tests start their own server; CI marks that one must be found.
  export SENTEMB_REQUIRE_NATS=1
fi

# --- 4. npm dependencies, as the lockfile pins them -----------------------------
(cd "$ROOT" && "$DENO" install --frozen --quiet) ||
  die "deno install --frozen failed (is the npm registry reachable? does deno.lock match deno.json?)"

# --- run ---------------------------------------------------------------------
cd "$ROOT"
if [ "$1" = ci ]; then
  shift
  "$DENO" task check
  exec "$DENO" task test "$@"
fi
exec "$DENO" task "$@"
