#!/usr/bin/env bash
# idle_sessions.sh - the "idle sessions greeted" and memory targets: start the MTA on a
# temporary configuration with no session limit, measure its memory at rest, open N idle
# sessions at once (bench/idle_sessions.py), and time start-up to the first 220.
# Usage: bench/idle_sessions.sh [sessions]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
work=$(mktemp -d /tmp/mta-idle.XXXXXX)
trap 'MAIL_CONFIG=$work/etc "$here/bin/postfix" stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
. "$here/bench/lib.sh"
bench_config "$work" 12527 0
t0=$(date +%s.%N)
MAIL_CONFIG=$work/etc "$here/bin/postfix" start 2>/dev/null
until printf 'QUIT\r\n' | timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/12527; head -c3 <&3' 2>/dev/null | grep -q 220; do sleep 0.01; done
t1=$(date +%s.%N)
pid=$(tr -d ' ' < "$work/spool/pid/master.pid")
sleep 3
rest=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
awk -v a="$t0" -v b="$t1" -v r="$rest" 'BEGIN { printf "start_to_first_220=%.2fs (bin/postfix start, JVM launches included) rss_at_rest_mib=%s\n", b-a, r }'
python3 "$here/bench/idle_sessions.py" 127.0.0.1 12527 "$n" "$pid"
