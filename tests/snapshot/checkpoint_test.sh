#!/usr/bin/env bash
# checkpoint()/resume: runs NAME.ts from source (it calls checkpoint("state.kiln")),
# compares its output with NAME.saved.stdout, then resumes from state.kiln twice
# (the same image must resume any number of times) and compares each run with
# NAME.resumed.stdout. With MODE=image the first run is itself compiled first.
#
#   checkpoint_test.sh KILN_BINARY dev|image PROGRAM.ts
set -uo pipefail
kiln=$1 mode=$2 program=$3
case "$kiln" in /*) ;; *) kiln="$PWD/$kiln" ;; esac
dir=$(cd "$(dirname "$program")" && pwd)
name=$(basename "$program" .ts)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-checkpoint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$dir/$name.ts" "$tmp/"
cd "$tmp" || exit 2
fail=0
if [ "$mode" = image ]; then
  "$kiln" compile --quiet "$name.ts" -o program.kiln || { echo "compile failed"; exit 1; }
  "$kiln" run program.kiln > out 2> err; status=$?
else
  "$kiln" dev "$name.ts" > out 2> err; status=$?
fi
if [ $status -ne 0 ] || [ -s err ] || ! diff -u "$dir/$name.saved.stdout" out; then
  echo "FAILED: the run that saves (exit $status)"; cat err; fail=1
fi
[ -f state.kiln ] || { echo "FAILED: no state.kiln written"; exit 1; }
for round in 1 2; do
  "$kiln" run state.kiln > out 2> err; status=$?
  if [ $status -ne 0 ] || [ -s err ] || ! diff -u "$dir/$name.resumed.stdout" out; then
    echo "FAILED: resume $round (exit $status)"; cat err; fail=1
  fi
done
exit $fail
