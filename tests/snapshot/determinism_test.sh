#!/usr/bin/env bash
# Images are deterministic: compiling the same program twice gives the same
# bytes (zstd and raw heaps).
#
#   determinism_test.sh KILN_BINARY PROGRAM...
set -uo pipefail
kiln=$1; shift
case "$kiln" in /*) ;; *) kiln="$PWD/$kiln" ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-determinism.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
for program in "$@"; do
  dir=$(cd "$(dirname "$program")" && pwd)
  file=$(basename "$program")
  for compress in zstd none; do
    for n in 1 2; do
      (cd "$dir" && "$kiln" compile --quiet --compress "$compress" "$file" -o "$tmp/$n.kiln") || { echo "compile failed: $program"; fail=1; }
    done
    if ! cmp -s "$tmp/1.kiln" "$tmp/2.kiln"; then
      echo "FAILED: $program (--compress $compress) compiled twice differs: $(cmp "$tmp/1.kiln" "$tmp/2.kiln")"
      fail=1
    fi
  done
done
[ $fail -eq 0 ] && echo "deterministic: $# programs"
exit $fail
