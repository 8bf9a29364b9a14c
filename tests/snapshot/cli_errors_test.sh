#!/usr/bin/env bash
# Bad command lines of kiln compile, run and inspect: one clear line on
# stderr and the documented exit code (2: usage, 1: no such program), never
# a crash, and nothing written.
#
#   cli_errors_test.sh KILN_BINARY PROGRAM.ts
set -uo pipefail
kiln=$1 program=$2
case "$kiln" in /*) ;; *) kiln="$PWD/$kiln" ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0 checks=0

expect() {  # expect CODE TEXT ARGS...: kiln ARGS exits CODE, its stderr's first line contains TEXT
  local code=$1 text=$2; shift 2
  "$kiln" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
  local status=$?
  checks=$((checks + 1))
  if [ "$status" -ne "$code" ] || ! head -1 "$tmp/err" | grep -qF -- "$text"; then
    echo "FAILED: kiln $*: expected exit $code and '$text'; got exit $status:"
    cat "$tmp/err"
    fail=1
  fi
  if [ -e "$tmp/x.kiln" ]; then echo "FAILED: kiln $* wrote an image"; rm -f "$tmp/x.kiln"; fail=1; fi
}

out=(-o "$tmp/x.kiln")
expect 2 "missing FILE" compile
expect 2 "--target windows-x86_64: this kiln builds images for" compile --target windows-x86_64 "$program" "${out[@]}"
expect 2 "--compress takes zstd or none, not 'lz4'" compile --compress lz4 "$program" "${out[@]}"
expect 2 "-O takes 0, 1 or 2, not '3'" compile -O 3 "$program" "${out[@]}"
expect 2 "--init-budget takes milliseconds" compile --init-budget ten "$program" "${out[@]}"
expect 2 "unknown option '--bogus'" compile --bogus "$program" "${out[@]}"
expect 2 "-o needs a value" compile "$program" -o
expect 2 "--embed-assets: '$tmp/none' is not a folder" compile --embed-assets "$tmp/none" "$program" "${out[@]}"
expect 1 "cannot open '$tmp/none.ts': no such file" compile "$tmp/none.ts" "${out[@]}"
expect 1 "cannot create a temporary file" compile "$program" -o "$tmp/no/such/dir/x.kiln"
expect 2 "missing IMAGE" run
expect 2 "unknown option '--bogus'" run --bogus "$tmp/x.kiln"
expect 2 "--entry needs a value" run --entry
expect 2 "usage: kiln inspect IMAGE" inspect
expect 66 "cannot open" inspect "$tmp/none.kiln"
[ $fail -eq 0 ] && echo "command-line errors: $checks checks passed"
exit $fail
