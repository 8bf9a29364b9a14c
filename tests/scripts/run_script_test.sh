#!/usr/bin/env bash
# Runs one script test and compares what it did with what it should do.
#
#   run_script_test.sh KILN_BINARY MODE ENTRY
#
# ENTRY is NAME.test.{js,mjs,ts} (or a sample); beside it:
#   NAME.stdout  expected standard output (required)
#   NAME.stderr  expected standard error (optional; absent = must be empty)
#   NAME.exit    expected exit code (optional; default 0)
#   NAME.args    program arguments, one per line (optional)
#   NAME.flags   kiln options, one per line, given to `kiln dev` and to
#                `kiln compile` alike (optional; e.g. --embed-assets DIR)
# MODE:
#   dev     kiln dev ENTRY ARGS
#   image   kiln compile ENTRY -o T.kiln, then kiln run T.kiln ARGS
#   bundle  kiln compile --bundle -o T.exe ENTRY, then ./T.exe ARGS
# In image and bundle modes a failing compile step stands for the program
# (a syntax error must read the same whichever way the program is built).
# The program runs in ENTRY's folder with ENTRY given by its bare file name,
# so file names in messages are stable. On mismatch, prints unified diffs
# and exits 1.
set -uo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 KILN_BINARY dev|image|bundle ENTRY" >&2
  exit 2
fi
kiln=$1 mode=$2 entry=$3
case "$kiln" in /*) ;; *) kiln="$PWD/$kiln" ;; esac
if [ ! -x "$kiln" ]; then
  echo "kiln binary not found: $kiln" >&2
  exit 2
fi

dir=$(cd "$(dirname "$entry")" && pwd)
file=$(basename "$entry")
name=$file
for ext in .test.js .test.mjs .test.ts .js .mjs .ts; do
  case "$name" in *"$ext") name=${name%"$ext"}; break ;; esac
done
base="$dir/$name"
if [ ! -f "$base.stdout" ]; then
  echo "missing expected output $base.stdout" >&2
  exit 2
fi

args=()
if [ -f "$base.args" ]; then
  while IFS= read -r line || [ -n "$line" ]; do args+=("$line"); done < "$base.args"
fi
flags=()
if [ -f "$base.flags" ]; then
  while IFS= read -r line || [ -n "$line" ]; do flags+=("$line"); done < "$base.flags"
fi
expected_exit=0
if [ -f "$base.exit" ]; then expected_exit=$(tr -d '[:space:]' < "$base.exit"); fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-script.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cd "$dir" || exit 2
run() {  # runs "$@", capturing into $tmp/out, $tmp/err; sets status
  "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
  status=$?
}
case "$mode" in
  dev)
    run "$kiln" dev "${flags[@]}" "$file" "${args[@]}"
    ;;
  image)
    run "$kiln" compile "${flags[@]}" "$file" -o "$tmp/t.kiln"
    if [ "$status" -eq 0 ]; then run "$kiln" run "$tmp/t.kiln" "${args[@]}"; fi
    ;;
  bundle)
    run "$kiln" compile "${flags[@]}" --bundle -o "$tmp/t.exe" "$file"
    if [ "$status" -eq 0 ]; then run "$tmp/t.exe" "${args[@]}"; fi
    ;;
  *)
    echo "unknown mode '$mode' (dev, image or bundle)" >&2
    exit 2
    ;;
esac

expected_err=/dev/null
[ -f "$base.stderr" ] && expected_err="$base.stderr"

ok=1
if ! diff -u --label "expected stdout ($name.stdout)" --label "actual stdout" \
    "$base.stdout" "$tmp/out"; then
  ok=0
fi
if ! diff -u --label "expected stderr (${expected_err##*/})" --label "actual stderr" \
    "$expected_err" "$tmp/err"; then
  ok=0
fi
if [ "$status" != "$expected_exit" ]; then
  echo "exit code: expected $expected_exit, got $status"
  ok=0
fi
if [ "$ok" -ne 1 ]; then
  echo "FAILED: $mode $dir/$file"
  exit 1
fi
exit 0
