#!/usr/bin/env bash
# One-command benchmark: zhiku against Hugo and Hugo + Pagefind on generated corpora.
#
# usage: bench/run.sh [-n RUNS] [-w WORKDIR] [DOCS ...]      (default: 3 runs, 1000 and 10000 docs;
#        add 50000 and 100000 for the scale figures: a 50,000-document corpus takes ~5 min to generate)
# Builds are timed cold (no previous output, as CI builds: run as root, each cold run writes to
# a freshly made ext4 filesystem, a 12 GB sparse image under WORKDIR) and warm (previous output
# reused).
# Needs ../shared/bench (corpus generator, Hugo skeleton). Installs what it lacks: hugo and wrk
# (apt), pagefind (pip), playwright-core (npm, for the static-search byte counts).
# Writes WORKDIR/results.tsv and prints it; copy the figures into docs/benchmarks.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
# shellcheck source=site.sh
. "$HERE/site.sh"
RUNS=3
WORK=/tmp/zhiku-bench
while getopts "n:w:" o; do
  case $o in n) RUNS=$OPTARG ;; w) WORK=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
SIZES=("${@:-1000 10000}")
read -r -a SIZES <<< "${SIZES[*]}"
mkdir -p "$WORK"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hugo || ! need wrk; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo wrk >/dev/null; fi
PAGEFIND=$(python3 -c 'import os,pagefind_bin_extended as m; print(os.path.join(os.path.dirname(m.__file__),"pagefind_extended"))' 2>/dev/null || true)
if [ -z "$PAGEFIND" ]; then
  pip install -q pagefind-bin-extended
  PAGEFIND=$(python3 -c 'import os,pagefind_bin_extended as m; print(os.path.join(os.path.dirname(m.__file__),"pagefind_extended"))')
fi
[ -d "$ROOT/tests/browser/node_modules/playwright-core" ] || npm ci --prefix "$ROOT/tests/browser" --no-audit --no-fund --loglevel=error

(cd "$ROOT" && cargo build --release --quiet)
ZHIKU=$ROOT/target/release/zhiku

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# Cold builds write to DISK. Where this machine allows it (root, mkfs.ext4, loop devices) that is
# a freshly made ext4 filesystem before every run, as a new CI machine's disk: on a disk where
# as many files were just deleted, ext4 creates files slowly for about a minute
# (`recently_deleted`), which made cold runs differ by half. Elsewhere the previous output is
# moved aside before each run instead.
DISK=$WORK/disk
FRESH_DISK=
if [ "$(id -u)" = 0 ] && need mkfs.ext4 && need losetup && [ -e /dev/loop-control ]; then
  FRESH_DISK=$WORK/disk.img
  truncate -s 12G "$FRESH_DISK"
fi
# The loop device reads and writes its image with direct I/O. Through the page cache (every
# page cached twice, the filesystem's and the image file's), render + write of a cold
# 50,000-document build took 20.3-20.7 s on the image against 12.7-15.1 s with direct I/O and
# on the ordinary disk (docs/benchmarks.md).
LOOP=
fresh_disk() {
  mountpoint -q "$DISK" && umount "$DISK"
  [ -n "$LOOP" ] && losetup -d "$LOOP" && LOOP=
  mkdir -p "$DISK"
  if [ -n "$FRESH_DISK" ]; then
    mkfs.ext4 -q -F "$FRESH_DISK"
    LOOP=$(losetup --direct-io=on -f --show "$FRESH_DISK")
    mount "$LOOP" "$DISK"
  fi
}
trap 'mountpoint -q "$DISK" && umount "$DISK"; [ -n "$LOOP" ] && losetup -d "$LOOP"; rm -f "$WORK/disk.img"' EXIT

# timed NAME CMD...: RUNS runs after one warm-up; sets WALL (s) and RSS (MB), medians.
# With COLD set to folders, each run starts without them: a fresh DISK, or they are moved aside
# and deleted after the runs. With BEFORE set, it is run (eval) before each run.
timed() {
  local name=$1; shift
  local tf=$WORK/$name.time; : > "$tf"
  local aside=$WORK/aside; mkdir -p "$aside"
  for i in $(seq 0 "$RUNS"); do
    [ -n "${COLD:-}" ] && [ -n "$FRESH_DISK" ] && fresh_disk
    for d in ${COLD:-}; do [ -e "$d" ] && mv "$d" "$(mktemp -d "$aside/XXXX")/"; done
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    /usr/bin/time -f '%e %M' -o "$tf.one" "$@" > "$WORK/$name.log" 2>&1
    [ "$i" -gt 0 ] && cat "$tf.one" >> "$tf"
  done
  rm -rf "$aside"
  WALL=$(cut -d' ' -f1 "$tf" | median)
  RSS=$(cut -d' ' -f2 "$tf" | median | awk '{printf "%.0f", $1/1024}')
}

printf 'docs\tmeasure\tvalue\n' > "$WORK/results.tsv"
row() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" | tee -a "$WORK/results.tsv"; }

for DOCS in "${SIZES[@]}"; do
  bench_site "$DOCS"

  fresh_disk
  COLD="$DISK/public $DISK/search-index" timed "zhiku-cold-$DOCS" "$ZHIKU" build --root "$SITE" \
    --out "$DISK/public" --index-dir "$DISK/search-index" --timings
  ZC=$WALL; row "$DOCS" "zhiku build cold, site + index + static bundle: wall s" "$WALL"; row "$DOCS" "zhiku build cold: peak MB" "$RSS"
  sed -n '/^  /p' "$WORK/zhiku-cold-$DOCS.log" | sed "s/^ */$DOCS	stage (last cold run): /" | tee -a "$WORK/results.tsv"
  timed "zhiku-$DOCS" "$ZHIKU" build --root "$SITE"
  ZW=$WALL; row "$DOCS" "zhiku build warm, site + index + static bundle: wall s" "$WALL"; row "$DOCS" "zhiku build warm: peak MB" "$RSS"
  # Warm with one document edited before each run, a different one each time, as in a CI job
  # for a change to one page: the index writes again the segment holding it (about 5,000
  # documents here), or everything when less than a quarter would be kept.
  mapfile -t PAGES < <(find "$CORPUS/content/cases" -name '*.md' | sort | sed -n "100,$((100 + RUNS))p")
  for k in "${!PAGES[@]}"; do cp "${PAGES[$k]}" "$WORK/edited-$k.orig"; done
  BEFORE='printf "\n补记：第%s次修改。\n" "$i" >> "${PAGES[$i]}"' timed "zhiku-edit-$DOCS" "$ZHIKU" build --root "$SITE" --timings
  for k in "${!PAGES[@]}"; do cp "$WORK/edited-$k.orig" "${PAGES[$k]}"; done
  row "$DOCS" "zhiku build warm, one document edited: wall s" "$WALL"
  grep 'search index updated' "$WORK/zhiku-edit-$DOCS.log" | sed "s/^/$DOCS	edit (last run): /" | tee -a "$WORK/results.tsv"
  "$ZHIKU" build --root "$SITE" >/dev/null
  row "$DOCS" "zhiku index on disk: MB" "$(du -sbL "$SITE/search-index/tantivy" | awk '{printf "%.1f", $1/1048576}')"
  row "$DOCS" "zhiku index on disk: KB per document" "$(du -sbL "$SITE/search-index/tantivy" | awk -v n="$DOCS" '{printf "%.1f", $1/1024/n}')"
  row "$DOCS" "zhiku static bundle on disk: MB" "$(du -sb "$SITE/public/search" | awk '{printf "%.1f", $1/1048576}')"
  timed "zhiku-noindex-$DOCS" "$ZHIKU" build --root "$SITE" --no-index
  row "$DOCS" "zhiku build --no-index: wall s" "$WALL"; row "$DOCS" "zhiku build --no-index: peak MB" "$RSS"
  "$ZHIKU" build --root "$SITE" >/dev/null

  COLD="$DISK/hugo" timed "hugo-cold-$DOCS" hugo --quiet -s "$SHARED/anchors/hugo" --contentDir "$CORPUS/content" -d "$DISK/hugo"
  HC=$WALL; row "$DOCS" "hugo build cold (no search): wall s" "$WALL"; row "$DOCS" "hugo cold: peak MB" "$RSS"
  timed "hugo-$DOCS" hugo --quiet -s "$SHARED/anchors/hugo" --contentDir "$CORPUS/content" -d "$WORK/hugo-$DOCS"
  HW=$WALL; row "$DOCS" "hugo build warm (no search): wall s" "$WALL"; row "$DOCS" "hugo warm: peak MB" "$RSS"
  row "$DOCS" "ratio zhiku / hugo, cold" "$(awk -v a="$ZC" -v b="$HC" 'BEGIN{printf "%.2f", a/b}')"
  timed "pagefind-$DOCS" "$PAGEFIND" --site "$WORK/hugo-$DOCS" --force-language zh-cn
  PW=$WALL; row "$DOCS" "pagefind over hugo output: wall s" "$WALL"; row "$DOCS" "pagefind: peak MB" "$RSS"
  row "$DOCS" "ratio zhiku / hugo, warm" "$(awk -v a="$ZW" -v b="$HW" 'BEGIN{printf "%.2f", a/b}')"
  row "$DOCS" "ratio zhiku / (hugo + pagefind)" "$(awk -v a="$ZW" -v b="$HW" -v c="$PW" 'BEGIN{printf "%.2f", a/(b+c)}')"

  # live preview: single-file rebuild
  python3 "$HERE/rebuild.py" "$ZHIKU" "$SITE" 11 > "$WORK/rebuild-$DOCS.txt"
  row "$DOCS" "single-file rebuild: median ms" "$(awk '/rebuild \(server\)/{print $5}' "$WORK/rebuild-$DOCS.txt")"

  # search latency under load: 4 connections for 10 s, queries from the corpus
  "$ZHIKU" serve --prod --root "$SITE" --port 8391 > "$WORK/serve-$DOCS.log" 2>&1 &
  SRV=$!
  sleep 1
  python3 - "$CORPUS/queries.txt" > "$WORK/wrk.lua" <<'PY'
import sys, urllib.parse
qs = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
print("local paths = {" + ",".join('"/api/search?q=%s"' % urllib.parse.quote(q) for q in qs) + "}")
print("local i = 0\nrequest = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end")
PY
  for C in 4 16; do
    wrk -t2 -c$C -d10s --latency -s "$WORK/wrk.lua" http://127.0.0.1:8391 > "$WORK/wrk-$DOCS-$C.txt" 2>&1 || true
    row "$DOCS" "/api/search p50 ms (wrk, $C connections)" "$(awk '$1=="50%"{print $2}' "$WORK/wrk-$DOCS-$C.txt")"
    row "$DOCS" "/api/search p99 ms (wrk, $C connections)" "$(awk '$1=="99%"{print $2}' "$WORK/wrk-$DOCS-$C.txt")"
    row "$DOCS" "/api/search requests/s ($C connections)" "$(awk '/Requests\/sec/{print $2}' "$WORK/wrk-$DOCS-$C.txt")"
  done
  kill $SRV; wait $SRV 2>/dev/null || true

  # static bundle bytes per query in headless Chromium, against a plain static server
  if [ -f "$ROOT/tests/browser/budget.mjs" ]; then
    python3 -m http.server -b 127.0.0.1 8392 -d "$SITE/public" >/dev/null 2>&1 &
    HTTP=$!
    sleep 1
    node "$ROOT/tests/browser/budget.mjs" http://127.0.0.1:8392 "$CORPUS/queries.txt" > "$WORK/budget-$DOCS.tsv" 2>&1 || true
    kill $HTTP
    tail -n 3 "$WORK/budget-$DOCS.tsv" | sed "s/^/$DOCS\tstatic bundle: /" | tee -a "$WORK/results.tsv"
  fi
  # Pagefind's own bytes per cold query over Hugo's output
  python3 -m http.server -b 127.0.0.1 8393 -d "$WORK/hugo-$DOCS" >/dev/null 2>&1 &
  HTTP=$!
  sleep 1
  node "$SHARED/pagefind_query.mjs" http://127.0.0.1:8393/pagefind/ "$CORPUS/queries.txt" 10 > "$WORK/pagefind-q-$DOCS.json" 2>/dev/null || true
  kill $HTTP
  row "$DOCS" "pagefind bytes per cold query (median)" "$(python3 -c 'import json,statistics,sys; print(int(statistics.median(r["bytes_total"] for r in json.load(open(sys.argv[1])))))' "$WORK/pagefind-q-$DOCS.json")"
done
echo
column -t -s $'\t' "$WORK/results.tsv"
