//! Snapshots of the `<main>` of fixture pages, one per page family: a change
//! in rendering shows in review as a change of a file under
//! `tests/it/snapshots/`. Accept an intended change with
//! `INSTA_UPDATE=always cargo test --test it snapshots` (or `cargo insta
//! review`), then read the diff before committing it.

use std::time::{Duration, SystemTime};

use crate::common::SiteTest;

/// The fixture site, its files dated 2024-01-01 so that "最后更新" does not
/// follow the checkout's file times.
fn site() -> SiteTest {
    let site = SiteTest::fixture("valid");
    let fixed = SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200);
    for entry in walkdir::WalkDir::new(site.root.join("content")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(fixed).unwrap();
        }
    }
    site.built();
    site
}

#[test]
fn pages_render_as_reviewed() {
    let site = site();
    for (name, page) in [
        ("home", "index.html"),
        ("policy", "policies/new/index.html"),
        ("policy_pending", "policies/pending/index.html"),
        ("section_page_2", "policies/page/2/index.html"),
        ("lesson", "training/a-second/index.html"),
        ("series", "series/书记履职能力/index.html"),
        ("experience_table", "experiences/table/index.html"),
        ("tag", "tags/组织建设/index.html"),
    ] {
        insta::assert_snapshot!(name, site.main(page));
    }
}
