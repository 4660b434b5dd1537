#!/usr/bin/env bash
# floor.sh - the CPU per message that no MTA on this machine can go below, and what the load
# tools take: smtp-source (BENCH_SESSIONS, 20) sends `messages` (2000) messages (1 KB) into
# bench/floor_mta.py (the least an MTA must ask of the kernel: replies, the commit forced and
# renamed before the 250, two log lines, the relay), which relays them to smtp-sink, after a
# warm-up (BENCH_WARMUP, 200). Measured from the start of the load until the last status=sent:
# the floor MTA's system CPU time per message (the kernel's share; its user time is Python's and
# is not a floor), and the CPU (user + system) per message of smtp-source and of smtp-sink, which
# share the 2 cores with any MTA under test. With `rate` (msg/s), also what is left per message
# for an MTA at that rate on all the machine's cores once the tools have had theirs
# (left_ms), and how much of that is above the kernel floor (left_above_floor_ms).
# Usage: bench/floor.sh [messages] [rate]
# Environment: BENCH_SESSIONS (20), BENCH_WARMUP (200, of 1 KB), BENCH_SIZE (1024: the size of
#   the measured messages, e.g. 102400), BENCH_PORT (12560: the floor MTA; its smtp-sink on +1),
#   FLOOR_SPARES=1 (the floor reuses delivered files as our queue does; bench/floor_mta.py).
# Prints one line: messages= rate= floor_sys_ms= source_ms= sink_ms= tools_ms= [left_ms=
#   left_above_floor_ms=]. Needs python3, smtp-source and smtp-sink (Debian's postfix package);
# runs as any user (as root, smtp-sink runs as nobody). Only 127.0.0.1; the temporary directory
# is removed on exit, and every wait has a deadline.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-2000}; rate=${2:-}
sessions=${BENCH_SESSIONS:-20}; warm=${BENCH_WARMUP:-200}; size=${BENCH_SIZE:-1024}
port=${BENCH_PORT:-12560}; sink_port=$((port + 1))
hz=$(getconf CLK_TCK); cores=$(nproc)
work=$(mktemp -d /tmp/mta-floor.XXXXXX)
sink=""; floor=""
cleanup() {
  set +e
  [ -z "$floor" ] || { kill "$floor"; wait "$floor"; } 2>/dev/null
  [ -z "$sink" ] || kill "$sink" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "$0: $*" >&2; exit 1; }

sink_user=(); [ "$(id -u)" != 0 ] || sink_user=(-u nobody)
smtp-sink "${sink_user[@]}" "127.0.0.1:$sink_port" 1000 & sink=$!
sleep 0.3; kill -0 "$sink" 2>/dev/null || die "smtp-sink on $sink_port did not start"
python3 "$here/bench/floor_mta.py" "$port" "$sink_port" "$work" & floor=$!
deadline=$((SECONDS + 30))
until printf 'QUIT\r\n' | timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; head -c3 <&3" 2>/dev/null | grep -q 220; do
  [ $SECONDS -lt $deadline ] && kill -0 "$floor" 2>/dev/null || die "the floor MTA did not greet on $port"
  sleep 0.05
done

sent() { grep -c 'status=sent' "$work/maillog" 2>/dev/null || true; }
wait_sent() {
  local deadline=$((SECONDS + 600))
  while [ "$(sent)" -lt "$1" ]; do
    [ $SECONDS -lt $deadline ] || die "only $(sent) of $1 relayed within 600s"
    sleep 0.1
  done
}
src() {
  smtp-source -s "$sessions" -l "$1" -m "$2" -f bench@bench.example.test -t sink@remote.example \
    "127.0.0.1:$port" || die "smtp-source failed"
}
# ticks PID FIELDS -> the sum of those fields of /proc/PID/stat (14 utime, 15 stime, 16-17 of
# reaped children)
ticks() { awk -v f="$2" '{ s = $0; sub(/.*\) /, "", s); split(s, v, " "); split(f, k, ",")
  for (i in k) t += v[k[i] - 2]; print t + 0 }' "/proc/$1/stat"; }
# child_ticks FILE -> user+system time of the children the shell had reaped when it wrote FILE
# with `times` (its second line); `times` runs in this shell itself, never in a $(...) subshell.
child_ticks() {
  awk -v hz="$hz" 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, p, "m"); t += (p[1] * 60 + p[2]) * hz } }
    END { printf "%.0f\n", t }' "$1"
}

[ "$warm" -eq 0 ] || { src 1024 "$warm"; wait_sent "$warm"; }
before=$(sent)
f0=$(ticks "$floor" 15); k0=$(ticks "$sink" 14,15,16,17)
t0=$(date +%s.%N)
times > "$work/times0"; src "$size" "$n"; times > "$work/times1"   # smtp-source is the only child between
c0=$(child_ticks "$work/times0"); c1=$(child_ticks "$work/times1")
wait_sent $((before + n))
t1=$(date +%s.%N)
f1=$(ticks "$floor" 15); k1=$(ticks "$sink" 14,15,16,17)
accepted=$(grep -c ': from=<' "$work/maillog")
[ "$accepted" -eq $((before + n)) ] || die "$accepted messages accepted, $((before + n)) sent"
[ -z "$(ls "$work/spool")" ] || die "files left in the floor's queue after the relay" # spares are .s*
awk -v n="$n" -v a="$t0" -v b="$t1" -v f=$((f1 - f0)) -v c=$((c1 - c0)) -v k=$((k1 - k0)) \
    -v hz="$hz" -v rate="$rate" -v cores="$cores" 'BEGIN {
  ms = 1000 / hz / n; tools = (c + k) * ms
  printf "messages=%d rate=%.0f floor_sys_ms=%.3f source_ms=%.3f sink_ms=%.3f tools_ms=%.3f",
    n, n / (b - a), f * ms, c * ms, k * ms, tools
  if (rate > 0) {
    left = cores * 1000 / rate - tools
    printf " left_ms=%.3f left_above_floor_ms=%.3f", left, left - f * ms
  }
  printf "\n" }'
