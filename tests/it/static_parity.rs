//! The browser's static search (search-static.js reading the bundle, with
//! the tables the build generated) answers like the server: for queries the
//! bundle can answer exactly, the same total, the same top ten in the same
//! order with the same labels, and the same facet counts. Runs the client
//! under Node on a built site; no browser, no server.

use serde_json::{json, Value};

use crate::common::{node_json_lines, SiteTest};
use zhiku::search::engine::SearchEngine;
use zhiku::search::query::{SearchParams, SearchRequest};

/// Terms of one to four characters, Traditional spellings, exclusions,
/// filters, a 文号: the bundled site has phrase postings (`exact_phrases`),
/// which decide a term of up to four characters exactly as the server
/// does; a longer term is checked against the positions of the phrases
/// that cover it (社区党组织 found 22 against the server's 19 here before
/// they were; docs/static-search.md).
fn queries() -> Vec<Value> {
    let q = |q: &str| json!({ "q": q });
    vec![
        q("党组织"),
        q("黨組織"),
        q("网格员"),
        q("党员干部"),
        q("服务 -党组织"),
        q("2024年"),
        q("党"),
        q("社区"),
        q("居委"),
        q("党建 社区"),
        q("物业"),
        q("網格"),
        q("服务 -物业"),
        json!({ "q": "社区", "kind": "policy" }),
        json!({ "q": "党员", "sort": "date" }),
        json!({ "q": "党", "page": "2" }),
        json!({ "q": "工作", "status": "current" }),
        json!({ "q": "", "kind": "case" }),
        json!({ "q": "", "from": "2019", "to": "2021" }),
        json!({ "q": "社区", "tag": "组织建设" }),
        json!({ "q": "", "region": "江城市" }),
    ]
}

/// Terms of five characters or more, checked against phrase positions:
/// the same documents, total and facets. Not the same order: the server
/// adds a score for the words jieba cuts from the term (社区 and 党组织)
/// when a title or heading holds them all, and the browser has no jieba;
/// it scores the term whole (docs/static-search.md).
fn counted_queries() -> Vec<Value> {
    ["社区党组织", "党群服务中心", "网格化管理"]
        .into_iter()
        .map(|q| json!({ "q": q }))
        .collect()
}

fn params(v: &Value) -> SearchParams {
    let get = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    SearchParams {
        q: get("q"),
        kind: get("kind"),
        tag: get("tag"),
        region: get("region"),
        issuer: get("issuer"),
        status: get("status"),
        from: get("from"),
        to: get("to"),
        sort: get("sort"),
        page: get("page"),
        size: get("size"),
    }
}

/// What must agree: total, the hits in order with their labels, the facets.
fn comparable(response: &Value) -> Value {
    let hits: Vec<Value> = response["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|h| json!([h["url"], h["kind_label"], h["status_label"], h["date"]]))
                .collect()
        })
        .unwrap_or_default();
    json!({ "total": response["total"], "hits": hits, "facets": response["facets"] })
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs node (npm ci --prefix tests/browser); .ci/run installs it"
)]
fn static_search_ranks_and_counts_like_the_server() {
    let site = SiteTest::bundled();
    let report = site.build().unwrap();
    let engine = SearchEngine::open(report.index_dir.as_ref().unwrap()).unwrap();
    let ranked = queries();
    let queries: Vec<Value> = ranked.iter().cloned().chain(counted_queries()).collect();
    let answers = static_answers(&site.out(), &queries);
    assert_eq!(answers.len(), queries.len());
    let mut differing = Vec::new();
    for (n, (query, answer)) in queries.iter().zip(&answers).enumerate() {
        let request = SearchRequest::from_params(&params(query)).unwrap();
        let server = serde_json::to_value(engine.search(&request).unwrap()).unwrap();
        assert!(
            server["total"].as_u64().unwrap() > 0,
            "{query}: a query that finds nothing tests nothing"
        );
        let (server, answer) = if n < ranked.len() {
            (comparable(&server), comparable(answer))
        } else {
            let counts = |r: &Value| json!({ "total": r["total"], "facets": r["facets"] });
            (counts(&server), counts(answer))
        };
        if server != answer {
            differing.push(format!("{query}\n  server: {server}\n  static: {answer}"));
        }
    }
    assert!(differing.is_empty(), "{}", differing.join("\n"));
    // The tag and region lists grow with the site: the first query shows
    // its results without them and counts them after; the lists are then
    // kept, and later queries count them at once.
    let later = |a: &Value| {
        let mut keys: Vec<String> = a["counted_after_results"]
            .as_array()
            .unwrap_or_else(|| panic!("no counted_after_results in {a}"))
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(later(&answers[0]), ["region", "tags"]);
    for a in &answers[1..] {
        assert!(later(a).is_empty(), "{a}");
    }
    // Filtering by a tag on a fresh page needs the tag lists before the
    // results: they are fetched at once and counted with them.
    let by_tag = json!({ "q": "社区", "tag": "组织建设" });
    let fresh = static_answers(&site.out(), std::slice::from_ref(&by_tag));
    let request = SearchRequest::from_params(&params(&by_tag)).unwrap();
    let server = serde_json::to_value(engine.search(&request).unwrap()).unwrap();
    assert_eq!(comparable(&fresh[0]), comparable(&server));
    assert_eq!(later(&fresh[0]), ["region"]);
}

/// Runs the static client under Node on a built output folder: one answer
/// per query (or `{"complete": prefix}`).
fn static_answers(out: &std::path::Path, queries: &[Value]) -> Vec<Value> {
    let queries = serde_json::to_string(queries).unwrap();
    node_json_lines("parity.mjs", &[out.as_os_str(), queries.as_ref()])
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs node (npm ci --prefix tests/browser); .ci/run installs it"
)]
fn static_search_assists_like_the_server() {
    let site = SiteTest::bundled();
    let report = site.build().unwrap();
    let engine = SearchEngine::open(report.index_dir.as_ref().unwrap()).unwrap();
    // (query, whether every term searched is one or two characters, so the
    // bundle must also find exactly the same documents)
    let cases = [
        ("dangyuan", true),
        ("hongse wuye", true),
        ("liudongdangyuan", false),
        ("sqdj", false),
        ("两新组织", false),
        ("流动党圆", false),
        ("红色物页", false),
        ("hongsewuyee", false),
        ("党员", true),
    ];
    let queries: Vec<Value> = cases.iter().map(|(q, _)| json!({ "q": q })).collect();
    let answers = static_answers(&site.out(), &queries);
    let mut differing = Vec::new();
    for ((query, exact), answer) in cases.iter().zip(&answers) {
        let request = SearchRequest::from_params(&params(&json!({ "q": query }))).unwrap();
        let server = serde_json::to_value(engine.search(&request).unwrap()).unwrap();
        let assisted = |r: &Value| json!([r["expanded"], r["also"], r["suggestion"]]);
        if assisted(&server) != assisted(answer)
            || (*exact && comparable(&server) != comparable(answer))
        {
            differing.push(format!(
                "{query}\n  server: {} {}\n  static: {} {}",
                assisted(&server),
                comparable(&server),
                assisted(answer),
                comparable(answer)
            ));
        }
    }
    assert!(differing.is_empty(), "{}", differing.join("\n"));

    // From the `complete/` shards: a prefix's first character, a Latin
    // prefix's first letter (tone marks too), a Traditional prefix folded.
    let prefixes = [
        "liud",
        "流动",
        "dy",
        "红色",
        "紅色",
        "Dǎngyuán",
        "江组发",
        "x",
        "",
    ];
    let queries: Vec<Value> = prefixes.iter().map(|p| json!({ "complete": p })).collect();
    let answers = static_answers(&site.out(), &queries);
    for (prefix, answer) in prefixes.iter().zip(&answers) {
        let server = json!({ "suggestions": engine.index().assist().complete(prefix) });
        assert_eq!(&server, answer, "completions of {prefix:?}");
    }
}
