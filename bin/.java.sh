# .java.sh - shared by the commands in bin/: find a JDK >= 21 and the built jar.
# Order: $JAVA_HOME, then java on PATH, then the newest under /usr/lib/jvm/.
# Sourced, not run (the caller sets MTA_BIN to its own directory). Defines find_jdk, mta_jdk,
# mta_cache, mta_java; bin/.build-aot makes the start-up cache that mta_cache picks.

MTA_MIN_JAVA=21
# The directory of the commands; the callers set it, else it is where this file is.
[ -n "${MTA_BIN:-}" ] || MTA_BIN=$(cd "${BASH_SOURCE[0]%/*}" && pwd)

# java_major HOME -> prints the feature version of HOME/bin/java (e.g. 25), or nothing.
java_major() {
  local v=""
  [ -x "$1/bin/java" ] || return 1
  # The JDK's release file says its version without starting a JVM (that alone costs ~60 ms).
  if [ -r "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1)
  fi
  [ -n "$v" ] || v=$("$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\)\(\.[^"]*\)\{0,1\}".*/\1/p' | head -n 1)
  [ "$v" = "1" ] && v=8
  [ -n "$v" ] && echo "$v"
}

# find_jdk [javac] -> prints a JAVA_HOME whose java is >= 21 (and that has javac, if asked).
find_jdk() {
  local need=${1:-} cand best="" bestv=0 v p
  ok() { local m; m=$(java_major "$1") || return 1; [ -n "$m" ] && [ "$m" -ge "$MTA_MIN_JAVA" ] || return 1
         [ "$need" != javac ] || [ -x "$1/bin/javac" ]; }
  if [ -n "${JAVA_HOME:-}" ] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; return 0; fi
  if p=$(command -v java 2>/dev/null); then
    cand=$(dirname "$(dirname "$(readlink -f "$p")")")
    if ok "$cand"; then echo "$cand"; return 0; fi
  fi
  for cand in "${MTA_JVM_ROOT:-/usr/lib/jvm}"/*; do
    [ -d "$cand" ] || continue
    if ok "$cand"; then
      v=$(java_major "$cand")
      if [ "$v" -gt "$bestv" ]; then best=$cand; bestv=$v; fi
    fi
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}


# mta_jdk HOME -> sets MTA_JDK to the JDK the commands use: $JAVA_HOME, else the one remembered
# in HOME/target/java-home (the search forks several programs), else the search. No fork when
# the file is there: the commands are run once per message by scripts.
mta_jdk() {
  MTA_JDK=""
  if [ -z "${JAVA_HOME:-}" ] && [ -r "$1/target/java-home" ]; then
    read -r MTA_JDK < "$1/target/java-home"
    [ -x "$MTA_JDK/bin/java" ] || MTA_JDK=""
  fi
  [ -n "$MTA_JDK" ] || MTA_JDK=$(find_jdk) || { echo "${MTA_PROG:-mta}: fatal: need a Java runtime >= $MTA_MIN_JAVA (set JAVA_HOME, put its java on PATH, or install a JDK under /usr/lib/jvm)" >&2; exit 1; }
  [ -n "${JAVA_HOME:-}" ] || [ -r "$1/target/java-home" ] || [ ! -d "$1/target" ] || echo "$MTA_JDK" > "$1/target/java-home"
  return 0
}

# The JVM flags of the short-lived commands (measured in bench/README.md, "sendmail per call"):
# the serial collector, only the quick compiler (C1), no hsperfdata file in /tmp.
MTA_FLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData)

# mta_cache JAR -> sets MTA_CACHE to the flags that use the start-up cache bin/.build-aot made
# next to JAR (JAR minus .jar plus .aot; a CDS archive, .jsa, on JDK 21-23), or to -Xshare:auto.
# The cache is used only when it was made by MTA_JDK (JAR.aot.jdk names the JDK and the kind) and
# after the jar was last built; the JVM itself also refuses a cache whose jars changed. Its
# messages are turned off: a refused cache only costs time, it never prints or fails a command.
mta_cache() {
  local base=${1%.jar} made="" kind=""
  MTA_CACHE=(-Xshare:auto)
  [ -r "$base.aot.jdk" ] || return 0
  read -r made kind < "$base.aot.jdk"
  [ "$made" = "$MTA_JDK" ] || return 0
  case $kind in
    aot) [ "$base.aot" -nt "$1" ] && MTA_CACHE=(-XX:AOTCache="$base.aot" -Xlog:aot=off,cds=off) ;;
    cds) [ "$base.jsa" -nt "$1" ] && MTA_CACHE=(-XX:SharedArchiveFile="$base.jsa" -Xshare:auto -Xlog:cds=off) ;;
  esac
  return 0
}

# mta_java MAINCLASS ARGS... -> runs a class from the built jar, building it first if needed.
mta_java() {
  local home main=$1 jar; shift
  home=${MTA_BIN%/bin}
  # An absolute class path: the cache records it, and a relative one would not match.
  [ "${home#/}" != "$home" ] || home=$PWD/$home
  jar=$home/target/mta.jar
  mta_jdk "$home"
  if [ ! -f "$jar" ]; then
    echo "${MTA_PROG:-mta}: building $jar (first use)" >&2
    # No colours: the build's messages go to a terminal or a log as plain text (an old system
    # Maven prints colour resets even with -B; sed takes out whatever escape codes remain).
    "$home/mvnw" -q -B -Dstyle.color=never -DskipTests package 2>&1 | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >&2
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "${MTA_PROG:-mta}: fatal: build failed" >&2; exit 1; }
  fi
  # Without -c or MAIL_CONFIG, the commands use the repository's own conf/.
  # An installed home (postfix install) has no conf/; its config-directory file names /etc/postfix.
  [ -n "${MAIL_CONFIG:-}" ] || [ -d "$home/conf" ] || [ ! -r "$home/config-directory" ] || read -r MAIL_CONFIG < "$home/config-directory"
  export MAIL_CONFIG="${MAIL_CONFIG:-$home/conf}"
  mta_cache "$jar"
  exec "$MTA_JDK/bin/java" "${MTA_FLAGS[@]}" "${MTA_CACHE[@]}" ${MTA_JAVA_OPTS:-} -cp "$jar" -Dmta.home="$home" "$main" "$@"
}
