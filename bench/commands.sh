#!/usr/bin/env bash
# Throughput of single commands that redis-benchmark's -t tests do not cover (streams, bitmaps,
# HyperLogLog, geo, PUBLISH to idle subscribers), cachica beside Debian's redis-server in the same run, rounds interleaved so
# that machine drift hits both alike. Median of ROUNDS; ratio = cachica / Redis.
#
#   bench/commands.sh [scenario ...]     (default: all; run `npm run build` first)
#
# Environment: CACHICA_PORT (6380), REDIS_PORT (6381), N (requests, 200000), C (clients, 50),
# PIPES (pipeline depths, "1 16"), ROUNDS (3), R (key space of __rand_int__, 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHICA_PORT=${CACHICA_PORT:-6380}
REDIS_PORT=${REDIS_PORT:-6381}
N=${N:-200000}; C=${C:-50}; PIPES=${PIPES:-"1 16"}; ROUNDS=${ROUNDS:-3}; R=${R:-100000}

# name | setup (redis-cli lines separated by ';', run once per server) | benchmarked command
#   [| requests, where one command costs so much that N would take minutes]
SCENARIOS=(
  "xadd||XADD mystream * field value"
  "xrange_100|bench-fill-stream|XRANGE bigstream - + COUNT 100"
  # __rand_int__ is zero-padded, which bit offsets refuse: a fixed offset in a 1 Mbit bitmap.
  "setbit|bench-fill-bits|SETBIT bigbits 500000 1"
  "bitcount|bench-fill-bits|BITCOUNT bigbits"
  "pfadd||PFADD myhll __rand_int__"
  "pfcount|bench-fill-hll|PFCOUNT bighll"
  "geoadd||GEOADD mygeo 13.__rand_int__ 38.__rand_int__ member:__rand_int__"
  # Every one of the 10,000 points is a candidate of this search (its boxes cover them all).
  "geosearch|bench-fill-geo|GEOSEARCH biggeo FROMLONLAT 13.5 38.5 BYRADIUS 20 km ASC COUNT 10|5000"
  # Subscribers (bench/subscribers.ts) on both servers while PUBLISH runs.
  "publish_1|subscribers:1|PUBLISH bench:channel hello"
  "publish_100|subscribers:100|PUBLISH bench:channel hello"
)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

node dist/src/cli/server-main.js --port "$CACHICA_PORT" --save '' --appendonly no --loglevel warning &
pids+=($!)
redis-server --port "$REDIS_PORT" --save '' --appendonly no --loglevel warning >/dev/null &
pids+=($!)
for p in "$CACHICA_PORT" "$REDIS_PORT"; do
  for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

# Data sets the read scenarios run against, written the same way into both servers.
fill() {
  local port=$1 what=$2
  case "$what" in
    bench-fill-stream) for i in $(seq 1 1000); do echo "XADD bigstream $i-1 field value$i"; done ;;
    bench-fill-bits) for i in $(seq 0 997 1000000); do echo "SETBIT bigbits $i 1"; done ;;
    bench-fill-hll) for i in $(seq 1 20000); do echo "PFADD bighll element:$i"; done ;;
    bench-fill-geo) for i in $(seq 1 10000); do echo "GEOADD biggeo 13.$((i * 7919 % 1000000)) 38.$((i * 104729 % 1000000)) place:$i"; done ;;
  esac | redis-cli -p "$port" >/dev/null
}

rps() { # port pipe requests command... -> ops/s
  local port=$1 pipe=$2 n=$3; shift 3
  # A server that answers errors (a command it lacks) gets 0.
  { redis-benchmark -p "$port" -n "$n" -c "$C" -r "$R" -P "$pipe" --csv "$@" 2>/dev/null || true; } |
    tail -n 1 | tr -d '"' | awk -F, '{ v = $2 + 0; print v }'
}
median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

wanted=" $* "
printf '%-12s %4s %14s %14s %8s\n' test pipe "ops/s:cachica" "ops/s:redis" ratio
for s in "${SCENARIOS[@]}"; do
  IFS='|' read -r name setup command requests <<< "$s"
  [ $# -gt 0 ] && [[ "$wanted" != *" $name "* ]] && continue
  subscribers=""
  if [[ "$setup" == subscribers:* ]]; then
    node dist/bench/subscribers.js bench:channel "${setup#subscribers:}" "$CACHICA_PORT" "$REDIS_PORT" > "${TMPDIR:-/tmp}/bench-subscribers.$$" &
    subscribers=$!
    pids+=("$subscribers")
    until grep -q ready "${TMPDIR:-/tmp}/bench-subscribers.$$" 2>/dev/null; do sleep 0.1; done
  elif [ -n "$setup" ]; then fill "$CACHICA_PORT" "$setup"; fill "$REDIS_PORT" "$setup"; fi
  read -ra words <<< "$command"
  for P in $PIPES; do
    a=""; b=""
    for ((r = 0; r < ROUNDS; r++)); do
      a+="$(rps "$CACHICA_PORT" "$P" "${requests:-$N}" "${words[@]}")"$'\n'
      b+="$(rps "$REDIS_PORT" "$P" "${requests:-$N}" "${words[@]}")"$'\n'
    done
    ma=$(printf '%s' "$a" | median); mb=$(printf '%s' "$b" | median)
    printf '%-12s %4s %14.0f %14.0f %8.3f\n' "$name" "$P" "$ma" "$mb" "$(awk -v x="$ma" -v y="$mb" 'BEGIN{print (y>0 ? x/y : 0)}')"
  done
  if [ -n "$subscribers" ]; then kill "$subscribers"; rm -f "${TMPDIR:-/tmp}/bench-subscribers.$$"; fi
done
