# lib.sh - shared by the bench scripts (sourced): the temporary configuration of the bench MTA.

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
