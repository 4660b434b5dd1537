# .java.sh - shared by the commands in bin/: find a JDK >= 21 and the built jar.
# Order: $JAVA_HOME, then java on PATH, then the newest under /usr/lib/jvm/.
# Sourced, not run (the caller sets MTA_BIN to its own directory). Defines find_jdk, mta_java.

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
  local need=$1 cand best="" bestv=0 v p
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


# mta_java MAINCLASS ARGS... -> runs a class from the built jar, building it first if needed.
mta_java() {
  local home jdk="" main=$1; shift
  home=${MTA_BIN%/bin}
  # The JDK found last time is remembered in target/java-home (the search forks several programs).
  if [ -z "${JAVA_HOME:-}" ] && [ -r "$home/target/java-home" ]; then
    read -r jdk < "$home/target/java-home"
    [ -x "$jdk/bin/java" ] || jdk=""
  fi
  [ -n "$jdk" ] || jdk=$(find_jdk) || { echo "${MTA_PROG:-mta}: fatal: need a Java runtime >= $MTA_MIN_JAVA (set JAVA_HOME, put its java on PATH, or install a JDK under /usr/lib/jvm)" >&2; exit 1; }
  if [ ! -f "$home/target/mta.jar" ]; then
    echo "${MTA_PROG:-mta}: building $home/target/mta.jar (first use)" >&2
    "$home/mvnw" -q -B -DskipTests package >&2 || { echo "${MTA_PROG:-mta}: fatal: build failed" >&2; exit 1; }
  fi
  [ -n "${JAVA_HOME:-}" ] || [ -r "$home/target/java-home" ] || echo "$jdk" > "$home/target/java-home" 2>/dev/null
  # Without -c or MAIL_CONFIG, the commands use the repository's own conf/.
  # An installed home (postfix install) has no conf/; its config-directory file names /etc/postfix.
  [ -n "${MAIL_CONFIG:-}" ] || [ -d "$home/conf" ] || [ ! -r "$home/config-directory" ] || read -r MAIL_CONFIG < "$home/config-directory"
  export MAIL_CONFIG="${MAIL_CONFIG:-$home/conf}"
  # Commands are short-lived: a small heap and the quick compiler start fastest.
  local opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)
  exec "$jdk/bin/java" "${opts[@]}" ${MTA_JAVA_OPTS:-} -cp "$home/target/mta.jar" -Dmta.home="$home" "$main" "$@"
}
