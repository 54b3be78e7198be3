//! `zhiku new`: every kind's archetype gives a file that `check` accepts and
//! `build` renders; existing files and unsafe names are refused.

use crate::common;

use common::SiteTest;

#[test]
fn new_documents_pass_check_and_render() {
    let site = SiteTest::empty();
    for (kind, slug, section) in [
        ("policy", "hongse-wuye-2025", "policies"),
        ("experience", "hubin-jiedao-2025", "experiences"),
        ("case", "yuehu-shequ", "cases"),
        ("training", "lesson-1", "training"),
    ] {
        let out = site.zhiku(&["new", kind, slug, "--title", "关于“红色物业”的#测试：标题"]);
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(site.root.join(format!("content/{section}/{slug}.md")))
            .unwrap();
        assert!(
            text.contains("# 标题（必填）"),
            "Chinese comments explain the fields"
        );
        let today = chrono::Local::now().date_naive().to_string();
        assert!(text.contains(&format!("date: {today}")), "{text}");
    }
    let check = site.zhiku(&["check", "--strict"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Without --title the placeholder is accepted, with a warning.
    let out = site.zhiku(&["new", "case", "no-title"]);
    assert!(out.status.success());
    let check = site.zhiku(&["check"]);
    assert!(check.status.success());
    assert!(String::from_utf8_lossy(&check.stderr)
        .contains("content/cases/no-title.md:3: warning: field 'title': still the placeholder"));
    site.built();
    let html = site.main("policies/hongse-wuye-2025/index.html");
    assert!(html.contains("关于“红色物业”的#测试：标题"), "{html}");
    assert!(site
        .main("cases/no-title/index.html")
        .contains(zhiku::content::archetype::TITLE_PLACEHOLDER));
}

#[test]
fn new_refuses_to_overwrite_and_unsafe_names() {
    let site = SiteTest::empty();
    assert!(site.zhiku(&["new", "case", "a"]).status.success());
    let path = site.root.join("content/cases/a.md");
    std::fs::write(&path, "编辑过的内容").unwrap();
    let again = site.zhiku(&["new", "case", "a"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "编辑过的内容");
    for bad in ["../escape", "a/b", ".hidden", "a b", "x.md"] {
        let out = site.zhiku(&["new", "case", bad]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not a safe file name"),
            "{bad}"
        );
    }
    assert!(!site.root.join("escape.md").exists() && !site.root.join("content/escape.md").exists());
    // An unknown kind is a usage error (exit 2) that lists the kind table.
    let kind = site.zhiku(&["new", "news", "x"]);
    assert_eq!(kind.status.code(), Some(2));
    let said = String::from_utf8_lossy(&kind.stderr);
    assert!(
        said.contains("policy, experience, case, training"),
        "{said}"
    );
}
