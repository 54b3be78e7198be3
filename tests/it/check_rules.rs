//! `zhiku check`: one fixture per editorial rule (tests/fixtures/check/*),
//! each with its exact message and exit code (`exit.txt`, default 1).

use crate::common;

use common::{repo_root, SiteTest};

#[test]
fn every_check_rule_reports_its_exact_message() {
    let dir = repo_root().join("tests/fixtures/check");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 9);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let site = SiteTest::empty();
        common::copy_dir(&case, &site.root);
        let expected_exit: i32 = std::fs::read_to_string(case.join("exit.txt"))
            .map(|s| s.trim().parse().unwrap())
            .unwrap_or(1);
        let out = site.zhiku(&["check"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(expected_exit) {
            failures.push(format!(
                "{name}: exit {:?}, expected {expected_exit}:\n{stderr}",
                out.status.code()
            ));
        }
        for line in std::fs::read_to_string(case.join("expected.txt"))
            .unwrap()
            .lines()
        {
            if !stderr.lines().any(|l| l == line) {
                failures.push(format!("{name}: expected line\n  {line}\nin:\n{stderr}"));
            }
        }
        if expected_exit == 0 {
            let strict = site.zhiku(&["check", "--strict"]);
            if strict.status.code() != Some(1) {
                failures.push(format!("{name}: --strict should fail on warnings"));
            }
        }
        if site.root.join("public").exists() || site.root.join("search-index").exists() {
            failures.push(format!("{name}: check wrote output"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn links_between_documents_resolve_in_html() {
    let site = SiteTest::fixture("check/broken-anchor");
    site.write(
        "content/cases/x.md",
        "---\ntitle: 乙\ndate: 2024-01-01\n---\n见[总体要求](../policies/a.md#一总体要求)。\n",
    );
    site.write(
        "content/policies/a.md",
        "---\ntitle: 甲\ndate: 2024-01-01\nslug: renamed\n---\n## 一、总体要求\n",
    );
    let out = site.zhiku(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site.built();
    let html = site.main("cases/x/index.html");
    assert!(
        html.contains("href=\"/policies/renamed/#%E4%B8%80%E6%80%BB%E4%BD%93%E8%A6%81%E6%B1%82\""),
        "{html}"
    );
}

#[test]
fn bundled_content_passes_strict_check() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhiku"))
        .args(["check", "--strict", "--root"])
        .arg(repo_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn citations_of_missing_policies_are_listed_as_notes() {
    let site = SiteTest::empty();
    site.write(
        "content/policies/a.md",
        "---\ntitle: 甲\ndate: 2024-01-01\ndoc_number: 江组发〔2024〕12号\n---\n正文。\n",
    );
    site.write(
        "content/cases/x.md",
        "---\ntitle: 乙\ndate: 2024-01-01\n---\n依据江组发〔2024〕12号和京组发〔2001〕3号开展工作。\n",
    );
    let out = site.zhiku(&["check", "--citations", "--strict"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "notes fail nothing: {stderr}");
    assert!(
        stderr.lines().any(|l| l == "content/cases/x.md:5: note: 文号 京组发〔2001〕3号 is cited, but no policy in the site has it (hint: add the policy under content/policies/ and the citation becomes a link)"),
        "{stderr}"
    );
    assert!(!stderr.contains("江组发〔2024〕12号 is cited"), "{stderr}");
    let plain = site.zhiku(&["check"]);
    assert!(
        !String::from_utf8_lossy(&plain.stderr).contains("note:"),
        "only with --citations"
    );
}

#[test]
fn a_strict_build_fails_where_check_would_and_writes_nothing() {
    let case = repo_root().join("tests/fixtures/check/broken-link");
    let site = SiteTest::empty();
    common::copy_dir(&case, &site.root);
    // A plain build publishes the page with its broken link ...
    let plain_out = site.root.join("plain");
    let plain = site.zhiku(&["build", "--no-index", "--out", plain_out.to_str().unwrap()]);
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    // ... a strict one refuses, naming it, and writes nothing.
    let strict = site.zhiku(&["build", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    let err = String::from_utf8_lossy(&strict.stderr);
    assert!(
        err.contains("content/cases/x.md:7: broken link '/policies/nope/'"),
        "{err}"
    );
    assert!(!site.out().exists(), "a refused build wrote its output");
    // Warnings fail it too, as with check --strict.
    let warned = SiteTest::empty();
    common::copy_dir(
        &repo_root().join("tests/fixtures/check/tag-as-text"),
        &warned.root,
    );
    let out = warned.zhiku(&["build", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(warned.zhiku(&["build"]).status.success());
}
