//! 自测 on the page without JavaScript: questions in fieldsets with their
//! legends, every answer readable behind a <details>, and the answer key
//! again for print; the /study/ page is published.

use crate::common::SiteTest;

#[test]
fn a_quiz_reads_without_javascript_and_prints_its_key() {
    let site = SiteTest::empty();
    site.write(
        "content/training/ke.md",
        "---\ntitle: 议事协商入门\ndate: 2024-03-01\nquiz:\n\
         \x20 - q: 议题从哪里来？\n    type: single\n    options: [居民, 上级]\n    answer: A\n    explain: 议题来自居民。\n    source: \"#一议题收集\"\n\
         \x20 - q: 议事要有哪些环节？\n    type: multiple\n    options: [提议, 商议, 抽签]\n    answer: AB\n\
         \x20 - q: 结果要公示。\n    type: judge\n    answer: 对\n\
         \x20 - q: 议事场所叫____。\n    type: fill\n    answer: [议事厅, 议事室]\n\
         ---\n\n## 一、议题收集\n\n议题从居民中来。\n",
    );
    site.built();
    let html = site.main("training/ke/index.html");
    assert_eq!(html.matches("<fieldset class=\"quiz-q\"").count(), 4);
    assert!(html.contains("<legend><span class=\"quiz-no\">1.</span> <span class=\"quiz-type\">［单选题］</span>议题从哪里来？</legend>"));
    assert!(html.contains("type=\"checkbox\" name=\"q2\" value=\"B\""));
    assert!(html.contains("type=\"radio\" name=\"q3\" value=\"错\""));
    assert!(html.contains("type=\"text\" name=\"q4\""));
    let key = &html[html
        .find("<details class=\"quiz-key\">")
        .expect("answer key")..];
    let key = &key[..key.find("</details>").unwrap()];
    for answer in [
        "<strong>A</strong>　议题来自居民。",
        "<strong>AB</strong>",
        "<strong>对</strong>",
        "<strong>议事厅 / 议事室</strong>",
    ] {
        assert!(key.contains(answer), "{answer} in {key}");
    }
    assert!(key.contains("href=\"#一议题收集\""), "{key}");
    assert!(html.contains("<div class=\"quiz-key-print\">"));
    assert!(html.contains("role=\"status\" aria-live=\"polite\""));
    let study = site.main("study/index.html");
    assert!(study.contains("错题本") && study.contains("data-study-export"));
}
