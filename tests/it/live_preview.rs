//! `zhiku serve` as a live preview: an edited document is re-rendered with the
//! pages that show it (and nothing else), its search entry is updated, the
//! browser is told to reload, and a broken edit keeps the last good site.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::http::{get, Server};
use common::SiteTest;

/// A client of `/__zhiku/events`.
struct Events(BufReader<TcpStream>);

impl Events {
    fn connect(addr: &str) -> Events {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(
            b"GET /__zhiku/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
        )
        .unwrap();
        let mut events = Events(BufReader::new(s));
        assert_eq!(events.next().0, "hello");
        events
    }

    /// The next event's name and data (keep-alive comments skipped).
    fn next(&mut self) -> (String, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let (mut name, mut data) = (String::new(), String::new());
        while Instant::now() < deadline {
            let mut line = String::new();
            if self.0.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let line = line.trim_end();
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push_str(d);
            } else if line.is_empty() && !name.is_empty() {
                return (name, data);
            }
        }
        panic!("no event within 30 s");
    }
}

impl Events {
    /// The next event, which must be a reload; its update.
    fn next_reload(&mut self) -> serde_json::Value {
        let (name, data) = self.next();
        assert_eq!(name, "reload", "{data}");
        serde_json::from_str(&data).unwrap()
    }
}

/// Files an update re-rendered.
fn rendered(update: &serde_json::Value) -> Vec<String> {
    update["rendered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn edit(site: &SiteTest, rel: &str, from: &str, to: &str) {
    let path = site.root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from));
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

#[test]
fn an_edit_rerenders_only_what_shows_the_document() {
    let srv = Server::start(SiteTest::fixture("search"));
    let mut events = Events::connect(&srv.addr);
    let page = get(&srv.addr, "/experiences/simplified/");
    assert!(
        page.body.contains("/__zhiku/live.js"),
        "preview pages load the reload script"
    );
    assert_eq!(get(&srv.addr, "/__zhiku/live.js").status, 200);

    edit(
        &srv.site,
        "content/experiences/simplified.md",
        "全年坚持",
        "全年推进独角兽计划并坚持",
    );
    let update = events.next_reload();
    assert_eq!(update["full"], false, "incremental, not a full rebuild");
    let rendered = rendered(&update);
    for expected in [
        "experiences/simplified/index.html",
        "experiences/index.html",
        "tags/志愿服务/index.html",
        "index.html",
        "atom.xml",
    ] {
        assert!(
            rendered.iter().any(|r| r == expected),
            "{expected} not re-rendered: {rendered:?}"
        );
    }
    for untouched in [
        "policies/hongse-wuye/index.html",
        "cases/fullwidth/index.html",
        "training/lesson/index.html",
        "policies/index.html",
        "tags/红色物业/index.html",
    ] {
        assert!(
            !rendered.iter().any(|r| r == untouched),
            "{untouched} re-rendered needlessly: {rendered:?}"
        );
    }
    let page = get(&srv.addr, "/experiences/simplified/");
    assert!(page.body.contains("独角兽计划"));
    let hits = get(
        &srv.addr,
        "/api/search?q=%E7%8B%AC%E8%A7%92%E5%85%BD%E8%AE%A1%E5%88%92",
    ); // 独角兽计划
    assert!(
        hits.body.contains("\"url\":\"/experiences/simplified/\""),
        "{}",
        hits.body
    );

    // A new document appears in its section, its tag page and the index.
    srv.site.write(
        "content/cases/new-case.md",
        "---\ntitle: 新增案例\ndate: 2025-01-01\ntags: [红色物业]\n---\n凤凰社区的新做法。\n",
    );
    let (name, data) = events.next();
    assert_eq!(name, "reload", "{data}");
    assert_eq!(get(&srv.addr, "/cases/new-case/").status, 200);
    assert!(get(
        &srv.addr,
        "/tags/红色物业/"
            .replace("红色物业", "%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A")
            .as_str()
    )
    .body
    .contains("/cases/new-case/"));
    assert!(get(&srv.addr, "/api/search?q=%E5%87%A4%E5%87%B0")
        .body
        .contains("/cases/new-case/")); // 凤凰

    // Deleting it removes its page and its search entry.
    std::fs::remove_file(srv.site.root.join("content/cases/new-case.md")).unwrap();
    let (name, data) = events.next();
    assert_eq!(name, "reload", "{data}");
    assert_eq!(get(&srv.addr, "/cases/new-case/").status, 404);
    assert!(get(&srv.addr, "/api/search?q=%E5%87%A4%E5%87%B0")
        .body
        .contains("\"total\":0"));
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_reports_the_error() {
    let srv = Server::start(SiteTest::fixture("search"));
    let mut events = Events::connect(&srv.addr);
    let before = get(&srv.addr, "/cases/cite/").body;
    edit(
        &srv.site,
        "content/cases/cite.md",
        "date: 2020-10-22",
        "date: 2020-13-45",
    );
    let (name, data) = events.next();
    assert_eq!(name, "build-error");
    assert!(
        data.contains("content/cases/cite.md:3: field 'date'"),
        "{data}"
    );
    assert_eq!(
        get(&srv.addr, "/cases/cite/").body,
        before,
        "last good page still served"
    );
    edit(
        &srv.site,
        "content/cases/cite.md",
        "date: 2020-13-45",
        "date: 2020-10-23",
    );
    let (name, _) = events.next();
    assert_eq!(name, "reload");
    assert!(get(&srv.addr, "/cases/cite/")
        .body
        .contains("2020年10月23日"));
}

#[test]
fn a_template_change_rebuilds_everything() {
    let srv = Server::start(SiteTest::fixture("search"));
    let mut events = Events::connect(&srv.addr);
    srv.site.write(
        "templates/case.html",
        "{% extends \"page.html\" %}{% block before_content %}<p id=\"custom\">自定义模板</p>{% endblock before_content %}",
    );
    let (name, data) = events.next();
    assert_eq!(name, "reload", "{data}");
    assert!(data.contains("\"full\":true"), "{data}");
    assert!(get(&srv.addr, "/cases/cite/").body.contains("自定义模板"));
}

#[test]
fn prod_mode_serves_the_build_without_live_reload() {
    let site = SiteTest::fixture("search");
    site.built();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zhiku"))
        .args(["serve", "--prod", "--port", "0", "--root"])
        .arg(&site.root)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next().unwrap().unwrap();
    let addr = line[line.find("http://").unwrap() + 7..]
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let page = get(&addr, "/cases/cite/");
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("live.js"),
        "no reload script in production"
    );
    assert_eq!(get(&addr, "/__zhiku/events").status, 404);
    assert!(get(&addr, "/api/search?q=%E7%BA%A2%E8%89%B2")
        .body
        .contains("\"total\":2"));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn preview_works_from_inside_the_site_with_a_symlinked_content_folder() {
    // The site's content/ is a symlink and zhiku runs with the default `--root .`.
    let site = SiteTest::fixture("search");
    let real = tempfile::tempdir().unwrap();
    let content = real.path().join("content");
    std::fs::rename(site.root.join("content"), &content).unwrap();
    std::os::unix::fs::symlink(&content, site.root.join("content")).unwrap();
    let srv = Server::start_with(site, true);
    let mut events = Events::connect(&srv.addr);
    edit(
        &srv.site,
        "content/cases/cite.md",
        "开展工作",
        "开展工作并总结经验",
    );
    let (name, data) = events.next();
    assert_eq!(name, "reload", "{data}");
    assert!(get(&srv.addr, "/cases/cite/").body.contains("并总结经验"));
}

#[test]
fn editing_a_step_rerenders_its_study_path() {
    let site = SiteTest::fixture("search");
    site.write(
        "content/_paths.yaml",
        "- slug: p\n  title: 测试路径\n  steps:\n    - experiences/simplified\n    - policies/hongse-wuye\n    - cases/fullwidth\n",
    );
    let srv = Server::start(site);
    let mut events = Events::connect(&srv.addr);
    edit(
        &srv.site,
        "content/experiences/simplified.md",
        "全年坚持",
        "全年推进麒麟计划并坚持",
    );
    let update = events.next_reload();
    assert_eq!(update["full"], false, "incremental, not a full rebuild");
    let rendered = rendered(&update);
    // The path page prints every step's text; the next step links back to it.
    for expected in [
        "paths/p/index.html",
        "paths/index.html",
        "policies/hongse-wuye/index.html",
    ] {
        assert!(
            rendered.iter().any(|r| r == expected),
            "{expected} not re-rendered: {rendered:?}"
        );
    }
    assert!(
        !rendered.iter().any(|r| r == "cases/fullwidth/index.html"),
        "a step two away does not show it: {rendered:?}"
    );
    assert!(get(&srv.addr, "/paths/p/").body.contains("麒麟计划"));

    // Editing the paths file itself rebuilds everything.
    edit(&srv.site, "content/_paths.yaml", "测试路径", "改名的路径");
    let update = events.next_reload();
    assert_eq!(update["full"], true, "{update}");
    assert!(get(&srv.addr, "/paths/p/").body.contains("改名的路径"));
}

/// Build options for a preview session writing under `preview/` in the site.
fn preview_options(site: &SiteTest) -> zhiku::BuildOptions {
    zhiku::BuildOptions {
        out_dir: Some(site.root.join("preview/public")),
        index_dir: Some(site.root.join("preview/search-index")),
        ..site.options()
    }
}

/// Every file of the static search bundle under `out/search/`, by path.
fn bundle_files(out: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out.join("search"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A build of the site as it is now into `fresh/` beside it: what the
/// preview's output must agree with.
fn fresh_build(site: &SiteTest) -> std::path::PathBuf {
    let fresh = site.root.join("fresh");
    zhiku::build(&zhiku::BuildOptions {
        out_dir: Some(fresh.join("public")),
        index_dir: Some(fresh.join("search-index")),
        ..site.options()
    })
    .unwrap();
    fresh
}

#[test]
fn after_an_update_the_preview_bundle_and_index_match_a_fresh_build() {
    let site = SiteTest::fixture("search");
    let opts = preview_options(&site);
    let (mut session, _) = zhiku::serve::preview::Session::start(opts.clone()).unwrap();
    // A new newest document moves every other page one place down (the
    // bundle addresses pages by place); an edit adds a word to another one.
    // Dictionary words come and go (search assistance counts them in the
    // changed pages only): the new page brings 网格员 and 议事协商, the
    // edited one trades 网格化管理 for 网格员.
    site.write(
        "content/cases/newest.md",
        "---\ntitle: 最新的楼道议事案例\ndate: 2026-10-30\ntags: [楼道议事]\n---\n楼道议事会每月召开，网格员召集议事协商，居民提出的十二件事办结了十件。\n",
    );
    edit(
        &site,
        "content/cases/fullwidth.md",
        "把三会和一课分开讲",
        "把三会和一课分开讲，试行议事卡片",
    );
    edit(
        &site,
        "content/cases/fullwidth.md",
        "title: XX市网格化管理案例",
        "title: XX市网格员包片案例",
    );
    edit(
        &site,
        "content/cases/fullwidth.md",
        "XX市推行网格化管理",
        "XX市推行网格员包片",
    );
    let update = session
        .update(&[
            site.root.join("content/cases/newest.md"),
            site.root.join("content/cases/fullwidth.md"),
        ])
        .unwrap();
    assert!(!update.full);
    session.finish_bundle().unwrap();

    let fresh = fresh_build(&site);
    let preview = bundle_files(&site.root.join("preview/public"));
    let built = bundle_files(&fresh.join("public"));
    assert_eq!(
        preview.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>(),
        "the same bundle files"
    );
    let differing: Vec<&String> = preview
        .iter()
        .filter(|(path, bytes)| built[*path] != **bytes)
        .map(|(path, _)| path)
        .collect();
    assert!(differing.is_empty(), "bundle files differ: {differing:?}");
    let doc0: serde_json::Value = serde_json::from_slice(&preview["search/doc/0.json"]).unwrap();
    assert_eq!(
        doc0["url"], "/cases/newest/",
        "document 0 is the newest page"
    );

    // The server's engine answers from the updated index.
    let engine = session.engine();
    let engine = engine.read().unwrap().clone().unwrap();
    let request =
        zhiku::search::query::SearchRequest::from_params(&zhiku::search::query::SearchParams {
            q: Some("议事卡片".into()),
            ..Default::default()
        })
        .unwrap();
    let hits = engine.search(&request).unwrap();
    assert_eq!(hits.total, 1);
    assert_eq!(hits.hits[0].url, "/cases/fullwidth/");

    // A build after the preview starts from the index the preview changed
    // (documents deleted in place) and still writes what a fresh build does.
    drop(session);
    let report = zhiku::build(&opts).unwrap();
    assert!(
        report.index_update.is_some(),
        "the preview's index was reused"
    );
    let differing =
        common::differing_files(&site.root.join("preview/public"), &fresh.join("public"));
    assert!(
        differing.is_empty(),
        "differ from a fresh build: {differing:?}"
    );
}

#[test]
fn a_deleted_document_takes_the_pagination_page_it_emptied_with_it() {
    let site = SiteTest::fixture("search");
    // One document to a page: the cases section and its tags end on a page
    // that deleting a case leaves empty.
    let config = site.root.join("zhiku.yaml");
    let mut yaml = std::fs::read_to_string(&config).unwrap();
    yaml.push_str("paginate: 1\npaginate_terms: 1\n");
    std::fs::write(&config, yaml).unwrap();
    site.write(
        "content/cases/third.md",
        "---\ntitle: 第三个楼道议事案例\ndate: 2026-10-30\ntags: [网格化管理]\n---\n第三个案例的正文。\n",
    );
    let out = site.root.join("preview/public");
    let opts = preview_options(&site);
    let (mut session, _) = zhiku::serve::preview::Session::start(opts.clone()).unwrap();
    let pages = |dir: &str| -> Vec<String> {
        let mut found: Vec<String> = std::fs::read_dir(out.join(dir))
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().join("index.html").is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    };
    assert_eq!(
        pages("cases/page"),
        ["2", "3"],
        "three cases, one to a page"
    );
    let tag_dir = "tags/网格化管理/page";
    let mut tag_pages = pages(tag_dir);
    assert!(!tag_pages.is_empty(), "the tag has two documents or more");
    let last_tag_page = format!("{tag_dir}/{}/index.html", tag_pages.pop().unwrap());

    std::fs::remove_file(site.root.join("content/cases/third.md")).unwrap();
    let update = session
        .update(&[site.root.join("content/cases/third.md")])
        .unwrap();
    assert!(!update.full);
    assert_eq!(pages("cases/page"), ["2"], "{:?}", update.removed);
    assert!(!out.join("cases/page/3").exists(), "its folder goes too");
    assert_eq!(pages(tag_dir), tag_pages, "{:?}", update.removed);
    for gone in ["cases/page/3/index.html", last_tag_page.as_str()] {
        assert!(
            update.removed.iter().any(|r| r == gone),
            "{gone} not among the removed {:?}",
            update.removed
        );
    }
    // As a fresh build of the same content has it.
    let fresh = fresh_build(&site);
    assert!(!fresh.join("public/cases/page/3").exists());
    assert!(fresh.join("public/cases/page/2/index.html").is_file());
}

#[test]
fn an_edit_with_nul_bytes_is_read_as_a_build_reads_it() {
    let site = SiteTest::fixture("search");
    let out = site.root.join("preview/public");
    let opts = preview_options(&site);
    let (mut session, _) = zhiku::serve::preview::Session::start(opts.clone()).unwrap();
    let rel = "content/cases/nul.md";
    site.write(
        rel,
        "---\ntitle: 楼道议事\ndate: 2026-10-30\n---\n议事\0会的正文。\n",
    );
    let update = session.update(&[site.root.join(rel)]).unwrap();
    assert!(
        update
            .warnings
            .iter()
            .any(|w| w.contains(rel) && w.contains("NUL bytes removed")),
        "{:?}",
        update.warnings
    );
    let page = std::fs::read_to_string(out.join("cases/nul/index.html")).unwrap();
    assert!(page.contains("议事会的正文") && !page.contains('\0'));
}
