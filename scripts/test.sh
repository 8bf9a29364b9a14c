#!/usr/bin/env bash
# Installs what is missing, builds kiln and runs the whole test suite
# (unit tests, script tests, samples, GC stress, test262 against its baseline).
#
#   scripts/test.sh          build in build/, run every CTest test
#   scripts/test.sh --asan   build in build-asan/ with AddressSanitizer and
#                            UBSan, run the script tests only
set -euo pipefail
cd "$(dirname "$0")/.."

asan=0
for arg in "$@"; do
  case "$arg" in
    --asan) asan=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

./scripts/install-deps.sh

if [ "$asan" -eq 1 ]; then
  build=build-asan
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKILN_ASAN=ON
  cmake --build "$build"
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  ctest --test-dir "$build" -j2 --output-on-failure -L script
else
  build=build
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$build"
  ctest --test-dir "$build" -j2 --output-on-failure
fi
