#!/usr/bin/env bash
# Installs what is missing, builds kiln, and runs a sample program: compiled
# to an image and run from it when `kiln compile` is available, else from
# source with `kiln dev`.
#
#   scripts/demo.sh [SAMPLE]     (default: samples/hello.ts)
set -euo pipefail
cd "$(dirname "$0")/.."

sample=${1:-samples/hello.ts}
if [ ! -f "$sample" ]; then
  echo "demo.sh: no such sample: $sample" >&2
  exit 2
fi

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build --target kiln

show() {  # prints a command, then runs it
  printf '\n$ %s\n' "$*"
  "$@"
}

if build/kiln compile --help > /dev/null 2>&1; then
  image=build/$(basename "${sample%.*}").kiln
  show build/kiln compile "$sample" -o "$image"
  show build/kiln run "$image"
else
  show build/kiln dev "$sample"
fi
