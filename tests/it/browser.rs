//! Drives the portal of the bundled site in headless Chromium
//! (tests/browser/run.mjs, playwright-core): no console errors on any page,
//! and the search page works with the keyboard, highlights and filters.
//!
//! Needs Debian's `chromium`, Node.js and `npm ci --prefix tests/browser`;
//! `.ci/run` installs them. Where they were missing when the tests were
//! built, both tests are compiled as ignored and `cargo test` says so (after
//! installing them, `touch build.rs` to build the tests again).

use crate::common;

use std::path::Path;
use std::process::Command;

use common::http::{get, Server};
use common::{repo_root, SiteTest};
use zhiku::search::engine::SearchEngine;
use zhiku::search::query::{SearchParams, SearchRequest};

fn missing_prerequisite() -> Option<String> {
    if !Path::new("/usr/bin/chromium").exists() {
        return Some("/usr/bin/chromium is not installed (apt-get install chromium)".into());
    }
    if !repo_root()
        .join("tests/browser/node_modules/playwright-core")
        .exists()
    {
        return Some("playwright-core is not installed (npm ci --prefix tests/browser)".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    None
}

/// The tools were there when the tests were built (else the tests are
/// compiled as ignored); they must still be.
pub(crate) fn can_run() -> bool {
    if let Some(why) = missing_prerequisite() {
        panic!("browser test cannot run: {why}");
    }
    true
}

/// Runs a tests/browser script against a base URL; it must report no failure.
pub(crate) fn run_script(script: &str, addr: &str, extra: &[String]) {
    let out = Command::new("node")
        .arg(repo_root().join("tests/browser").join(script))
        .arg(format!("http://{addr}"))
        .args(extra)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs chromium, node and playwright-core (npm ci --prefix tests/browser); .ci/run installs them"
)]
fn portal_and_search_page_in_headless_chromium() {
    if !can_run() {
        return;
    }
    // The production server, as the public sees the portal (no live reload).
    let srv = Server::start_prod(SiteTest::bundled());
    run_script("run.mjs", &srv.addr, &[]);
}

/// A plain static file server (Python's http.server) on a built site: no
/// zhiku process, as on nginx or an object store.
pub(crate) struct StaticServer {
    child: std::process::Child,
    pub(crate) addr: String,
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn static_server(dir: &Path) -> StaticServer {
    use std::io::BufRead;
    let mut child = Command::new("python3")
        .args([
            "-u",
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            "0",
            "--directory",
        ])
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 -m http.server");
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next().expect("http.server prints its port").unwrap();
    // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
    let port = line
        .split(" port ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect(&line)
        .to_string();
    std::thread::spawn(move || for _ in lines {});
    StaticServer {
        child,
        addr: format!("127.0.0.1:{port}"),
    }
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs chromium, node and playwright-core (npm ci --prefix tests/browser); .ci/run installs them"
)]
fn static_search_on_a_plain_file_server() {
    if !can_run() {
        return;
    }
    let site = SiteTest::bundled();
    site.built();
    // The server's totals for queries the bundle answers exactly (no
    // positions needed): single characters, which the index holds only
    // through the bigrams they start, and two-character terms. The page
    // must show the same counts from the bundle alone.
    let engine = SearchEngine::open(&site.root.join("search-index/tantivy")).unwrap();
    // And a query with nothing searchable in it: none, on both sides.
    let totals: serde_json::Map<String, serde_json::Value> =
        ["党", "湖", "号", "治", "居委", "物业", "😀"]
            .into_iter()
            .map(|q| {
                let params = SearchParams {
                    q: Some(q.to_string()),
                    ..Default::default()
                };
                let response = engine
                    .search(&SearchRequest::from_params(&params).unwrap())
                    .unwrap();
                assert_eq!(response.total > 0, q != "😀", "{q}");
                (q.to_string(), response.total.into())
            })
            .collect();
    let srv = static_server(&site.out());
    run_script(
        "static.mjs",
        &srv.addr,
        &[serde_json::Value::Object(totals).to_string()],
    );
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs chromium, node and playwright-core (npm ci --prefix tests/browser); .ci/run installs them"
)]
fn search_assistance_in_chromium_with_the_server_and_without() {
    if !can_run() {
        return;
    }
    // With serve --prod the page asks /api/search; on a plain file server
    // it searches the bundle. The script expects the same answers.
    let srv = Server::start_prod(SiteTest::bundled());
    run_script("assist.mjs", &srv.addr, &[]);
    let plain = static_server(&srv.site.out());
    run_script("assist.mjs", &plain.addr, &[]);
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs chromium, node and playwright-core (npm ci --prefix tests/browser); .ci/run installs them"
)]
fn self_tests_and_the_study_record_on_static_hosting() {
    if !can_run() {
        return;
    }
    let site = SiteTest::bundled();
    site.built();
    let srv = static_server(&site.out());
    run_script(
        "study.mjs",
        &srv.addr,
        &["/training/shuji-lvzhi-01-zhize-dingwei/".to_string()],
    );
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs chromium, node and playwright-core (npm ci --prefix tests/browser); .ci/run installs them"
)]
fn a_handbook_prints_as_a_pdf_with_its_contents_numbered() {
    if !can_run() {
        return;
    }
    let site = SiteTest::bundled();
    site.built();
    let series = "社区党组织书记履职能力培训";
    let html = site.read(&format!("series/{series}/index.html"));
    assert!(html.contains(&format!(
        "href=\"/series/{series}/handbook/\">打印学习手册</a>"
    )));
    let pdf = site.root.join("handbook.pdf");
    let out = site.zhiku(&["print", series, "-o", pdf.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pages = zhiku::extract::pdf::page_texts(&std::fs::read(&pdf).unwrap()).unwrap();
    // Cover, contents, five lessons each from a page of its own, the key.
    assert!(pages.len() >= 8, "{} pages", pages.len());
    assert!(
        pages[0].contains(series) && pages[0].contains("学习手册"),
        "{}",
        pages[0]
    );
    let contents = &pages[1];
    assert!(
        contents.starts_with("目录") || contents.contains("目录"),
        "{contents}"
    );
    let loaded = zhiku::pipeline::load_site(&site.options()).unwrap();
    let lessons = &loaded
        .site
        .series
        .iter()
        .find(|s| s.name == series)
        .unwrap()
        .lessons;
    assert_eq!(lessons.len(), 5);
    let mut last = 2;
    for (n, &j) in lessons.iter().enumerate() {
        let title: String = loaded.site.pages[j]
            .doc
            .front
            .title
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // The page the lesson starts on, as `zhiku print` found it, is
        // printed in the contents after its title (and before the next
        // entry: its number, or the key), and the lesson does start there.
        let page: usize = said
            .split(&format!("第 {} 部分 p.", n + 1))
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("step {} in {said}", n + 1));
        let next = if n + 1 < lessons.len() {
            (n + 2).to_string()
        } else {
            "参考答案".to_string()
        };
        assert!(
            contents.contains(&format!("{title}{page}{next}")),
            "{title}{page}{next} in {contents}"
        );
        assert!(page > last, "{title} on page {page}");
        assert!(
            pages[page - 1].contains(&format!("第{}部分", n + 1)),
            "page {page}: {}",
            pages[page - 1]
        );
        last = page;
    }
    assert!(said.contains("参考答案 p."), "{said}");
    assert!(pages[last..].iter().any(|p| p.contains("参考答案")));
}

/// Large enough that the generated queries find dozens to hundreds of
/// documents each (and that terms of three characters or more meet documents
/// holding their bigrams apart), small enough that generating, building and
/// searching it in Chromium stays well under a minute on two cores.
const CORPUS_DOCS: &str = "400";

/// The benchmark corpus generator, in the `shared/` folder beside the
/// checkout (CI lays a copy there too).
fn corpus_generator() -> std::path::PathBuf {
    let bench = repo_root().join("../shared/bench");
    assert!(
        bench.join("gen_corpus.py").is_file() && bench.join("corpus_model.json").is_file(),
        "{} has no gen_corpus.py and corpus_model.json: this test generates its site with them",
        bench.display()
    );
    bench
}

/// The corpus's queries followed by the Traditional spelling of each that
/// has one, without repeats. The spellings come from the generator's own
/// Simplified -> Traditional table (the one that wrote the corpus's
/// Traditional documents): nothing else on the machine converts that way,
/// and it covers every character the queries are made of.
const TRADITIONAL_VARIANTS: &str = r#"
import json, sys
sys.path.insert(0, sys.argv[1])
import gen_corpus
model = gen_corpus.Model(sys.argv[1] + "/corpus_model.json")
queries = [l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
out = []
for q in queries + [model.to_trad(q) for q in queries]:
    if q not in out:
        out.append(q)
print(json.dumps(out, ensure_ascii=False))
"#;

/// `facets` of an /api/search answer as the search page's panel keys them:
/// the parameter a value sets (`tag`, not `tags`), then value -> count.
fn api_facet_counts(answer: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for (key, values) in answer["facets"].as_object().expect("facets") {
        let counts: serde_json::Map<String, serde_json::Value> = values
            .as_array()
            .expect("facet values")
            .iter()
            .map(|v| (v["value"].as_str().unwrap().to_string(), v["count"].clone()))
            .collect();
        // The page draws no group for a facet without values.
        if !counts.is_empty() {
            let param = if key == "tags" { "tag" } else { key.as_str() };
            out.insert(param.to_string(), counts.into());
        }
    }
    out.into()
}

/// The facet values counted differently, `param/value static/server` (`-`
/// where a side lists no count): whole panels of 30 tags and 30 regions
/// would bury the few values that differ.
fn facet_differences(page: &serde_json::Value, api: &serde_json::Value) -> String {
    let mut keys = std::collections::BTreeSet::new();
    for side in [page, api] {
        for (param, values) in side.as_object().into_iter().flatten() {
            for value in values.as_object().into_iter().flatten().map(|(v, _)| v) {
                keys.insert((param.clone(), value.clone()));
            }
        }
    }
    let count = |side: &serde_json::Value, param: &str, value: &str| match &side[param][value] {
        serde_json::Value::Null => "-".to_string(),
        n => n.to_string(),
    };
    keys.iter()
        .filter_map(|(param, value)| {
            let (s, a) = (count(page, param, value), count(api, param, value));
            (s != a).then(|| format!("{param}/{value} {s}/{a}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs chromium, node and playwright-core (npm ci --prefix tests/browser); .ci/run installs them"
)]
fn static_search_page_counts_like_the_server_on_a_generated_corpus() {
    use serde_json::Value;
    use std::time::Instant;
    if !can_run() {
        return;
    }
    let started = Instant::now();
    let bench = corpus_generator();
    let site = SiteTest::empty();
    let generated = Command::new("python3")
        .arg(bench.join("gen_corpus.py"))
        .args(["--docs", CORPUS_DOCS, "--seed", "1", "--out"])
        .arg(&site.root)
        .output()
        .expect("run gen_corpus.py");
    assert!(
        generated.status.success(),
        "gen_corpus.py: {}",
        String::from_utf8_lossy(&generated.stderr)
    );
    // The portal compared is the one with phrase postings.
    let config = site.root.join("zhiku.yaml");
    let mut yaml = std::fs::read_to_string(&config).unwrap();
    yaml.push_str("\nexact_phrases: true\n");
    std::fs::write(&config, yaml).unwrap();
    let variants = Command::new("python3")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .args(["-c", TRADITIONAL_VARIANTS])
        .arg(&bench)
        .arg(site.root.join("queries.txt"))
        .output()
        .expect("run python3");
    assert!(
        variants.status.success(),
        "Traditional spellings from gen_corpus.Model.to_trad: {}",
        String::from_utf8_lossy(&variants.stderr)
    );
    let mut queries: Vec<String> = serde_json::from_slice(&variants.stdout).unwrap();
    // Longer terms than the corpus's own, checked against phrase positions:
    // without them 城市社区服务 found 7 documents here against the server's 6
    // (every four-character phrase of it occurs, not all side by side).
    queries.extend(["城市社区服务", "社区党组织建设", "党组织开展工作"].map(String::from));
    let listed = std::fs::read_to_string(site.root.join("queries.txt")).unwrap();
    assert!(
        queries.len() > listed.lines().filter(|l| !l.trim().is_empty()).count(),
        "no Traditional spelling added to {listed}"
    );
    let generated_at = started.elapsed();

    // The real binary, as a deployment builds; the server then serves that
    // very output, so both sides read the same index.
    let built = site.zhiku(&["build"]);
    assert!(
        built.status.success(),
        "zhiku build: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let built_at = started.elapsed();
    let srv = Server::start_prod_as_built(site);
    let server: Vec<Value> = queries
        .iter()
        .map(|q| {
            let path = format!(
                "/api/search?q={}",
                percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC)
            );
            let reply = get(&srv.addr, &path);
            assert_eq!(reply.status, 200, "{path}: {}", reply.body);
            let answer: Value = serde_json::from_str(&reply.body).unwrap();
            assert!(
                answer["total"].as_u64().unwrap() > 0,
                "{q}: a query that finds nothing tests nothing"
            );
            answer
        })
        .collect();

    // The same output on a host that knows nothing of zhiku: the page must
    // search the bundle (counts.mjs fails on any request to /api/).
    let plain = static_server(&srv.site.out());
    let base = format!("http://{}", plain.addr);
    let asked = serde_json::to_string(&queries).unwrap();
    let shown = common::node_json_lines("counts.mjs", &[base.as_ref(), asked.as_ref()]);
    assert_eq!(shown.len(), queries.len(), "{shown:?}");

    let mut mismatches = Vec::new();
    let mut same_top = 0;
    println!("query\tserver_total\tstatic_total\tfacets\ttop10_overlap");
    for ((q, api), page) in queries.iter().zip(&server).zip(&shown) {
        assert_eq!(page["q"].as_str(), Some(q.as_str()));
        let api_facets = api_facet_counts(api);
        let same_total = page["total"] == api["total"];
        let same_facets = page["facets"] == api_facets;
        let api_top: std::collections::BTreeSet<&str> = api["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h["url"].as_str())
            .collect();
        let page_top: std::collections::BTreeSet<&str> = page["top"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if api_top == page_top {
            same_top += 1;
        }
        println!(
            "{q}\t{}\t{}\t{}\t{}/{}",
            api["total"],
            page["total"],
            if same_facets { "same" } else { "differ" },
            api_top.intersection(&page_top).count(),
            api_top.len()
        );
        let problems = page["problems"].as_array().unwrap();
        if !(same_total && same_facets && problems.is_empty()) {
            let mut why = format!(
                "{q}: total static {} vs server {}",
                page["total"], api["total"]
            );
            if !same_facets {
                why += &format!(
                    "\n    facets (static/server): {}",
                    facet_differences(&page["facets"], &api_facets)
                );
            }
            if !problems.is_empty() {
                why += &format!("\n    page problems: {problems:?}");
            }
            if page["total"].is_null() {
                why += &format!("\n    status line: {}", page["status"]);
            }
            mismatches.push(why);
        }
    }
    println!(
        "# {} queries ({CORPUS_DOCS} documents): {} with the server's total and facets, \
         {same_top} with its top-10 set; generated in {:.1} s, built in {:.1} s, all in {:.1} s",
        queries.len(),
        queries.len() - mismatches.len(),
        generated_at.as_secs_f64(),
        (built_at - generated_at).as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} queries counted differently on the static page than by /api/search:\n{}",
        mismatches.len(),
        queries.len(),
        mismatches.join("\n")
    );
}
