#!/usr/bin/env bash
# Refused images at the command line: every bad input gets one line on stderr
# naming the reason and its exit code, never a crash. (The reader's own tests,
# tests/unit/image, cover each check in depth, incompatible images included.)
#
#   refused_images_test.sh KILN_BINARY PROGRAM.ts
set -uo pipefail
kiln=$1 program=$2
case "$kiln" in /*) ;; *) kiln="$PWD/$kiln" ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-refused.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$(dirname "$program")" && "$kiln" compile --quiet "$(basename "$program")" -o "$tmp/good.kiln") || exit 1
size=$(stat -c %s "$tmp/good.kiln")
fail=0
checks=0

# expect FILE EXIT_CODE TEXT: `kiln run FILE` exits EXIT_CODE with one stderr
# line that contains TEXT.
expect() {
  local file=$1 code=$2 text=$3
  "$kiln" run "$file" > "$tmp/out" 2> "$tmp/err" < /dev/null
  local status=$?
  checks=$((checks + 1))
  local lines
  lines=$(wc -l < "$tmp/err")
  if [ "$status" -ne "$code" ] || [ "$lines" -ne 1 ] || ! grep -q -- "$text" "$tmp/err" || [ -s "$tmp/out" ]; then
    echo "FAILED: $file: expected exit $code and one line with '$text'; got exit $status:"
    cat "$tmp/err"
    fail=1
  fi
}

copy() { cp "$tmp/good.kiln" "$tmp/bad.kiln"; }
poke() {  # poke OFFSET: flips the byte at OFFSET of bad.kiln
  local b
  b=$(od -An -tu1 -j "$1" -N1 "$tmp/bad.kiln" | tr -d ' ')
  printf "$(printf '\\%03o' $(( (b ^ 0x5A) & 255 )))" | dd of="$tmp/bad.kiln" bs=1 seek="$1" conv=notrunc status=none
}

expect "$tmp/missing.kiln" 66 "cannot open"
mkdir "$tmp/dir.kiln"
expect "$tmp/dir.kiln" 66 "not a file"
: > "$tmp/empty.kiln"
expect "$tmp/empty.kiln" 65 "empty"
echo "console.log('not an image')" > "$tmp/text.kiln"
expect "$tmp/text.kiln" 65 "bad magic"
copy; printf 'XILN' | dd of="$tmp/bad.kiln" bs=1 seek=0 conv=notrunc status=none
expect "$tmp/bad.kiln" 65 "bad magic"
copy; poke 4
expect "$tmp/bad.kiln" 78 "format version"
# Truncated anywhere: at the start, inside the preamble, the manifest, the heap.
for cut in 4 10 63 64 65 200 1000 4096 4097 $((size / 2)) $((size - 8)) $((size - 1)); do
  [ "$cut" -lt "$size" ] || continue
  head -c "$cut" "$tmp/good.kiln" > "$tmp/bad.kiln"
  expect "$tmp/bad.kiln" 65 "truncated"
done
# One flipped byte in each section: the checksum names it.
for at in 40 70 300 4100 $((size / 2)) $((size - 1)); do
  copy; poke "$at"
  expect "$tmp/bad.kiln" 65 "checksum"
done
# Trailing bytes.
copy; printf 'extra' >> "$tmp/bad.kiln"
expect "$tmp/bad.kiln" 65 "checksum"
# --entry naming no entry.
"$kiln" run --entry nosuch "$tmp/good.kiln" > /dev/null 2> "$tmp/err"; status=$?
checks=$((checks + 1))
if [ $status -ne 64 ] || ! grep -q "no entry named 'nosuch'" "$tmp/err"; then
  echo "FAILED: --entry nosuch: exit $status"; cat "$tmp/err"; fail=1
fi
[ $fail -eq 0 ] && echo "refused images: $checks checks passed"
exit $fail
