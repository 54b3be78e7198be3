//! Public and internal portals from one repository: a canary word planted
//! in an internal document (title, summary, tags, body, attachment) that
//! public documents link to, cite by 文号 and supersede appears nowhere in
//! the public build's output and index, compressed or not, while the
//! internal build has it and finds it.

use std::path::{Path, PathBuf};

use crate::common::SiteTest;

const CANARY: &str = "鸾栖阁";
/// The internal document's file name: its path and URL must not leak either.
const SLUG: &str = "luanqige-neibu-xize-2017";
const DOC_NUMBER: &str = "江民发〔2017〕9号";

fn site() -> SiteTest {
    let site = SiteTest::empty();
    site.write(
        &format!("content/policies/{SLUG}.md"),
        &format!(
            "---\ntitle: {CANARY}社区工作者管理细则\ndate: 2017-06-01\naudience: internal\n\
             doc_number: {DOC_NUMBER}\nissuer: 江源市民政局\nsummary: {CANARY}细则的要点。\n\
             tags: [{CANARY}, 社区工作者]\nsupersedes: [policies/banfa-2012]\n\
             superseded_by: [policies/banfa-2023]\nattachments:\n  - path: {SLUG}-fujian.txt\n    title: 附件\n---\n\n\
             ## 一、适用范围\n\n{CANARY}细则适用于全体社区工作者，参照[[policies/banfa-2012|旧办法]]执行。\n"
        ),
    );
    site.write(
        &format!("content/policies/{SLUG}-fujian.txt"),
        &format!("附件正文：{CANARY}考核表。\n"),
    );
    site.write(
        "content/policies/banfa-2012.md",
        &format!(
            "---\ntitle: 社区工作者管理办法（试行）\ndate: 2012-03-01\ndoc_number: 江民发〔2012〕3号\n\
             issuer: 江源市民政局\nsuperseded_by: [policies/{SLUG}]\n---\n\n\
             ## 一、总则\n\n社区工作者实行聘用管理。\n"
        ),
    );
    site.write(
        "content/policies/banfa-2023.md",
        &format!(
            "---\ntitle: 社区工作者管理办法\ndate: 2023-05-01\ndoc_number: 江民发〔2023〕12号\n\
             issuer: 江源市民政局\nsupersedes: [policies/{SLUG}]\n---\n\n\
             ## 一、总则\n\n本办法自发布之日起施行，{DOC_NUMBER}同时废止。\n"
        ),
    );
    site.write(
        "content/experiences/jingyan.md",
        &format!(
            "---\ntitle: 网格员培训的体会\ndate: 2024-04-01\n---\n\n\
             我们学习了[[policies/{SLUG}]]。\n\n\
             又对照[[policies/{SLUG}|有关细则]]逐条落实。\n\n\
             原文见[细则原文](../policies/{SLUG}.md)和[网页版](/policies/{SLUG}/)。\n\n\
             依据{DOC_NUMBER}开展考核，参照[[policies/banfa-2023]]。\n"
        ),
    );
    site.write(
        "content/_paths.yaml",
        &format!(
            "- slug: xinren\n  title: 新任社区工作者\n  steps:\n    - page: policies/banfa-2023\n    - page: policies/{SLUG}\n"
        ),
    );
    site
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// A file's bytes, decompressed when it is a `.gz` or `.br` copy.
fn readable(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let bytes = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => {
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .unwrap();
        }
        Some("br") => {
            brotli::Decompressor::new(&bytes[..], 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        _ => out = bytes,
    }
    out
}

/// Files under `dirs` holding any of `needles`, with the needle.
fn leaks(dirs: &[&Path], needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in dirs {
        for file in files_under(dir) {
            let bytes = readable(&file);
            for needle in needles {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(format!("{} holds {needle}", file.display()));
                }
            }
        }
    }
    found
}

/// Every stored field and every indexed term of the tantivy index at
/// `dir` (the doc store and term dictionaries are compressed on disk).
fn index_text(dir: &Path) -> String {
    use tantivy::schema::Value;
    let index = tantivy::Index::open_in_dir(dir).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let schema = index.schema();
    let mut text = String::new();
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(1).unwrap();
        for doc in store.iter::<tantivy::TantivyDocument>(segment.alive_bitset()) {
            let doc = doc.unwrap();
            for (_, value) in doc.field_values() {
                if let Some(s) = value.as_str() {
                    text.push_str(s);
                    text.push('\n');
                }
            }
        }
        for (field, entry) in schema.fields() {
            if !entry.is_indexed() {
                continue;
            }
            let inverted = segment.inverted_index(field).unwrap();
            let mut terms = inverted.terms().stream().unwrap();
            while terms.advance() {
                text.push_str(&String::from_utf8_lossy(terms.key()));
                text.push('\n');
            }
        }
    }
    text
}

#[test]
fn the_public_build_holds_no_byte_of_an_internal_document() {
    let site = site();
    let mut opts = site.options();
    opts.precompress = true;
    zhiku::pipeline::build(&opts).unwrap_or_else(|e| panic!("public build: {e}"));
    let out = site.out();
    let index = site.root.join("search-index");
    let url = format!("/policies/{SLUG}/");
    let title = format!("{CANARY}社区工作者管理细则");
    assert_eq!(
        leaks(&[&out, &index], &[CANARY, SLUG, &title]),
        Vec::<String>::new()
    );
    let tantivy = index_text(&index.join("tantivy"));
    assert!(tantivy.contains("社区工作者"), "the index was read");
    assert!(
        !tantivy.contains(CANARY) && !tantivy.contains(SLUG),
        "index holds the canary"
    );
    assert!(!tantivy.contains('鸾'), "an indexed gram of the canary");
    assert_eq!(site.search_json(CANARY)["total"], 0);

    // Links to it are their own text, a bare one reads （内部资料）; the
    // 文号 stays as written, without a link.
    let page = site.main("experiences/jingyan/index.html");
    assert!(!page.contains(&url));
    assert!(page.contains("我们学习了（内部资料）。"), "{page}");
    assert!(page.contains("又对照有关细则逐条落实"), "{page}");
    assert!(page.contains("原文见细则原文和网页版。"), "{page}");
    assert!(
        page.contains(&format!("依据{DOC_NUMBER}开展考核")),
        "{page}"
    );
    assert!(page.contains("/policies/banfa-2023/"), "public links stay");

    // 版本沿革 of the public versions: bridged over the internal one, in order.
    for page in [
        "policies/banfa-2023/index.html",
        "policies/banfa-2012/index.html",
    ] {
        let html = site.main(page);
        let history = &html[html.find("class=\"lineage\"").expect("版本沿革")..];
        let history = &history[..history.find("</ol>").unwrap()];
        let dates: Vec<&str> = history
            .match_indices("<time datetime=\"")
            .map(|(i, m)| &history[i + m.len()..i + m.len() + 10])
            .collect();
        assert_eq!(dates, ["2012-03-01", "2023-05-01"], "{page}: {history}");
    }

    // The study path goes on without the step.
    let path = site.main("paths/xinren/index.html");
    assert!(path.contains("/policies/banfa-2023/"));

    // `check` warns about each public reference, in both builds.
    let check = site.zhiku(&["check"]);
    let said = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{said}");
    let warned = said
        .lines()
        .filter(|l| l.contains("content/experiences/jingyan.md") && l.contains("internal document"))
        .count();
    assert_eq!(warned, 5, "{said}");
    assert!(
        said.contains(&format!("'{DOC_NUMBER}' names an internal document")),
        "the 文号 as written: {said}"
    );
    assert!(
        said.contains("content/_paths.yaml:5: warning: field 'steps[2].page'"),
        "the path's step: {said}"
    );
    // The members' portal links it: nothing to warn about there.
    let check = site.zhiku(&["check", "--internal"]);
    let said_internal = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(
        !said_internal.contains("internal document"),
        "{said_internal}"
    );
}

#[test]
fn the_internal_build_has_the_document_and_finds_it() {
    let site = site();
    let out = site.root.join("intranet");
    let index = site.root.join("intranet-index");
    let built = site.zhiku(&[
        "build",
        "--internal",
        "--out",
        out.to_str().unwrap(),
        "--index-dir",
        index.to_str().unwrap(),
    ]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let page = std::fs::read_to_string(out.join(format!("policies/{SLUG}/index.html"))).unwrap();
    assert!(
        page.contains("class=\"banner-internal\""),
        "内部资料 banner"
    );
    assert!(page.contains(CANARY));
    assert!(out.join(format!("policies/{SLUG}-fujian.txt")).is_file());
    // Its handbook marks it too, and prints only from the members' build.
    let handbook = std::fs::read_to_string(out.join("paths/xinren/handbook/index.html")).unwrap();
    assert!(handbook.contains("class=\"banner-internal\"") && handbook.contains(CANARY));
    let print = site.zhiku(&["print", "xinren", "--out", out.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&print.stderr);
    assert!(
        !print.status.success() && said.contains("holds the internal portal"),
        "{said}"
    );
    let jingyan = std::fs::read_to_string(out.join("experiences/jingyan/index.html")).unwrap();
    assert!(jingyan.contains(&format!("/policies/{SLUG}/")));
    assert!(!leaks(&[&out, &index], &[CANARY]).is_empty());
    let found = site.zhiku(&[
        "search",
        CANARY,
        "--json",
        "--index-dir",
        index.to_str().unwrap(),
    ]);
    let found: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    assert!(found["total"].as_u64().unwrap() >= 1, "{found}");

    // One portal is not written over the other, either way.
    site.built();
    let over = site.zhiku(&["build", "--internal"]);
    assert!(!over.status.success());
    let said = String::from_utf8_lossy(&over.stderr);
    assert!(said.contains("holds the public portal"), "{said}");
    assert!(
        leaks(&[&site.out()], &[CANARY]).is_empty(),
        "the public output is untouched"
    );
    let over = site.zhiku(&[
        "build",
        "--out",
        out.to_str().unwrap(),
        "--index-dir",
        index.to_str().unwrap(),
    ]);
    assert!(!over.status.success());
    let said = String::from_utf8_lossy(&over.stderr);
    assert!(said.contains("holds the internal portal"), "{said}");
    assert!(std::fs::read_to_string(out.join(format!("policies/{SLUG}/index.html"))).is_ok());
}

#[test]
fn audience_mistakes_are_named_at_file_and_line() {
    let site = SiteTest::empty();
    site.write(
        "content/training/_index.md",
        "---\ntitle: 党内学习资料\naudience: internal\n---\n",
    );
    site.write(
        "content/training/ke1.md",
        "---\ntitle: 第一课\ndate: 2025-01-01\naudience: public\n---\n\n正文。\n",
    );
    site.write(
        "content/cases/anli.md",
        "---\ntitle: 案例\ndate: 2025-01-01\naudience: members\n---\n\n正文。\n",
    );
    let check = site.zhiku(&["check"]);
    assert!(!check.status.success());
    let said = String::from_utf8_lossy(&check.stdout).to_string()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(
        said.contains("content/training/ke1.md:4: field 'audience': says public, but content/training/_index.md makes its section internal"),
        "{said}"
    );
    assert!(
        said.contains("content/cases/anli.md:4: field 'audience': unknown audience 'members'"),
        "{said}"
    );
}

#[test]
fn a_section_made_internal_leaves_the_public_portal() {
    let site = SiteTest::empty();
    site.write(
        "content/training/_index.md",
        &format!("---\ntitle: {CANARY}学习资料\naudience: internal\n---\n\n{CANARY}栏目说明。\n"),
    );
    site.write(
        "content/training/ke1.md",
        &format!("---\ntitle: {CANARY}第一课\ndate: 2025-01-01\nseries: 内部课程\norder: 1\n---\n\n{CANARY}正文。\n"),
    );
    site.write(
        "content/cases/anli.md",
        "---\ntitle: 公开案例\ndate: 2025-01-01\n---\n\n正文。\n",
    );
    site.built();
    assert_eq!(
        leaks(
            &[&site.out(), &site.root.join("search-index")],
            &[CANARY, "training/ke1"]
        ),
        Vec::<String>::new()
    );
    assert!(site.read("cases/anli/index.html").contains("公开案例"));
}
