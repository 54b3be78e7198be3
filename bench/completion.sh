#!/usr/bin/env bash
# Search assistance at scale: the size of the tables the browser fetches
# (assist.json, the complete/ shards), the build time it costs, and how long a completion takes on the
# server (/api/suggest) and in the browser's static client (under Node).
#
#   bench/completion.sh SITE [PORT]     # SITE: a site root, e.g. /tmp/site10k
set -euo pipefail
cd "$(dirname "$0")/.."
site=${1:?usage: bench/completion.sh SITE [PORT]}
port=${2:-8793}
cargo build --release --quiet
bin=$PWD/target/release/zhiku
"$bin" build --root "$site" --timings 2>&1 | grep -E "search assistance|built"
assist="$site/public/search/assist.json"
printf 'assist.json: %s bytes, %s gzip (level 6)\n' "$(stat -c %s "$assist")" "$(gzip -6 -c "$assist" | wc -c)"
# The completion candidates: a prefix fetches one or two of these shards.
for f in "$site"/public/search/complete/*.json; do gzip -6 -c "$f" | wc -c; done | sort -n |
  awk '{a[NR]=$1; t+=$1} END {printf "complete/: %d shards, %d bytes gzip in all; per shard median %d, largest %d\n", NR, t, a[int((NR+1)/2)], a[NR]}'
"$bin" serve --prod --root "$site" --port "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 2
prefixes=(liud dj 党建 社区 x 江组发)
for p in "${prefixes[@]}"; do
  q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$p")
  printf '/api/suggest?q=%s: ' "$p"
  wrk -t1 -c1 -d5s "http://127.0.0.1:$port/api/suggest?q=$q" | awk '/Latency/ {printf "mean %s  ", $2} /Requests\/sec/ {print $2 " req/s"}'
done
queries=$(python3 -c 'import json, sys; print(json.dumps([{"complete": p, "repeat": 200} for p in sys.argv[1:]]))' "${prefixes[@]}")
node tests/browser/parity.mjs "$site/public" "$queries" |
  python3 -c 'import json, sys
for line, p in zip(sys.stdin, sys.argv[1:]):
    print("static complete(%s): %.2f ms" % (p, json.loads(line)["each_ms"]))' "${prefixes[@]}"
