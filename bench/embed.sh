#!/usr/bin/env bash
# The embedding API's per-request cost and memory (kiln_bench_embed,
# bench/embed_bench.cpp), with each way kiln_reset can restore the image
# (loader/image_pages.h; KILN_RESET=dirty, the default: copy back the pages
# the last request wrote; remap: drop them, to be faulted in again; copy:
# memcpy of the whole heap), side by side:
#
#  - trivial:      ping() of bench/embed_trivial.ts, returns 1
#  - handler:      handle(order) of samples/serverless/handler.ts with the
#                  order in bench/embed_order.json (validation, pricing,
#                  taxes, an invoice of ~1 KB of JSON)
#  - handler-zstd: the same image with a zstd-compressed heap (kiln_init
#                  inflates it once into a memfd, mapped like a file)
#
#   bench/embed.sh [-n REQUESTS] [-r RUNTIMES] [BUILD_DIR]
#
#   BUILD_DIR  a kiln build to use (default build/; configured with CMake and
#              Ninja, RelWithDebInfo, when it has no build.ninja yet); the
#              script builds kiln and kiln_bench_embed in it
#   -n         requests per case (default 10000)
#   -r         runtimes created side by side for the memory per runtime
#              (default 16)
#
# Times are µs per request (median, p99, mean); memory in KiB. Numbers are
# only comparable within one run on a quiet machine.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
requests=10000
runtimes=16
usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -n) [ $# -ge 2 ] || usage; requests=$2; shift 2 ;;
    -r) [ $# -ge 2 ] || usage; runtimes=$2; shift 2 ;;
    -h | --help | -*) usage ;;
    *) break ;;
  esac
done
[ $# -le 1 ] || usage
build=${1:-$repo/build}
for v in "$requests" "$runtimes"; do
  case "$v" in '' | *[!0-9]* | 0) echo "embed: -n and -r need a positive number" >&2; exit 2 ;; esac
done

# ---- build --------------------------------------------------------------------

if [ ! -f "$build/build.ninja" ]; then
  echo "embed: configuring $build ..." >&2
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null ||
    { echo "embed: cmake failed for $build" >&2; exit 1; }
fi
if ! ninja -C "$build" -t targets all 2> /dev/null | grep -q '^kiln_bench_embed:'; then
  echo "embed: $build has no kiln_bench_embed target (the top-level CMakeLists.txt adds bench/ when the" \
    "embedding library kiln::kiln_static exists)" >&2
  exit 1
fi
build=$(cd "$build" && pwd)
echo "embed: building kiln and kiln_bench_embed in $build ..." >&2
ninja -C "$build" kiln kiln_bench_embed > "${TMPDIR:-/tmp}/kiln-embed-build.$$.log" 2>&1 ||
  { tail -30 "${TMPDIR:-/tmp}/kiln-embed-build.$$.log" >&2; rm -f "${TMPDIR:-/tmp}/kiln-embed-build.$$.log"; echo "embed: build failed" >&2; exit 1; }
rm -f "${TMPDIR:-/tmp}/kiln-embed-build.$$.log"
kiln=$build/kiln
bench=$build/bench/kiln_bench_embed
[ -x "$bench" ] || bench=$(find "$build" -name kiln_bench_embed -type f -perm -u+x | head -1)
[ -x "$kiln" ] && [ -n "$bench" ] || { echo "embed: kiln or kiln_bench_embed missing in $build after the build" >&2; exit 1; }

# ---- images -------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-embed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
compile() {  # compile SOURCE OUT [OPTIONS...]
  local source=$1 out=$2
  shift 2
  if ! (cd "$(dirname "$source")" && "$kiln" compile "$@" -o "$out" "$(basename "$source")") > "$out.report" 2>&1; then
    echo "embed: kiln compile${*:+ $*} $source failed:" >&2
    cat "$out.report" >&2
    exit 1
  fi
}
compile "$repo/bench/embed_trivial.ts" "$tmp/trivial.kiln"
compile "$repo/samples/serverless/handler.ts" "$tmp/handler.kiln"
compile "$repo/samples/serverless/handler.ts" "$tmp/handler-zstd.kiln" --compress zstd
order=$(tr -d '\n' < "$repo/bench/embed_order.json")
cases=(
  trivial "$tmp/trivial.kiln" ping '[]'
  handler "$tmp/handler.kiln" handle "[$order]"
  handler-zstd "$tmp/handler-zstd.kiln" handle "[$order]"
)

# ---- run ----------------------------------------------------------------------

modes=(dirty remap copy)
for mode in "${modes[@]}"; do
  echo "embed: KILN_RESET=$mode ..." >&2
  if ! KILN_RESET=$mode "$bench" --tsv -n "$requests" -r "$runtimes" "${cases[@]}" > "$tmp/$mode.tsv" 2> "$tmp/$mode.err"; then
    cat "$tmp/$mode.err" >&2
    echo "embed: kiln_bench_embed failed with KILN_RESET=$mode" >&2
    exit 1
  fi
done

# ---- report -------------------------------------------------------------------

echo
echo "kiln:     $kiln ($("$kiln" --version 2> /dev/null | head -1))"
echo "host:     $(nproc) cpu(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "requests: $requests per case and mode (after a warm-up), each kiln_reset then kiln_execute, timed apart"
echo "images:   $(for c in trivial handler handler-zstd; do
  printf '%s %s  ' "$c" "$(awk '{ printf "%.1f KiB", $1 / 1024 }' <<< "$(stat -c %s "$tmp/$c.kiln")")"; done)"
echo "order:    $(wc -c < "$repo/bench/embed_order.json") bytes of JSON (bench/embed_order.json)"
echo
# Rows in the order the bench printed them, one column per mode.
tsv_files=()
for mode in "${modes[@]}"; do tsv_files+=("$tmp/$mode.tsv"); done
awk -F'\t' -v modes="${modes[*]}" '
  BEGIN {
    n = split(modes, m, " ")
    label["reset_execute"] = "reset + execute"; label["reset"] = "reset"; label["execute"] = "execute"; label["reset_execute_cpu"] = "reset + execute, thread CPU time"
    label["kiln_memory.image_heap_kib"] = "kiln_memory image heap, KiB"
    label["kiln_memory.heap_committed_kib"] = "kiln_memory heap committed, KiB"
    label["kiln_memory.heap_used_kib"] = "kiln_memory heap used, KiB"
    label["kiln_memory.heap_limit_mib"] = "kiln_memory heap limit, MiB"
    label["rss_one_runtime_kib"] = "RSS growth, 1 runtime after all requests, KiB"
    label["rss_anon_one_runtime_kib"] = "  anonymous, KiB"
    label["rss_per_runtime_kib"] = "RSS per runtime (side by side), KiB"
    label["rss_anon_per_runtime_kib"] = "  anonymous, KiB"
    label["init_us"] = "kiln_init, µs"
    label["first_request_us"] = "first request after kiln_init, µs"
  }
  FNR == 1 { file++ }
  {
    key = $1 SUBSEP $2
    if (!(key in seen)) { seen[key] = 1; order[++rows] = key }
    v[key, file] = $3
  }
  END {
    printf "%-14s %-46s", "case", "µs per request: median / p99 / mean"
    for (i = 1; i <= n; i++) printf "  %28s", "KILN_RESET=" m[i]
    printf "\n"
    for (r = 1; r <= rows; r++) {
      split(order[r], kk, SUBSEP)
      c = kk[1]; k = kk[2]
      if (k ~ /\.(median|p99|mean|max)$/) {
        base = k; sub(/\.[a-z0-9]+$/, "", base)
        if (k !~ /\.median$/) continue
        printf "%-14s %-46s", (c != last ? c : ""), label[base]
        for (i = 1; i <= n; i++)
          printf "  %28s", sprintf("%.2f / %.2f / %.2f", v[c SUBSEP base ".median", i], v[c SUBSEP base ".p99", i], v[c SUBSEP base ".mean", i])
      } else {
        printf "%-14s %-46s", (c != last ? c : ""), (k in label ? label[k] : k)
        for (i = 1; i <= n; i++) printf "  %28.1f", v[order[r], i]
      }
      printf "\n"
      last = c
    }
  }' "${tsv_files[@]}"

# Issue 5's target: reset plus a trivial call under 20 µs median (small image).
echo
for mode in "${modes[@]}"; do
  awk -F'\t' -v mode="$mode" '$1 == "trivial" && $2 == "reset_execute.median" {
      printf "target (issue 5): trivial reset + execute median < 20 µs, KILN_RESET=%s: %.2f µs, %s\n",
        mode, $3, ($3 < 20 ? "met" : "MISSED")
    }' "$tmp/$mode.tsv"
done
