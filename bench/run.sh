#!/usr/bin/env bash
# Interpreter throughput against node: for every benchmark program, the median
# whole-process wall time of `kiln dev --script FILE` (the programs are classic scripts), `node --jitless FILE` (the
# interpreter-to-interpreter peer) and `node FILE` (JIT, for reference), the
# kiln/jitless ratio, and at the end the geometric mean of those ratios.
#
#   bench/run.sh [-n RUNS] [-t TIMEOUT_S] [DIR_OR_FILE...]
#
# Default programs: ../shared/bench/*.js beside the repository. Environment:
# KILN (default build/kiln), NODE (default node). Uses hyperfine when it is
# installed, else a loop of date +%s%N. A missing runtime is skipped; a
# program that fails (or times out) under kiln is marked FAIL and left out of
# the geometric mean.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=5
limit=300
while getopts "n:t:h" opt; do
  case "$opt" in
    n) runs=$OPTARG ;;
    t) limit=$OPTARG ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] && set -- "$repo/../shared/bench"

programs=()
for arg in "$@"; do
  if [ -d "$arg" ]; then
    for f in "$arg"/*.js; do [ -f "$f" ] && programs+=("$f"); done
  elif [ -f "$arg" ]; then
    programs+=("$arg")
  else
    echo "bench: no such file or folder: $arg" >&2
    exit 2
  fi
done
if [ ${#programs[@]} -eq 0 ]; then
  echo "bench: no .js programs found in $*" >&2
  exit 2
fi

kiln=${KILN:-$repo/build/kiln}
node=${NODE:-node}
have_kiln=0; [ -x "$kiln" ] && have_kiln=1
have_node=0; command -v "$node" > /dev/null 2>&1 && have_node=1
have_hyperfine=0; command -v hyperfine > /dev/null 2>&1 && have_hyperfine=1
[ "$have_kiln" -eq 1 ] || echo "bench: kiln not found at $kiln: skipping it" >&2
[ "$have_node" -eq 1 ] || echo "bench: node not found: skipping node and node --jitless" >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# median_time CMD...: prints the median wall time in seconds of $runs runs,
# or FAIL when a run exits non-zero or exceeds the time limit.
median_time() {
  # One checked run first: a failing program is reported, not timed.
  if ! timeout "$limit" "$@" > "$tmp/out" 2> "$tmp/err"; then
    echo FAIL
    return
  fi
  if [ "$have_hyperfine" -eq 1 ]; then
    local cmd
    cmd=$(printf '%q ' timeout "$limit" "$@")
    if ! hyperfine --runs "$runs" --warmup 0 --style none --export-json "$tmp/h.json" \
        "$cmd" > /dev/null 2>&1; then
      echo FAIL
      return
    fi
    grep -o '"median": *[0-9.e+-]*' "$tmp/h.json" | head -1 | sed 's/.*: *//'
    return
  fi
  local i start end
  : > "$tmp/times"
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    if ! timeout "$limit" "$@" > /dev/null 2>&1; then
      echo FAIL
      return
    fi
    end=$(date +%s%N)
    echo $(((end - start) / 1000)) >> "$tmp/times"  # microseconds
  done
  sort -n "$tmp/times" | awk '{ t[NR] = $1 }
    END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.4f\n", m / 1e6 }'
}

fmt_time() { [ "$1" = "-" ] || [ "$1" = FAIL ] && echo "$1" || printf '%.3f' "$1"; }

echo "kiln: $kiln"
[ "$have_node" -eq 1 ] && echo "node: $("$node" --version)"
echo "runs per program: $runs (median, whole-process wall time in seconds)$([ "$have_hyperfine" -eq 1 ] && echo ', hyperfine')"
echo
printf '%-18s %10s %10s %10s %14s\n' program kiln jitless node kiln/jitless
printf '%-18s %10s %10s %10s %14s\n' ------- ---- ------- ---- ------------
ratios=()
failed=()
for program in "${programs[@]}"; do
  name=$(basename "$program" .js)
  dir=$(cd "$(dirname "$program")" && pwd)
  file=$(basename "$program")
  k=- j=- n=- ratio=-
  # Run from the program's folder, like a user would.
  if [ "$have_kiln" -eq 1 ]; then k=$(cd "$dir" && median_time "$kiln" dev --script "$file"); fi
  if [ "$have_node" -eq 1 ]; then
    j=$(cd "$dir" && median_time "$node" --jitless "$file")
    n=$(cd "$dir" && median_time "$node" "$file")
  fi
  [ "$k" = FAIL ] && failed+=("$name")
  if [ "$k" != - ] && [ "$k" != FAIL ] && [ "$j" != - ] && [ "$j" != FAIL ]; then
    ratio=$(awk -v a="$k" -v b="$j" 'BEGIN { printf "%.2f", a / b }')
    ratios+=("$(awk -v a="$k" -v b="$j" 'BEGIN { printf "%.6f", a / b }')")
  fi
  printf '%-18s %10s %10s %10s %14s\n' "$name" "$(fmt_time "$k")" "$(fmt_time "$j")" \
    "$(fmt_time "$n")" "$ratio"
done
echo
if [ ${#ratios[@]} -gt 0 ]; then
  printf '%s\n' "${ratios[@]}" | awk '{ s += log($1); n++ }
    END { printf "geometric mean kiln/jitless: %.2f over %d program(s)\n", exp(s / n), n }'
else
  echo "geometric mean kiln/jitless: n/a (no program ran under both kiln and node --jitless)"
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAIL under kiln (left out of the geometric mean): ${failed[*]}"
fi
