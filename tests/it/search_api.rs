//! `/api/search` over HTTP and `zhiku search` on the command line.

use crate::common;

use common::http::{get, Server};
use common::SiteTest;

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[test]
fn api_answers_queries_with_hits_snippets_and_facets() {
    let srv = Server::start(SiteTest::fixture("search"));
    let r = get(
        &srv.addr,
        "/api/search?q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A&size=5",
    ); // 红色物业
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.head.contains("content-type: application/json"));
    let v = json(&r.body);
    assert_eq!(v["total"], 2);
    let policy = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["url"] == "/policies/hongse-wuye/")
        .expect("policy hit");
    assert_eq!(policy["doc_number"], "江组发〔2019〕12号");
    assert_eq!(policy["status_label"], "现行有效");
    assert!(policy["snippet"]
        .as_str()
        .unwrap()
        .contains("<mark>红色物业</mark>"));
    assert!(policy["title_html"]
        .as_str()
        .unwrap()
        .contains("<mark>红色物业</mark>"));
    assert!(v["took_ms"].is_number());
    let kinds: Vec<_> = v["facets"]["kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["value"].as_str().unwrap(), k["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(kinds, [("policy", 1), ("case", 1)]);
    for facet in ["kind", "tags", "region", "status", "year"] {
        assert!(v["facets"][facet].is_array(), "{facet}");
    }
    let filtered = json(
        &get(
            &srv.addr,
            "/api/search?q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A&kind=case",
        )
        .body,
    );
    assert_eq!(filtered["total"], 1);
    assert_eq!(filtered["hits"][0]["kind_label"], "典型案例");
}

#[test]
fn bad_parameters_get_400_never_500() {
    let srv = Server::start(SiteTest::fixture("search"));
    let long_q = "%E5%85%9A".repeat(257);
    let refused = [
        ("/api/search?q=a&size=51", "size"),
        ("/api/search?size=abc", "size"),
        ("/api/search?page=0", "page"),
        ("/api/search?page=-1", "page"),
        ("/api/search?page=99999999999999999999999", "page"),
        ("/api/search?kind=news", "kind"),
        ("/api/search?status=valid", "status"),
        ("/api/search?from=2020-13", "from"),
        ("/api/search?to=yesterday", "to"),
        ("/api/search?from=2022&to=2020", "from"),
        ("/api/search?sort=title", "sort"),
    ];
    for (path, param) in refused {
        let r = get(&srv.addr, path);
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        let v = json(&r.body);
        assert_eq!(v["param"], param, "{path}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let r = get(&srv.addr, &format!("/api/search?q={long_q}"));
    assert_eq!(r.status, 400);
    assert_eq!(json(&r.body)["param"], "q");
    // Odd but harmless input is answered; nothing is a 500.
    for q in [
        "%22",
        "%22%22%22",
        "-",
        "--",
        "-%22",
        "((",
        "%E3%80%8C",
        "%00",
        "%EF%BF%BF",
        "*",
        "a%20OR%20b",
        "%5B%5D",
        "%ff",
        "q&q=2",
        "%E5%85%9A&tag=a&tag=b",
    ] {
        let r = get(&srv.addr, &format!("/api/search?q={q}"));
        assert!(
            r.status == 200 || r.status == 400,
            "q={q}: {} {}",
            r.status,
            r.body
        );
        json(&r.body);
    }
    let empty = json(&get(&srv.addr, "/api/search?q=").body);
    assert_eq!(empty["total"], 7, "no words: everything, newest first");
    assert_eq!(empty["hits"][0]["date"], "2024-04-09");
    let post = common::http::request(
        &srv.addr,
        "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);
}

#[test]
fn cli_json_is_the_api_json() {
    let site = SiteTest::fixture("search");
    let srv = Server::start(SiteTest::fixture("search"));
    site.built();
    let cli = site.zhiku(&[
        "search",
        "社区",
        "--kind",
        "experience",
        "--sort",
        "date",
        "--limit",
        "3",
        "--json",
    ]);
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let mut from_cli = json(&String::from_utf8_lossy(&cli.stdout));
    let mut from_api = json(
        &get(
            &srv.addr,
            "/api/search?q=%E7%A4%BE%E5%8C%BA&kind=experience&sort=date&size=3",
        )
        .body,
    );
    from_cli["took_ms"] = 0.into();
    from_api["took_ms"] = 0.into();
    assert_eq!(from_cli, from_api);

    let text = site.zhiku(&["search", "志愿服务队"]);
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("/experiences/trad/"), "{out}");
    assert!(
        !out.contains("<mark>"),
        "plain text when not a terminal: {out}"
    );
    let bad = site.zhiku(&["search", "x", "--limit", "51"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--size"));
}
