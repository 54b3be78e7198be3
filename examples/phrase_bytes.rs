//! What exact multi-character terms would cost the static bundle (issue
//! 22): for each query of a corpus, in the body grams of a built site,
//! how many documents hold every gram (what the bundle matches today), how
//! many hold each pair of neighbouring grams side by side (what next-gram
//! adjacency bits would match), how many hold the whole term (what the
//! server matches), and the gzip bytes of the grams' positions, for every
//! document and for the candidates only.
//!
//! usage: cargo run --release --example phrase_bytes -- SITE QUERIES.txt

use std::collections::BTreeMap;
use std::io::Write;

use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Term, TERMINATED};

/// Positions of one gram: document -> its positions in the field.
type Positions = BTreeMap<u32, Vec<u32>>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (site, queries) = match (args.next(), args.next()) {
        (Some(s), Some(q)) => (s, q),
        _ => return Err("usage: phrase_bytes SITE QUERIES.txt".into()),
    };
    let index = tantivy::Index::open_in_dir(format!("{site}/search-index/tantivy"))?;
    let searcher = index.reader()?.searcher();
    let field = index.schema().get_field("body_grams")?;
    println!("| query | grams | every gram | neighbours side by side | whole term | positions, all docs (gzip) | positions, candidates only (gzip) |");
    println!("|---|---|---|---|---|---|---|");
    let (mut all_total, mut cand_total, mut differ_adj) = (0usize, 0usize, 0usize);
    for q in std::fs::read_to_string(queries)?.lines().map(str::trim) {
        let grams: Vec<String> = zhiku::search::analyzer::query_grams(q)
            .into_iter()
            .map(|t| t.text)
            .collect();
        if grams.len() < 2 {
            continue;
        }
        let lists: Vec<Positions> = grams
            .iter()
            .map(|g| positions(&searcher, field, g))
            .collect::<Result<_, _>>()?;
        let candidates: Vec<u32> = lists[0]
            .keys()
            .copied()
            .filter(|d| lists.iter().all(|l| l.contains_key(d)))
            .collect();
        let side_by_side = |d: u32, from: usize, to: usize| {
            // A start position where grams from..to follow each other.
            lists[from][&d].iter().any(|&p| {
                (from + 1..to).all(|i| lists[i][&d].binary_search(&(p + (i - from) as u32)).is_ok())
            })
        };
        let adjacent = candidates
            .iter()
            .filter(|&&d| (0..grams.len() - 1).all(|i| side_by_side(d, i, i + 2)))
            .count();
        let exact = candidates
            .iter()
            .filter(|&&d| side_by_side(d, 0, grams.len()))
            .count();
        let all_bytes: usize = lists.iter().map(|l| gzip(&encode(l, None))).sum();
        let cand_bytes: usize = lists
            .iter()
            .map(|l| gzip(&encode(l, Some(&candidates))))
            .sum();
        all_total += all_bytes;
        cand_total += cand_bytes;
        differ_adj += usize::from(adjacent != exact);
        println!(
            "| {q} | {} | {} | {adjacent} | {exact} | {:.1} KB | {:.1} KB |",
            grams.len(),
            candidates.len(),
            all_bytes as f64 / 1024.0,
            cand_bytes as f64 / 1024.0
        );
    }
    println!(
        "\ntotal positions: {:.1} KB all, {:.1} KB candidates; adjacency bits differ from the whole term on {differ_adj} queries",
        all_total as f64 / 1024.0,
        cand_total as f64 / 1024.0
    );
    Ok(())
}

fn positions(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    gram: &str,
) -> tantivy::Result<Positions> {
    let term = Term::from_field_text(field, gram);
    let mut out = Positions::new();
    let mut base = 0u32;
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        if let Some(mut postings) =
            inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?
        {
            let mut doc = postings.doc();
            while doc != TERMINATED {
                let mut pos = Vec::new();
                postings.positions(&mut pos);
                out.insert(base + doc, pos);
                doc = postings.advance();
            }
        }
        base += segment.max_doc();
    }
    Ok(out)
}

/// Varints: per document its id delta, its number of positions and their deltas.
fn encode(list: &Positions, only: Option<&[u32]>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last_doc = 0u32;
    for (&d, pos) in list {
        if only.is_some_and(|o| o.binary_search(&d).is_err()) {
            continue;
        }
        varint(&mut out, d - last_doc);
        last_doc = d;
        varint(&mut out, pos.len() as u32);
        let mut last = 0u32;
        for &p in pos {
            varint(&mut out, p - last);
            last = p;
        }
    }
    out
}

fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn gzip(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}
