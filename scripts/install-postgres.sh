#!/usr/bin/env bash
# Install the PostgreSQL server programs the test suite starts privately (tests/pg.py), when they are missing.
# Idempotent: does nothing when initdb, pg_ctl and postgres are already there. Needs root and apt-get.
set -euo pipefail

have_server() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && [ -x "$bin/postgres" ] && return 0
  done
  return 1
}

if have_server; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "PostgreSQL server programs are missing; run this script as root, or install them yourself" \
       "(Debian/Ubuntu: apt-get install postgresql)." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL server programs are missing and apt-get is not available: install PostgreSQL 13 or newer." >&2
  exit 1
fi
echo "Installing the PostgreSQL server for the tests (apt-get install postgresql) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
# Debian starts a system cluster on install; the tests never use it (they run their own on a unix socket).
have_server
