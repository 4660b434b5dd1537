#!/usr/bin/env bash
# throughput.sh - accept and end-to-end throughput, as the targets define them:
# smtp-source (20 sessions, 1 KB messages) into our smtpd, relayed to smtp-sink.
# Usage: bench/throughput.sh [messages] [sessions]      (needs Debian's postfix package for
# smtp-source and smtp-sink; the MTA runs from a temporary configuration on ports 12525/12526).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5000}; s=${2:-20}
work=$(mktemp -d /tmp/mta-bench.XXXXXX); chmod 755 "$work"   # mail_owner reaches the queue, as in compare.sh
trap 'MAIL_CONFIG=$work/etc "$here/bin/postfix" stop >/dev/null 2>&1 || true; kill $sink 2>/dev/null || true; rm -rf "$work"' EXIT
. "$here/bench/lib.sh"
bench_config "$work" 12525 1000 12526
sink_user=(); [ "$(id -u)" = 0 ] && sink_user=(-u nobody)
smtp-sink "${sink_user[@]}" 127.0.0.1:12526 1000 & sink=$!
sleep 0.3; kill -0 $sink || { echo "smtp-sink did not start" >&2; exit 1; }
MAIL_CONFIG=$work/etc "$here/bin/postfix" start
[ -n "${BENCH_KEEP_LOG:-}" ] && trap 'cp "$work/maillog" "$BENCH_KEEP_LOG"; MAIL_CONFIG=$work/etc "$here/bin/postfix" stop >/dev/null 2>&1 || true; kill $sink 2>/dev/null || true; rm -rf "$work"' EXIT
pid=$(tr -d ' ' < "$work/spool/pid/master.pid")
cpu0=$(awk '{print $14+$15}' /proc/$pid/stat); u0=$(awk '{print $14}' /proc/$pid/stat)
t0=$(date +%s.%N)
smtp-source -s "$s" -l "${BENCH_SIZE:-1024}" -m "$n" -f bench@bench.example.test -t sink@remote.example 127.0.0.1:12525
t1=$(date +%s.%N)
deadline=$((SECONDS + 600))
while [ "$(grep -c "status=sent" "$work/maillog" || true)" -lt "$n" ]; do
  [ $SECONDS -lt $deadline ] || { echo "not all delivered within 600s" >&2; exit 1; }
  sleep 0.2
done
t2=$(date +%s.%N)
cpu1=$(awk '{print $14+$15}' /proc/$pid/stat); u1=$(awk '{print $14}' /proc/$pid/stat)
tck=$(getconf CLK_TCK)
awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" -v c0="$cpu0" -v c1="$cpu1" -v u0="$u0" -v u1="$u1" -v hz="$tck" 'BEGIN {
  printf "messages=%d accept=%.0f msg/s end-to-end=%.0f msg/s cpu=%.2f ms/msg (user %.2f)\n", n, n/(b-a), n/(c-a), (c1-c0)/hz*1000/n, (u1-u0)/hz*1000/n }'
