#!/bin/bash
# make-refs.sh - regenerates the NN.ref files from Postfix's own postconf (Debian's postfix package).
# Each line of cases.txt is one postconf command line, arguments separated by tabs; the command
# runs with -c on a fresh copy of main.cf and master.cf in $work, and the .ref holds its exit
# status, standard output, standard error and the files it changed, with $work shown as DIR.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/postconf-golden/etc
n=0
while IFS= read -r line; do
  n=$((n + 1))
  rm -rf "$work"; mkdir -p "$work"
  cp "$here/main.cf" "$here/master.cf" "$work/"
  IFS=$'\t' read -r -a args <<< "$line"
  out=$(postconf -c "$work" "${args[@]}" 2>/tmp/postconf-golden/err); rc=$?
  ref=$(printf '%s/%02d.ref' "$here" "$n")
  {
    printf 'command: %s\n' "$line" | tr '\t' ' '
    printf 'exit: %s\n' "$rc"
    printf -- '--- stdout\n'; [ -n "$out" ] && printf '%s\n' "$out" | sed "s|$work|DIR|g"
    printf -- '--- stderr\n'; sed "s|$work|DIR|g" /tmp/postconf-golden/err
    for f in main.cf master.cf; do
      cmp -s "$here/$f" "$work/$f" || { printf -- '--- %s\n' "$f"; cat "$work/$f"; }
    done
  } > "$ref"
done < "$here/cases.txt"
