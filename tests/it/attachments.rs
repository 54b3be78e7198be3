//! Attachments (附件) on a fixture site whose files hold words found nowhere
//! else: listed on the page with type and size, published once, searchable
//! on the server and in the static bundle (the hit names the attachment),
//! checked (missing, oversize, scan-only), cached, and picked up by the
//! live preview.

use std::path::Path;

use crate::common::http::{get, Server};
use crate::common::{repo_root, SiteTest};

fn fixture(name: &str) -> std::path::PathBuf {
    repo_root().join("tests/fixtures/attachments").join(name)
}

fn copy(site: &SiteTest, from: &Path, to: &str) {
    let target = site.root.join(to);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::copy(from, target).unwrap();
}

/// A policy with a Word task table listed in front matter (and a shared
/// spreadsheet under static/), a page bundle with a spreadsheet, and a
/// lesson that links to a PDF from its body.
fn attachment_site() -> SiteTest {
    let site = SiteTest::empty();
    site.write(
        "content/policies/yishi.md",
        "---\ntitle: 关于建设社区议事场所的通知\ndate: 2025-03-01\nissuer: 江源区民政局\n\
         attachments:\n  - path: yishi-renwu.docx\n    title: 附件1：任务分工表\n  - /files/mingdan.xlsx\n---\n\n\
         各社区按附件要求建设议事场所。\n",
    );
    copy(
        &site,
        &fixture("renwu.docx"),
        "content/policies/yishi-renwu.docx",
    );
    copy(&site, &fixture("mingdan.xlsx"), "static/files/mingdan.xlsx");
    site.write(
        "content/cases/jinxiu/index.md",
        "---\ntitle: 锦绣社区网格联络的做法\ndate: 2025-02-01\nattachments:\n  - path: mingdan.xlsx\n    title: 网格联络员名单\n---\n\n\
         社区把联络员名单公示在服务站。\n",
    );
    copy(
        &site,
        &fixture("mingdan.xlsx"),
        "content/cases/jinxiu/mingdan.xlsx",
    );
    site.write(
        "content/training/jilu.md",
        "---\ntitle: 组织生活记录怎么写\ndate: 2025-01-01\n---\n\n\
         先读[记录要求](jilu-yaoqiu.pdf)再动笔。\n",
    );
    copy(
        &site,
        &fixture("tigang.pdf"),
        "content/training/jilu-yaoqiu.pdf",
    );
    site
}

#[test]
fn pages_list_their_files_which_are_published_once() {
    let site = attachment_site();
    site.built();
    let out = site.out();
    let policy = site.read("policies/yishi/index.html");
    assert!(policy.contains("<h2 id=\"attachments-title\">附件</h2>"));
    assert!(
        policy.contains("<a href=\"/policies/yishi-renwu.docx\" download>附件1：任务分工表</a>"),
        "{policy}"
    );
    assert!(policy.contains("Word · 5.4 KB"), "size and type shown");
    assert!(policy.contains("<a href=\"/files/mingdan.xlsx\" download>mingdan.xlsx</a>"));
    assert!(
        policy.contains("<a href=\"#attachments-title\">2 个</a>"),
        "counted in the metadata block"
    );
    let bundle = site.read("cases/jinxiu/index.html");
    assert!(bundle.contains("href=\"/cases/jinxiu/mingdan.xlsx\""));
    // The body link goes where the file is published, not beside the page URL.
    let lesson = site.read("training/jilu/index.html");
    assert!(
        lesson.contains("<a href=\"/training/jilu-yaoqiu.pdf\">记录要求</a>"),
        "{lesson}"
    );
    for file in [
        "policies/yishi-renwu.docx",
        "files/mingdan.xlsx",
        "cases/jinxiu/mingdan.xlsx",
        "training/jilu-yaoqiu.pdf",
    ] {
        assert!(out.join(file).is_file(), "{file} published");
    }
    assert_eq!(
        std::fs::read(out.join("training/jilu-yaoqiu.pdf")).unwrap(),
        std::fs::read(fixture("tigang.pdf")).unwrap()
    );
    assert!(crate::common::crawl::broken_links(&out).is_empty());
}

#[test]
fn words_only_in_attachments_find_the_document_which_names_the_file() {
    let site = attachment_site();
    site.built();
    for (word, url, file) in [
        ("银杏议事角", "/policies/yishi/", "附件1：任务分工表"),
        ("楼栋微信群管理员", "/cases/jinxiu/", "网格联络员名单"),
        ("记录本骑缝章", "/training/jilu/", "jilu-yaoqiu.pdf"),
    ] {
        let v = site.search_json(word);
        let hit = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["url"] == url)
            .unwrap_or_else(|| panic!("{word}: {url} not found: {v}"));
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(
            snippet.starts_with(&format!("附件《{file}》中："))
                && snippet.contains(&format!("<mark>{word}</mark>")),
            "{word}: {snippet}"
        );
    }
    // The shared spreadsheet under static/ makes the policy findable too.
    assert_eq!(site.search_json("楼栋微信群管理员")["total"], 2);
}

#[test]
#[cfg_attr(
    not(has_browser_tools),
    ignore = "needs node (npm ci --prefix tests/browser); .ci/run installs it"
)]
fn the_static_bundle_finds_attachment_words_too() {
    let site = attachment_site();
    site.built();
    let answers = crate::common::node_json_lines(
        "parity.mjs",
        &[
            site.out().as_os_str(),
            r#"[{"q": "银杏议事角"}, {"q": "记录本骑缝章"}]"#.as_ref(),
        ],
    );
    assert_eq!(answers[0]["hits"][0]["url"], "/policies/yishi/");
    assert!(answers[0]["hits"][0]["snippet"]
        .as_str()
        .unwrap()
        .starts_with("附件《附件1：任务分工表》中："));
    assert_eq!(answers[1]["hits"][0]["url"], "/training/jilu/");
}

#[test]
fn check_names_missing_oversize_and_textless_attachments() {
    let site = attachment_site();
    // A listed file that is not there, a body link to one that is not
    // there, a scan without text, and a 1 MB limit the PDF stays under.
    site.write(
        "content/cases/queshi.md",
        "---\ntitle: 缺附件的案例\ndate: 2025-01-05\nattachments:\n  - path: bucunzai.docx\n---\n\n\
         第一段。\n\n见[表格](meiyou.xlsx)。\n",
    );
    site.write(
        "content/experiences/saomiao.md",
        "---\ntitle: 扫描件\ndate: 2025-01-06\nattachments:\n  - scan.pdf\n---\n\n正文。\n",
    );
    copy(
        &site,
        &repo_root().join("tests/fixtures/import/scan.pdf"),
        "content/experiences/scan.pdf",
    );
    let out = site.zhiku(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "content/cases/queshi.md:5: field 'attachments': attachment not found: bucunzai.docx"
        ),
        "{err}"
    );
    assert!(
        err.contains("content/cases/queshi.md:10: field 'link': attachment not found: meiyou.xlsx"),
        "{err}"
    );
    // check writes nothing, not even the text cache.
    assert!(!site.root.join("search-index").exists());

    std::fs::remove_file(site.root.join("content/cases/queshi.md")).unwrap();
    site.write(
        "zhiku.yaml",
        "title: 测试站\nbase_url: https://dangjian.example.org\nattachment_max_mb: 0\n",
    );
    let out = site.zhiku(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("over the 0 MB limit (attachment_max_mb)"),
        "{err}"
    );
}

#[test]
fn attachment_text_is_cached_by_content() {
    let site = attachment_site();
    site.built();
    let cache = site.root.join("search-index/.attachment-text");
    let cached: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        cached.len(),
        3,
        "one text per distinct file (the spreadsheet is there twice): {cached:?}"
    );
    // An unchanged file is not read again: what the cache holds is indexed.
    let pdf_text = cached
        .iter()
        .find(|p| std::fs::read_to_string(p).unwrap().contains("记录本骑缝章"))
        .unwrap();
    std::fs::write(pdf_text, "缓存里的暗号").unwrap();
    site.built();
    assert_eq!(
        site.search_json("缓存里的暗号")["hits"][0]["url"],
        "/training/jilu/"
    );
    // A changed file is read again.
    copy(
        &site,
        &fixture("renwu-v2.docx"),
        "content/policies/yishi-renwu.docx",
    );
    site.built();
    assert_eq!(
        site.search_json("香樟议事亭")["hits"][0]["url"],
        "/policies/yishi/"
    );
    assert_eq!(site.search_json("银杏议事角")["total"], 0);
}

#[test]
fn the_live_preview_reindexes_an_edited_attachment() {
    let srv = Server::start(attachment_site());
    let find = |word: &str| -> u64 {
        let q = percent_encoding::utf8_percent_encode(word, percent_encoding::NON_ALPHANUMERIC);
        let body = get(&srv.addr, &format!("/api/search?q={q}")).body;
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(find("银杏议事角"), 1);
    // The task table edited: its new words are found, its old ones not.
    std::fs::copy(
        fixture("renwu-v2.docx"),
        srv.site.root.join("content/policies/yishi-renwu.docx"),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while find("香樟议事亭") < 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the edited attachment was not re-indexed"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(find("银杏议事角"), 0);
}
