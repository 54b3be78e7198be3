#!/usr/bin/env bash
# Load on `zhiku serve --prod` at 10,000 documents (or the sizes given): wrk at 4, 16 and 64
# connections with the corpus's typical queries and with hostile ones (16-word queries of the
# commonest characters, the heaviest the server accepts), and the server's peak resident memory.
#
# usage: bench/load.sh [-d SECONDS] [-w WORKDIR] [DOCS ...]     (default: 10 s a run, 10000 docs)
# Needs ../shared/bench (corpus generator) and wrk (installed with apt when missing).
# Writes WORKDIR/load.tsv and prints it; copy the figures into docs/benchmarks.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared/bench}
# shellcheck source=site.sh
. "$HERE/site.sh"
DURATION=10
WORK=/tmp/zhiku-bench
while getopts "d:w:" o; do
  case $o in d) DURATION=$OPTARG ;; w) WORK=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
SIZES=("${@:-10000}")
mkdir -p "$WORK"
command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
(cd "$ROOT" && cargo build --release --quiet)
ZHIKU=$ROOT/target/release/zhiku
PORT=8394

printf 'docs\tqueries\tconnections\trequests/s\tp50 ms\tp99 ms\tnon-2xx\tpeak RSS MB\n' > "$WORK/load.tsv"
for DOCS in "${SIZES[@]}"; do
  bench_site "$DOCS"
  "$ZHIKU" build --root "$SITE" >/dev/null

  # Typical: the corpus's own queries. Hostile: 16 words, each a common character.
  python3 - "$CORPUS/queries.txt" "$WORK" <<'PY'
import sys, urllib.parse
qs = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
hostile = [" ".join(w[:16]) for w in ["党社区工作服务组织建设管理发展群众基层居民", "的一是在不了有和人这中大为上个国"]]
for name, queries in (("typical", qs), ("hostile", hostile)):
    with open(f"{sys.argv[2]}/load-{name}.lua", "w", encoding="utf-8") as f:
        f.write("local paths = {" + ",".join('"/api/search?q=%s"' % urllib.parse.quote(q) for q in queries) + "}\n")
        f.write("local i = 0\nrequest = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end\n")
PY
  "$ZHIKU" serve --prod --root "$SITE" --port $PORT > "$WORK/load-serve.log" 2>&1 &
  SRV=$!
  sleep 1
  for KIND in typical hostile; do
    for C in 4 16 64; do
      PEAK=0
      ( while kill -0 $SRV 2>/dev/null; do awk '/VmRSS/{print $2}' /proc/$SRV/status; sleep 0.2; done ) > "$WORK/rss.txt" &
      SAMPLER=$!
      wrk -t2 -c"$C" -d"${DURATION}s" --latency -s "$WORK/load-$KIND.lua" "http://127.0.0.1:$PORT" > "$WORK/load-$KIND-$C.txt" 2>&1 || true
      kill $SAMPLER 2>/dev/null || true
      PEAK=$(sort -n "$WORK/rss.txt" | tail -1 | awk '{printf "%.0f", $1/1024}')
      # wrk prints latencies with units; normalise to milliseconds.
      ms() { awk -v p="$1" '$1==p { v=$2; if (v ~ /us$/) { sub("us","",v); v/=1000 } else if (v ~ /ms$/) { sub("ms","",v) } else if (v ~ /s$/) { sub("s","",v); v*=1000 }; printf "%.1f", v }' "$WORK/load-$KIND-$C.txt"; }
      NON2XX=$(awk '/Non-2xx/{print $NF}' "$WORK/load-$KIND-$C.txt"); NON2XX=${NON2XX:-0}
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$DOCS" "$KIND" "$C" \
        "$(awk '/Requests\/sec/{print $2}' "$WORK/load-$KIND-$C.txt")" "$(ms 50%)" "$(ms 99%)" "$NON2XX" "$PEAK" | tee -a "$WORK/load.tsv"
    done
  done
  kill $SRV; wait $SRV 2>/dev/null || true
done
echo
column -t -s $'\t' "$WORK/load.tsv"
