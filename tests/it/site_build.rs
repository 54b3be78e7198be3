//! Builds the `valid` fixture site and asserts on the HTML, feeds and sitemap.

use crate::common;

use common::SiteTest;

fn site() -> SiteTest {
    let s = SiteTest::fixture("valid");
    s.built();
    s
}

#[test]
fn cjk_soft_breaks_vanish_and_latin_ones_stay_spaces() {
    let s = site();
    let policy = s.main("policies/new/index.html");
    assert!(
        policy.contains("为进一步加强社区工作者队伍建设，结合本市实际，现提出如下意见。"),
        "{policy}"
    );
    assert!(policy.contains("思想是行动的先导，各街道要"), "{policy}");
    let exp = s.main("experiences/table/index.html");
    assert!(exp.contains("The party\nbuilding work"), "{exp}");
}

#[test]
fn official_numbering_gives_a_table_of_contents() {
    let s = site();
    let html = s.main("policies/new/index.html");
    let toc_start = html.find("class=\"toc").expect("page has a toc");
    let toc = &html[toc_start..html[toc_start..].find("</nav>").unwrap() + toc_start];
    let order: Vec<usize> = [
        "#一总体要求",
        "#一牢固树立新观念",
        "#二完善组织设置",
        "#1建立台账",
        "#1按月报送",
        "#二主要措施",
    ]
    .iter()
    .map(|id| {
        toc.find(&format!("href=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} missing in {toc}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "toc out of order: {toc}"
    );
    // The run-in heading text stops at the first 。
    assert!(toc.contains(">（一）牢固树立新观念<"), "{toc}");
    // The anchors exist in the body.
    assert!(
        html.contains("<h2 id=\"一总体要求\" class=\"doc-heading\">一、总体要求</h2>"),
        "{html}"
    );
    assert!(html.contains("id=\"一牢固树立新观念\""), "{html}");
}

#[test]
fn policy_pages_show_metadata_and_status_banners() {
    let s = site();
    let old = s.main("policies/old/index.html");
    assert!(old.contains("已废止"), "{old}");
    assert!(
        old.contains("href=\"/policies/new/\""),
        "repealed policy links to its replacement: {old}"
    );
    let new = s.main("policies/new/index.html");
    assert!(new.contains("江民发〔2023〕8号"), "{new}");
    assert!(
        new.contains("江城市民政局、中共江城市委组织部"),
        "joint issuers joined: {new}"
    );
    assert!(new.contains("2023年7月1日"), "effective date: {new}");
    assert!(new.contains("现行有效"), "{new}");
    assert!(
        new.contains("href=\"/policies/old/\""),
        "links to what it supersedes: {new}"
    );
    assert!(!new.contains("本文件已废止"), "{new}");
    // No status given and effective in the future: computed as pending.
    let pending = s.main("policies/pending/index.html");
    assert!(pending.contains("尚未生效"), "{pending}");
}

#[test]
fn series_lessons_are_in_order_with_prev_and_next() {
    let s = site();
    let series = s.main("series/书记履职能力/index.html");
    let positions: Vec<usize> = [
        "/training/c-first/",
        "/training/a-second/",
        "/training/b-third/",
    ]
    .iter()
    .map(|u| {
        series
            .find(&format!("href=\"{u}\""))
            .unwrap_or_else(|| panic!("{u} missing: {series}"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{series}");

    let second = s.main("training/a-second/index.html");
    let nav = &second[second.find("课程导航").expect("lesson navigation")..];
    let prev = nav
        .find("href=\"/training/c-first/\"")
        .expect("prev lesson");
    let next = nav
        .find("href=\"/training/b-third/\"")
        .expect("next lesson");
    assert!(prev < next);
    assert!(
        second.contains("理解职责") && second.contains("如何开好支部会议？"),
        "{second}"
    );
    let first = s.main("training/c-first/index.html");
    let first_nav = &first[first.find("课程导航").unwrap()..];
    assert!(
        !first_nav.contains("上一课</a>") || !first_nav.contains("href=\"/training/b-third/\"")
    );
}

#[test]
fn scripts_event_handlers_and_javascript_urls_are_removed() {
    let s = site();
    let html = s.read("policies/new/index.html");
    assert!(!html.contains("alert("), "{html}");
    assert!(!html.contains("onclick"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(
        html.contains("点击"),
        "harmless text of sanitized HTML is kept"
    );
}

#[test]
fn tables_footnotes_and_extra_fields_render() {
    let s = site();
    s.write(
        "templates/experience.html",
        "{% extends \"page.html\" %}{% block content %}<p class=\"note\">{{ page.extra.custom_note }}</p>{{ super() }}{% endblock content %}",
    );
    s.built();
    let html = s.main("experiences/table/index.html");
    assert!(
        html.contains("<p class=\"note\">年度总结</p>"),
        "site template overrides the theme and sees page.extra: {html}"
    );
    assert!(html.contains("<table>") && html.contains("1024"), "{html}");
    assert!(html.contains("footnote-definition"), "{html}");
}

#[test]
fn drafts_only_with_the_flag() {
    let s = site();
    assert!(!s.out().join("experiences/draft/index.html").exists());
    let mut opts = s.options();
    opts.drafts = true;
    zhiku::build(&opts).unwrap();
    let html = s.main("experiences/draft/index.html");
    assert!(html.contains("草稿"), "{html}");
}

#[test]
fn feeds_and_sitemap_are_valid_xml_with_absolute_links() {
    let s = site();
    let atom = s.read("atom.xml");
    let doc = roxmltree::Document::parse(&atom).expect("atom.xml parses");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 8, "all published documents, drafts left out");
    for e in &entries {
        let id = e
            .children()
            .find(|n| n.has_tag_name("id"))
            .unwrap()
            .text()
            .unwrap();
        assert!(id.starts_with("https://dangjian.example.org/"), "{id}");
        assert!(e.children().any(|n| n.has_tag_name("updated")));
    }
    let policies = s.read("policies/atom.xml");
    let doc = roxmltree::Document::parse(&policies).unwrap();
    assert_eq!(
        doc.root_element()
            .children()
            .filter(|n| n.has_tag_name("entry"))
            .count(),
        3
    );

    let sitemap = s.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap parses");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.len() > 10);
    for loc in locs {
        let path = loc.strip_prefix("https://dangjian.example.org").expect(loc);
        assert!(path.is_ascii(), "sitemap URLs are percent-encoded: {loc}");
        let decoded = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .unwrap();
        let file = s
            .out()
            .join(decoded.trim_start_matches('/'))
            .join("index.html");
        assert!(file.exists(), "sitemap entry {loc} has no page");
    }
    let robots = s.read("robots.txt");
    assert!(robots.contains("Sitemap: https://dangjian.example.org/sitemap.xml"));
}

#[test]
fn pages_have_language_canonical_and_breadcrumbs() {
    let s = site();
    let html = s.read("policies/new/index.html");
    assert!(html.contains("<html lang=\"zh-CN\""), "{html}");
    assert!(html
        .contains("<link rel=\"canonical\" href=\"https://dangjian.example.org/policies/new/\""));
    let crumbs = &html[html
        .find("面包屑")
        .or_else(|| html.find("breadcrumb"))
        .expect("breadcrumbs")..];
    assert!(crumbs.find("href=\"/\"").unwrap() < crumbs.find("href=\"/policies/\"").unwrap());
    for page in [
        "index.html",
        "404.html",
        "search/index.html",
        "tags/index.html",
        "regions/index.html",
        "series/index.html",
        "policies/page/2/index.html",
    ] {
        assert!(s.out().join(page).exists(), "{page}");
    }
    // Pagination: 3 policies, 2 a page.
    let p1 = s.main("policies/index.html");
    assert!(p1.contains("href=\"/policies/page/2/\""), "{p1}");
}

#[test]
fn traditional_chinese_document_renders_and_is_tagged() {
    let s = site();
    let html = s.main("cases/trad/index.html");
    assert!(html.contains("石橋社區組建黨員志願服務隊"));
    let tag = s.main("tags/志願服務/index.html");
    assert!(tag.contains("href=\"/cases/trad/\""), "{tag}");
    // Its title and text carry the script's language tag; Simplified pages none.
    assert!(
        html.contains("<article class=\"content\" id=\"content\" lang=\"zh-Hant\">")
            && html.contains("<h1 class=\"doc-title\" lang=\"zh-Hant\">"),
        "{html}"
    );
    assert!(!s.main("policies/new/index.html").contains("zh-Hant"));
}

#[test]
fn reading_time_counts_characters() {
    let s = SiteTest::fixture("valid");
    s.write(
        "content/experiences/long.md",
        &format!(
            "---\ntitle: 长文\ndate: 2020-01-01\n---\n{}\n",
            "党".repeat(1200)
        ),
    );
    s.built();
    let html = s.main("experiences/long/index.html");
    assert!(html.contains("1200"), "length in characters shown: {html}");
    assert!(
        html.contains("3 分钟"),
        "1200 characters at 400 a minute: {html}"
    );
}

#[test]
fn failed_build_keeps_the_previous_output() {
    let s = site();
    let before = s.read("policies/new/index.html");
    s.write(
        "content/policies/new.md",
        "---\ntitle: 坏\ndate: 2023-13-45\n---\n",
    );
    let err = s.build().unwrap_err().to_string();
    assert!(
        err.contains("content/policies/new.md:3: field 'date'"),
        "{err}"
    );
    assert_eq!(
        s.read("policies/new/index.html"),
        before,
        "old output untouched"
    );
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&s.root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty());
    // A template error is a failed build too.
    s.write(
        "content/policies/new.md",
        "---\ntitle: 好\ndate: 2023-01-01\n---\n正文",
    );
    s.write(
        "templates/policy.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.nonexistent }}{% endblock %}",
    );
    let err = s.build().unwrap_err().to_string();
    assert!(err.contains("policy.html"), "{err}");
    assert_eq!(s.read("policies/new/index.html"), before);
}

#[test]
fn internal_links_resolve() {
    let s = site();
    let broken = common::crawl::broken_links(&s.out());
    assert!(broken.is_empty(), "broken links: {broken:#?}");
}

#[test]
fn last_updated_comes_from_updated_then_git_history() {
    let s = SiteTest::fixture("valid");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&s.root)
            .args([
                "-c",
                "user.name=编辑",
                "-c",
                "user.email=editor@example.org",
            ])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2021-02-03T10:00:00+08:00")
            .env("GIT_COMMITTER_DATE", "2021-02-03T10:00:00+08:00")
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "content"]);
    git(&["commit", "-qm", "内容"]);
    s.built();
    let table = s.main("experiences/table/index.html");
    assert!(
        table.contains("最后更新") && table.contains("2021年2月3日"),
        "git commit date: {table}"
    );
    let new = s.main("policies/new/index.html");
    assert!(
        new.contains("2023年6月1日"),
        "`updated` wins over git: {new}"
    );
}

#[test]
fn lineage_lists_every_version_in_order_and_links_the_current_one() {
    let s = SiteTest::fixture("valid");
    s.write("content/policies/old.md", "---\ntitle: 办法（试行）\ndate: 2012-03-01\nstatus: repealed\nsuperseded_by: policies/mid\n---\n旧。\n");
    s.write("content/policies/mid.md", "---\ntitle: 办法（修订）\ndate: 2017-03-01\nstatus: revised\nsupersedes: policies/old\nsuperseded_by: policies/new\n---\n中。\n");
    s.write("content/policies/new.md", "---\ntitle: 办法\ndate: 2023-05-10\nstatus: current\nsupersedes: policies/mid\n---\n新。\n");
    s.built();
    for (page, this) in [("old", 0), ("mid", 1), ("new", 2)] {
        let html = s.main(&format!("policies/{page}/index.html"));
        let timeline = &html[html.find("版本沿革").expect("timeline")..];
        let at = |needle: &str| {
            timeline
                .find(needle)
                .unwrap_or_else(|| panic!("{needle} in {timeline}"))
        };
        let order = [at("2012年3月1日"), at("2017年3月1日"), at("2023年5月10日")];
        assert!(
            order[0] < order[1] && order[1] < order[2],
            "oldest first: {timeline}"
        );
        assert_eq!(timeline.matches("aria-current=\"page\"").count(), 1);
        let current = timeline.find("aria-current=\"page\"").unwrap();
        assert!(
            order.iter().filter(|&&o| o < current).count() == this,
            "{page} marked in place"
        );
    }
    let old = s.main("policies/old/index.html");
    assert!(
        old.contains("现行版本：<a href=\"/policies/new/\">"),
        "the current version one click away: {old}"
    );
    assert!(!s.main("policies/new/index.html").contains("现行版本："));
}

#[test]
fn wiki_links_resolve_by_path_title_and_section() {
    let s = SiteTest::fixture("valid");
    s.write(
        "content/cases/wiki.md",
        "---\ntitle: 维基链接\ndate: 2024-01-01\n---\n见[[policies/new]]、[[江城市社区工作者管理办法]]、[[《江城市社区工作者管理办法》|新办法]]和[[江城市社区工作者管理办法#一、总体要求]]。\n",
    );
    s.built();
    let html = s.main("cases/wiki/index.html");
    let para = &html[html.find("<p>见").expect("paragraph")..];
    let para = &para[..para.find("</p>").unwrap()];
    assert_eq!(
        para,
        "<p>见<a href=\"/policies/new/\">江城市社区工作者管理办法</a>、<a href=\"/policies/new/\">江城市社区工作者管理办法</a>、\
         <a href=\"/policies/new/\">新办法</a>和<a href=\"/policies/new/#一总体要求\">江城市社区工作者管理办法 · 一、总体要求</a>。"
    );
    let policy = s.main("policies/new/index.html");
    assert!(
        policy.contains("href=\"/cases/wiki/\""),
        "backlink: {policy}"
    );
    let broken = common::crawl::broken_links(&s.out());
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn study_path_page_and_step_navigation() {
    let s = SiteTest::fixture("valid");
    s.write(
        "content/_paths.yaml",
        "# 学习路径\n- slug: rumen\n  title: 书记入门\n  description: 先政策，后课程。\n  steps:\n    - page: policies/new\n      note: 先读总体要求。\n    - 第1课 书记履职\n    - page: cases/trad\n",
    );
    s.built();
    let path = s.main("paths/rumen/index.html");
    // Steps in the written order, mixing kinds, each with its note and link.
    let order: Vec<usize> = ["/policies/new/", "/training/c-first/", "/cases/trad/"]
        .iter()
        .map(|u| {
            path.find(&format!("<li class=\"path-step\" data-step=\"{u}\">"))
                .unwrap_or_else(|| panic!("step {u} in {path}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(path.contains("先读总体要求。"));
    assert!(path.contains("<progress max=\"3\" value=\"0\""));
    // The printable part holds each step's text, with ids made unique.
    assert_eq!(
        path.matches("<article class=\"path-print-step\">").count(),
        3
    );
    assert!(path.contains("id=\"s1-一总体要求\""), "{path}");
    let list = s.main("paths/index.html");
    assert!(list.contains("href=\"/paths/rumen/\""));
    assert!(
        s.read("index.html").contains("href=\"/paths/\""),
        "nav links the paths"
    );

    let middle = s.main("training/c-first/index.html");
    let nav = &middle[middle.find("<nav class=\"path-nav\"").expect("path nav")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(nav.contains("第 2 步 / 共 3 步"), "{nav}");
    assert!(
        nav.contains("href=\"/policies/new/\""),
        "previous step: {nav}"
    );
    assert!(nav.contains("href=\"/cases/trad/\""), "next step: {nav}");
    assert!(nav.contains("data-path-mark=\"rumen\" data-step=\"/training/c-first/\""));
    let last = s.main("cases/trad/index.html");
    assert!(last.contains("第 3 步 / 共 3 步"));
    assert!(
        !s.main("policies/old/index.html").contains("path-nav"),
        "pages outside the path have no step navigation"
    );
    let broken = common::crawl::broken_links(&s.out());
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn study_path_steps_must_name_one_document() {
    let s = SiteTest::fixture("valid");
    s.write(
        "content/_paths.yaml",
        "- slug: a\n  title: 甲\n  steps:\n    - page: policies/nothing\n    - policies/new\n    - page: policies/new\n",
    );
    let out = s.zhiku(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/_paths.yaml:4: field 'steps[1].page': 'policies/nothing': no document has this path or title"),
        "{err}"
    );
    assert!(
        err.contains("content/_paths.yaml:6: field 'steps[3].page': 'policies/new' is already a step of path 'a'"),
        "{err}"
    );
}

#[test]
fn neighbourhood_svg_links_citing_and_cited_pages() {
    let s = SiteTest::fixture("valid");
    s.write(
        "content/cases/cites.md",
        "---\ntitle: 引用新办法的案例\ndate: 2024-02-01\n---\n依据[[policies/new]]开展工作。\n",
    );
    s.built();
    let policy = s.main("policies/new/index.html");
    let svg = &policy[policy.find("<svg class=\"nb\"").expect("svg")..];
    let svg = &svg[..svg.find("</svg>").unwrap() + 6];
    // The case cites it (left), it supersedes the old version (right, dashed).
    assert!(svg.contains("<a class=\"nb-node nb-case\" href=\"/cases/cites/\"><title>典型案例：引用新办法的案例</title>"), "{svg}");
    assert!(svg.contains("href=\"/policies/old/\""), "{svg}");
    assert!(svg.contains("class=\"nb-edge nb-supersedes\""), "{svg}");
    assert!(
        svg.contains("<g class=\"nb-node nb-policy nb-this\">"),
        "{svg}"
    );
    assert!(!svg.contains("<script"), "no script in the map");
    roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    // A page with no links has no map.
    assert!(!s
        .main("experiences/table/index.html")
        .contains("<svg class=\"nb\""));
}

#[test]
fn rebuilds_reuse_the_previous_output_and_drop_stale_files() {
    let s = SiteTest::fixture("valid");
    s.built();
    s.built();
    let old = s.root.join(".public.old");
    assert!(
        old.is_dir(),
        "the replaced output is kept for the next build"
    );
    let page = s.out().join("policies/new/index.html");
    let before = std::fs::metadata(&page).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::remove_file(s.root.join("content/cases/trad.md")).unwrap();
    s.built();
    s.built();
    // Gone from the output although the recycled folder had it.
    assert!(!s.out().join("cases/trad/index.html").exists());
    assert!(
        !s.out().join("cases/trad").exists(),
        "empty folders are pruned"
    );
    // A recycled output whose layout clashes with this build's (a file where
    // a folder goes, a folder where a file goes) is put right.
    let old = s.root.join(".public.old");
    std::fs::remove_dir_all(old.join("policies")).unwrap();
    std::fs::write(old.join("policies"), "stale").unwrap();
    std::fs::remove_file(old.join("atom.xml")).unwrap();
    std::fs::create_dir_all(old.join("atom.xml/inner")).unwrap();
    s.built();
    assert!(s.out().join("policies/new/index.html").is_file());
    assert!(s.read("atom.xml").contains("<feed"));
    s.built();
    // An unchanged page is not rewritten.
    assert_eq!(
        std::fs::metadata(&page).unwrap().modified().unwrap(),
        before
    );
    // A recycled file changed behind the build's back, even to the same
    // length, is written again: the file list's stamp (hash, length, time)
    // no longer matches it.
    let old = s.root.join(".public.old");
    let listed = std::fs::read_to_string(s.root.join(".public.old.files")).unwrap();
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("policies/new/index.html\t")),
        "{listed}"
    );
    let tampered = old.join("policies/new/index.html");
    let original = std::fs::read_to_string(&tampered).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let changed = original.replacen("<html", "<HTML", 1);
    assert_ne!(changed, original);
    std::fs::write(&tampered, changed).unwrap();
    s.built();
    assert_eq!(s.read("policies/new/index.html"), original);
    // What an interrupted build left in its staging folder is not published.
    let staging = s.root.join(".public.staging");
    std::fs::create_dir_all(staging.join("stray")).unwrap();
    std::fs::write(staging.join("stray/index.html"), "left over").unwrap();
    s.built();
    assert!(!s.out().join("stray").exists());
    assert!(s.out().join("policies/new/index.html").is_file());
    let broken = common::crawl::broken_links(&s.out());
    assert!(broken.is_empty(), "{broken:?}");
}

/// The site's output is what a build of the same content into an empty
/// folder gives, byte for byte: pages, related lists, static search bundle.
fn assert_same_as_a_fresh_build(s: &SiteTest) {
    let fresh = SiteTest::empty();
    common::copy_dir(&s.root.join("content"), &fresh.root.join("content"));
    std::fs::copy(s.root.join("zhiku.yaml"), fresh.root.join("zhiku.yaml")).unwrap();
    fresh.built();
    let differ = common::differing_files(&s.out(), &fresh.out());
    assert!(differ.is_empty(), "differ from a fresh build: {differ:?}");
    // The server's answers too, scores included: broad and narrow queries.
    let answer = |site: &SiteTest, q: &str| {
        let mut json = site.search_json(q);
        json.as_object_mut().unwrap().remove("took_ms");
        json
    };
    for q in ["社区", "红色物业", "议事", "志愿服务"] {
        assert_eq!(answer(s, q), answer(&fresh, q), "{q}");
    }
}

#[test]
fn a_rebuild_writes_again_only_the_index_documents_that_changed() {
    use zhiku::search::index::IndexUpdate;
    let update = |kept, written, removed| {
        Some(IndexUpdate {
            kept,
            written,
            removed,
        })
    };
    let s = SiteTest::fixture("search");
    let first = s.build().unwrap();
    assert_eq!(first.index_update, None, "nothing to start from");
    let n = first.pages;
    // The previous generation, which a server may still be reading, is
    // never written to: its files are linked, not shared for writing.
    let generation = first.index_dir.unwrap();
    let before = common::output_files(&generation);
    let second = s.build().unwrap();
    assert_eq!(second.index_update, update(n, 0, 0));
    assert_same_as_a_fresh_build(&s);
    assert_eq!(
        common::output_files(&generation),
        before,
        "the previous generation changed"
    );
    // Two new pages older than all the others: they keep their place.
    let (oldest, older) = ("content/cases/oldest.md", "content/cases/older.md");
    let text = "---\ntitle: 楼道议事角的由来\ndate: 2001-05-04\ntags: [议事]\n---\n\
                居民在楼道里摆了一张桌子，商量加装扶手的事。\n";
    s.write(oldest, text);
    s.write(
        older,
        "---\ntitle: 老年活动室的开放时间\ndate: 2002-09-10\n---\n活动室每天上午开放。\n",
    );
    let generation = second.index_dir.unwrap();
    let before = common::output_files(&generation);
    assert_eq!(s.build().unwrap().index_update, update(n, 2, 0));
    assert_eq!(
        common::output_files(&generation),
        before,
        "the previous generation changed"
    );
    assert_eq!(
        s.search_json("加装扶手")["hits"][0]["url"],
        "/cases/oldest/"
    );
    assert_same_as_a_fresh_build(&s);
    // One of the two edited: the segment holding both is written again (a
    // document deleted from it would leave tantivy's counts estimated, and
    // the scores, the related lists and the bundle's statistics off).
    s.write(oldest, &text.replace("加装扶手", "安装路灯"));
    assert_eq!(s.build().unwrap().index_update, update(n, 2, 1));
    assert_eq!(s.search_json("加装扶手")["total"], 0);
    assert_eq!(
        s.search_json("安装路灯")["hits"][0]["url"],
        "/cases/oldest/"
    );
    assert_same_as_a_fresh_build(&s);
    // The edited page went into a segment of its own: editing it again
    // writes only that one.
    s.write(oldest, &text.replace("加装扶手", "安装路灯和座椅"));
    assert_eq!(s.build().unwrap().index_update, update(n + 1, 1, 1));
    assert_same_as_a_fresh_build(&s);
    // Removed.
    std::fs::remove_file(s.root.join(oldest)).unwrap();
    std::fs::remove_file(s.root.join(older)).unwrap();
    assert_eq!(s.build().unwrap().index_update, update(n, 0, 2));
    assert_eq!(s.search_json("安装路灯")["total"], 0);
    assert_same_as_a_fresh_build(&s);
    // A new newest page moves every other page one place down: all are
    // written afresh.
    s.write(
        "content/cases/newest.md",
        "---\ntitle: 新建的居民议事厅\ndate: 2026-10-01\n---\n议事厅十月启用。\n",
    );
    assert_eq!(s.build().unwrap().index_update, update(0, n + 1, n));
    assert_same_as_a_fresh_build(&s);
    // Another binary (here `zhiku` after this test's own) writes afresh. A
    // CI job that caches only `search-index/` (not the output) finds the
    // index through `search-index/tantivy`, and the same binary reuses it.
    let build_without_output = || {
        std::fs::remove_dir_all(s.out()).unwrap();
        let _ = std::fs::remove_dir_all(s.root.join(".public.old"));
        let out = s.zhiku(&["build"]);
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = build_without_output();
    assert!(!said.contains("documents kept"), "{said}");
    let said = build_without_output();
    assert!(
        said.contains(&format!("{} documents kept, 0 written, 0 removed", n + 1)),
        "{said}"
    );
    assert_same_as_a_fresh_build(&s);
    // A new dictionary cuts words differently: the index is written afresh.
    s.write("content/_dictionary.txt", "楼道议事\n");
    assert_eq!(s.build().unwrap().index_update, None);
    assert_same_as_a_fresh_build(&s);
}
