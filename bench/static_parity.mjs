#!/usr/bin/env node
// Compares the static search bundle with /api/search, query by query.
//
// usage: node bench/static_parity.mjs BASE_URL QUERIES_FILE [SIZE]
//   BASE_URL: a running `zhiku serve --prod` of a built site (it serves both
//   /api/search and the static bundle under /search/).
// Runs the theme's own client (search-static.js) under Node, and prints one
// TSV line per query: query, server total, static total, how many of the
// server's top SIZE documents the static top SIZE has, and whether the two
// top-SIZE sets are equal; then one summary line: how many queries have equal
// totals and how many equal sets (tests/browser/counts.mjs, through
// browser::static_search_page_counts_like_the_server_on_a_generated_corpus,
// checks the search page's totals and facets in Chromium).
import { readFileSync } from "node:fs";
import { runInThisContext } from "node:vm";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const [base, queriesFile, sizeArg] = process.argv.slice(2);
if (!base || !queriesFile) {
  console.error("usage: node bench/static_parity.mjs BASE_URL QUERIES_FILE [SIZE]");
  process.exit(2);
}
const size = Number(sizeArg || 10);
const here = dirname(fileURLToPath(import.meta.url));
const realFetch = globalThis.fetch;
globalThis.window = globalThis;
globalThis.fetch = (url, opts) => realFetch(new URL(String(url), base), opts);
// The tables the build generated for this site, then the theme's client.
runInThisContext(await (await realFetch(new URL("/static/js/zhiku-tables.js", base))).text());
runInThisContext(readFileSync(join(here, "../themes/default/static/static/js/search-static.js"), "utf8"));
const client = globalThis.ZhikuStaticSearch;

const queries = readFileSync(queriesFile, "utf8").split("\n").map((s) => s.trim()).filter(Boolean);
let equal = 0;
let equalTotals = 0;
console.log("query\tserver_total\tstatic_total\toverlap\tsame_set");
for (const q of queries) {
  const api = await (await realFetch(new URL(`/api/search?q=${encodeURIComponent(q)}&size=${size}`, base))).json();
  const st = await client.search({ q, size: String(size) });
  const a = new Set(api.hits.map((h) => h.url));
  const s = st.hits.map((h) => h.url);
  const overlap = s.filter((u) => a.has(u)).length;
  const same = overlap === a.size && s.length === a.size;
  if (same) equal++;
  if (api.total === st.total) equalTotals++;
  console.log(`${q}\t${api.total}\t${st.total}\t${overlap}/${a.size}\t${same ? "yes" : "no"}`);
}
console.log(`# ${queries.length} queries: equal totals ${equalTotals}/${queries.length}, equal top-${size} sets ${equal}/${queries.length}`);
