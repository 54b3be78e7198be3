//! A site published under a sub-path (`http://example.gov.cn/dangjian/`,
//! a column under an existing government domain): every URL the build
//! writes lives under that path and leads to a file of the output, the
//! browser's static search finds its bundle there, and `serve --prod`
//! serves the site there.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::http::{get, Server};
use crate::common::SiteTest;

const BASE: &str = "/dangjian";

fn sub_path_site() -> SiteTest {
    let site = SiteTest::bundled();
    let config = std::fs::read_to_string(site.root.join("zhiku.yaml")).unwrap();
    let config: String = config
        .lines()
        .map(|l| {
            if l.starts_with("base_url:") {
                "base_url: http://example.gov.cn/dangjian/".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    site.write("zhiku.yaml", &config);
    site
}

/// Every `href`, `src` and `action` value of an HTML or SVG text.
fn urls_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "action=\""] {
        let mut rest = text;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(crate::common::unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// The output file a site URL names, if there is one.
fn target_exists(out: &Path, url: &str) -> bool {
    let path = url.split(['#', '?']).next().unwrap_or("");
    let rel = path
        .strip_prefix(BASE)
        .unwrap_or(path)
        .trim_start_matches('/');
    let rel = percent_encoding::percent_decode_str(rel).decode_utf8_lossy();
    let file = out.join(rel.as_ref());
    file.is_file() || file.join("index.html").is_file()
}

#[test]
fn every_url_of_a_sub_path_site_lives_under_its_path_and_resolves() {
    let site = sub_path_site();
    site.built();
    let out = site.out();
    let mut outside = BTreeSet::new();
    let mut broken = BTreeSet::new();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        let path = entry.path();
        let is_markup = path
            .extension()
            .is_some_and(|e| e == "html" || e == "svg" || e == "xml");
        if !entry.file_type().is_file() || !is_markup {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let page = path.strip_prefix(&out).unwrap().display().to_string();
        for url in urls_in(&text) {
            let local = url
                .strip_prefix("http://example.gov.cn")
                .unwrap_or(&url)
                .to_string();
            if !local.starts_with('/') || local.starts_with("//") {
                continue;
            }
            checked += 1;
            if !local.starts_with(&format!("{BASE}/")) {
                outside.insert(format!("{page}: {url}"));
            } else if !target_exists(&out, &local) {
                broken.insert(format!("{page}: {url}"));
            }
        }
    }
    assert!(checked > 1000, "only {checked} URLs checked");
    assert!(outside.is_empty(), "URLs outside {BASE}/: {outside:#?}");
    assert!(broken.is_empty(), "broken URLs: {broken:#?}");

    let tables = site.read("static/js/zhiku-tables.js");
    assert!(tables.contains("\"search_root\":\"/dangjian/search/\""));
    assert!(tables.contains("\"base_path\":\"/dangjian\""));
    let graph: serde_json::Value = serde_json::from_str(&site.read("graph.json")).unwrap();
    assert!(graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["id"].as_str().unwrap().starts_with("/dangjian/")));
    let feed = site.read("atom.xml");
    assert!(feed.contains("<link href=\"http://example.gov.cn/dangjian/policies/"));
}

#[test]
fn serve_prod_serves_a_sub_path_site_under_its_path() {
    let srv = Server::start_prod(sub_path_site());
    let root = get(&srv.addr, "/");
    assert_eq!(root.status, 301, "{}", root.head);
    assert!(
        root.head.contains("location: /dangjian/\r\n"),
        "{}",
        root.head
    );
    let home = get(&srv.addr, "/dangjian/");
    assert_eq!(home.status, 200);
    assert!(home.head.contains("x-zhiku-search: /dangjian/api/search"));
    assert!(home
        .body
        .contains("href=\"/dangjian/static/css/style.css?v="));
    let section = get(&srv.addr, "/dangjian/policies");
    assert_eq!(section.status, 301);
    assert!(
        section.head.contains("location: /dangjian/policies/\r\n"),
        "{}",
        section.head
    );
    assert_eq!(get(&srv.addr, "/policies/").status, 404);
    let api = get(&srv.addr, "/dangjian/api/search?q=%E5%85%9A"); // 党
    assert_eq!(api.status, 200);
    let answer: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(answer["total"].as_u64().unwrap() > 0);
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs node (npm ci --prefix tests/browser); .ci/run installs it"
)]
fn static_search_of_a_sub_path_site_fetches_its_bundle_there() {
    let site = sub_path_site();
    site.built();
    let answers = crate::common::node_json_lines(
        "parity.mjs",
        &[
            site.out().as_os_str(),
            r#"[{"q": "党"}, {"q": "红色物业"}]"#.as_ref(),
        ],
    );
    assert_eq!(answers.len(), 2);
    for answer in answers {
        assert!(
            answer["total"].as_u64().is_some_and(|t| t > 0),
            "no hits (the bundle fetched outside /dangjian/?): {answer}"
        );
    }
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs chromium, node and playwright-core (npm ci --prefix tests/browser); .ci/run installs them"
)]
fn static_search_of_a_sub_path_site_works_in_chromium_on_a_plain_file_server() {
    use crate::browser::{can_run, run_script, static_server};
    if !can_run() {
        return;
    }
    let site = sub_path_site();
    site.built();
    // The file server's root holds the site at dangjian/, as a web server
    // whose document root has the column in a folder.
    let docroot = site.root.join("docroot");
    std::fs::create_dir(&docroot).unwrap();
    std::os::unix::fs::symlink(site.out(), docroot.join("dangjian")).unwrap();
    let srv = static_server(&docroot);
    run_script("subpath.mjs", &format!("{}/dangjian/", srv.addr), &[]);
}

#[test]
fn serve_prod_answers_health_checks_and_writes_an_access_log() {
    let site = sub_path_site();
    let log = site.root.join("access.log");
    let log_arg = log.display().to_string();
    let srv = Server::start_prod_with(site, &["--access-log", &log_arg]);
    let health = get(&srv.addr, "/dangjian/healthz");
    assert_eq!(health.status, 200, "{}", health.body);
    let health: serde_json::Value = serde_json::from_str(&health.body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["index"], true);
    assert!(health["documents"].as_u64().unwrap() > 20, "{health}");
    assert!(health["built"].as_str().is_some());
    assert_eq!(get(&srv.addr, "/dangjian/no-such-page/").status, 404);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // client - - [01/Dec/2026:18:40:00 +0000] "GET /dangjian/healthz HTTP/1.1" 200 87
    assert!(lines[0].starts_with("127.0.0.1 - - ["), "{text}");
    assert!(
        lines[0].contains("] \"GET /dangjian/healthz HTTP/1.1\" 200 "),
        "{text}"
    );
    let bytes: u64 = lines[0].rsplit(' ').next().unwrap().parse().unwrap();
    assert!(bytes > 20, "{text}");
    assert!(
        lines[1].contains("\"GET /dangjian/no-such-page/ HTTP/1.1\" 404 "),
        "{text}"
    );
}

fn decompressed(encoding: &str, bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match encoding {
        "gzip" => {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut out)
                .unwrap();
        }
        "br" => {
            brotli::Decompressor::new(bytes, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        _ => out.extend_from_slice(bytes),
    }
    out
}

/// GET with an `Accept-Encoding`; the head (lower case) and the raw body.
fn get_encoded(addr: &str, path: &str, accept: &str) -> (String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    (head, raw[split + 4..].to_vec())
}

#[test]
fn precompressed_files_are_written_kept_when_unchanged_and_served() {
    let site = SiteTest::fixture("search");
    let opts = zhiku::BuildOptions {
        precompress: true,
        ..site.options()
    };
    zhiku::build(&opts).unwrap();
    let out = site.out();
    let home = std::fs::read(out.join("index.html")).unwrap();
    for (suffix, encoding) in [(".gz", "gzip"), (".br", "br")] {
        let packed = std::fs::read(out.join(format!("index.html{suffix}"))).unwrap();
        assert!(packed.len() < home.len() / 2, "{suffix} compresses");
        assert_eq!(decompressed(encoding, &packed), home, "{suffix}");
    }
    let robots = std::fs::metadata(out.join("robots.txt")).unwrap();
    assert!(robots.len() < 1024 && !out.join("robots.txt.gz").exists());

    // A rebuild reuses the output before last (see output::Staging): it
    // keeps that output's compressed copies of unchanged files and renews
    // those of changed ones.
    let untouched = out.join("cases/fullwidth/index.html.br");
    let before = std::fs::metadata(&untouched).unwrap().modified().unwrap();
    zhiku::build(&opts).unwrap();
    let doc = site.root.join("content/experiences/simplified.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, text.replace("全年坚持", "全年坚持不懈")).unwrap();
    zhiku::build(&opts).unwrap();
    assert_eq!(
        std::fs::metadata(&untouched).unwrap().modified().unwrap(),
        before
    );
    let page = std::fs::read(out.join("experiences/simplified/index.html")).unwrap();
    let packed = std::fs::read(out.join("experiences/simplified/index.html.gz")).unwrap();
    assert_eq!(decompressed("gzip", &packed), page);
    assert!(String::from_utf8_lossy(&page).contains("全年坚持不懈"));

    let srv = Server::start_prod_as_built(site);
    let home = std::fs::read(srv.site.out().join("index.html")).unwrap();
    for (accept, encoding) in [
        ("gzip, deflate, br", Some("br")),
        ("gzip", Some("gzip")),
        ("br;q=0, gzip", Some("gzip")),
        ("identity", None),
    ] {
        let (head, body) = get_encoded(&srv.addr, "/", accept);
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(head.contains("vary: accept-encoding"), "{head}");
        match encoding {
            Some(e) => assert!(
                head.contains(&format!("content-encoding: {e}\r\n")),
                "{accept}: {head}"
            ),
            None => assert!(!head.contains("content-encoding"), "{head}"),
        }
        assert!(head.contains("content-type: text/html"), "{head}");
        assert_eq!(
            decompressed(encoding.unwrap_or(""), &body),
            home,
            "{accept}"
        );
    }
}

/// The value of a header in a lower-cased head.
fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .map(str::trim)
}

fn get_with(addr: &str, path: &str, extra: &str) -> crate::common::http::Reply {
    crate::common::http::request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n"),
    )
}

#[test]
fn responses_carry_validators_answer_304_and_fingerprinted_assets_are_kept() {
    let srv = Server::start_prod(SiteTest::fixture("search"));
    let out = srv.site.out();
    let home = get(&srv.addr, "/");
    assert_eq!(header(&home.head, "cache-control"), Some("no-cache"));
    let etag = header(&home.head, "etag").expect("etag").to_string();
    assert!(
        header(&home.head, "last-modified").is_some(),
        "{}",
        home.head
    );

    // The stylesheet's URL carries the CRC-32 of the file the build wrote,
    // and under that URL it may be kept for a year.
    let css = std::fs::read(out.join("static/css/style.css")).unwrap();
    let fingerprinted = format!("/static/css/style.css?v={:08x}", crc32fast::hash(&css));
    assert!(
        home.body.contains(&format!("href=\"{fingerprinted}\"")),
        "{fingerprinted} not linked"
    );
    let asset = get(&srv.addr, &fingerprinted);
    assert_eq!(asset.status, 200);
    assert_eq!(
        header(&asset.head, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let unversioned = get(&srv.addr, "/static/css/style.css");
    assert_eq!(header(&unversioned.head, "cache-control"), Some("no-cache"));

    // Conditional requests: the same version is 304 with no body.
    let again = get_with(&srv.addr, "/", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!(again.status, 304, "{}", again.head);
    assert!(again.body.is_empty());
    assert_eq!(header(&again.head, "etag"), Some(etag.as_str()));
    let weak = get_with(
        &srv.addr,
        "/",
        &format!("If-None-Match: \"x\", W/{etag}\r\n"),
    );
    assert_eq!(weak.status, 304);
    let other = get_with(&srv.addr, "/", "If-None-Match: \"other\"\r\n");
    assert_eq!(other.status, 200);
    let modified = std::fs::metadata(out.join("index.html"))
        .unwrap()
        .modified()
        .unwrap();
    let since = httpdate::fmt_http_date(modified);
    let fresh = get_with(&srv.addr, "/", &format!("If-Modified-Since: {since}\r\n"));
    assert_eq!(fresh.status, 304, "{}", fresh.head);
    let stale = get_with(
        &srv.addr,
        "/",
        "If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT\r\n",
    );
    assert_eq!(stale.status, 200);

    // No precompressed copies in this build: the server compresses, keeps
    // the result, and gives each encoding its own validator.
    assert!(!out.join("index.html.gz").exists());
    let page = std::fs::read(out.join("index.html")).unwrap();
    let mut tags = BTreeSet::from([etag.clone()]);
    for encoding in ["br", "gzip"] {
        let (head, first) = get_encoded(&srv.addr, "/", encoding);
        assert!(
            head.contains(&format!("content-encoding: {encoding}\r\n")),
            "{head}"
        );
        assert_eq!(decompressed(encoding, &first), page, "{encoding}");
        let (_, second) = get_encoded(&srv.addr, "/", encoding);
        assert_eq!(first, second);
        tags.insert(header(&head, "etag").unwrap().to_string());
    }
    assert_eq!(tags.len(), 3, "one validator per representation: {tags:?}");
    // Small files and images go as they are.
    let (head, _) = get_encoded(&srv.addr, "/robots.txt", "gzip");
    assert!(!head.contains("content-encoding"), "{head}");
}

/// The head of a response whose body does not end (an event stream).
fn head_only(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 1024];
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed before the head ended");
        raw.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&raw).to_ascii_lowercase()
}

#[test]
fn the_live_preview_runs_under_the_sub_path_too() {
    let srv = Server::start(sub_path_site());
    let root = get(&srv.addr, "/");
    assert_eq!(root.status, 301);
    assert!(
        root.head.contains("location: /dangjian/\r\n"),
        "{}",
        root.head
    );
    let home = get(&srv.addr, "/dangjian/");
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains("src=\"/dangjian/__zhiku/live.js\""),
        "the reload script is linked under the base path"
    );
    let script = get(&srv.addr, "/dangjian/__zhiku/live.js");
    assert_eq!(script.status, 200);
    // It finds its event stream beside itself, under the base path.
    assert!(script.body.contains("new URL(\"events\", here)"));
    let events = head_only(&srv.addr, "/dangjian/__zhiku/events");
    assert!(events.starts_with("http/1.1 200"), "{events}");
    assert!(
        events.contains("content-type: text/event-stream"),
        "{events}"
    );
    assert_eq!(get(&srv.addr, "/__zhiku/live.js").status, 404);
    assert_eq!(get(&srv.addr, "/policies/").status, 404);
}

/// The search-index generation the built output names.
fn live_index(site: &SiteTest) -> std::path::PathBuf {
    zhiku::output::live_index_dir(&site.out(), &site.root.join("search-index/tantivy"))
}

fn dir_state(dir: &Path) -> (std::time::SystemTime, BTreeSet<String>) {
    let names = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    (std::fs::metadata(dir).unwrap().modified().unwrap(), names)
}

#[test]
fn a_served_index_is_opened_without_writing_to_it() {
    use zhiku::search::engine::SearchEngine;
    use zhiku::search::query::{SearchParams, SearchRequest};
    let site = SiteTest::fixture("search");
    site.built();
    let dir = live_index(&site);
    // The build leaves tantivy's lock file; a server must not need it.
    let lock = dir.join(".tantivy-meta.lock");
    let _ = std::fs::remove_file(&lock);
    let before = dir_state(&dir);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let engine = SearchEngine::open_read_only(&dir).unwrap();
    let params = SearchParams {
        q: Some("红色物业".to_string()),
        ..Default::default()
    };
    let found = engine
        .search(&SearchRequest::from_params(&params).unwrap())
        .unwrap();
    assert!(found.total > 0);
    drop(engine);
    assert_eq!(dir_state(&dir), before, "nothing created, nothing removed");
    // The writer's way of opening creates the lock file, which is what a
    // read-only file system refuses.
    drop(SearchEngine::open(&dir).unwrap());
    assert!(lock.exists());
}

#[test]
#[cfg_attr(
    not(can_mount_tmpfs),
    ignore = "a read-only bind mount needs root; CI runs as root"
)]
fn serve_prod_searches_an_index_on_a_read_only_file_system() {
    use std::process::Command;
    let site = SiteTest::fixture("search");
    site.built();
    let index = site.root.join("search-index");
    let mount = |args: &[&str]| {
        let ok = Command::new("mount")
            .args(args)
            .arg(&index)
            .arg(&index)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mount {args:?} failed although running as root");
    };
    mount(&["--bind"]);
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(index.clone());
    mount(&["-o", "remount,bind,ro"]);
    let refused = std::fs::write(live_index(&site).join("probe"), "x").unwrap_err();
    assert_eq!(refused.raw_os_error(), Some(30), "EROFS: {refused}");

    let srv = Server::start_prod_as_built(site);
    let reply = get(
        &srv.addr,
        "/api/search?q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A",
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert!(answer["total"].as_u64().unwrap() > 0);
}

#[test]
fn a_symlinked_output_switched_to_another_build_is_served_at_once() {
    let site = SiteTest::fixture("search");
    let release = |name: &str, title: &str| {
        site.write(
            "zhiku.yaml",
            &format!("title: {title}\nbase_url: https://dangjian.example.org\n"),
        );
        let out = site.root.join(name);
        let opts = zhiku::BuildOptions {
            out_dir: Some(out.clone()),
            no_index: true,
            ..site.options()
        };
        zhiku::build(&opts).unwrap();
        out
    };
    let first = release("release-1", "第一版站点");
    let second = release("release-2", "第二版站点");
    let link = site.root.join("public");
    std::os::unix::fs::symlink(&first, &link).unwrap();
    let srv = Server::start_prod_with_root(site, &["--no-index"]);
    assert!(get(&srv.addr, "/").body.contains("第一版站点"));
    // Switched as a deployment does: a new link renamed over the old one.
    let next = srv.site.root.join("public.next");
    std::os::unix::fs::symlink(&second, &next).unwrap();
    std::fs::rename(&next, &link).unwrap();
    let home = get(&srv.addr, "/");
    assert!(home.body.contains("第二版站点"), "still the first build");
}

#[test]
fn serve_prod_stops_cleanly_on_sigterm() {
    let srv = Server::start_prod(SiteTest::fixture("search"));
    assert_eq!(get(&srv.addr, "/").status, 200);
    let status = srv.terminate();
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn the_documented_unit_and_container_file_are_the_files_in_docs_deploy() {
    use crate::common::{documented_block, repo_root};
    for (name, lang, file) in [
        ("systemd", "ini", "docs/deploy/zhiku.service"),
        ("container", "dockerfile", "docs/deploy/Containerfile"),
    ] {
        let shown = documented_block(name, lang);
        let real = std::fs::read_to_string(repo_root().join(file)).unwrap();
        assert_eq!(shown, real, "docs/deploy.md shows {file} as it is");
    }
    // The commands the container runs are the CLI's.
    let container = std::fs::read_to_string(repo_root().join("docs/deploy/Containerfile")).unwrap();
    assert!(container.contains("zhiku build --precompress"));
    assert!(container.contains(r#"CMD ["serve", "--prod", "--bind", "0.0.0.0", "--port", "8080""#));
}

#[test]
#[cfg_attr(
    not(has_systemd_analyze),
    ignore = "needs systemd-analyze (Debian package systemd); .ci/run installs it"
)]
fn the_documented_systemd_unit_verifies() {
    use crate::common::repo_root;
    let unit = std::fs::read_to_string(repo_root().join("docs/deploy/zhiku.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/zhiku serve --prod"));
    // The same unit with this build's binary where it is installed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zhiku.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/zhiku", env!("CARGO_BIN_EXE_zhiku")),
    )
    .unwrap();
    let out = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}
