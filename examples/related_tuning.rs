//! Related documents with and without the MaxScore bound: time and equality.
//!
//! usage: cargo run --release --example related_tuning -- SITE
//!
//! Loads the built site at SITE (its search index must exist), computes the
//! related lists by summing every term in full, then with the MaxScore
//! bound, and prints both times and how many pages keep the same list and
//! how many links are kept.

use std::time::Instant;

use zhiku::pipeline::{self, BuildOptions, RELATED_LIMIT};
use zhiku::search::index::SearchIndex;
use zhiku::search::related::{related_with, Pruning};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args()
        .nth(1)
        .ok_or("usage: related_tuning SITE")?;
    let opts = BuildOptions::new(&root);
    let loaded = pipeline::load_site(&opts)?;
    let site = &loaded.site;
    let index = SearchIndex::open(&pipeline::index_dir(&opts, &site.config))?;
    let all: Vec<usize> = (0..site.pages.len()).collect();
    let mut runs: Vec<zhiku::search::index::Related> = Vec::new();
    for pruning in [Pruning::None, Pruning::MaxScore] {
        let began = Instant::now();
        let related = related_with(&index, site, &all, RELATED_LIMIT, pruning)?;
        println!("{pruning:?}: {:.2} s", began.elapsed().as_secs_f64());
        if runs.is_empty() {
            runs.push(related);
            continue;
        }
        let exact = &runs[0];
        let (mut same, mut kept, mut total) = (0, 0, 0);
        for (url, want) in exact {
            let have = related.get(url).map(Vec::as_slice).unwrap_or_default();
            same += usize::from(want.as_slice() == have);
            kept += want.iter().filter(|u| have.contains(u)).count();
            total += want.len();
        }
        println!(
            "  same list: {same} of {} pages; links kept: {kept} of {total}",
            exact.len()
        );
    }
    Ok(())
}
