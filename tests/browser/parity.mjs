// Runs the theme's static search client (search-static.js, with the
// zhiku-tables.js the build generated) under Node against a built output
// folder, without a browser or a server, and prints one JSON line per
// query: the client's whole response, or {"error": ...}.
//
//   node tests/browser/parity.mjs PUBLIC_DIR QUERIES_JSON
//
// QUERIES_JSON is a JSON array of parameter objects, as for /api/search;
// {"complete": PREFIX} asks for completions instead (as /api/suggest), and
// with "repeat": N also times N more calls ("each_ms").
// Files are looked up under PUBLIC_DIR after the site's base path.
import { readFileSync, existsSync } from "node:fs";
import { runInThisContext } from "node:vm";
import { join } from "node:path";

const [dir, queriesJson] = process.argv.slice(2);
if (!dir || !queriesJson) {
  console.error("usage: node tests/browser/parity.mjs PUBLIC_DIR QUERIES_JSON");
  process.exit(2);
}
globalThis.window = globalThis;
// The client must fetch under the site's base path (a site published in a
// sub-path): anything else is a 404, as on the real web server.
let base = "";
globalThis.fetch = async (url) => {
  let local = decodeURIComponent(String(url).split("?")[0]);
  if (base) {
    if (!local.startsWith(base + "/")) return { ok: false, status: 404 };
    local = local.slice(base.length);
  }
  const path = join(dir, local);
  if (!existsSync(path)) return { ok: false, status: 404 };
  const bytes = readFileSync(path);
  return {
    ok: true,
    status: 200,
    json: async () => JSON.parse(bytes.toString("utf8")),
    text: async () => bytes.toString("utf8"),
    arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
  };
};
runInThisContext(readFileSync(join(dir, "static/js/zhiku-tables.js"), "utf8"));
base = globalThis.ZhikuTables.base_path || "";
runInThisContext(readFileSync(join(dir, "static/js/search-static.js"), "utf8"));
for (const params of JSON.parse(queriesJson)) {
  try {
    const engine = globalThis.ZhikuStaticSearch;
    const answer = "complete" in params ? await engine.complete(params.complete) : await engine.search(params);
    if (answer && answer.facets) {
      // Tags and regions may be counted after the results: what the page
      // shows once they arrive, and which ones came later.
      const first = Object.keys(answer.facets);
      if (typeof answer.more_facets === "function") answer.facets = await answer.more_facets();
      answer.counted_after_results = Object.keys(answer.facets).filter((k) => !first.includes(k));
    }
    if (params.repeat > 0) {
      // For bench/completion.sh: the time of one more call, the table loaded.
      const started = performance.now();
      for (let i = 0; i < params.repeat; i++) await engine.complete(params.complete);
      answer.each_ms = (performance.now() - started) / params.repeat;
    }
    console.log(JSON.stringify(answer));
  } catch (err) {
    console.log(JSON.stringify({ error: String(err && err.message), type: err && err.type }));
  }
}
