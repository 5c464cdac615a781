#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis that the tests use are installed and running.
# Installs them with apt-get when missing; starts them when stopped. Idempotent.
set -euo pipefail

PGHOST_ADDR=127.0.0.1
PGPORT=${PGPORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}

say() { echo "ensure-services: $*"; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  say "installing $*"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

postgres_ready() { pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT" 2>/dev/null; }

ensure_postgres() {
  if postgres_ready; then say "postgresql is up"; return; fi
  local fresh=0
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    apt_install postgresql
    fresh=1
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ "$fresh" -eq 1 ]; then
    # A throwaway test server: trust local TCP connections, as this machine's image does.
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  fi
  say "starting postgresql $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do postgres_ready && break; sleep 1; done
  postgres_ready || { say "postgresql did not start"; exit 1; }
}

redis_ready() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
  if redis_ready; then say "redis is up"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no
  for _ in $(seq 1 30); do redis_ready && break; sleep 0.5; done
  redis_ready || { say "redis did not start"; exit 1; }
}

command -v pg_isready >/dev/null || apt_install postgresql-client
command -v redis-cli >/dev/null || apt_install redis-tools
ensure_postgres
ensure_redis
