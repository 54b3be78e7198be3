# Sourced by the bench scripts: `bench_site DOCS` sets CORPUS (the generated corpus, made once
# with ../shared/bench/gen_corpus.py, seed 1) and SITE (a zhiku site around it) under $WORK.
bench_site() {
  CORPUS=$WORK/corpus-$1
  [ -d "$CORPUS/content" ] || python3 "$SHARED/gen_corpus.py" --docs "$1" --seed 1 --out "$CORPUS" >/dev/null
  SITE=$WORK/site-$1
  mkdir -p "$SITE"
  ln -sfn "$CORPUS/content" "$SITE/content"
  ln -sfn "$ROOT/themes" "$SITE/themes"
  printf 'title: 基准站\nbase_url: http://127.0.0.1:8080\n' > "$SITE/zhiku.yaml"
}
