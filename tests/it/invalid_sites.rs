//! One tiny invalid site per kind of bad input (tests/fixtures/invalid/*):
//! each must fail with a non-zero exit and the exact messages in its
//! `expected.txt`, and must not create any output.

use crate::common;

use common::{repo_root, SiteTest};

#[test]
fn every_invalid_fixture_fails_with_its_message() {
    let dir = repo_root().join("tests/fixtures/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let site = SiteTest::empty();
        common::copy_dir(&case, &site.root);
        let out = site.zhiku(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(1) {
            failures.push(format!(
                "{name}: exit {:?}, stderr:\n{stderr}",
                out.status.code()
            ));
        }
        for line in std::fs::read_to_string(case.join("expected.txt"))
            .unwrap()
            .lines()
        {
            if !stderr.contains(line) {
                failures.push(format!("{name}: expected `{line}` in stderr:\n{stderr}"));
            }
        }
        if site.root.join("public").exists() {
            failures.push(format!("{name}: a failed build wrote public/"));
        }
        // `check` reports the same problems, writing nothing.
        let check = site.zhiku(&["check"]);
        let check_err = String::from_utf8_lossy(&check.stderr);
        if check.status.code() != Some(1)
            || !check_err.contains(
                std::fs::read_to_string(case.join("expected.txt"))
                    .unwrap()
                    .lines()
                    .next()
                    .unwrap(),
            )
        {
            failures.push(format!("{name}: check did not report it:\n{check_err}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn all_problems_are_reported_in_one_run_sorted_by_file() {
    let site = SiteTest::fixture("invalid/many-errors");
    let out = site.zhiku(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let a = stderr.find("content/policies/a.md:3").expect(&stderr);
    let b = stderr.find("content/training/b.md:4").expect(&stderr);
    assert!(a < b);
    assert!(stderr.contains("error(s) in content"), "{stderr}");
}

#[test]
fn check_json_is_machine_readable() {
    let site = SiteTest::fixture("invalid/bad-date");
    let out = site.zhiku(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "content/policies/x.md");
    assert_eq!(d["line"], 3);
    assert_eq!(d["field"], "date");
}

#[test]
fn missing_config_or_theme_is_a_clear_error() {
    let site = SiteTest::empty();
    std::fs::remove_file(site.root.join("zhiku.yaml")).unwrap();
    let out = site.zhiku(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("zhiku.yaml"));

    let site = SiteTest::empty();
    site.write("zhiku.yaml", "theme: nosuch\n");
    let out = site.zhiku(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("theme 'nosuch'"));
}

#[test]
fn a_file_with_bad_fields_gets_its_link_errors_in_the_same_run() {
    let site = SiteTest::empty();
    site.write(
        "content/policies/x.md",
        "---\ntitle: 有两处问题的文件\ndate: 2005\n---\n\n见[另一份文件](../cases/nope.md)。\n\n![现场照片](/images/missing.jpg)\n",
    );
    site.write(
        "content/cases/ok.md",
        "---\ntitle: 正常的案例\ndate: 2024-01-02\n---\n\n见[不存在的文件](../policies/gone.md)。\n",
    );
    let out = site.zhiku(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    // The field, and in the same run the same file's link and image, and
    // the other file's link.
    for expected in [
        "content/policies/x.md:3: field 'date'",
        "content/policies/x.md:6",
        "content/policies/x.md:8",
        "content/cases/ok.md:6",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    // The build still refuses the file, writing nothing.
    let build = site.zhiku(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert!(!site.root.join("public").exists());
}
