#!/usr/bin/env bash
# The sample host on a fixed input: compiles handler.ts into an image with
# KILN, runs HOST on requests.jsonl and compares its standard output with
# requests.expected; then checks that a file that is not an image is refused
# (exit 1, a reason on stderr, nothing on stdout).
#
#   host_test.sh KILN HOST WORKDIR
#
# After a deliberate change of the handler or the requests, regenerate the
# expected output with KILN_UPDATE_EXPECTED=1 (and review the diff).
set -uo pipefail

if [ $# -ne 3 ]; then
  echo "usage: host_test.sh KILN HOST WORKDIR" >&2
  exit 2
fi
kiln=$1 host=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work" || exit 1
image=$work/handler.kiln
fail() { echo "sample.serverless.host: $*" >&2; exit 1; }

# From the sample's folder, so that stack traces name handler.ts as the
# expected output does, wherever the build is.
(cd "$here" && "$kiln" compile handler.ts -o "$image") > "$work/compile.log" 2>&1 ||
  { cat "$work/compile.log" >&2; fail "kiln compile handler.ts failed"; }

"$host" "$image" < "$here/requests.jsonl" > "$work/requests.out" 2> "$work/requests.err"
status=$?
if [ "${KILN_UPDATE_EXPECTED:-0}" = 1 ]; then
  cp "$work/requests.out" "$here/requests.expected"
  echo "sample.serverless.host: wrote $here/requests.expected"
fi
[ "$status" -eq 0 ] || { cat "$work/requests.err" >&2; fail "host exited with $status"; }
[ -s "$work/requests.err" ] && { cat "$work/requests.err" >&2; fail "host wrote to stderr"; }
diff -u "$here/requests.expected" "$work/requests.out" || fail "results differ from requests.expected"

# Not an image: refused at kiln_init, with a reason.
"$host" "$here/requests.jsonl" < /dev/null > "$work/bad.out" 2> "$work/bad.err"
status=$?
[ "$status" -eq 1 ] || fail "a file that is not an image: exit $status, expected 1"
[ -s "$work/bad.out" ] && fail "a file that is not an image: unexpected output: $(cat "$work/bad.out")"
grep -q "^host: cannot load " "$work/bad.err" || fail "a file that is not an image: no reason given: $(cat "$work/bad.err")"

# The command line.
"$host" > /dev/null 2>&1
[ $? -eq 2 ] || fail "no argument: expected exit 2"
echo "sample.serverless.host: $(wc -l < "$here/requests.jsonl") requests, results as expected"
