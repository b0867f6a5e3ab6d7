#!/usr/bin/env bash
# Side-by-side benchmark of cachica and Debian's redis-server in the same run (the machine is
# shared and noisy, so only ratios measured together mean anything).
#
#   bench/compare.sh [throughput|memory|collections|all]   (default: all; run `npm run build` first)
#
# memory: 1M string keys; collections: 100K hashes of 10 fields and a 1M-member sorted set.
#
# Environment: CACHICA_PORT (default 6380), REDIS_PORT (6381), PERFBENCH (default
# ../shared/tools/perfbench), TESTS, ROUNDS, N, PIPES (passed to perfbench), KEYS (1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
CACHICA_PORT=${CACHICA_PORT:-6380}
REDIS_PORT=${REDIS_PORT:-6381}
PERFBENCH=${PERFBENCH:-../shared/tools/perfbench}
KEYS=${KEYS:-1000000}
export TESTS=${TESTS:-set,get,incr,mset} ROUNDS=${ROUNDS:-3}

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start_both() {
  node dist/src/cli/server-main.js --port "$CACHICA_PORT" --save '' --appendonly no --loglevel warning &
  pids+=($!)
  redis-server --port "$REDIS_PORT" --save '' --appendonly no --loglevel warning &
  pids+=($!)
  for p in "$CACHICA_PORT" "$REDIS_PORT"; do
    for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
}

field() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: -v f="$2" '$1==f {print $2}'; }

memory() {
  for p in "$CACHICA_PORT" "$REDIS_PORT"; do
    redis-cli -p "$p" flushall >/dev/null
    local used0 rss0 used1 rss1
    used0=$(field "$p" used_memory); rss0=$(field "$p" used_memory_rss)
    node dist/bench/keyspace-growth.js --port "$p" --keys "$KEYS" --pipeline 16 >/dev/null
    sleep 1
    used1=$(field "$p" used_memory); rss1=$(field "$p" used_memory_rss)
    echo "port $p: $KEYS keys 'key:N' -> 'xxx': used_memory +$((used1 - used0)) bytes ($(( (used1 - used0) / KEYS )) bytes/key), rss +$((rss1 - rss0)) bytes ($(( (rss1 - rss0) / KEYS )) bytes/key)"
    redis-cli -p "$p" flushall >/dev/null
  done
}

collections() {
  for p in "$CACHICA_PORT" "$REDIS_PORT"; do
    echo "port $p:"
    node dist/bench/collection-memory.js --port "$p"
  done
}

start_both
case "$what" in
  throughput) "$PERFBENCH" "$CACHICA_PORT" "$REDIS_PORT" ;;
  memory) memory ;;
  collections) collections ;;
  all) "$PERFBENCH" "$CACHICA_PORT" "$REDIS_PORT"; memory; collections ;;
  *) echo "usage: $0 [throughput|memory|collections|all]" >&2; exit 2 ;;
esac
