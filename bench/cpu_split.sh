#!/usr/bin/env bash
# cpu_split.sh - where the CPU of one relayed message goes, ours and Postfix's in the same run:
# `perf record -a` samples the whole machine while smtp-source (BENCH_SESSIONS, 20) sends into
# each MTA, relayed to its own smtp-sink (as bench/compare.sh does), and each sample is put in one
# row: the MTA's own code (user), or the kernel work of the system call it was in (TCP sends and
# receives, unix-socket traffic between processes, fsync, file creation, ...), interrupts and
# scheduling outside a call; the load tools, the kernel's own threads and idle time get one row
# each. Every figure is CPU milliseconds per message delivered in the sampling windows, so the
# rows of one column add up to the whole machine's two cores divided by that MTA's rate.
# The kernel work of a loopback send includes the receiver's side (the kernel delivers the
# segment in the sender's system call), so "TCP send" is the cost of the dialogue itself.
#
# Usage: bench/cpu_split.sh [messages] [size]
#   messages  per round and per MTA (20000); the sampling window (BENCH_WINDOW, 3 s) opens once a
#             fifth of them is delivered and must close before the load ends
#   size      message payload in bytes (1024)
# Environment: BENCH_ROUNDS (2, alternating ours and Postfix; the windows of each are added up),
#   BENCH_WARMUP (2000 messages into each first), BENCH_PORT (12590: ours +0, its sink +1,
#   Postfix +10, its sink +11), BENCH_PERF_HZ (1000 samples per second and core), BENCH_KEEP=DIR
#   (keep the samples there, as `perf script` prints them, to look into a row).
# Needs root, perf, Debian's postfix package (postfix, smtp-source, smtp-sink) and the built jar.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20000}; size=${2:-1024}
sessions=${BENCH_SESSIONS:-20}; warmup=${BENCH_WARMUP:-2000}; rounds=${BENCH_ROUNDS:-2}
window=${BENCH_WINDOW:-3}; hz=${BENCH_PERF_HZ:-1000}
base=${BENCH_PORT:-12590}
o_port=$base; o_sink=$((base + 1)); p_port=$((base + 10)); p_sink=$((base + 11))

die() { echo "$0: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (Postfix's master runs as root)"
for c in perf smtp-source smtp-sink /usr/sbin/postfix; do command -v "$c" >/dev/null || die "$c not found"; done
[ -r "$here/target/mta.jar" ] || die "build first: ./mvnw -q -B -DskipTests package"

work=$(mktemp -d /tmp/mta-cpusplit.XXXXXX); chmod 755 "$work"
o=$work/ours; p=$work/postfix
helpers=()
cleanup() {
  set +e
  MAIL_CONFIG=$o/etc timeout 60 "$here/bin/postfix" stop >/dev/null 2>&1
  timeout 30 "$here/bench/postfix-instance.sh" stop "$p" >/dev/null 2>&1
  for s in "${helpers[@]}"; do kill "$s" 2>/dev/null; done
  [ -z "${BENCH_KEEP:-}" ] || { mkdir -p "$BENCH_KEEP"; cp "$work"/*.samples "$work"/*.count "$BENCH_KEEP/" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

src() { smtp-source -s "$sessions" -l "$3" -m "$2" -f bench@bench.example.test -t sink@remote.example "127.0.0.1:$1"; }

. "$here/bench/lib.sh"
bench_config "$o" "$o_port" 1000 "$o_sink"
start_sink "$o_sink"; start_sink "$p_sink"
MAIL_CONFIG=$o/etc timeout 60 "$here/bin/postfix" start >"$work/ours-start.err" 2>&1 \
  || { cat "$work/ours-start.err" >&2; die "our MTA did not start"; }
timeout 60 "$here/bench/postfix-instance.sh" start "$p" "$p_port" "$p_sink" >"$work/postfix-start.err" 2>&1 \
  || { cat "$work/postfix-start.err" >&2; die "Postfix did not start"; }
declare -A port=([ours]=$o_port [postfix]=$p_port) log=([ours]=$o/maillog [postfix]=$p/maillog)

# Whose sample is whose: ours is its JVMs' process IDs (they do not change under load); Postfix's
# daemons come and go (max_use), so they are told by their program names.
o_pids=$(MAIL_CONFIG=$o/etc "$here/bench/postfix-instance.sh" pids "$o" 2>/dev/null | tr '\n' ' ')
[ -n "$o_pids" ] || die "no process IDs for our MTA"
p_names="master $(ls /usr/lib/postfix/sbin | tr '\n' ' ')"

for m in ours postfix; do
  [ "$warmup" -eq 0 ] || { src "${port[$m]}" "$warmup" 1024 >/dev/null; wait_sent "${log[$m]}" "$warmup" 600; }
done

# window MTA ROUND -> records the whole machine while MTA is under load; appends the number of
# messages delivered in the window to $work/MTA.count and the samples to $work/MTA.samples.
window() {
  local m=$1 r=$2 before s0 s1 load
  before=$(sent "${log[$m]}")
  src "${port[$m]}" "$n" "$size" >/dev/null & load=$!
  wait_sent "${log[$m]}" $((before + n / 5)) 600
  s0=$(sent "${log[$m]}")
  perf record -q -a -g -F "$hz" -e cpu-clock -o "$work/$m.$r.data" -- sleep "$window" >/dev/null 2>&1 \
    || die "perf record failed"
  s1=$(sent "${log[$m]}")
  kill -0 "$load" 2>/dev/null || die "the load into $m ended inside the window: raise the message count"
  wait "$load" || die "smtp-source into $m failed"
  wait_sent "${log[$m]}" $((before + n)) 600
  echo $((s1 - s0)) >> "$work/$m.count"
  perf script -i "$work/$m.$r.data" -F comm,pid,ip,sym 2>/dev/null >> "$work/$m.samples"
}
# The order alternates (ours first in odd rounds, Postfix first in even ones): on a file system
# without a journal, ext4 skips inodes freed in the last minute when it creates a file, so each
# MTA's files make the next one's creations dearer for a while (bench/README.md, "The ceilings").
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="ours postfix"; else order="postfix ours"; fi
  for m in $order; do
    window "$m" "$r"
    echo "round $r, $m: $(tail -1 "$work/$m.count") messages delivered in the ${window} s window" >&2
  done
done

# split MTA PIDS NAMES -> "row<TAB>ms per message" lines for the samples of MTA.
split() {
  local m=$1
  awk -v msgs="$(awk '{ s += $1 } END { print s }' "$work/$m.count")" -v ms="$(awk -v h="$hz" 'BEGIN { print 1000 / h }')" \
      -v pids="$2" -v names="$3" '
    BEGIN { np = split(pids, a, " "); for (i = 1; i <= np; i++) mine[a[i]] = 1
            nn = split(names, b, " "); for (i = 1; i <= nn; i++) pf[b[i]] = 1 }
    # A sample: its header line (program name, process ID), then its stack, innermost first.
    /^[^ \t]/ { done_sample(); pid = $NF; comm = $0; sub(/[ \t]+[0-9]+[ \t]*$/, "", comm); depth = 0; next }
    NF >= 2 { fr[depth] = $2; kern[depth] = ($1 ~ /^ffffffff/); depth++; next }
    END { done_sample()
          for (k in c) printf "%s\t%.3f\n", k, c[k] * ms / msgs
          printf "messages\t%d\n", msgs }
    function has(re,   i) { for (i = 0; i < depth; i++) if (fr[i] ~ re) return 1; return 0 }
    function done_sample(   who, row, i, call) {
      if (pid == "") return
      if (pid in mine || comm in pf) who = "MTA"
      else if (comm == "smtp-source" || comm == "smtp-sink") who = comm
      else if (pid == 0) who = "idle"
      else if (comm ~ /^(kworker|ksoftirqd|jbd2|kswapd|rcu_|migration|kcompactd|kdamond)/) who = "kernel threads"
      else who = "other processes"
      if (who != "MTA") { c[who]++; pid = ""; return }
      call = ""
      for (i = 0; i < depth; i++) if (fr[i] == "do_syscall_64") { call = (i > 0 ? fr[i - 1] : "?"); if (call == "x64_sys_call" && i > 1) call = fr[i - 2]; break }
      if (call != "") {
        if (call ~ /write|send/) row = has("^tcp_sendmsg") ? "TCP send (the receiver'"'"'s side included)" : has("^unix_(stream|dgram)_sendmsg") ? "unix-socket send" : "file write"
        else if (call ~ /read|recv/) row = has("^tcp_recvmsg") ? "TCP receive" : has("^unix_(stream|dgram)_recvmsg") ? "unix-socket receive" : "file read"
        else if (call ~ /fsync|fdatasync|sync_file_range/) row = "fsync"
        else if (call ~ /open|creat/) row = "open and create"
        else if (call ~ /unlink/) row = "unlink"
        else if (call ~ /rename|link/) row = "rename and link"
        else if (call ~ /epoll|poll|select|futex|nanosleep|sched_yield/) row = "epoll, futex, poll"
        else if (call ~ /accept|connect|close|shutdown|socket|sockopt|sockname|peername|fcntl|dup/) row = "connections and descriptors"
        else row = "other system calls"
      } else if (!kern[0]) row = "user (the program itself)"
      else if (has("^asm_exc_page_fault")) row = "page faults"
      else if (has("^(asm_sysvec|asm_common_interrupt|handle_softirqs|irq_exit)")) row = "interrupts outside system calls"
      else row = "other kernel (scheduling)"
      c["MTA: " row]++; c["MTA total"]++; pid = ""
    }
  ' "$work/$m.samples"
}
split ours "$o_pids" "" > "$work/ours.split"
split postfix "" "$p_names" > "$work/postfix.split"

echo "cpu_split.sh: $rounds x $window s of perf samples per MTA, under $n messages of $size bytes per round, $sessions sessions, after $warmup warm-up"
echo "CPU per delivered message (ms): the MTA by what it was doing, then the rest of the machine"
join -t $'\t' -a1 -a2 -e - -o 0,1.2,2.2 <(sort "$work/ours.split") <(sort "$work/postfix.split") | awk -F '\t' '
  { v[$1] = $0 }
  END { order = "MTA: user (the program itself)|MTA: TCP send (the receiver'"'"'s side included)|MTA: TCP receive|MTA: unix-socket send|MTA: unix-socket receive|MTA: file write|MTA: file read|MTA: fsync|MTA: open and create|MTA: unlink|MTA: rename and link|MTA: epoll, futex, poll|MTA: connections and descriptors|MTA: other system calls|MTA: interrupts outside system calls|MTA: page faults|MTA: other kernel (scheduling)|MTA total|smtp-source|smtp-sink|kernel threads|other processes|idle|messages"
        printf "%-52s %9s %9s\n", "", "ours", "Postfix"
        k = split(order, o, "|")
        for (i = 1; i <= k; i++) if (o[i] in v) { split(v[o[i]], f, "\t"); printf "%-52s %9s %9s\n", f[1], f[2], f[3] } }'
