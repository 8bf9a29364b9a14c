#!/usr/bin/env bash
# Several entries in one image: each program has its own heap; `kiln run`
# runs the first by default and `--entry NAME` picks another; inspect lists them.
#
#   entries_test.sh KILN_BINARY
set -uo pipefail
kiln=$1
case "$kiln" in /*) ;; *) kiln="$PWD/$kiln" ;; esac
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-entries.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$here/entries" || exit 2
fail=0
check() {  # check EXPECTED COMMAND...
  local expected=$1; shift
  local got
  got=$("$@" 2>&1)
  if [ "$got" != "$expected" ]; then
    echo "FAILED: $*"; echo "  expected: $expected"; echo "  got:      $got"; fail=1
  fi
}
"$kiln" compile --quiet first.ts --entry second.ts -o "$tmp/both.kiln" || exit 1
check "first [ 'a', 'b', 'first' ] 1" "$kiln" run "$tmp/both.kiln"
check "first [ 'a', 'b', 'first' ] 1" "$kiln" run --entry first "$tmp/both.kiln"
check "second [ 'a', 'b', 'second' ] 1 [ 'x' ]" "$kiln" run --entry second "$tmp/both.kiln" x
"$kiln" inspect "$tmp/both.kiln" > "$tmp/inspect" || { echo "FAILED: inspect"; fail=1; }
for name in "entry first" "entry second" "shared.ts"; do
  grep -q "$name" "$tmp/inspect" || { echo "FAILED: inspect does not show '$name'"; fail=1; }
done
[ $fail -eq 0 ] && echo "entries: ok"
exit $fail
