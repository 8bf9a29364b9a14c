#!/usr/bin/env bash
# Startup against node: how fast a program starts from source, from an image
# and bundled, for samples/hello.ts (nothing to initialize) and
# samples/heavyinit/heavyinit.ts (builds large tables at startup, then
# prints). For every way of running each program: the median whole-process
# wall time (hyperfine, no shell in between), the peak RSS (median of a few
# runs), the image or executable size; then the ratios the image work is
# judged by and the load phases of `kiln run --profile-load`.
#
#   bench/startup.sh [-n RUNS] [--quick]
#
#   -n RUNS   runs per slow command (from source: ~1 s each), and the least
#             number of runs of a fast one (hyperfine adds runs to fill 3 s);
#             default 10
#   --quick   a rough pass in about half a minute: 3 slow runs, 20 fast ones,
#             one RSS run, 5 load profiles
#
# Environment: KILN (default build/kiln; build it first, this script only
# compiles images), NODE (default node). Needs hyperfine, node, and GNU time
# (/usr/bin/time) or python3 for the peak RSS. Every way's output is checked
# against the program's .stdout first; a way whose output differs is FAIL.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=10
quick=0
usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -n) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
    -n*) runs=${1#-n}; shift ;;
    --quick) quick=1; shift ;;
    *) usage ;;
  esac
done
case "$runs" in '' | *[!0-9]* | 0) echo "startup: -n needs a positive number" >&2; exit 2 ;; esac

if [ "$quick" -eq 1 ]; then
  slow_runs=3 fast_opts=(--runs 20) warmup=1 rss_runs=1 profile_runs=5
else
  slow_runs=$runs fast_opts=(--min-runs "$runs") warmup=3 rss_runs=5 profile_runs=21
fi

kiln=${KILN:-$repo/build/kiln}
node=${NODE:-node}
missing=0
need() { echo "startup: $1" >&2; missing=1; }
[ -x "$kiln" ] || need "kiln not found at $kiln (build it: ./scripts/test.sh, or set KILN=)"
command -v "$node" > /dev/null 2>&1 || need "node not found (apt-get install nodejs, or set NODE=)"
command -v hyperfine > /dev/null 2>&1 || need "hyperfine not found (apt-get install hyperfine)"
# Peak RSS: GNU time's %M (the child's ru_maxrss, KiB); without it, the same
# number from python3's getrusage of the waited child.
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true > /dev/null 2>&1; then
  rss_tool="GNU time -f %M"
  peak_rss_kib() { /usr/bin/time -f %M -o "$tmp/rss" "$@" > /dev/null 2>&1 && tail -1 "$tmp/rss"; }
elif command -v python3 > /dev/null 2>&1; then
  rss_tool="python3 getrusage(RUSAGE_CHILDREN).ru_maxrss"
  peak_rss_kib() {
    python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(r.returncode)' "$@"
  }
else
  need "neither GNU time (/usr/bin/time: apt-get install time) nor python3 found for the peak RSS"
fi
[ "$missing" -eq 0 ] || exit 2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiln-startup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Measure a private copy: a rebuild of build/ during the run cannot then mix
# two kilns (an image only loads in the kiln that wrote it).
kiln_path=$kiln
kiln=$tmp/kiln
cp "$kiln_path" "$kiln" || { echo "startup: cannot copy $kiln_path" >&2; exit 2; }

# node runs the programs' JavaScript: node 22.6+ strips the types itself;
# older nodes get a copy with the annotations these samples use removed
# (`: T`, `: T[]`, `: Map<K, V>` after a name or a parameter list).
node_strips=0
"$node" --experimental-strip-types -e 0 > /dev/null 2>&1 && node_strips=1
strip_types() {
  sed 's/): \(number\|string\|boolean\|void\|Uint8Array\|Map<[^>]*>\)\(\[\]\)*\( =>\| {\)/)\3/g
       s/\([A-Za-z0-9_]\): \(number\|string\|boolean\|void\|Uint8Array\|Map<[^>]*>\)\(\[\]\)*/\1/g' "$1"
}

# ---- build the images and bundles -------------------------------------------

programs=(hello heavyinit)
declare -A source expected
source[hello]=$repo/samples/hello.ts
source[heavyinit]=$repo/samples/heavyinit/heavyinit.ts
for p in "${programs[@]}"; do
  expected[$p]=${source[$p]%.ts}.stdout
  [ -f "${source[$p]}" ] && [ -f "${expected[$p]}" ] || { echo "startup: missing ${source[$p]} or its .stdout" >&2; exit 2; }
done

declare -A build_ms paused
compile() {  # compile PROGRAM OUT [OPTIONS...]: kiln compile, keeping the report
  local p=$1 out=$2
  shift 2
  # A generous budget: the image must hold the whole initialization even on
  # a loaded machine (the default, 5 s, is close for heavyinit under load).
  if ! "$kiln" compile --init-budget 600000 "$@" -o "$out" "${source[$p]}" 2> "$out.report"; then
    echo "startup: kiln compile $* ${source[$p]} failed:" >&2
    cat "$out.report" >&2
    exit 1
  fi
}
echo "building images in $tmp ..."
for p in "${programs[@]}"; do
  if [ "$node_strips" -eq 1 ]; then cp "${source[$p]}" "$tmp/$p.ts"; else strip_types "${source[$p]}" > "$tmp/$p.mjs"; fi
  compile "$p" "$tmp/$p.kiln" --compress none
  compile "$p" "$tmp/$p-zstd.kiln" --compress zstd
  compile "$p" "$tmp/$p" --bundle --compress none
  compile "$p" "$tmp/$p-zstd" --bundle --compress zstd
  build_ms[$p]=$(sed -n 's/.*build-time run: *\([0-9.]*\) ms.*/\1/p' "$tmp/$p.kiln.report")
  paused[$p]=$(sed -n 's/^ *paused: *//p' "$tmp/$p.kiln.report")
done
# Which of the two is what `kiln compile` writes without --compress: the
# issue's targets are about that one.
compile hello "$tmp/default.kiln"
default_compress=$("$kiln" inspect "$tmp/default.kiln" 2> /dev/null | sed -n 's/^ *heap *\(none\|zstd\)$/\1/p' | head -1)
case "$default_compress" in zstd) default_way=image-zstd ;; *) default_compress=none default_way=image ;; esac

# ---- the ways to run each program ------------------------------------------

ways=(node dev image image-zstd bundle bundle-zstd)
declare -A describe=(
  [floor]="/bin/true"
  [node]="node FILE.js"
  [dev]="kiln dev FILE.ts"
  [image]="kiln run FILE.kiln"
  [image-zstd]="kiln run FILE-zstd.kiln"
  [bundle]="./FILE (bundle)"
  [bundle-zstd]="./FILE-zstd (bundle)"
)
command_for() {  # command_for PROGRAM WAY: the command, one word a line
  local p=$1
  case "$2" in
    floor) printf '%s\n' "$true_bin" ;;
    node)
      if [ "$node_strips" -eq 1 ]; then printf '%s\n' "$node" --experimental-strip-types --no-warnings "$tmp/$p.ts"
      else printf '%s\n' "$node" "$tmp/$p.mjs"; fi ;;
    dev) printf '%s\n' "$kiln" dev "${source[$p]}" ;;
    image) printf '%s\n' "$kiln" run "$tmp/$p.kiln" ;;
    image-zstd) printf '%s\n' "$kiln" run "$tmp/$p-zstd.kiln" ;;
    bundle) printf '%s\n' "$tmp/$p" ;;
    bundle-zstd) printf '%s\n' "$tmp/$p-zstd" ;;
  esac
}
size_of() {  # size_of PROGRAM WAY: what the way loads besides the runtime
  local f
  case "$2" in
    image) f=$tmp/$1.kiln ;;
    image-zstd) f=$tmp/$1-zstd.kiln ;;
    bundle) f=$tmp/$1 ;;
    bundle-zstd) f=$tmp/$1-zstd ;;
    *) echo -; return ;;
  esac
  stat -c %s "$f"
}
human() {  # bytes -> KiB / MiB
  [ "$1" = - ] && { echo -; return; }
  awk -v b="$1" 'BEGIN { if (b < 1048576) printf "%.1f KiB", b / 1024; else printf "%.1f MiB", b / 1048576 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The floor: what starting any process costs on this machine (fork, exec,
# exit of a tiny C program), timed the same way.
true_bin=$(type -P true)
expected[floor]=/dev/null
progress() { [ -t 2 ] && printf '  timing %-10s %-22s ...\r' "$1" "$2" >&2; }
declare -A wall rss size
for p in floor "${programs[@]}"; do
  if [ "$p" = floor ]; then p_ways=(floor); else p_ways=("${ways[@]}"); fi
  for w in "${p_ways[@]}"; do
    mapfile -t cmd < <(command_for "$p" "$w")
    size[$p.$w]=$(size_of "$p" "$w")
    # One checked run first: a way with the wrong output is reported, not timed.
    start=$(date +%s%N)
    if ! "${cmd[@]}" > "$tmp/out" 2> "$tmp/err" < /dev/null || ! cmp -s "$tmp/out" "${expected[$p]}"; then
      echo "startup: $p, ${describe[$w]}: wrong output or exit status:" >&2
      diff "${expected[$p]}" "$tmp/out" | head -5 >&2
      head -5 "$tmp/err" >&2
      wall[$p.$w]=FAIL rss[$p.$w]=FAIL
      continue
    fi
    end=$(date +%s%N)
    progress "$p" "${describe[$w]}"
    if [ $(((end - start) / 1000000)) -gt 250 ]; then opts=(--runs "$slow_runs"); else opts=("${fast_opts[@]}"); fi
    line=$(printf '%q ' "${cmd[@]}")
    if ! hyperfine -N --warmup "$warmup" "${opts[@]}" --style none --export-json "$tmp/h.json" \
        "$line" > /dev/null 2> "$tmp/herr"; then
      echo "startup: hyperfine failed on: $line" >&2
      cat "$tmp/herr" >&2
      wall[$p.$w]=FAIL
    else
      wall[$p.$w]=$(grep -o '"median": *[0-9.e+-]*' "$tmp/h.json" | head -1 | sed 's/.*: *//' |
        awk '{ printf "%.3f", $1 * 1000 }')
    fi
    : > "$tmp/rsslist"
    for ((i = 0; i < rss_runs; i++)); do peak_rss_kib "${cmd[@]}" >> "$tmp/rsslist"; done
    rss[$p.$w]=$(median < "$tmp/rsslist" | awk '$1 == "-" { print; next } { printf "%.1f", $1 / 1024 }')
  done
done
[ -t 2 ] && printf '%60s\r' '' >&2

# ---- report ------------------------------------------------------------------

echo
echo "kiln:  $kiln_path ($("$kiln" --version 2>/dev/null | head -1))"
echo "node:  $("$node" --version) ($([ "$node_strips" -eq 1 ] && echo 'strips types itself' || echo 'on a copy with the types removed'))"
echo "host:  $(nproc) cpu(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall:  hyperfine -N, median; warmup $warmup; slow commands $slow_runs runs, fast ones ${fast_opts[*]}"
echo "rss:   $rss_tool, median of $rss_runs run(s)"
echo "files: FILE.kiln --compress none (mapped copy-on-write), FILE-zstd.kiln --compress zstd;" \
  "kiln compile's default: $default_compress; a bundle is the kiln binary ($(human "$(stat -c %s "$kiln")")) plus the image"
echo
printf '%-10s %-24s %10s %12s %12s\n' program way 'median ms' 'peak RSS MB' size
printf '%-10s %-24s %10s %12s %12s\n' ------- --- --------- ----------- ----
printf '%-10s %-24s %10s %12s %12s\n' '(floor)' "${describe[floor]}" "${wall[floor.floor]}" "${rss[floor.floor]}" -
for p in "${programs[@]}"; do
  for w in "${ways[@]}"; do
    printf '%-10s %-24s %10s %12s %12s\n' "$p" "${describe[$w]}" "${wall[$p.$w]}" "${rss[$p.$w]}" \
      "$(human "${size[$p.$w]}")"
  done
done
echo
for p in "${programs[@]}"; do
  echo "$p: build-time run ${build_ms[$p]:-?} ms, paused ${paused[$p]:-?}"
done

ratio() {  # ratio A B: A / B with two decimals, or - when either is missing
  case "$1$2" in *FAIL* | *-*) echo -; return ;; esac
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}
verdict() {  # verdict OK?: met / MISSED
  [ "$1" = 1 ] && echo met || echo MISSED
}
below() { case "$1" in FAIL | -) echo 0 ;; *) awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? 1 : 0 }' ;; esac; }
echo
echo "ratios"
for w in image image-zstd bundle bundle-zstd; do
  r=$(ratio "${wall[heavyinit.dev]}" "${wall[heavyinit.$w]}")
  printf '  %-54s %8sx' "heavyinit from source / ${describe[$w]/FILE/heavyinit}:" "$r"
  [ "$w" = "$default_way" ] && printf '   target >= 20x: %s' "$(verdict "$([ "$r" = - ] && echo 0 || awk -v r="$r" 'BEGIN { print (r >= 20) ? 1 : 0 }')")"
  echo
done
printf '  %-54s %8sx\n' "heavyinit node / ${describe[$default_way]/FILE/heavyinit}:" \
  "$(ratio "${wall[heavyinit.node]}" "${wall[heavyinit.$default_way]}")"
for w in image image-zstd bundle bundle-zstd; do
  printf '  %-54s %8sx\n' "hello node / ${describe[$w]/FILE/hello}:" "$(ratio "${wall[hello.node]}" "${wall[hello.$w]}")"
done
echo "  hello from an image (the default, --compress $default_compress): ${wall[hello.$default_way]} ms median" \
  "(target < 1 ms: $(verdict "$(below "${wall[hello.$default_way]}" 1)")), ${rss[hello.$default_way]} MB peak RSS" \
  "(target < 5 MB: $(verdict "$(below "${rss[hello.$default_way]}" 5)"))"

# Load phases: the median of each phase over several runs (µs).
echo
echo "load phases (µs; each phase's median over $profile_runs runs on its own, so they need not add up to the"
echo "median total; decompress is part of 'heap in place')"
for p in "${programs[@]}"; do
  for w in image image-zstd bundle bundle-zstd; do
    [ "${wall[$p.$w]}" = FAIL ] && continue
    mapfile -t cmd < <(command_for "$p" "$w")
    case "$w" in image*) cmd=("${cmd[0]}" run --profile-load "${cmd[@]:2}") ;; esac
    : > "$tmp/phases"
    for ((i = 0; i < profile_runs; i++)); do
      KILN_PROFILE_LOAD=1 "${cmd[@]}" 2>&1 > /dev/null < /dev/null | sed -n 's/^kiln: load ([^)]*): //p' >> "$tmp/phases"
    done
    printf '  %-10s %-24s ' "$p" "${describe[$w]}"
    # Each line: "name value, name value, ..."; phases keep their first order.
    awk -F', ' '{
        for (i = 1; i <= NF; i++) {
          n = $i; sub(/ [^ ]*$/, "", n); v = $i; sub(/.* /, "", v)
          if (!(n in count)) order[++phases] = n
          vals[n, ++count[n]] = v
        }
      }
      END {
        if (phases == 0) { print "(no profile printed)"; exit }
        for (k = 1; k <= phases; k++) {
          n = order[k]; m = count[n]
          for (i = 1; i <= m; i++) a[i] = vals[n, i]
          for (i = 2; i <= m; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j + 1] = a[j]; j-- } a[j + 1] = x }
          med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
          printf "%s%s %.1f", (k > 1 ? ", " : ""), n, med
        }
        print ""
      }' "$tmp/phases"
  done
done
