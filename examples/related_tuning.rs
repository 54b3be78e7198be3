//! Related documents with and without the MaxScore bound: time and equality.
//!
//! usage: cargo run --release --example related_tuning -- SITE [--bound-only]
//!
//! Loads the built site at SITE (its search index must exist), computes the
//! related lists by summing every term in full (the reference), then with
//! the MaxScore bound, and prints both times, how many pages keep the
//! reference's list, how many of its links are kept, and how many links
//! score below the reference's last one (a link that replaces one of equal
//! score is a tie settled otherwise, not a worse link). `--bound-only`
//! times the bound alone: the reference takes minutes on large sites.

use std::time::Instant;

use zhiku::pipeline::{self, BuildOptions, RELATED_LIMIT};
use zhiku::search::index::SearchIndex;
use zhiku::search::related::{ranked_with, Pruning};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .ok_or("usage: related_tuning SITE [--bound-only]")?;
    let methods = match args.next().as_deref() {
        Some("--bound-only") => vec![Pruning::MaxScore],
        _ => vec![Pruning::None, Pruning::MaxScore],
    };
    let opts = BuildOptions::new(&root);
    let loaded = pipeline::load_site(&opts)?;
    let site = &loaded.site;
    let index = SearchIndex::open(&pipeline::index_dir(&opts, &site.config))?;
    let all: Vec<usize> = (0..site.pages.len()).collect();
    let mut reference: Option<Vec<Vec<(usize, f32)>>> = None;
    for pruning in methods {
        let began = Instant::now();
        let ranked = ranked_with(&index, site, &all, RELATED_LIMIT, pruning)?;
        println!("{pruning:?}: {:.2} s", began.elapsed().as_secs_f64());
        let Some(exact) = &reference else {
            reference = Some(ranked);
            continue;
        };
        let (mut same, mut kept, mut total, mut worse) = (0, 0, 0, 0);
        for (want, have) in exact.iter().zip(&ranked) {
            let have_pids = pids(have);
            same += usize::from(pids(want) == have_pids);
            kept += want.iter().filter(|(j, _)| have_pids.contains(j)).count();
            total += want.len();
            if let Some(&(_, last)) = want.last() {
                let bar = last - 1e-4 * last.abs();
                worse += have.iter().filter(|&&(_, s)| s < bar).count();
            }
        }
        println!(
            "  same list: {same} of {} pages; links kept: {kept} of {total}; \
             scoring below the reference's last: {worse}",
            exact.len()
        );
    }
    Ok(())
}

fn pids(list: &[(usize, f32)]) -> Vec<usize> {
    list.iter().map(|&(j, _)| j).collect()
}
