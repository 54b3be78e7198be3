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

use common::http::Server;
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
