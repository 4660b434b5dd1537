#!/usr/bin/env bash
# postfix-instance.sh - a private instance of Debian's Postfix, configured like the bench MTA
# (bench/throughput.sh): smtpd on 127.0.0.1:PORT, everything relayed to [127.0.0.1]:RELAYPORT,
# its own config_directory, queue_directory and data_directory under DIR, its log in DIR/maillog.
# It never touches /etc/postfix or /var/spool/postfix and needs no system instance.
#
# Usage: bench/postfix-instance.sh start DIR PORT RELAYPORT   (writes DIR/etc, starts Postfix)
#        bench/postfix-instance.sh stop DIR                   (stops it; DIR is left in place)
#        bench/postfix-instance.sh pids DIR                   (master pid and all its descendants)
# Needs root (Postfix's master runs as root, the daemons as user postfix, group postdrop).
# With MAIL_CONFIG=DIR/etc, /usr/sbin/sendmail, postqueue, mailq etc. use this instance.
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|pids DIR [PORT RELAYPORT]" >&2; exit 2; }
PF=${POSTFIX_BIN:-/usr/sbin/postfix}

# master_pid DIR -> the running master's pid, or nothing.
master_pid() {
  local p
  [ -r "$1/spool/pid/master.pid" ] || return 1
  p=$(tr -d ' \n' < "$1/spool/pid/master.pid")
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}

# tree PID -> PID and all its descendants (from the parent pids in /proc/*/stat).
tree() {
  awk -v root="$1" '
    { s = $0; sub(/.*\) /, "", s); split(s, f, " "); par[$1] = f[2] }
    END { want[root] = 1; print root; changed = 1
          while (changed) { changed = 0
            for (p in par) if (!(p in want) && (par[p] in want)) { want[p] = 1; print p; changed = 1 } } }
  ' < <(cat /proc/[0-9]*/stat 2>/dev/null || true)
}

case "$cmd" in
start)
  port=${3:?PORT}; relay=${4:?RELAYPORT}
  [ "$(id -u)" = 0 ] || { echo "$0: Postfix's master must run as root" >&2; exit 1; }
  id postfix >/dev/null 2>&1 && getent group postdrop >/dev/null || {
    echo "$0: needs the postfix user and the postdrop group (Debian's postfix package)" >&2; exit 1; }
  mkdir -p "$dir/etc" "$dir/spool"
  # The daemons (user postfix) and postdrop (group postdrop) must reach the queue below DIR.
  chmod 755 "$dir"
  cat > "$dir/etc/main.cf" <<EOT
compatibility_level = 3.6
myhostname = pf-bench.example.test
mydestination = \$myhostname, localhost
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
relayhost = [127.0.0.1]:$relay
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
alias_maps =
alias_database =
smtpd_peername_lookup = ${BENCH_PEERNAME_LOOKUP:-yes}
max_idle = ${BENCH_MAX_IDLE:-10s}
smtpd_banner = \$myhostname ESMTP
biff = no
EOT
  # Postfix's stock services, none chrooted (a chroot would need a copy of /etc files).
  cat > "$dir/etc/master.cf" <<EOT
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOT
  # Creates the queue and data directories with Postfix's owners and modes (postfix-files).
  "$PF" -c "$dir/etc" set-permissions >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log" >&2; exit 1; }
  "$PF" -c "$dir/etc" check >>"$dir/setup.log" 2>&1 || { cat "$dir/setup.log" >&2; exit 1; }
  "$PF" -c "$dir/etc" start >>"$dir/setup.log" 2>&1 || {
    cat "$dir/setup.log" >&2; tail -5 "$dir/maillog" >&2 2>/dev/null; exit 1; }
  # Ready when smtpd greets (bounded).
  deadline=$((SECONDS + 20))
  until printf 'QUIT\r\n' | timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; head -c3 <&3" 2>/dev/null | grep -q 220; do
    [ $SECONDS -lt $deadline ] || { echo "$0: no 220 on 127.0.0.1:$port within 20s" >&2; cat "$dir/setup.log" "$dir/maillog" >&2 2>/dev/null; exit 1; }
    sleep 0.05
  done
  ;;
stop)
  p=$(master_pid "$dir" || true)
  [ -n "$p" ] || exit 0
  "$PF" -c "$dir/etc" stop >/dev/null 2>&1 || true
  # postfix stop signals the master and returns; wait for it (bounded), then make sure.
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then
    for c in $(tree "$p"); do kill -9 "$c" 2>/dev/null || true; done
  fi
  ;;
pids)
  p=$(master_pid "$dir") || { echo "$0: no master running for $dir" >&2; exit 1; }
  tree "$p"
  ;;
*) echo "usage: $0 start|stop|pids DIR [PORT RELAYPORT]" >&2; exit 2 ;;
esac
