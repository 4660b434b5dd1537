#!/usr/bin/env bash
# sendmail.sh - the cost of one sendmail call, as cron, monitoring and web applications pay it:
# N sequential `sendmail -t -i` calls, each posting a 1 KB message into the maildrop queue of a
# temporary configuration (no MTA running: maildrop works without one). Reports ms per call
# (mean, p50, p99) for bin/sendmail (mail system down, with a listener on public/pickup as
# when it runs, and with the MTA itself running, where the thin client posts through the master's
# public/postdrop without a JVM of its own), for the same java command without the start-up cache (bin/.build-aot), for
# Postfix's /usr/sbin/sendmail (+ postdrop) on a private Postfix queue when possible, and for the
# JVM floor: `java -Xshare:auto -version` and a hello world with the flags bin/sendmail uses.
#
# Usage: bench/sendmail.sh [n]          (default 200 calls per row)
# Environment: BENCH_POSTFIX=0 skips Postfix; BENCH_PORT (12550) for the private Postfix instance,
#   which is set up by bench/postfix-instance.sh (needs root) and stopped again before measuring,
#   so that both sides only write maildrop files. MTA_JAVA_OPTS is passed on as bin/sendmail does.
# Each call's wall time is taken with bash's $EPOCHREALTIME (no fork to read the clock); standard
# input comes from a file and standard output and error go to /dev/null, so the loop itself adds
# only bash's fork and exec.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-200}
port=${BENCH_PORT:-12550}

[ -r "$here/target/mta.jar" ] || { echo "$0: build first: ./mvnw -q -B -DskipTests package" >&2; exit 1; }

work=$(mktemp -d /tmp/mta-sendmail-bench.XXXXXX)
chmod 755 "$work"
cleanup() {
  set +e
  [ -d "$work/postfix" ] && timeout 30 "$here/bench/postfix-instance.sh" stop "$work/postfix" >/dev/null 2>&1
  [ -n "${listener:-}" ] && kill "$listener" 2>/dev/null
  [ -n "${mta_up:-}" ] && "$here/bin/postfix" -c "$work/ours/etc" stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The message: about 1 KB, recipients in the headers (-t).
{
  printf 'From: bench@bench.example.test\nTo: sink@remote.example\nSubject: sendmail bench\n\n'
  for _ in $(seq 1 15); do printf '%s\n' "$(printf 'x%.0s' $(seq 1 63))"; done
} > "$work/msg"

# Our configuration: only the queue under the temporary directory, named relative to the
# configuration directory as the shipped conf/main.cf does (the thin client then reads the
# expanded queue_directory that postfix start leaves in etc/.queue_directory).
mkdir -p "$work/ours/etc"
cat > "$work/ours/etc/main.cf" <<EOT
queue_directory = \$config_directory/../spool
data_directory = \$config_directory/../data
maillog_file = \$config_directory/../maillog
maillog_file_prefixes = \$config_directory/..
myhostname = bench.example.test
default_transport = discard
EOT
# For the row with the MTA running: no smtpd (no port), the posted mail is discarded.
printf '%s\n' 'pickup unix n - n 60 1 pickup' 'cleanup unix n - n - 0 cleanup' 'qmgr unix n - n 300 1 qmgr' \
  'discard unix - - n - - discard' > "$work/ours/etc/master.cf"

# time_calls LABEL COMMAND... -> runs COMMAND n times (stdin: the message), prints one row.
time_calls() {
  local label=$1 i t0 t1 rc; shift
  local -a ms=()
  "$@" < "$work/msg" >/dev/null 2>&1 || { echo "$0: $label: '$*' failed" >&2; "$@" < "$work/msg" || true; exit 1; }
  for ((i = 0; i < n; i++)); do
    t0=$EPOCHREALTIME
    "$@" < "$work/msg" >/dev/null 2>&1 && rc=0 || rc=$?
    t1=$EPOCHREALTIME
    [ "$rc" = 0 ] || { echo "$0: $label: call $i exited $rc" >&2; exit 1; }
    ms+=("$(( (${t1/./} - ${t0/./}) ))")
  done
  printf '%s\n' "${ms[@]}" | sort -n | awk -v label="$label" '
    { v[NR] = $1 / 1000; s += v[NR] }
    END { p50 = v[int((NR + 1) * 0.50)]; i99 = int(NR * 0.99 + 0.5); if (i99 < 1) i99 = 1
          printf "%-54s %6d %8.1f %8.1f %8.1f\n", label, NR, s / NR, p50, v[i99] }'
}

# The JDK and flags bin/sendmail uses (bin/.java.sh), for the rows without the launcher.
MTA_BIN=$here/bin . "$here/bin/.java.sh"
mta_jdk "$here"
jar=$here/target/mta.jar
mta_cache "$jar"
[ "${MTA_CACHE[0]}" != -Xshare:auto ] || echo "(no start-up cache for $MTA_JDK: run bin/.build-aot $here)"

# maildrop_count EXPECTED -> checks that every call left one file in maildrop.
posted=0
maildrop_count() {
  posted=$((posted + n + 1))
  local c; c=$(find "$work/ours/spool/maildrop" -type f | wc -l)
  [ "$c" -eq "$posted" ] || { echo "$0: $c files in maildrop, expected $posted" >&2; exit 1; }
}

printf '%-54s %6s %8s %8s %8s\n' "ms per call" calls mean p50 p99
export MAIL_CONFIG=$work/ours/etc
time_calls "bin/sendmail -t -i (mail system down)" "$here/bin/sendmail" -t -i
maildrop_count
# The mail system up: something listens on public/pickup (as the master does), so sendmail
# also connects and writes its wake-up byte.
if command -v python3 >/dev/null; then
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(128)
while True:
    c, _ = s.accept(); c.recv(16); c.close()' "$work/ours/spool/public/pickup" &
  listener=$!
  for _ in $(seq 1 50); do [ -S "$work/ours/spool/public/pickup" ] && break; sleep 0.1; done
  time_calls "bin/sendmail -t -i (pickup listening)" "$here/bin/sendmail" -t -i
  maildrop_count
  kill "$listener"; wait "$listener" 2>/dev/null || true
  rm -f "$work/ours/spool/public/pickup"
fi
time_calls "java, same flags, no start-up cache" "$MTA_JDK/bin/java" "${MTA_FLAGS[@]}" -Xshare:auto -cp "$jar" mta.cli.Sendmail -t -i
maildrop_count
# The MTA running on this configuration: bin/sendmail's thin client posts through public/postdrop.
# Pickup takes the files out of maildrop/, so the check is its log: one "uid=" line per posting.
"$here/bin/postfix" -c "$work/ours/etc" start >/dev/null 2>&1 || { echo "$0: postfix start failed" >&2; exit 1; }
mta_up=1
time_calls "bin/sendmail -t -i (mail system running, thin client)" "$here/bin/sendmail" -t -i
time_calls "bin/sendmail -C DIR -t -i (running, thin client)" env -u MAIL_CONFIG "$here/bin/sendmail" -C "$work/ours/etc" -t -i
posted=$((posted + 2 * (n + 1)))
for _ in $(seq 1 600); do
  [ "$(grep -c ': uid=' "$work/ours/maillog" 2>/dev/null)" -ge "$posted" ] && break; sleep 0.1
done
[ "$(grep -c ': uid=' "$work/ours/maillog")" -eq "$posted" ] || { echo "$0: pickup logged $(grep -c ': uid=' "$work/ours/maillog") postings, expected $posted" >&2; exit 1; }
"$here/bin/postfix" -c "$work/ours/etc" stop >/dev/null 2>&1; mta_up=

# The JVM floor: the same java with no work.
time_calls "floor: java -Xshare:auto -version" "$MTA_JDK/bin/java" -Xshare:auto -version
mkdir -p "$work/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$work/hello/Hello.java"
"$MTA_JDK/bin/javac" -d "$work/hello" "$work/hello/Hello.java"
time_calls "floor: hello world, same flags" "$MTA_JDK/bin/java" "${MTA_FLAGS[@]}" -Xshare:auto -cp "$work/hello" Hello

# Postfix: a private queue set up by postfix-instance.sh, the instance stopped again.
if [ "${BENCH_POSTFIX:-1}" != 0 ] && [ "$(id -u)" = 0 ] && [ -x /usr/sbin/sendmail ] && [ -x /usr/sbin/postfix ]; then
  if timeout 60 "$here/bench/postfix-instance.sh" start "$work/postfix" "$port" $((port + 1)) >"$work/pf.err" 2>&1; then
    timeout 30 "$here/bench/postfix-instance.sh" stop "$work/postfix" >/dev/null 2>&1 || true
    MAIL_CONFIG=$work/postfix/etc time_calls "Postfix: /usr/sbin/sendmail -t -i" /usr/sbin/sendmail -t -i
  else
    echo "(Postfix instance did not start: $(head -c 300 "$work/pf.err"))"
  fi
else
  echo "(Postfix skipped: needs root and Debian's postfix package, or BENCH_POSTFIX=0)"
fi
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$MTA_JDK/bin/java" -version 2>&1 | head -1); $(date -u '+%Y-%m-%d %H:%M UTC')"
