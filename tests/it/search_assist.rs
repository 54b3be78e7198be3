//! Search assistance on a small site written for it: pinyin and initials,
//! "did you mean", synonyms, completions and hot words, through `zhiku
//! search`, `/api/search` and `/api/suggest`, and the checks on the editors'
//! files. (The static page's answers: `static_parity`, `browser`.)

use crate::common;

use common::http::{get, Server};
use common::SiteTest;

fn doc(title: &str, date: &str, tags: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\n\n{body}\n")
}

/// Four documents: one says 两新组织, one only 新经济组织 (a synonym), one is
/// about 流动党员, one about the 领头雁 programme.
fn assist_site() -> SiteTest {
    let site = SiteTest::empty();
    site.write(
        "content/experiences/liangxin.md",
        &doc(
            "两新组织党建的三点做法",
            "2024-03-01",
            "两新组织",
            "街道把两新组织党建纳入年度考核，派出指导员二十名。",
        ),
    );
    site.write(
        "content/experiences/xinjingji.md",
        &doc(
            "园区新经济组织党员的组织关系接转",
            "2024-02-01",
            "组织关系",
            "园区里的新经济组织多，党员流动快，支部为每名党员建立联系卡。",
        ),
    );
    site.write(
        "content/cases/liudong.md",
        &doc(
            "物流园流动党员服务站",
            "2023-05-01",
            "流动党员",
            "服务站为流动党员提供学习、交流和组织生活的场地，每月开放二十天。",
        ),
    );
    site.write(
        "content/cases/lingtouyan.md",
        &doc(
            "社区书记领头雁培养计划",
            "2023-01-01",
            "队伍建设",
            "区里每年选出十名社区书记，作为领头雁重点培养。",
        ),
    );
    site.write("content/_hotwords.txt", "# 热词\n流动党员\n两新组织\n");
    site
}

fn urls(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn pinyin_and_initials_are_searched_as_the_words_they_spell() {
    let site = assist_site();
    site.built();
    for q in ["liudongdangyuan", "liu2dong4dang3yuan2", "lddy"] {
        let v = site.search_json(q);
        assert_eq!(urls(&v), vec!["/cases/liudong/"], "{q}: {v}");
        assert_eq!(v["expanded"], "流动党员", "{q}: {v}");
        assert!(v["suggestion"].is_null());
    }
    // Tone marks are dropped; 流动 alone is in two documents, the one with
    // it in the title first.
    let v = site.search_json("liúdòng");
    assert_eq!(v["expanded"], "流动");
    assert_eq!(urls(&v)[0], "/cases/liudong/");
    // Latin that spells nothing stays as it is: nothing found, no reading.
    let v = site.search_json("qwxz");
    assert_eq!(v["total"], 0);
    assert!(v["expanded"].is_null());
}

#[test]
fn a_homophone_slip_is_offered_a_correction_but_never_matched() {
    let site = assist_site();
    site.built();
    for (slip, right) in [("流动党圆", "流动党员"), ("领头燕", "领头雁")] {
        let v = site.search_json(slip);
        assert_eq!(v["total"], 0, "{slip} must not match by sound: {v}");
        assert_eq!(v["suggestion"], right, "{slip}");
    }
    // Latin with a letter wrong: the closest word.
    let v = site.search_json("liudongdangyan");
    assert_eq!(v["suggestion"], "流动党员", "{v}");
    // A right query gets none; the text output says it in Chinese.
    assert!(site.search_json("流动党员")["suggestion"].is_null());
    let out = site.zhiku(&["search", "领头燕"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("您是不是要找：领头雁"));
}

#[test]
fn synonyms_find_each_other_a_little_below_the_word_itself() {
    let site = assist_site();
    site.built();
    let v = site.search_json("两新组织");
    assert_eq!(
        urls(&v),
        vec!["/experiences/liangxin/", "/experiences/xinjingji/"],
        "the word itself first: {v}"
    );
    assert_eq!(v["also"], serde_json::json!(["新经济组织", "新社会组织"]));
    let v = site.search_json("新经济组织");
    assert_eq!(
        urls(&v),
        vec!["/experiences/xinjingji/", "/experiences/liangxin/"]
    );
    // The site's own group adds to the shipped ones.
    site.write("content/_synonyms.txt", "领头雁 带头人\n");
    site.built();
    let v = site.search_json("带头人");
    assert_eq!(urls(&v), vec!["/cases/lingtouyan/"]);
}

#[test]
fn a_malformed_synonyms_file_fails_check_and_build_naming_the_lines() {
    let site = assist_site();
    site.write(
        "content/_synonyms.txt",
        "# 组\n领头雁 带头人\n孤零零\n\"引号\" 词\n",
    );
    let out = site.zhiku(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/_synonyms.txt:3"), "{err}");
    assert!(err.contains("content/_synonyms.txt:4"), "{err}");
    assert!(err.contains("two words or more"), "{err}");
    let build = site.zhiku(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(!site.out().join("index.html").exists());
}

#[test]
fn the_api_answers_assisted_searches_and_completions() {
    let srv = Server::start_prod(assist_site());
    let v: serde_json::Value =
        serde_json::from_str(&get(&srv.addr, "/api/search?q=liudongdangyuan").body).unwrap();
    assert_eq!(v["expanded"], "流动党员");
    assert_eq!(v["total"], 1);

    let suggest = |prefix: &str| -> serde_json::Value {
        let q = percent_encoding::utf8_percent_encode(prefix, percent_encoding::NON_ALPHANUMERIC);
        let r = get(&srv.addr, &format!("/api/suggest?q={q}"));
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str(&r.body).unwrap()
    };
    let texts = |v: &serde_json::Value| -> Vec<String> {
        v["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["text"].as_str().unwrap().to_string())
            .collect()
    };
    // Hanzi and pinyin prefixes complete alike; the tag comes first.
    for prefix in ["流动", "liud", "ld"] {
        let v = suggest(prefix);
        let t = texts(&v);
        assert_eq!(
            t.first().map(String::as_str),
            Some("流动党员"),
            "{prefix}: {t:?}"
        );
        assert_eq!(v["suggestions"][0]["kind"], "tag");
        assert!(t.len() <= 10);
    }
    // A title links to its page.
    for prefix in ["物流园", "wuliuyuan", "wly"] {
        let v = suggest(prefix);
        let title = v["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == "title")
            .unwrap_or_else(|| panic!("{prefix}: no title in {v}"));
        assert_eq!(title["text"], "物流园流动党员服务站");
        assert_eq!(title["url"], "/cases/liudong/");
    }
    assert!(texts(&suggest("")).is_empty());
    assert!(texts(&suggest("zzzz")).is_empty());
    let long = get(&srv.addr, &format!("/api/suggest?q={}", "a".repeat(33)));
    assert_eq!(long.status, 400);

    // Hot words under the search box, each a link to its search.
    let page = get(&srv.addr, "/search/").body;
    assert!(
        page.contains("<a href=\"/search/?q=%E6%B5%81%E5%8A%A8%E5%85%9A%E5%91%98\">流动党员</a>")
    );
}
