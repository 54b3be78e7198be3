#!/usr/bin/env bash
# The cost of attachments: the same corpus built without and with one
# attachment per document (bench/make_attachments.py), cold (no previous
# output, no text cache) and warm (the text cache and the recycled output
# of the build before), with the sizes of the static bundle and the index.
#
#   bench/attachments.sh CONTENT_DIR [N]    # e.g. /tmp/corpus1k/content 1000
set -euo pipefail
cd "$(dirname "$0")/.."
content=${1:?usage: bench/attachments.sh CONTENT_DIR [N]}
n=${2:-1000}
cargo build --release --quiet
bin=$PWD/target/release/zhiku
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for variant in plain attached; do
  mkdir -p "$work/$variant"
  cp -rL "$content" "$work/$variant/content"
  ln -s "$PWD/themes" "$work/$variant/themes"
  printf 'title: 基准站\nbase_url: http://127.0.0.1:8080\n' > "$work/$variant/zhiku.yaml"
done
python3 bench/make_attachments.py "$work/attached/content" "$n"
printf 'variant\tbuild\twall_s\tmax_rss_kb\tbundle_bytes\tindex_bytes\n'
for variant in plain attached; do
  for run in cold warm; do
    /usr/bin/time -o "$work/time" -f '%e\t%M' "$bin" build --root "$work/$variant" >/dev/null 2>&1
    stats=$(tail -1 "$work/time")
    bundle=$(du -sb "$work/$variant/public/search" | cut -f1)
    index=$(du -sbL "$work/$variant/search-index/tantivy" | cut -f1)
    printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "$run" "$stats" "$bundle" "$index"
  done
done
