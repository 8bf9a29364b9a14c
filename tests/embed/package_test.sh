#!/usr/bin/env bash
# Installs this build of kiln into a scratch prefix and builds a host project
# against it with find_package(kiln); both hosts (shared and static library)
# must run an image. Usage: package_test.sh BUILD_DIR PROJECT_DIR IMAGE
set -euo pipefail
build=$1 project=$2 image=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" > "$scratch/install.log"
for f in lib/libkiln.a include/kiln/kiln.h include/kiln/kiln.hpp lib/cmake/kiln/kilnConfig.cmake bin/kiln; do
  [[ -e $scratch/prefix/$f ]] || { echo "not installed: $f"; exit 1; }
done
ls "$scratch"/prefix/lib/libkiln.so* > /dev/null
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake -S "$project" -B "$scratch/host" "${generator[@]}" -DCMAKE_PREFIX_PATH="$scratch/prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$scratch/configure.log" || { cat "$scratch/configure.log"; exit 1; }
cmake --build "$scratch/host" > "$scratch/build.log" 2>&1 || { cat "$scratch/build.log"; exit 1; }
# The shared host finds libkiln.so through its RUNPATH (CMake sets it for the build tree).
"$scratch/host/host_shared" "$image"
"$scratch/host/host_static" "$image"
# Only the API is exported from libkiln.so.
exported=$(nm -D --defined-only "$scratch"/prefix/lib/libkiln.so | awk '$2 == "T" {print $3}' | sort | tr '\n' ' ')
echo "exported: $exported"
if grep -qv '^kiln_' <(nm -D --defined-only "$scratch"/prefix/lib/libkiln.so | awk '$2 == "T" {print $3}'); then
  echo "libkiln.so exports more than the kiln_* API"
  exit 1
fi
