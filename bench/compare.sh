#!/usr/bin/env bash
# compare.sh - our MTA and Debian's Postfix side by side, on the same load and the same machine:
# smtp-source (20 sessions) into each one's smtpd, relayed to its own smtp-sink; the final "." to
# 250 latency of one session; the time per sendmail call (installed, in a checkout, with -C DIR);
# the resident memory at rest; 1,000 / 10,000 / 50,000 idle sessions; start to the first 220.
# Client name lookups are on for both (127.0.0.1 is answered from /etc/hosts). Prints one table
# with every row of the targets and the ratios ours/Postfix, and the ceilings measured in the same
# run: the bare commit of a queue file in each one's pattern (bench/commit_floor.py) and the floor
# MTA's "." to 250 in each one's pattern beside the "." to 250 latency, the floor MTA's kernel
# CPU per message and the load tools' CPU (bench/floor.sh) beside the CPU and accept rows, and the JDK's idle-session floor
# (bench/IdleFloor.java) beside the idle-session rows.
#
# Usage: bench/compare.sh [messages] [size]
#   messages  per run and per MTA (default 2000; BENCH_ROUNDS runs of each size into each, 3)
#   size      message payload in bytes; default both 1024 and 102400 (one run each)
# Environment: BENCH_SESSIONS (20), BENCH_WARMUP (2000 1 KB messages into each MTA before
#   measuring, so that our JIT has compiled the mail path: after 200 it still compiled through
#   the next 2,000, bench/README.md; 0 for none), BENCH_SENDMAIL (50 calls),
#   BENCH_PORT (12530: ours on +0, its sink +1, its idle-session listeners +2 and +3, the JDK's
#   idle-session floor +4 and +5, Postfix on +10, its sink +11, the floor MTA +8 and its sink +9,
#   the floor MTA's "." to 250 in our pattern +6, in Postfix's +7, their sink +12),
#   BENCH_KEEP=DIR (copy both maillogs there), BENCH_LATENCY (500 messages for the "." to 250
#   latency), BENCH_IDLE ("1000 10000 50000" idle sessions; Postfix only the first, its
#   default_process_limit of 100 keeps the rest waiting), BENCH_INSTALL (1: time the sendmail of
#   an installation made with `postfix install --root` under the temporary directory; 0: skip).
#   BENCH_STARTS (5 rounds of start to the first 220, the median reported), BENCH_COMMIT (500
#   files per pattern for the bare commit), BENCH_FLOOR (1: run bench/floor.sh, N messages on
#   ports +8 and +9; 0: skip), BENCH_MAX_IDLE (10s: max_idle in both configurations; the memory
#   after the load is measured 5 s past it).
# Needs root, Debian's postfix package (postfix, smtp-source, smtp-sink, sendmail) and the built
# jar (./mvnw -q -B -DskipTests package). Only 127.0.0.1 is used; everything runs from a
# temporary directory that is removed on exit, and every wait has a deadline.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-2000}
if [ -n "${2:-}" ]; then sizes=("$2"); else sizes=(1024 102400); fi
sessions=${BENCH_SESSIONS:-20}; warmup=${BENCH_WARMUP:-2000}; calls=${BENCH_SENDMAIL:-50}
rounds=${BENCH_ROUNDS:-3}
latency_n=${BENCH_LATENCY:-500}; read -r -a idle_counts <<< "${BENCH_IDLE:-1000 10000 50000}"
base=${BENCH_PORT:-12530}
o_port=$base; o_sink=$((base + 1)); p_port=$((base + 10)); p_sink=$((base + 11))
# Two more smtpd listeners of ours without a session limit, for the idle sessions: 50,000
# connections from 127.0.0.1 need two server ports (about 28,000 ephemeral ports per pair).
o_idle1=$((base + 2)); o_idle2=$((base + 3))
# Up to 50,000 sessions: one descriptor each, in the MTA and in the client.
ulimit -Hn 200000 2>/dev/null || true; ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
hz=$(getconf CLK_TCK)

[ "$(id -u)" = 0 ] || { echo "$0: must run as root (Postfix's master runs as root)" >&2; exit 1; }
for p in smtp-source smtp-sink /usr/sbin/postfix /usr/sbin/sendmail; do
  command -v "$p" >/dev/null || { echo "$0: $p not found (Debian's postfix package)" >&2; exit 1; }
done
[ -r "$here/target/mta.jar" ] || { echo "$0: build first: ./mvnw -q -B -DskipTests package" >&2; exit 1; }

work=$(mktemp -d /tmp/mta-compare.XXXXXX)
chmod 755 "$work"
o=$work/ours; p=$work/postfix
helpers=()   # the smtp-sinks and the idle-session floor, stopped on exit
cleanup() {
  set +e
  MAIL_CONFIG=$o/etc timeout 60 "$here/bin/postfix" stop >/dev/null 2>&1
  timeout 30 "$here/bench/postfix-instance.sh" stop "$p" >/dev/null 2>&1
  for s in "${helpers[@]}"; do kill "$s" 2>/dev/null; done
  if [ -n "${BENCH_KEEP:-}" ]; then
    mkdir -p "$BENCH_KEEP"; cp "$o/maillog" "$BENCH_KEEP/ours.maillog" 2>/dev/null
    cp "$p/maillog" "$BENCH_KEEP/postfix.maillog" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "$0: $*" >&2; exit 1; }
now() { date +%s.%N; }

# tree PID -> PID and all its descendants.
tree() {
  awk -v root="$1" '
    { s = $0; sub(/.*\) /, "", s); split(s, f, " "); par[$1] = f[2] }
    END { want[root] = 1; print root; changed = 1
          while (changed) { changed = 0
            for (q in par) if (!(q in want) && (par[q] in want)) { want[q] = 1; print q; changed = 1 } } }
  ' < <(cat /proc/[0-9]*/stat 2>/dev/null || true)
}
# cpu_ticks PID [sys] -> user+system time of PID and its live descendants, plus that of every child
# they have already reaped (cutime+cstime): Postfix's daemons that exit during a run are counted.
# With "sys", system time only (stime+cstime): the kernel's share.
# One pass over /proc; repeated until two readings agree, since a daemon that exits between the
# reading of its own times and its parent's would be missed (the MTAs are idle when it is called,
# apart from the odd tick of a JVM's housekeeping, hence within one tick).
cpu_ticks() {
  local a b d i
  a=$(cpu_once "$@")
  for i in $(seq 1 50); do
    sleep 0.1; b=$(cpu_once "$@")
    d=$((b - a)); d=${d#-}
    [ "$d" -le 1 ] && break   # an idle JVM may still tick once
    a=$b
  done
  echo "$b"
}
cpu_once() {
  awk -v root="$1" -v sys="${2:-}" '
    { s = $0; sub(/.*\) /, "", s); split(s, f, " "); par[$1] = f[2]
      t[$1] = sys ? f[13] + f[15] : f[12] + f[13] + f[14] + f[15] }
    END { want[root] = 1; changed = 1
          while (changed) { changed = 0
            for (q in par) if (!(q in want) && (par[q] in want)) { want[q] = 1; changed = 1 } }
          for (q in want) sum += t[q]; print sum + 0 }
  ' < <(cat /proc/[0-9]*/stat 2>/dev/null || true)
}
# mem_kib PID FIELD -> sum of FIELD (Rss or Pss, from smaps_rollup) over PID and its descendants.
mem_kib() {
  local t=0 q v
  for q in $(tree "$1"); do
    v=$(awk -v k="$2:" '$1 == k { print $2 }' "/proc/$q/smaps_rollup" 2>/dev/null) || continue
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
wait_220() {
  local deadline=$((SECONDS + 30))
  until printf 'QUIT\r\n' | timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; head -c3 <&3" 2>/dev/null | grep -q 220; do
    [ $SECONDS -lt $deadline ] || die "no 220 on 127.0.0.1:$1 within 30s"
    sleep 0.01
  done
}
# root_of MASTERPID -> the process whose tree is the whole MTA: ours with privilege separation
# is the root parent script (bin/.privileged-parent, root) with the privileged delivery process
# (root) and the master (mail_owner) as its children; else the master.
root_of() {
  local pp
  pp=$(awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[2] }' "/proc/$1/stat")
  if tr '\0' ' ' < "/proc/$pp/cmdline" 2>/dev/null | grep -q '\.privileged-parent'; then echo "$pp"; else echo "$1"; fi
}

# --- our MTA, configured as in bench/throughput.sh -------------------------------------------
. "$here/bench/lib.sh"
bench_config "$o" "$o_port" 1000 "$o_sink"
# The queue named as the shipped main.cf names it, with a '$': the thin client must expand it.
sed -i "s|^queue_directory = .*|queue_directory = \\\$config_directory/../spool|" "$o/etc/main.cf"
printf '127.0.0.1:%s inet n - n - 0 smtpd\n' "$o_idle1" "$o_idle2" >> "$o/etc/master.cf"
start_sink "$o_sink"; start_sink "$p_sink"
MAIL_CONFIG=$o/etc timeout 60 "$here/bin/postfix" start >"$work/ours-start.err" 2>&1 \
  || { cat "$work/ours-start.err" >&2; die "our MTA did not start"; }
wait_220 "$o_port"
o_pid=$(root_of "$(tr -d ' \n' < "$o/spool/pid/master.pid")")

# --- Postfix -----------------------------------------------------------------------------------
timeout 60 "$here/bench/postfix-instance.sh" start "$p" "$p_port" "$p_sink" >"$work/postfix-start.err" 2>&1 \
  || { cat "$work/postfix-start.err" >&2; die "Postfix did not start"; }
p_pid=$(tr -d ' \n' < "$p/spool/pid/master.pid")

# Each MTA: name, port, master pid, maillog, MAIL_CONFIG, sendmail command.
declare -A port=([ours]=$o_port [postfix]=$p_port) pid=([ours]=$o_pid [postfix]=$p_pid)
declare -A log=([ours]=$o/maillog [postfix]=$p/maillog) cfg=([ours]=$o/etc [postfix]=$p/etc)
declare -A smail=([ours]=$here/bin/sendmail [postfix]=/usr/sbin/sendmail)
declare -A R   # results, R[measure,mta]

# Both at rest: memory before any mail (ours: no privileged delivery process yet, it starts on
# demand). 12 s after the start: the JVM frees its compilers' start-up arenas after 5 s and gives
# the freed C heap back to the kernel every 10 s (mta.cli.Postfix, TRIM_NATIVE_HEAP).
sleep 12
for m in ours postfix; do
  R[rss0,$m]=$(mem_kib "${pid[$m]}" Rss); R[pss0,$m]=$(mem_kib "${pid[$m]}" Pss)
  R[procs,$m]=$(tree "${pid[$m]}" | wc -l)
done

# Sanity: one message through each, end to end.
for m in ours postfix; do
  swaks --server "127.0.0.1:${port[$m]}" --from bench@bench.example.test --to sink@remote.example \
    --silent 2 --timeout 20 >/dev/null || die "$m did not accept a test message"
  wait_sent "${log[$m]}" 1 30
done

# machine_ticks -> "BUSY ALL": the jiffies of all cores so far (/proc/stat): busy (user, nice,
# system, irq, softirq) and all of them (busy, idle, iowait, steal)
machine_ticks() { awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8; print b, b + $5 + $6 + $9; exit }' /proc/stat; }

# load MTA SIZE COUNT -> sets R[accept|e2e|cpu|sys|busy|mcpu,MTA] (msg/s, msg/s, ms/msg, ms/msg,
# %, ms/msg); busy and mcpu are the whole machine's while smtp-source runs: how busy its cores
# were, and their CPU per message accepted (every process and the kernel's own work)
load() {
  local m=$1 size=$2 count=$3 before c0 c1 s0 s1 t0 t1 t2 b0 a0 b1 a1
  before=$(sent "${log[$m]}")
  c0=$(cpu_ticks "${pid[$m]}"); s0=$(cpu_ticks "${pid[$m]}" sys)
  read -r b0 a0 < <(machine_ticks)
  t0=$(now)
  timeout 1200 smtp-source -s "$sessions" -l "$size" -m "$count" -f bench@bench.example.test \
    -t sink@remote.example "127.0.0.1:${port[$m]}" || die "smtp-source into $m failed"
  t1=$(now)
  read -r b1 a1 < <(machine_ticks)
  R[busy,$m]=$(awk -v b=$((b1 - b0)) -v a=$((a1 - a0)) 'BEGIN { printf "%.0f", (a > 0 ? 100 * b / a : 0) }')
  R[mcpu,$m]=$(awk -v n="$count" -v d=$((b1 - b0)) -v hz="$hz" 'BEGIN { printf "%.2f", d / hz * 1000 / n }')
  wait_sent "${log[$m]}" $((before + count)) 1200
  t2=$(now)
  c1=$(cpu_ticks "${pid[$m]}"); s1=$(cpu_ticks "${pid[$m]}" sys)
  R[accept,$m]=$(awk -v n="$count" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
  R[e2e,$m]=$(awk -v n="$count" -v a="$t0" -v c="$t2" 'BEGIN { printf "%.0f", n / (c - a) }')
  R[cpu,$m]=$(awk -v n="$count" -v d=$((c1 - c0)) -v hz="$hz" 'BEGIN { printf "%.2f", d / hz * 1000 / n }')
  R[sys,$m]=$(awk -v n="$count" -v d=$((s1 - s0)) -v hz="$hz" 'BEGIN { printf "%.2f", d / hz * 1000 / n }')
}

if [ "$warmup" -gt 0 ]; then
  for m in ours postfix; do load "$m" 1024 "$warmup"; done
fi
rows=()
# kb SIZE -> the size as a row names it: "1 KB", "100 KB", or "N B" when not whole kilobytes
kb() { awk -v s="$1" 'BEGIN { printf (s % 1024 ? "%d B" : "%d KB"), (s % 1024 ? s : s / 1024) }'; }
# median < values, one per line -> the middle value (of an even count, the mean of the two middle ones)
median() {
  sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Each size is loaded BENCH_ROUNDS times into each MTA, the order alternating (ours first in odd
# rounds, Postfix first in even ones), and each row is the median of an MTA's rounds: the machine's
# speed moves from minute to minute, and one load of a few seconds catches one minute.
declare -A got
for size in "${sizes[@]}"; do
  kb=$(kb "$size")
  got=()
  for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) = 1 ]; then order="ours postfix"; else order="postfix ours"; fi
    for m in $order; do
      load "$m" "$size" "$n"
      for k in accept e2e cpu sys busy mcpu; do got[$k,$m]+="${R[$k,$m]} "; done
      echo "$m, $kb, round $r: accept ${R[accept,$m]} msg/s, end to end ${R[e2e,$m]} msg/s, cpu ${R[cpu,$m]} ms/msg (system ${R[sys,$m]}), cores ${R[busy,$m]}% busy while accepting, machine ${R[mcpu,$m]} ms/msg" >&2
    done
  done
  for m in ours postfix; do
    # shellcheck disable=SC2086 # the rounds' values, one word each
    for k in accept e2e cpu sys busy mcpu; do R[$k$size,$m]=$(printf '%s\n' ${got[$k,$m]} | median); done
  done
  rows+=("accept $kb (msg/s)|accept$size" "  cores busy while accepting $kb (%)|busy$size"
         "  machine CPU per message accepted $kb (ms)|mcpu$size"
         "end to end $kb (msg/s)|e2e$size" "CPU per message $kb (ms)|cpu$size"
         "  of it system (kernel) $kb (ms)|sys$size")
done

# The CPU ceiling, in the same run (bench/floor.sh): the floor MTA's kernel CPU per 1 KB message,
# the CPU per message of smtp-source and smtp-sink, and what is left per message on this
# machine's cores for an MTA accepting at 3x Postfix's 1 KB rate of this run; then the same for
# the run's other size at 2x (the 100 KB accept target). One value per row, not per MTA (in the
# first column).
# floor_rows SIZE FACTOR WHAT LEFT KEY -> rows "... per WHAT", "LEFT, R msg/s", results R[...KEY,ours]
floor_rows() {
  local size=$1 x=$2 what=$3 left=$4 key=$5 rate out k
  rate=$(awk -v r="${R[accept$size,postfix]:-0}" -v x="$x" 'BEGIN { if (r > 0) printf "%.0f", x * r }')
  # FLOOR_SPARES=1: the floor keeps delivered files for reuse, as our queue does (mta.queue.SpareFiles)
  out=$(FLOOR_SPARES=1 BENCH_PORT=$((base + 8)) BENCH_SESSIONS=$sessions BENCH_WARMUP=200 BENCH_SIZE=$size timeout 1200 \
    "$here/bench/floor.sh" "$n" $rate) || die "bench/floor.sh ($size bytes) failed"
  echo "floor, $(kb "$size"): $out" >&2
  field() { sed -n "s/.*\b$1=\([-0-9.]*\).*/\1/p" <<< "$out"; }
  R[floorsys$key,ours]=$(field floor_sys_ms); R[tools$key,ours]=$(field tools_ms)
  R[left$key,ours]=$(field left_ms); R[leftfloor$key,ours]=$(field left_above_floor_ms)
  for k in floorsys tools left leftfloor; do R[$k$key,ours]=${R[$k$key,ours]:--}; R[$k$key,postfix]=-; done
  rows+=("floor MTA: kernel CPU per $what (ms)|floorsys$key"
         "load tools' CPU per $what (ms)|tools$key"
         "$left, ${rate:-?} msg/s (ms)|left$key"
         "  of it above the kernel floor (ms)|leftfloor$key")
}
# e2e_rows SIZE: from the floor just measured for SIZE, what is left per message for an MTA
# relaying at 3x Postfix's end-to-end rate of SIZE (the 100 KB end-to-end target), and how much
# of that is above the kernel floor; rows as floor_rows makes, results R[...e2e$size,ours].
e2e_rows() {
  local size=$1 rate
  rate=$(awk -v r="${R[e2e$size,postfix]:-0}" 'BEGIN { if (r > 0) printf "%.0f", 3 * r }')
  R[lefte2e$size,ours]=$(awk -v rate="${rate:-0}" -v c="$(nproc)" -v t="${R[tools$size,ours]}" -v f="${R[floorsys$size,ours]}" \
    'BEGIN { if (rate > 0 && t != "-" && f != "-") printf "%.3f %.3f", c * 1000 / rate - t, c * 1000 / rate - t - f; else print "- -" }')
  R[leftfloore2e$size,ours]=${R[lefte2e$size,ours]#* }; R[lefte2e$size,ours]=${R[lefte2e$size,ours]% *}
  R[lefte2e$size,postfix]=-; R[leftfloore2e$size,postfix]=-
  rows+=("left at 3x Postfix $(kb "$size") end to end, ${rate:-?} msg/s (ms)|lefte2e$size"
         "  of it above the kernel floor (ms)|leftfloore2e$size")
}
if [ "${BENCH_FLOOR:-1}" = 1 ]; then
  floor_rows 1024 3 "message" "left at 3x Postfix" ""
  for size in "${sizes[@]}"; do
    [ "$size" = 1024 ] && continue
    floor_rows "$size" 2 "$(kb "$size") message" "left at 2x Postfix $(kb "$size")" "$size"
    e2e_rows "$size"
  done
fi

# The final "." to 250, one session, one message after the other; between the two MTAs' runs, the
# bare commit of a 1 KB queue file on the queues' file system (the temporary directory), timed
# per file in each one's pattern, alternating (bench/commit_floor.py): the disk's floor under it;
# and the files per second of as many writers as sessions, in our pattern: the disk's ceiling
# under the accept rows (one value, in the first column).
for m in ours commit postfix; do
  if [ "$m" = commit ]; then
    out=$(BENCH_COMMIT_WRITERS=$sessions timeout 600 python3 "$here/bench/commit_floor.py" "$work" "${BENCH_COMMIT:-500}") \
      || die "commit floor failed"
    echo "commit floor: $out" >&2
    for q in p50 p90; do
      R[commit$q,ours]=$(sed -n "s/.*ours_$q=\([0-9.]*\).*/\1/p" <<< "$out")
      R[commit$q,postfix]=$(sed -n "s/.*postfix_$q=\([0-9.]*\).*/\1/p" <<< "$out")
    done
    R[commitw,ours]=$(sed -n 's/.*files_per_s=\([0-9]*\).*/\1/p' <<< "$out"); R[commitw,postfix]=-
    continue
  fi
  before=$(sent "${log[$m]}")
  out=$(timeout 600 python3 "$here/bench/dot_latency.py" 127.0.0.1 "${port[$m]}" "$latency_n") || die "$m: latency run failed"
  R[dot50,$m]=$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' <<< "$out"); R[dot99,$m]=$(sed -n 's/.*p99=\([0-9.]*\).*/\1/p' <<< "$out")
  wait_sent "${log[$m]}" $((before + latency_n)) 600
done
# The floor under the same row: bench/floor_mta.py (one thread, no hand-offs, nothing but the
# replies, the commit, two log lines and the relay) in our commit pattern (port +6) and in
# Postfix's (FLOOR_COMMIT=postfix, +7), both relaying to a sink on +12, the same dot_latency.py
# run against each: what any MTA that keeps the one or the other promise takes here.
start_sink $((base + 12))
python3 "$here/bench/floor_mta.py" $((base + 6)) $((base + 12)) "$work/floor-dot-ours" & dot_floors=($!)
FLOOR_COMMIT=postfix python3 "$here/bench/floor_mta.py" $((base + 7)) $((base + 12)) "$work/floor-dot-postfix" & dot_floors+=($!)
helpers+=("${dot_floors[@]}")
wait_220 $((base + 6)); wait_220 $((base + 7))
for m in ours postfix; do
  fp=$((base + 6)); [ "$m" = ours ] || fp=$((base + 7))
  out=$(timeout 600 python3 "$here/bench/dot_latency.py" 127.0.0.1 "$fp" "$latency_n") || die "floor MTA ($m): latency run failed"
  R[dotf50,$m]=$(sed -n 's/.*p50=\([0-9.]*\).*/\1/p' <<< "$out")
done
kill "${dot_floors[@]}" 2>/dev/null || true   # quiet again for the rows that follow
rows+=("final . to 250, p50 (ms)|dot50" "  floor MTA in each one's commit pattern, p50 (ms)|dotf50"
       "  bare commit of the queue file, p50 (ms)|commitp50"
       "  bare commit of the queue file, p90 (ms)|commitp90" "final . to 250, p99 (ms)|dot99"
       "bare commits, $sessions writers at once (files/s)|commitw")

# sendmail: CALLS sequential calls, each posting one small message; wall time per call.
# Ours in three ways: the checkout's bin/sendmail with MAIL_CONFIG, the same with -C DIR, and an
# installation's (postfix install --root); Postfix's /usr/sbin/sendmail (+ postdrop) with
# MAIL_CONFIG and with -C DIR (its "installed" row is the MAIL_CONFIG one).
msg=$'From: bench@bench.example.test\nTo: sink@remote.example\nSubject: sendmail bench\n\nhello\n'
# sendmail_run KEY MTA CONFIG COMMAND... -> R[KEY,MTA] = ms per call (MAIL_CONFIG=CONFIG, unset
# when CONFIG is empty); waits for the deliveries.
sendmail_run() {
  local k=$1 m=$2 c=$3 before t0 t1 e=(-u MAIL_CONFIG); shift 3
  [ -z "$c" ] || e=("MAIL_CONFIG=$c")
  before=$(sent "${log[$m]}")
  t0=$(now)
  for _ in $(seq 1 "$calls"); do
    printf '%s' "$msg" | env "${e[@]}" timeout 30 "$@" -f bench@bench.example.test sink@remote.example \
      || die "$m sendmail failed: $*"
  done
  t1=$(now)
  R[$k,$m]=$(awk -v n="$calls" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 / n }')
  wait_sent "${log[$m]}" $((before + calls)) 120
}
sendmail_run sendmail ours "$o/etc" "$here/bin/sendmail"
sendmail_run sendmailC ours "" "$here/bin/sendmail" -C "$o/etc"
sendmail_run sendmail postfix "$p/etc" /usr/sbin/sendmail
sendmail_run sendmailC postfix "" /usr/sbin/sendmail -C "$p/etc"
R[sendmailI,postfix]=${R[sendmail,postfix]}; R[sendmailI,ours]=-
if [ "${BENCH_INSTALL:-1}" = 1 ]; then
  if timeout 300 "$here/bin/postfix" install --root "$work/inst" >"$work/install.log" 2>&1 \
      && [ -x "$work/inst/usr/lib/mta/bin/sendmail" ]; then
    sendmail_run sendmailI ours "$o/etc" "$work/inst/usr/lib/mta/bin/sendmail"
  else
    echo "compare.sh: postfix install --root failed; no installed sendmail row (see below)" >&2; tail -3 "$work/install.log" >&2
  fi
fi

# At rest again, after the load: past max_idle (BENCH_MAX_IDLE, 10s in both configurations), when
# Postfix's idle daemons and our privileged delivery process have exited.
idle_s=${BENCH_MAX_IDLE:-10s}; idle_s=${idle_s%s}
sleep $((idle_s + 5))
for m in ours postfix; do
  R[rss1,$m]=$(mem_kib "${pid[$m]}" Rss); R[pss1,$m]=$(mem_kib "${pid[$m]}" Pss)
  R[procs1,$m]=$(tree "${pid[$m]}" | wc -l)
done
for k in rss0 pss0 rss1 pss1; do
  for m in ours postfix; do R[$k,$m]=$(awk -v k="${R[$k,$m]}" 'BEGIN { printf "%.1f", k / 1024 }'); done
done
rows+=("sendmail per call, checkout (ms)|sendmail" "sendmail per call, -C DIR (ms)|sendmailC"
       "sendmail per call, installed (ms)|sendmailI"
       "RSS at rest, before load (MiB)|rss0" "PSS at rest, before load (MiB)|pss0"
       "RSS at rest, after load (MiB)|rss1" "PSS at rest, after load (MiB)|pss1")

# Idle sessions: N opened at once, the time until all have their 220, and the memory of the
# whole MTA (every process of its tree) while they are open; the MTA's CPU per session greeted
# and the client's own CPU meanwhile (both on the same cores). Postfix: the first count only.
# idle_run NAME N PORTS PIDS -> R[idleN,NAME] = seconds (or "greeted/N" when the deadline, 60 s,
# or 20 s for Postfix, passed first), R[idlemN,NAME] = MiB, R[idlecN,NAME] = microseconds of CPU
# per session greeted, R[idleclN,NAME] = the client's CPU seconds
idle_run() {
  local m=$1 c=$2 ports=$3 pids=$4 out g t r cpu cl limit=60
  [ "$m" != postfix ] || limit=20   # Postfix greets its process limit's worth and no more
  out=$(python3 "$here/bench/idle_sessions.py" 127.0.0.1 "$ports" "$c" "$pids" "$limit") \
    || { R[idle$c,$m]=failed; R[idlem$c,$m]=-; R[idlec$c,$m]=-; R[idlecl$c,$m]=-; return 0; }
  echo "idle $m: $out" >&2
  g=$(sed -n 's/.*greeted=\([0-9]*\).*/\1/p' <<< "$out"); t=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$out")
  r=$(sed -n 's/.*rss_mib=\([0-9]*\).*/\1/p' <<< "$out"); cpu=$(sed -n 's/.*cpu_ms=\([0-9]*\).*/\1/p' <<< "$out")
  cl=$(sed -n 's/.*client_ms=\([0-9]*\).*/\1/p' <<< "$out")
  if [ "$g" = "$c" ]; then R[idle$c,$m]=$t; else R[idle$c,$m]="$g/$c"; fi
  R[idlem$c,$m]=$r
  R[idlec$c,$m]=$(awk -v ms="$cpu" -v g="$g" 'BEGIN { if (g > 0) printf "%.0f", ms * 1000 / g; else print "-" }')
  R[idlecl$c,$m]=$(awk -v ms="$cl" 'BEGIN { printf "%.2f", ms / 1000 }')
  sleep 3   # the sessions end; let the MTA see them go
}
# The JDK's floor under these rows, in the same run (bench/IdleFloor.java): accept, a 220 and a
# blocking read, one virtual thread per session, nothing else; started with our master's own java
# and JVM options (read from its command line, less its start-up cache), on ports +4 and +5.
o_master=$(tr -d ' \n' < "$o/spool/pid/master.pid")
mapfile -t o_cmd < <(tr '\0' '\n' < "/proc/$o_master/cmdline")
floor_jvm=("${o_cmd[0]}")
for a in "${o_cmd[@]:1}"; do
  case $a in -XX:AOT*|-Xlog:*|-D*|--enable-native-access*) ;; -X*) floor_jvm+=("$a") ;; -cp) break ;; esac
done
f_ports="$((base + 4)),$((base + 5))"
"${floor_jvm[@]}" "$here/bench/IdleFloor.java" "$f_ports" > "$work/idlefloor.out" 2>&1 & f_pid=$!
helpers+=("$f_pid")
for _ in $(seq 1 300); do grep -q '^ready' "$work/idlefloor.out" 2>/dev/null && break; sleep 0.05; done
grep -q '^ready' "$work/idlefloor.out" || { cat "$work/idlefloor.out" >&2; die "bench/IdleFloor.java did not start"; }
fd_cap=$(( $(ulimit -n) - 1000 ))
for c in "${idle_counts[@]}"; do
  label=$c; n_o=$c
  if [ "$c" -gt "$fd_cap" ]; then label="$c (capped at $fd_cap: ulimit -n $(ulimit -n))"; n_o=$fd_cap; fi
  idle_run ours "$n_o" "$o_idle1,$o_idle2" "$(tree "${pid[ours]}" | paste -sd,)"
  idle_run floor "$n_o" "$f_ports" "$f_pid"
  if [ "$c" = "${idle_counts[0]}" ] && [ "$c" -le "$fd_cap" ]; then
    idle_run postfix "$c" "$p_port" "$(tree "${pid[postfix]}" | paste -sd,)"
    R[idlec$c,postfix]=-   # it greets 100 (its process limit), not the count
  else
    for k in idle idlem idlec idlecl; do R[$k$c,postfix]=-; done
  fi
  for k in idle idlem idlec idlecl; do R[$k$c,ours]=${R[$k$n_o,ours]}; done
  R[idlef$c,ours]=${R[idle$n_o,floor]}; R[idlefc$c,ours]=${R[idlec$n_o,floor]}
  R[idlef$c,postfix]=-; R[idlefc$c,postfix]=-
  rows+=("$label idle sessions greeted (s)|idle$c" "$label idle sessions, RSS (MiB)|idlem$c"
         "  CPU per session greeted (us)|idlec$c" "  the client's CPU meanwhile (s)|idlecl$c"
         "  JDK floor: greeted (s)|idlef$c" "  JDK floor: CPU per session (us)|idlefc$c")
done
kill "$f_pid" 2>/dev/null || true

# Start to the first 220: each MTA stopped and started again (postfix start, JVM launches
# included for ours), timed until its smtpd greets; BENCH_STARTS rounds (default 5), alternating
# the two MTAs, and the median of each.
starts_o=(); starts_p=()
for _ in $(seq 1 "${BENCH_STARTS:-5}"); do
  MAIL_CONFIG=$o/etc timeout 60 "$here/bin/postfix" stop >/dev/null 2>&1 || true
  t0=$(now); MAIL_CONFIG=$o/etc timeout 60 "$here/bin/postfix" start >/dev/null 2>&1 || die "ours did not start again"
  wait_220 "$o_port"; t1=$(now)
  starts_o+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
  timeout 60 /usr/sbin/postfix -c "$p/etc" stop >/dev/null 2>&1 || true
  for _ in $(seq 1 300); do kill -0 "$p_pid" 2>/dev/null || break; sleep 0.1; done
  t0=$(now); timeout 60 /usr/sbin/postfix -c "$p/etc" start >/dev/null 2>&1 || die "Postfix did not start again"
  wait_220 "$p_port"; t1=$(now)
  starts_p+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
  p_pid=$(tr -d ' \n' < "$p/spool/pid/master.pid" 2>/dev/null) || true
done
echo "start to first 220, each round (s): ours ${starts_o[*]}; postfix ${starts_p[*]}" >&2
R[start,ours]=$(printf '%s\n' "${starts_o[@]}" | median)
R[start,postfix]=$(printf '%s\n' "${starts_p[@]}" | median)
rows+=("start to first 220 (s)|start")

echo
echo "compare.sh: $n messages per run, $sessions sessions, warm-up $warmup, load rows the median of $rounds rounds, $calls sendmail calls; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "processes at rest: ours ${R[procs,ours]} (after load ${R[procs1,ours]}), postfix ${R[procs,postfix]} (after load ${R[procs1,postfix]})"
w=36; for r in "${rows[@]}"; do l=${r%%|*}; [ ${#l} -le $w ] || w=${#l}; done
printf "%-${w}s %10s %10s %12s\n" measure ours postfix ours/postfix
for r in "${rows[@]}"; do
  label=${r%%|*}; k=${r#*|}
  printf "%-${w}s %10s %10s %12s\n" "$label" "${R[$k,ours]}" "${R[$k,postfix]}" \
    "$(awk -v a="${R[$k,ours]}" -v b="${R[$k,postfix]}" 'BEGIN { if (a + 0 > 0 && b + 0 > 0 && a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.2f", a / b; else print "-" }')"
done
