//! Related documents: for each page, the pages that share the words of its
//! title (in their titles, and for two-character words in their text) and
//! its tags, scored as a query on the index would score them (BM25 with the
//! boosts of `ranking`).
//!
//! Not one index query per page: a title's common words have posting lists
//! as long as the site, so each query cost O(documents) and the build
//! O(documents²) (19 s of a 47 s build at 50,000; block-max WAND made it
//! slower, the terms being all common). Instead each distinct term's
//! postings are read once into memory, and a page is scored term by term,
//! the terms that can add most first, with the MaxScore bound (Turtle and
//! Flood): once the `limit`-th best score so far beats what all remaining
//! terms together could add, no page untouched so far can enter, and the
//! remaining terms are only looked up for the pages still in the running.
//! The result is exact; `examples/related_tuning.rs` checks that against
//! the unpruned sums and times both.

use std::collections::HashMap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, Term, TERMINATED};

use super::analyzer::is_gram_char;
use super::index::{index_err, Related, SearchIndex};
use super::ranking::{RELATED_BODY_BOOST, RELATED_TAG_BOOST, RELATED_TITLE_BOOST};
use crate::error::Result;
use crate::site::{Page, Site};

/// One term of a page's related query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Clause {
    field: Field,
    text: String,
}

/// Where a term scores: (page id, boosted score) of every document holding
/// it, by page id, and the highest of those scores.
struct TermScores {
    by_page: Vec<(u32, f32)>,
    max: f32,
    /// The scores again by page, for a list long enough that pages are
    /// looked up in it often: an index instead of a binary search.
    dense: Option<Vec<f32>>,
}

impl TermScores {
    fn score_of(&self, page: u32) -> f32 {
        if let Some(d) = &self.dense {
            return d[page as usize];
        }
        self.by_page
            .binary_search_by_key(&page, |&(p, _)| p)
            .map_or(0.0, |i| self.by_page[i].1)
    }
}

/// Up to `limit` related documents (URLs) for each page of `of` (indices
/// into `site.pages`), best first; equal scores go to the newer page. Pages
/// are split across the machine's cores; results do not depend on how.
pub fn related_of(index: &SearchIndex, site: &Site, of: &[usize], limit: usize) -> Result<Related> {
    related_with(index, site, of, limit, Pruning::MaxScore)
}

/// How pages are scored: with the MaxScore bound (what builds do; exact),
/// or by summing every term in full (the reference it is checked against).
/// Leaving terms in over 2,000 documents to lookups only was measured and
/// dropped: a third faster at 50,000 documents, 3.4 % of the lists changed
/// (docs/benchmarks.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pruning {
    MaxScore,
    None,
}

/// [`related_of`], pruned or not.
pub fn related_with(
    index: &SearchIndex,
    site: &Site,
    of: &[usize],
    limit: usize,
    pruning: Pruning,
) -> Result<Related> {
    let ranked = ranked_with(index, site, of, limit, pruning)?;
    Ok(of
        .iter()
        .zip(ranked)
        .map(|(&pid, top)| {
            let urls = top.into_iter().map(|(j, _)| site.pages[j].url.clone());
            (site.pages[pid].url.clone(), urls.collect())
        })
        .collect())
}

/// For each page of `of`, in order, its related pages (indices into
/// `site.pages`) with their scores, best first.
pub fn ranked_with(
    index: &SearchIndex,
    site: &Site,
    of: &[usize],
    limit: usize,
    pruning: Pruning,
) -> Result<Vec<Vec<(usize, f32)>>> {
    let reader = index.index.reader().map_err(index_err)?;
    let searcher = reader.searcher();
    // Each page's query as ids into one list of distinct clauses (the
    // titles cut into words on every core).
    let page_clauses = crate::parallel::map_chunks(of, 64, |part| {
        part.iter()
            .map(|&pid| clauses(index, &site.pages[pid]))
            .collect::<Vec<_>>()
    });
    let mut ids: HashMap<Clause, usize> = HashMap::new();
    let mut distinct: Vec<(Clause, f32)> = Vec::new();
    let queries: Vec<Vec<usize>> = page_clauses
        .into_iter()
        .flatten()
        .map(|page| {
            page.into_iter()
                .map(|(c, boost)| {
                    *ids.entry(c.clone()).or_insert_with(|| {
                        distinct.push((c, boost));
                        distinct.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    let lists = crate::parallel::map_chunks(&distinct, 16, |part| {
        part.iter()
            .map(|(c, boost)| term_scores(&searcher, c, *boost, site.pages.len()))
            .collect::<Result<Vec<TermScores>>>()
    })
    .into_iter()
    .collect::<Result<Vec<_>>>()?
    .into_iter()
    .flatten()
    .collect::<Vec<TermScores>>();
    let page_queries: Vec<(usize, &[usize])> = of
        .iter()
        .zip(&queries)
        .map(|(&pid, q)| (pid, q.as_slice()))
        .collect();
    let results = crate::parallel::map_chunks(&page_queries, 64, |part| {
        let mut scores = Scores::new(site.pages.len());
        part.iter()
            .map(|&(pid, query)| {
                let terms = query.iter().map(|&c| &lists[c]).collect();
                scores.best(pid, terms, limit, pruning)
            })
            .collect::<Vec<_>>()
    });
    Ok(results.into_iter().flatten().collect())
}

/// The terms of a page's related query: the words of its title (two
/// characters or more) in other titles, a two-character word also as a
/// bigram of the text (its occurrences there, no phrase needed), and its tags.
fn clauses(index: &SearchIndex, page: &Page) -> Vec<(Clause, f32)> {
    let f = index.fields;
    let mut words = index.analyzer.query_words(&page.doc.front.title);
    words.retain(|w| w.chars().count() >= 2);
    words.sort();
    words.dedup();
    let mut out = Vec::new();
    for w in words {
        if w.chars().count() == 2 && w.chars().all(is_gram_char) {
            out.push((Clause::new(f.body_grams, &w), RELATED_BODY_BOOST));
        }
        out.push((Clause::new(f.title, &w), RELATED_TITLE_BOOST));
    }
    for t in &page.doc.front.tags {
        out.push((Clause::new(f.tags, t), RELATED_TAG_BOOST));
    }
    out
}

impl Clause {
    fn new(field: Field, text: &str) -> Clause {
        Clause {
            field,
            text: text.to_string(),
        }
    }
}

/// The documents holding `clause`'s term with their scores, scored as a
/// boosted term query: BM25 over the whole index, deleted documents skipped.
fn term_scores(
    searcher: &Searcher,
    clause: &Clause,
    boost: f32,
    pages: usize,
) -> Result<TermScores> {
    let term = Term::from_field_text(clause.field, &clause.text);
    let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(&term))
        .map_err(index_err)?
        .boost_by(boost);
    let mut by_page = Vec::new();
    for segment in searcher.segment_readers() {
        let Some(mut postings) = segment
            .inverted_index(clause.field)
            .map_err(index_err)?
            .read_postings(&term, IndexRecordOption::WithFreqs)
            .map_err(|e| index_err(e.into()))?
        else {
            continue;
        };
        let norms = segment
            .fieldnorms_readers()
            .get_field(clause.field)
            .map_err(index_err)?
            .unwrap_or_else(|| FieldNormReader::constant(segment.max_doc(), 1));
        let pids = segment.fast_fields().u64("pid").map_err(index_err)?;
        let alive = segment.alive_bitset();
        let mut doc = postings.doc();
        while doc != TERMINATED {
            let live = alive.is_none_or(|a| a.is_alive(doc));
            if let Some(pid) = pids.first(doc).filter(|&p| live && (p as usize) < pages) {
                let score = weight.score(norms.fieldnorm_id(doc), postings.term_freq());
                by_page.push((pid as u32, score));
            }
            doc = postings.advance();
        }
    }
    by_page.sort_unstable_by_key(|&(p, _)| p);
    let max = by_page.iter().map(|&(_, s)| s).fold(0.0, f32::max);
    let dense = (by_page.len() * DENSE_SHARE > pages).then(|| {
        let mut dense = vec![0.0; pages];
        for &(p, s) in &by_page {
            dense[p as usize] = s;
        }
        dense
    });
    Ok(TermScores {
        by_page,
        max,
        dense,
    })
}

/// A list holding more than one page in this many is also kept by page
/// (4 bytes for every page of the site): MaxScore looks up the pages still
/// in the running in the lists it does not read, and those are the long
/// ones. At 50,000 documents that is about 500 lists, 100 MB for the
/// stage's duration, and halves its time (docs/benchmarks.md).
const DENSE_SHARE: usize = 64;

/// Score accumulators over every page, reused from page to page: only the
/// pages a query touched are read and reset.
struct Scores {
    score: Vec<f32>,
    touched: Vec<u32>,
}

impl Scores {
    fn new(pages: usize) -> Scores {
        Scores {
            score: vec![0.0; pages],
            touched: Vec::new(),
        }
    }

    /// The best `limit` pages other than `pid` for the sum of `terms`.
    fn best(
        &mut self,
        pid: usize,
        mut terms: Vec<&TermScores>,
        limit: usize,
        pruning: Pruning,
    ) -> Vec<(usize, f32)> {
        terms.sort_by(|a, b| b.max.total_cmp(&a.max));
        // What the terms from i on can add to a page, at most.
        let mut can_add: Vec<f32> = terms.iter().rev().map(|t| t.max).collect();
        for i in 1..can_add.len() {
            can_add[i] += can_add[i - 1];
        }
        can_add.reverse();
        can_add.push(0.0);
        let mut top = TopScores::new(limit);
        let mut next = 0;
        // Term at a time while a page not seen yet could still enter.
        while next < terms.len() {
            for &(j, s) in &terms[next].by_page {
                if j as usize == pid {
                    continue;
                }
                let slot = &mut self.score[j as usize];
                if *slot == 0.0 {
                    self.touched.push(j);
                }
                *slot += s;
                top.offer(j, *slot);
            }
            next += 1;
            if pruning != Pruning::None && top.nth_best() * (1.0 - SLACK) > can_add[next] {
                break;
            }
        }
        // The rest only for the pages that can still reach the `limit`-th:
        // the others are left out as their sums are reset.
        let looked_up = &terms[next..];
        let mut still_to_add: f32 = looked_up.iter().map(|t| t.max).sum();
        // The reference keeps every page, so that it owes nothing to the bound.
        let bar = match pruning {
            Pruning::MaxScore => top.nth_best() * (1.0 - SLACK) - still_to_add,
            Pruning::None => f32::NEG_INFINITY,
        };
        let mut scored: Vec<(f32, usize)> = Vec::new();
        for j in self.touched.drain(..) {
            let score = std::mem::take(&mut self.score[j as usize]);
            if score >= bar {
                scored.push((score, j as usize));
            }
        }
        for term in looked_up {
            let bar = top.nth_best() * (1.0 - SLACK) - still_to_add;
            scored.retain(|&(s, _)| s >= bar);
            for (score, j) in &mut scored {
                let add = term.score_of(*j as u32);
                if add > 0.0 {
                    *score += add;
                    top.offer(*j as u32, *score);
                }
            }
            still_to_add -= term.max;
        }
        keep_best(&mut scored, limit);
        order_by_score_then_pid(&mut scored);
        // From the slice, not `into_iter`: collecting in place would keep
        // the candidates' whole allocation for each page's few results.
        scored.iter().take(limit).map(|&(s, j)| (j, s)).collect()
    }
}

/// The `limit` best scores of the pages touched so far, kept as they are
/// summed: MaxScore asks for the `limit`-th after every term, read or looked
/// up, and selecting it each time from every page in the running was a
/// fifth of the stage at 100,000 documents. Scores only grow, so a page
/// enters when it passes the lowest kept, and the kept ones are always the
/// best.
struct TopScores {
    kept: Vec<(f32, u32)>,
    limit: usize,
    /// The lowest kept score once `limit` are kept, 0 until then.
    bar: f32,
}

impl TopScores {
    fn new(limit: usize) -> TopScores {
        TopScores {
            kept: Vec::with_capacity(limit),
            limit,
            bar: 0.0,
        }
    }

    /// Page `page` has summed to `score` (more than before).
    fn offer(&mut self, page: u32, score: f32) {
        if self.limit == 0 || (self.kept.len() == self.limit && score <= self.bar) {
            return;
        }
        if let Some(k) = self.kept.iter_mut().find(|(_, p)| *p == page) {
            k.0 = score;
        } else if self.kept.len() < self.limit {
            self.kept.push((score, page));
        } else if let Some(lowest) = self.kept.iter_mut().min_by(|a, b| a.0.total_cmp(&b.0)) {
            *lowest = (score, page);
        }
        if self.kept.len() == self.limit {
            self.bar = self.kept.iter().map(|k| k.0).fold(f32::INFINITY, f32::min);
        }
    }

    /// The `limit`-th best score so far (0 while fewer pages are touched).
    fn nth_best(&self) -> f32 {
        if self.kept.len() < self.limit {
            0.0
        } else {
            self.bar
        }
    }
}

/// A page is dropped only when it falls short of the `limit`-th by more
/// than this share: pages within it may tie (see [`same_score`]) and ties go
/// by page id.
const SLACK: f32 = 1e-3;

/// Drops all but the best `n` of `scored`, keeping everything that scores
/// like the `n`-th, so that ties at the cut are settled by page id and not
/// by the order they came in.
fn keep_best(scored: &mut Vec<(f32, usize)>, n: usize) {
    if n == 0 || scored.len() <= n {
        return;
    }
    scored.select_nth_unstable_by(n - 1, |a, b| b.0.total_cmp(&a.0));
    let cut = scored[n - 1].0;
    scored.retain(|&(s, _)| s >= cut || same_score(s, cut));
}

/// Pages best first, equal scores by pid (newest first). Scores that differ
/// only in their last bits count as equal: terms are added in an order that
/// depends on the page's query, and the same two pages must compare alike.
fn order_by_score_then_pid(scored: &mut [(f32, usize)]) {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut start = 0;
    while start < scored.len() {
        let group_score = scored[start].0;
        let len = scored[start..]
            .iter()
            .take_while(|&&(s, _)| same_score(group_score, s))
            .count();
        scored[start..start + len].sort_unstable_by_key(|&(_, pid)| pid);
        start += len;
    }
}

/// Equal but for the last bits of a float sum.
fn same_score(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-4 * a.abs().max(1e-6)
}

#[cfg(test)]
mod tests {
    use super::{order_by_score_then_pid, TopScores};

    #[test]
    fn top_scores_keep_the_nth_best_of_growing_sums() {
        // Pages summed in a scrambled order, with ties, against sorting
        // every sum after every step.
        for limit in [1, 3, 5] {
            let mut sums = [0.0f32; 40];
            let mut top = TopScores::new(limit);
            let mut state: u32 = 7;
            for _ in 0..2_000 {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let page = (state >> 16) as usize % sums.len();
                let add = [0.5, 1.0, 0.25][(state >> 8) as usize % 3];
                sums[page] += add;
                top.offer(page as u32, sums[page]);
                let mut sorted: Vec<f32> = sums.iter().copied().filter(|&s| s > 0.0).collect();
                sorted.sort_by(|a, b| b.total_cmp(a));
                let want = sorted.get(limit - 1).copied().unwrap_or(0.0);
                assert_eq!(top.nth_best(), want, "limit {limit}");
            }
        }
    }

    #[test]
    fn scores_equal_but_for_rounding_are_ordered_by_pid() {
        let mut a = vec![(2.0, 9), (1.500_000_1, 7), (1.5, 3), (1.0, 1)];
        let mut b = vec![(2.0, 9), (1.5, 3), (1.500_000_1, 7), (1.0, 1)];
        let pids = |scored: &mut Vec<(f32, usize)>| {
            order_by_score_then_pid(scored);
            scored.iter().map(|&(_, pid)| pid).collect::<Vec<_>>()
        };
        assert_eq!(pids(&mut a), [9, 3, 7, 1]);
        assert_eq!(pids(&mut b), [9, 3, 7, 1]);
    }
}
