# lib.sh - shared by the bench scripts (sourced): the temporary configuration of the bench MTA,
# and the waits and sinks of the load scripts (compare.sh, cpu_split.sh, profile.sh), which
# define die() and, to start sinks, a helpers array (the processes their exit trap stops).

# bench_config DIR PORT MAXPROC [RELAYPORT] -> writes DIR/etc/main.cf and master.cf: the queue,
# data and log under DIR, smtpd on 127.0.0.1:PORT with MAXPROC sessions (0: no limit), no aliases,
# client name lookups as BENCH_PEERNAME_LOOKUP says (yes), max_idle as BENCH_MAX_IDLE says (10s, the
# same in bench/postfix-instance.sh, so that compare.sh can measure both at rest after the load);
# with RELAYPORT, everything relayed to [127.0.0.1]:RELAYPORT.
bench_config() {
  local dir=$1 port=$2 maxproc=$3 relay=${4:-}
  mkdir -p "$dir/etc"
  {
    echo "myhostname = bench.example.test"
    [ -z "$relay" ] || { echo "mydestination = \$myhostname, localhost"; echo "relayhost = [127.0.0.1]:$relay"; }
    cat <<EOT
mynetworks = 127.0.0.0/8
queue_directory = $dir/spool
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
alias_maps =
alias_database =
smtpd_peername_lookup = ${BENCH_PEERNAME_LOOKUP:-yes}
max_idle = ${BENCH_MAX_IDLE:-10s}
EOT
  } > "$dir/etc/main.cf"
  cat > "$dir/etc/master.cf" <<EOT
127.0.0.1:$port inet n - n - $maxproc smtpd
pickup unix n - n 60 1 pickup
qmgr unix n - n 300 1 qmgr
smtp unix - - n - - smtp
local unix - n n - - local
EOT
}

# sent MAILLOG -> how many deliveries (status=sent) MAILLOG has.
sent() { grep -c 'status=sent' "$1" 2>/dev/null || true; }

# wait_sent MAILLOG COUNT SECONDS -> waits until MAILLOG has COUNT deliveries.
wait_sent() {
  local deadline=$((SECONDS + $3))
  while [ "$(sent "$1")" -lt "$2" ]; do
    [ $SECONDS -lt "$deadline" ] || die "only $(sent "$1") of $2 delivered within $3s ($1)"
    sleep 0.1
  done
}

# start_sink PORT -> an smtp-sink on 127.0.0.1:PORT (as nobody), added to helpers.
start_sink() {
  smtp-sink -u nobody "127.0.0.1:$1" 1000 & helpers+=($!)
  sleep 0.3; kill -0 "${helpers[-1]}" 2>/dev/null || die "smtp-sink on $1 did not start"
}
