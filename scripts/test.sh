#!/usr/bin/env bash
# Installs what is missing, builds kiln and runs the whole test suite
# (unit tests, script tests, samples, GC stress, image tests, test262 against
# its baseline), then the sanitizer pass.
#
#   scripts/test.sh          build in build/, run every CTest test; then build
#                            kiln in build-asan/ with AddressSanitizer and UBSan
#                            and run the script and image tests (refused and
#                            corrupt images included), the image reader's
#                            unit and fuzz tests and the embedding API's
#                            tests there
#   scripts/test.sh --asan   only the sanitizer pass
#   scripts/test.sh --no-asan  only the main pass
set -euo pipefail
cd "$(dirname "$0")/.."

main=1 asan=1
for arg in "$@"; do
  case "$arg" in
    --asan) main=0 ;;
    --no-asan) asan=0 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

./scripts/install-deps.sh

if [ "$main" -eq 1 ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build build
  ctest --test-dir build -j2 --output-on-failure
fi

if [ "$asan" -eq 1 ]; then
  # GC stress is left to the main pass (it is slow enough without ASan).
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKILN_ASAN=ON
  cmake --build build-asan --target kiln unit_image image_reader_fuzz embed_api_test
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  ctest --test-dir build-asan -j2 --output-on-failure -L 'script|snapshot' -LE gcstress
  ctest --test-dir build-asan -j2 --output-on-failure -R '^(unit[.]image|fuzz[.]image_reader|embed[.]api)$'
fi
