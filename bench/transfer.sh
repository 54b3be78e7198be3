#!/usr/bin/env bash
# Bytes on the wire and requests per second for `zhiku serve --prod` on the
# bundled site: each encoding (identity, gzip and br compressed on request,
# then cached) and a revalidation answered 304. Needs curl and wrk.
#
#   bench/transfer.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8790}
cargo build --release --quiet
site=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$site"' EXIT
cp -r content zhiku.yaml "$site"/
ln -s "$PWD/themes" "$site/themes"
target/release/zhiku build --root "$site" >/dev/null
target/release/zhiku serve --prod --root "$site" --port "$port" >/dev/null 2>&1 &
server=$!
sleep 1
url=http://127.0.0.1:$port
printf 'path\tencoding\tbytes\n'
for path in / /search/ /static/css/style.css /static/js/search.js; do
  for encoding in identity gzip br; do
    bytes=$(curl -s -o /dev/null -w '%{size_download}' -H "Accept-Encoding: $encoding" "$url$path")
    printf '%s\t%s\t%s\n' "$path" "$encoding" "$bytes"
  done
done
etag=$(curl -sI -H 'Accept-Encoding: br' "$url/" | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}')
for case in identity br revalidate; do
  headers=(-H "Accept-Encoding: ${case/revalidate/br}")
  [ "$case" = revalidate ] && headers+=(-H "If-None-Match: $etag")
  printf '%s: ' "$case"
  wrk -t2 -c32 -d10s "${headers[@]}" "$url/" | awk '/Requests\/sec|Transfer\/sec/ {printf "%s %s  ", $1, $2} END {print ""}'
done
