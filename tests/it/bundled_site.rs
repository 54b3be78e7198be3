//! The bundled content (the repository's own site) builds, meets the content
//! brief and has no broken internal link.

use crate::common;

use std::collections::HashMap;

use common::repo_root;
use zhiku::pipeline::{build, load_site, BuildOptions};

fn options(out: &std::path::Path) -> BuildOptions {
    BuildOptions {
        root: repo_root(),
        out_dir: Some(out.to_path_buf()),
        index_dir: Some(out.with_file_name("search-index")),
        ..Default::default()
    }
}

#[test]
fn bundled_site_builds_and_every_internal_link_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let report =
        build(&options(&out)).unwrap_or_else(|e| panic!("bundled site fails to build:\n{e}"));
    assert!(
        report.warnings.is_empty(),
        "bundled content has warnings: {:#?}",
        report.warnings
    );
    let broken = common::crawl::broken_links(&out);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // Every document has its page.
    let loaded = load_site(&options(&out)).unwrap();
    for p in &loaded.site.pages {
        let file = out.join(p.url.trim_start_matches('/')).join("index.html");
        assert!(file.is_file(), "{} has no page", p.doc.rel_path);
    }
}

#[test]
fn bundled_content_covers_the_brief() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load_site(&options(dir.path())).unwrap();
    let site = &loaded.site;
    assert!(site.pages.len() >= 24, "{} documents", site.pages.len());
    let mut per_kind = HashMap::new();
    for p in &site.pages {
        *per_kind.entry(p.doc.front.kind).or_insert(0) += 1;
    }
    for kind in zhiku::content::model::Kind::ALL {
        assert!(
            per_kind.get(&kind).copied().unwrap_or(0) >= 6,
            "{kind:?}: {per_kind:?}"
        );
    }
    assert!(
        site.series.iter().any(|s| s.lessons.len() >= 4),
        "a series of at least 4 lessons"
    );
    let statuses: std::collections::HashSet<_> = site
        .pages
        .iter()
        .filter_map(|p| p.doc.front.policy.status)
        .collect();
    assert!(statuses.len() >= 4, "several policy statuses: {statuses:?}");
    assert!(
        site.pages
            .iter()
            .any(|p| !p.supersedes.is_empty() && !p.superseded_by.is_empty()),
        "a supersedes chain"
    );
    let bodies: Vec<&str> = site.pages.iter().map(|p| p.doc.body.as_str()).collect();
    assert!(bodies.iter().any(|b| b.contains("\n|")), "a table");
    assert!(bodies.iter().any(|b| b.contains("[^")), "a footnote");
    assert!(
        site.pages
            .iter()
            .any(|p| p.doc.rendered.toc.iter().any(|t| t.level == 2)
                && p.doc.body.contains("\n（一）")),
        "numbering as plain paragraphs"
    );
    assert!(
        bodies
            .iter()
            .any(|b| b.lines().any(|l| l.chars().count() > 10
                && !l.ends_with(['。', '：', '；', '！', '？', '|', '）'])
                && zhiku::content::text::is_cjk(l.chars().last().unwrap()))),
        "hard-wrapped Chinese"
    );
    // One document in Traditional Chinese: characters that only exist in the traditional script.
    assert!(
        site.pages.iter().any(|p| ["黨", "區", "與", "為", "會"]
            .iter()
            .filter(|c| p.doc.body.contains(*c))
            .count()
            >= 3),
        "a Traditional Chinese document"
    );
}
