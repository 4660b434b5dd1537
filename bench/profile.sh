#!/usr/bin/env bash
# profile.sh - where one accepted-and-relayed message goes, in measures that do not depend on the
# machine's load: the master's system calls per message by type (strace -c over all its threads),
# and its CPU time per message, user and system. smtp-source (BENCH_SESSIONS, 20) sends
# `messages` (500) 1 KB messages after a warm-up (BENCH_WARMUP, 2000) into the bench MTA, relayed
# to smtp-sink; the counts are taken from the start of the load until the last status=sent.
# Usage: bench/profile.sh [messages]     (root; needs strace, smtp-source, smtp-sink, the built jar)
# BENCH_JAR_HOME=DIR profiles another checkout's build (DIR/bin, DIR/target/mta.jar), for before/after.
# BENCH_JFR=1: no strace; the master runs with Java Flight Recorder instead (profile settings), and
# the script prints its hot methods (CPU samples of the carrier threads), the time in GC and the
# JIT compilations during the measured load (jfr view hot-methods, gc, compiler-statistics).
# BENCH_STRACE=0: neither, only the CPU per message (MTA_MASTER_OPTS tries other JVM options) and
# the requests the queue's disk completed per message (/sys/class/block/DEV/stat: writes, discards,
# cache flushes; the whole device, so keep the machine otherwise quiet), and the context switches
# of the master's threads per message, voluntary and involuntary (/proc/PID/task/*/status: the
# threads alive at the end, each counted from the start of the load or from its own start).
# BENCH_SWITCHES=1: no strace; `perf record -e sched:sched_switch -g` of the master during the load,
# and the switches per message in rows: whether the thread went to sleep or was preempted, which
# thread (carrier, listener, ...), and the system call it was in (needs perf).
# BENCH_SIZE: the size of the messages, warm-up included (1024; e.g. 102400).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
home=${BENCH_JAR_HOME:-$here}
n=${1:-500}; s=${BENCH_SESSIONS:-20}; warm=${BENCH_WARMUP:-2000}
port=${BENCH_PORT:-12550}
work=$(mktemp -d /tmp/mta-profile.XXXXXX); chmod 755 "$work"
sink=""; tracer=""
cleanup() {
  set +e
  [ -z "$tracer" ] || kill -INT "$tracer" 2>/dev/null
  MAIL_CONFIG=$work/etc timeout 60 "$home/bin/postfix" stop >/dev/null 2>&1
  [ -z "$sink" ] || kill "$sink" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
. "$here/bench/lib.sh"
bench_config "$work" "$port" 1000 $((port + 1))
smtp-sink -u nobody "127.0.0.1:$((port + 1))" 1000 & sink=$!
jfr=${BENCH_JFR:-0}
if [ "$jfr" = 1 ]; then
  export MTA_MASTER_OPTS="-XX:+UseSerialGC -Xms4m -Xmx1g -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 -XX:FlightRecorderOptions=repository=$work -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$work/master.jfr"
  chmod 777 "$work"
fi
MAIL_CONFIG=$work/etc timeout 60 "$home/bin/postfix" start >/dev/null
pid=$(tr -d ' \n' < "$work/spool/pid/master.pid")
die() { echo "$0: $*" >&2; exit 1; }
log=$work/maillog
size=${BENCH_SIZE:-1024}
src() { smtp-source -s "$s" -l "$size" -m "$1" -f bench@bench.example.test -t sink@remote.example "127.0.0.1:$port"; }
[ "$warm" -eq 0 ] || { src "$warm"; wait_sent "$log" "$warm" 600; }
before=$(sent "$log")
ticks() { awk '{ print $14, $15 }' "/proc/$pid/stat"; }
# The queue's block device, for its request counters (empty when /sys does not have it).
dev=$(basename "$(df --output=source "$work" | tail -1)")
disk() { [ -r "/sys/class/block/$dev/stat" ] && awk '{ print $5, $12, $16 }' "/sys/class/block/$dev/stat"; }
read -r d0 <<< "$(disk)" || true
# switches: "tid voluntary involuntary" per thread of the master
switches() { for t in /proc/"$pid"/task/*; do
  awk -v t="${t##*/}" '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print t, v, n }' "$t/status" 2>/dev/null
done; }
switches > "$work/switches0"
read -r u0 s0 < <(ticks)
if [ "${BENCH_SWITCHES:-0}" = 1 ]; then
  command -v perf >/dev/null || die "perf not found"
  perf record -q -e sched:sched_switch -g -p "$pid" -o "$work/switches.data" >/dev/null 2>&1 & tracer=$!
  sleep 1
  src "$n"; wait_sent "$log" $((before + n)) 600
  kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true; tracer=""
  echo "profile.sh: $n messages of $size bytes, $s sessions, after $warm warm-up; context switches of the master's threads per message"
  perf script -i "$work/switches.data" -F comm,tid,trace,ip,sym 2>/dev/null | python3 -c '
import collections, re, sys
n = int(sys.argv[1]); rows = collections.Counter(); total = 0; block = []
def switch(b):
    global total
    m = re.search(r"prev_state=(\S+)", b[0])
    if not m: return
    total += 1
    kind = "preempted" if m.group(1).startswith("R") else "slept"
    thread = re.sub(r"\d+", "#", b[0].split(" prev_comm=")[0].rsplit(None, 1)[0].strip())
    call = "(no system call)"
    for f in b[1:]:
        parts = f.split(None, 1)
        sym = parts[1] if len(parts) > 1 else ""
        c = re.match(r"__(?:x64|do)_sys_(\w+)", sym)
        if c: call = c.group(1); break
        if sym.startswith(("exit_to_user_mode", "irqentry_exit")): call = "(returning to user space)"
    rows[(kind, thread, call)] += 1
for line in sys.stdin:
    if line.strip(): block.append(line.rstrip("\n")); continue
    if block: switch(block)
    block = []
if block: switch(block)
print("%8s  %-9s  %-18s  %s" % ("per msg", "kind", "thread", "system call"))
for (kind, thread, call), k in rows.most_common(15):
    print("%8.2f  %-9s  %-18s  %s" % (k / n, kind, thread, call))
print("%8.2f  all" % (total / n))
' "$n"
  exit 0
fi
if [ "$jfr" = 1 ] || [ "${BENCH_STRACE:-1}" = 0 ]; then
  src "$n"; wait_sent "$log" $((before + n)) 600
  read -r u1 s1 < <(ticks)
  read -r d1 <<< "$(disk)" || true
  switches > "$work/switches1"
  MAIL_CONFIG=$work/etc timeout 60 "$home/bin/postfix" stop >/dev/null
  hz=$(getconf CLK_TCK)
  echo "profile.sh: $n messages of $size bytes, $s sessions, after $warm warm-up; ${MTA_MASTER_OPTS:-default master options}"
  awk -v n="$n" -v u=$((u1 - u0)) -v k=$((s1 - s0)) -v hz="$hz" 'BEGIN {
    printf "master CPU per message (ms): user %.2f, system %.2f\n", u / hz * 1000 / n, k / hz * 1000 / n }'
  [ -z "$d0" ] || awk -v n="$n" -v a="$d0" -v b="$d1" -v dev="$dev" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "disk requests per message (%s): writes %.2f, discards %.2f, flushes %.2f\n", dev,
      (y[1] - x[1]) / n, (y[2] - x[2]) / n, (y[3] - x[3]) / n }'
  awk -v n="$n" 'NR == FNR { v[$1] = $2; i[$1] = $3; next }
    { dv += $2 - v[$1]; di += $3 - i[$1] }
    END { printf "context switches per message, master threads: voluntary %.2f, involuntary %.2f\n", dv / n, di / n }' \
    "$work/switches0" "$work/switches1"
  [ "$jfr" = 1 ] || exit 0
  jdk=$(cat "$home/target/java-home" 2>/dev/null || dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  for v in hot-methods gc compiler-statistics allocation-by-class; do "$jdk/bin/jfr" view --width 160 "$v" "$work/master.jfr"; done
  exit 0
fi
strace -c -f -o "$work/strace" $(ls "/proc/$pid/task" | sed 's/^/-p /') 2>/dev/null & tracer=$!
sleep 1
src "$n"; wait_sent "$log" $((before + n)) 600
read -r u1 s1 < <(ticks)
kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true; tracer=""
hz=$(getconf CLK_TCK)
echo "profile.sh: $n messages of $size bytes, $s sessions, after $warm warm-up; master pid $pid; $(date -u '+%Y-%m-%d %H:%M UTC')"
awk -v n="$n" -v u=$((u1 - u0)) -v k=$((s1 - s0)) -v hz="$hz" 'BEGIN {
  printf "master CPU per message (ms, under strace): user %.2f, system %.2f\n", u / hz * 1000 / n, k / hz * 1000 / n }'
echo "system calls per message (strace -c -f, all threads of the master):"
awk -v n="$n" '$1 ~ /^[0-9.]+$/ && $NF != "total" { c[$NF] = $4; tot += $4 }
  END { for (k in c) printf "%8.1f  %s\n", c[k] / n, k | "sort -rn"; close("sort -rn"); printf "%8.1f  total\n", tot / n }' "$work/strace"
