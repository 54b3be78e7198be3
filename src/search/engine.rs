//! Runs a [`SearchRequest`] against the index: builds the tantivy query,
//! collects the page of hits, the total and the facet counts in one pass, and
//! shapes the JSON that `/api/search` and `zhiku search --json` return.

use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DateTime, DocAddress, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use super::analyzer::{is_gram_char, query_grams, AnalyzedToken};
use super::assist::{Assist, SUGGEST_BELOW};
use super::char_query::CharQuery;
use super::facet_counts::{FacetCounter, FacetTables, FacetTally};
use super::index::{
    from_datetime, index_err, stored_str, stored_strs, to_datetime, SearchIndex,
    ATTACHMENT_SEPARATOR,
};
use super::query::{parse_query, ParsedQuery, SearchRequest, Sort};
use super::ranking::{DOC_NUMBER_BOOST, GRAM_FIELDS, SYNONYM_WEIGHT, WORD_FIELDS};
use super::snippet::{highlight, highlight_terms, snippet};
use crate::content::docnum;
use crate::content::model::{Kind, Status};
use crate::error::{Error, Result};

/// Characters of body text in a snippet.
pub const SNIPPET_CHARS: usize = 120;
/// Hits fetched beyond the page so that ties at its end are settled by page id.
const TIE_SLACK: usize = 16;
/// Most tag and region values listed in facets.
pub const MAX_FACET_VALUES: usize = 30;
/// Terms a phrase's final lone character may expand to: every bigram it
/// starts (a few thousand for the commonest characters) must be allowed, or
/// tantivy would silently drop matches.
const MAX_CHAR_EXPANSIONS: u32 = 1 << 20;

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub url: String,
    pub title: String,
    pub title_html: String,
    pub kind: String,
    pub kind_label: String,
    pub date: Option<String>,
    pub doc_number: Option<String>,
    pub status: Option<String>,
    pub status_label: Option<String>,
    pub region: Option<String>,
    pub tags: Vec<String>,
    pub snippet: String,
    pub score: Option<f32>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Facets {
    pub kind: Vec<FacetValue>,
    pub tags: Vec<FacetValue>,
    pub region: Vec<FacetValue>,
    pub status: Vec<FacetValue>,
    pub year: Vec<FacetValue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    pub took_ms: f64,
    pub page: usize,
    pub size: usize,
    pub total_pages: usize,
    pub sort: Sort,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The query as it was searched when a Latin term was read as pinyin or
    /// initials (`liudongdangyuan` -> `流动党员`); `null` otherwise.
    pub expanded: Option<String>,
    /// Synonyms searched as well as the query's words.
    pub also: Vec<String>,
    /// "Did you mean": a corrected query that finds more, when this one
    /// found few (never applied by itself).
    pub suggestion: Option<String>,
}

/// How long one search may run, and whether anyone still waits for it.
/// Checked between index segments: a search never holds a worker long after
/// its client hung up or its time ran out.
#[derive(Debug, Clone)]
pub struct Budget {
    deadline: Option<Instant>,
    cancelled: Arc<AtomicBool>,
}

impl Budget {
    pub fn unlimited() -> Budget {
        Budget {
            deadline: None,
            cancelled: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn within(limit: Duration) -> Budget {
        Budget {
            deadline: Some(Instant::now() + limit),
            ..Budget::unlimited()
        }
    }

    /// The flag that, set, stops the search (the client disconnected).
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancelled.clone()
    }

    fn spent(&self) -> bool {
        self.cancelled.load(AtomicOrdering::Relaxed)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    fn wrap<C: Collector>(&self, inner: C) -> Budgeted<'_, C> {
        Budgeted {
            inner,
            budget: self,
        }
    }

    fn error(&self, e: tantivy::TantivyError) -> Error {
        if self.spent() {
            Error::SearchBudget
        } else {
            index_err(e)
        }
    }
}

/// A collector that refuses the next segment once the budget is spent.
struct Budgeted<'a, C> {
    inner: C,
    budget: &'a Budget,
}

impl<C: Collector> Collector for Budgeted<'_, C> {
    type Fruit = C::Fruit;
    type Child = C::Child;

    fn for_segment(
        &self,
        segment_local_id: tantivy::SegmentOrdinal,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        if self.budget.spent() {
            return Err(tantivy::TantivyError::InternalError(
                "search budget spent".into(),
            ));
        }
        self.inner.for_segment(segment_local_id, segment)
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<<Self::Child as tantivy::collector::SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        self.inner.merge_fruits(segment_fruits)
    }
}

/// An index opened for searching, with the one reader it keeps.
pub struct SearchEngine {
    index: SearchIndex,
    reader: IndexReader,
    facet_tables: FacetTables,
}

impl SearchEngine {
    pub fn open(dir: &Path) -> Result<SearchEngine> {
        SearchEngine::new(SearchIndex::open(dir)?)
    }

    /// For a built index no process writes any more: `serve --prod` and
    /// `zhiku search`. Works on a read-only file system.
    pub fn open_read_only(dir: &Path) -> Result<SearchEngine> {
        SearchEngine::new(SearchIndex::open_read_only(dir)?)
    }

    pub fn new(index: SearchIndex) -> Result<SearchEngine> {
        let reader = index
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_err)?;
        Ok(SearchEngine {
            index,
            reader,
            facet_tables: FacetTables::default(),
        })
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Picks up what the last commit wrote.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(index_err)?;
        let live: Vec<_> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        self.facet_tables.retain(&live);
        self.index.reload_assist();
        Ok(())
    }

    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        self.search_within(req, &Budget::unlimited())
    }

    /// [`SearchEngine::search`], stopping (with [`Error::SearchBudget`])
    /// between segments once the budget is spent or its client has gone.
    pub fn search_within(&self, req: &SearchRequest, budget: &Budget) -> Result<SearchResponse> {
        self.run(req, budget, true)
    }

    /// With `suggest`, a query that finds few documents is corrected term
    /// by term ([`Assist::correction`]) and the correction, searched too,
    /// is offered when it finds more.
    fn run(&self, req: &SearchRequest, budget: &Budget, suggest: bool) -> Result<SearchResponse> {
        let started = Instant::now();
        let parsed = parse_query(&req.q);
        let assist = self.index.assist();
        let readings: Vec<Option<String>> =
            parsed.include.iter().map(|t| assist.reading(t)).collect();
        let alternatives: Vec<Vec<(String, f32)>> = parsed
            .include
            .iter()
            .zip(&readings)
            .map(|(t, r)| alternatives(&assist, t, r.as_deref()))
            .collect();
        let (query, has_text) = self.request_query(req, &parsed, &alternatives);
        let searcher = self.reader.searcher();
        // Without words to rank by, newest first is the useful order.
        let by_date = req.sort == Sort::Date || !has_text;
        let facets = FacetCounter {
            tables: &self.facet_tables,
        };
        let (page, total, facet_counts) =
            collect_page(&searcher, &query, req, by_date, budget, facets)?;
        let searched: Vec<String> = alternatives
            .iter()
            .flatten()
            .map(|(t, _)| t.clone())
            .collect();
        let marks = highlight_terms(&searched);
        let mut hits = Vec::with_capacity(page.len());
        for (score, addr) in page {
            let doc: TantivyDocument = searcher.doc(addr).map_err(index_err)?;
            hits.push(self.hit(&doc, score, &marks));
        }
        let expanded = readings.iter().any(Option::is_some).then(|| {
            let read: Vec<String> = parsed
                .include
                .iter()
                .zip(&readings)
                .map(|(t, r)| r.clone().unwrap_or_else(|| t.clone()))
                .collect();
            query_text(&read, &parsed.exclude)
        });
        let mut also: Vec<String> = Vec::new();
        for (term_alternatives, reading) in alternatives.iter().zip(&readings) {
            for (t, weight) in term_alternatives {
                if *weight != 1.0 && !also.contains(t) && Some(t) != reading.as_ref() {
                    also.push(t.clone());
                }
            }
        }
        let suggestion = if suggest && has_text && total < SUGGEST_BELOW {
            self.suggestion(req, &parsed, total, budget)?
        } else {
            None
        };
        Ok(SearchResponse {
            query: req.q.clone(),
            total,
            took_ms: (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
            page: req.page,
            size: req.size,
            total_pages: total.div_ceil(req.size),
            sort: if by_date { Sort::Date } else { Sort::Relevance },
            hits,
            facets: facets_of(&facet_counts),
            expanded,
            also,
            suggestion,
        })
    }

    /// The query with each term corrected, when that finds more documents
    /// than `total`.
    fn suggestion(
        &self,
        req: &SearchRequest,
        parsed: &ParsedQuery,
        total: usize,
        budget: &Budget,
    ) -> Result<Option<String>> {
        let assist = self.index.assist();
        let corrected: Vec<String> = parsed
            .include
            .iter()
            .map(|t| assist.correction(t).unwrap_or_else(|| t.clone()))
            .collect();
        if corrected == parsed.include {
            return Ok(None);
        }
        let q = query_text(&corrected, &parsed.exclude);
        let mut again = req.clone();
        again.q = q.clone();
        again.page = 1;
        let found = self.run(&again, budget, false)?.total;
        Ok((found > total).then_some(q))
    }

    /// The request as one query, and whether any of its words is
    /// searchable (without one, hits are listed rather than ranked).
    fn request_query(
        &self,
        req: &SearchRequest,
        parsed: &ParsedQuery,
        alternatives: &[Vec<(String, f32)>],
    ) -> (BooleanQuery, bool) {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, term_alternatives) in parsed.include.iter().zip(alternatives) {
            let found = if term_alternatives.len() == 1 {
                self.term_query(term)
            } else {
                // Found as any of them; scored as all that match.
                let any: Vec<(Occur, Box<dyn Query>)> = term_alternatives
                    .iter()
                    .filter_map(|(t, w)| Some((Occur::Should, boost(self.term_query(t)?, *w))))
                    .collect();
                (!any.is_empty()).then(|| Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
            };
            if let Some(q) = found {
                clauses.push((Occur::Must, q));
            }
        }
        let has_text = !clauses.is_empty();
        for term in &parsed.exclude {
            if let Some(q) = self.find_query(term) {
                clauses.push((Occur::MustNot, q));
            }
        }
        clauses.extend(self.filter_clauses(req));
        if !has_text && !parsed.include.is_empty() {
            // Words were asked for but none is searchable (emoji, lone
            // punctuation): nothing matches them, rather than everything.
            clauses.push((Occur::Must, Box::new(EmptyQuery)));
        } else if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        (BooleanQuery::new(clauses), has_text)
    }

    /// The request's filters (kind, tag, region, issuer, status, dates).
    fn filter_clauses(&self, req: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
        let f = self.index.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let exact = |field: Field, value: &str| -> (Occur, Box<dyn Query>) {
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                )),
            )
        };
        if let Some(k) = req.kind {
            clauses.push(exact(f.kind, k.name()));
        }
        if let Some(t) = &req.tag {
            clauses.push(exact(f.tags, t));
        }
        if let Some(r) = &req.region {
            clauses.push(exact(f.region, r));
        }
        if let Some(i) = &req.issuer {
            clauses.push(exact(f.issuer, i));
        }
        if let Some(s) = req.status {
            clauses.push(exact(f.status, s.name()));
        }
        if req.from.is_some() || req.to.is_some() {
            let bound = |d: Option<chrono::NaiveDate>| match d {
                Some(d) => {
                    Bound::Included(Term::from_field_date_for_search(f.date, to_datetime(d)))
                }
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(req.from), bound(req.to))),
            ));
        }
        clauses
    }

    /// Documents containing `text` as a substring (ignoring punctuation and
    /// spaces), in the title, the body or the metadata.
    fn find_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let grams = query_grams(text);
        if grams.is_empty() {
            return None;
        }
        // A character alone is indexed only where its run ends; elsewhere
        // it is the first character of a bigram (see `analyzer::grams`).
        let lone_char = |g: &AnalyzedToken| -> Option<char> {
            let mut chars = g.text.chars();
            let c = chars.next().filter(|&c| is_gram_char(c))?;
            chars.next().is_none().then_some(c)
        };
        let find = |field: Field| -> Box<dyn Query> {
            let terms: Vec<(usize, Term)> = grams
                .iter()
                .map(|g| (g.position, Term::from_field_text(field, &g.text)))
                .collect();
            match (grams.len(), grams.last().and_then(lone_char)) {
                (1, Some(c)) => Box::new(CharQuery::new(field, c)),
                (1, None) => Box::new(TermQuery::new(
                    terms[0].1.clone(),
                    IndexRecordOption::WithFreqs,
                )),
                // A lone character ending the phrase may start a bigram in
                // the text (`25号` in `25号文`). One inside the phrase is
                // followed by a number or word, so the text has it alone.
                (_, Some(_)) => {
                    let mut q = PhrasePrefixQuery::new_with_offset(terms);
                    q.set_max_expansions(MAX_CHAR_EXPANSIONS);
                    Box::new(q)
                }
                (_, None) => Box::new(PhraseQuery::new_with_offset(terms)),
            }
        };
        Some(Box::new(BooleanQuery::new(
            GRAM_FIELDS
                .iter()
                .map(|g| {
                    (
                        Occur::Should,
                        boost(find(self.index.field(g.field)), g.boost),
                    )
                })
                .collect(),
        )))
    }

    /// One user term or phrase: it must be found as a substring; whole-word
    /// matches (title first, then headings, then body) add to the score; a
    /// 文号 in any spelling also matches the policy that carries it.
    fn term_query(&self, text: &str) -> Option<Box<dyn Query>> {
        let f = self.index.fields;
        let found = self.find_query(text);
        let by_number = docnum::canonical(text).map(|c| {
            boost(
                Box::new(TermQuery::new(
                    Term::from_field_text(f.doc_number, &c),
                    IndexRecordOption::Basic,
                )),
                DOC_NUMBER_BOOST,
            )
        });
        let found = found?;
        let words = self.index.analyzer.query_words(text);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, found)];
        if !words.is_empty() {
            for w in WORD_FIELDS {
                let (field, weight) = (self.index.field(w.field), w.boost);
                let all_words: Vec<(Occur, Box<dyn Query>)> = words
                    .iter()
                    .map(|w| -> (Occur, Box<dyn Query>) {
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(
                                Term::from_field_text(field, w),
                                IndexRecordOption::WithFreqs,
                            )),
                        )
                    })
                    .collect();
                clauses.push((
                    Occur::Should,
                    boost(Box::new(BooleanQuery::new(all_words)), weight),
                ));
            }
        }
        let text_query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        Some(match by_number {
            Some(n) => Box::new(BooleanQuery::new(vec![
                (Occur::Should, n),
                (Occur::Should, text_query),
            ])),
            None => text_query,
        })
    }

    fn hit(&self, doc: &TantivyDocument, score: Option<f32>, marks: &[String]) -> Hit {
        use tantivy::schema::Value;
        let f = self.index.fields;
        let get = |field| stored_str(doc, field).map(str::to_string);
        let title = get(f.title).unwrap_or_default();
        let kind = get(f.kind).unwrap_or_default();
        let status = get(f.status);
        let body = stored_str(doc, f.body).unwrap_or("");
        let mut text = snippet(body, marks, SNIPPET_CHARS);
        if !text.contains("<mark>") {
            if let Some(summary) = stored_str(doc, f.summary) {
                text = snippet(summary, marks, SNIPPET_CHARS);
            }
        }
        if !text.contains("<mark>") {
            // Found only in an attachment: say which, and show it there.
            let in_attachment = stored_strs(doc, f.attachments).into_iter().find_map(|a| {
                let (name, content) = a.split_once(ATTACHMENT_SEPARATOR)?;
                let found = snippet(content, marks, SNIPPET_CHARS);
                found.contains("<mark>").then(|| {
                    format!(
                        "附件《{}》中：{found}",
                        crate::content::text::escape_html(name)
                    )
                })
            });
            if let Some(found) = in_attachment {
                text = found;
            }
        }
        Hit {
            url: get(f.url).unwrap_or_default(),
            title_html: highlight(&title, marks),
            title,
            kind_label: Kind::parse(&kind)
                .map(Kind::label)
                .unwrap_or_default()
                .to_string(),
            kind,
            date: doc
                .get_first(f.date)
                .and_then(|v| v.as_datetime())
                .and_then(from_datetime)
                .map(|d| d.to_string()),
            doc_number: get(f.doc_number_text),
            status_label: status
                .as_deref()
                .and_then(Status::parse)
                .map(|s| s.label().to_string()),
            status,
            region: get(f.region),
            tags: stored_strs(doc, f.tags),
            snippet: text,
            score: score.map(|s| (s * 1000.0).round() / 1000.0),
        }
    }
}

/// A query term and what it is searched as too: its pinyin reading (as
/// much as the term itself), then its synonyms and the reading's (a little
/// less), each once.
fn alternatives(assist: &Assist, term: &str, reading: Option<&str>) -> Vec<(String, f32)> {
    let mut out = vec![(term.to_string(), 1.0)];
    if let Some(r) = reading {
        out.push((r.to_string(), 1.0));
    }
    let synonyms = assist
        .synonyms(term)
        .into_iter()
        .chain(reading.into_iter().flat_map(|r| assist.synonyms(r)));
    for s in synonyms {
        if !out.iter().any(|(t, _)| *t == s) {
            out.push((s, SYNONYM_WEIGHT));
        }
    }
    out
}

/// A parsed query written back as a query: terms with spaces quoted,
/// exclusions with `-`.
fn query_text(include: &[String], exclude: &[String]) -> String {
    let quoted = |t: &String| {
        if t.chars().any(char::is_whitespace) {
            format!("\"{t}\"")
        } else {
            t.clone()
        }
    };
    include
        .iter()
        .map(quoted)
        .chain(exclude.iter().map(|t| format!("-{}", quoted(t))))
        .collect::<Vec<_>>()
        .join(" ")
}

fn boost(q: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, weight))
}

/// A hit: its score (`None` when listed by date) and its document.
type RankedHit = (Option<f32>, DocAddress);

/// The requested page of hits, with the total and the facet counts, all
/// collected in one pass.
fn collect_page(
    searcher: &Searcher,
    query: &dyn Query,
    req: &SearchRequest,
    by_date: bool,
    budget: &Budget,
    facets: FacetCounter<'_>,
) -> Result<(Vec<RankedHit>, usize, FacetTally)> {
    let offset = (req.page - 1) * req.size;
    // Equal scores (or dates) come back in segment order, which depends
    // on the indexing threads; a few more than the page are fetched and
    // ties ordered by page id (newest first), as the static client does.
    let wanted = offset + req.size + TIE_SLACK;
    let (mut ranked, total, facet_counts): (Vec<RankedHit>, usize, FacetTally) = if by_date {
        let top = TopDocs::with_limit(wanted).order_by_fast_field::<DateTime>("date", Order::Desc);
        let (docs, total, counts) = searcher
            .search(query, &budget.wrap((top, Count, facets)))
            .map_err(|e| budget.error(e))?;
        (
            docs.into_iter().map(|(_, a)| (None, a)).collect(),
            total,
            counts,
        )
    } else {
        let top = TopDocs::with_limit(wanted);
        let (docs, total, counts) = searcher
            .search(query, &budget.wrap((top, Count, facets)))
            .map_err(|e| budget.error(e))?;
        (
            docs.into_iter().map(|(s, a)| (Some(s), a)).collect(),
            total,
            counts,
        )
    };
    order_ties_by_page_id(searcher, &mut ranked)?;
    let page = ranked.into_iter().skip(offset).take(req.size).collect();
    Ok((page, total, facet_counts))
}

/// Sorts by score, equal scores by page id. Pages are numbered newest
/// first, so hits listed by date (all scored alike) end up newest first.
fn order_ties_by_page_id(searcher: &Searcher, ranked: &mut [RankedHit]) -> Result<()> {
    let pid_columns = searcher
        .segment_readers()
        .iter()
        .map(|r| r.fast_fields().u64("pid").map_err(index_err))
        .collect::<Result<Vec<_>>>()?;
    let pid = |a: &DocAddress| {
        pid_columns
            .get(a.segment_ord as usize)
            .and_then(|c| c.first(a.doc_id))
            .unwrap_or(u64::MAX)
    };
    ranked.sort_by(|a, b| {
        let by_score = b.0.unwrap_or(0.0).total_cmp(&a.0.unwrap_or(0.0));
        by_score.then_with(|| pid(&a.1).cmp(&pid(&b.1)))
    });
    Ok(())
}

fn facets_of(counts: &FacetTally) -> Facets {
    let values = |name: &str| counts.values(name);
    let plain = |(value, count): (String, u64)| FacetValue {
        label: value.clone(),
        value,
        count,
    };
    let mut kind: Vec<FacetValue> = values("kind")
        .into_iter()
        .map(|(value, count)| FacetValue {
            label: Kind::parse(&value)
                .map(Kind::label)
                .unwrap_or(&value)
                .to_string(),
            value,
            count,
        })
        .collect();
    kind.sort_by_key(|v| Kind::parse(&v.value));
    let mut status: Vec<FacetValue> = values("status")
        .into_iter()
        .map(|(value, count)| FacetValue {
            label: Status::parse(&value)
                .map(Status::label)
                .unwrap_or(&value)
                .to_string(),
            value,
            count,
        })
        .collect();
    status.sort_by_key(|v| {
        Status::ALL
            .iter()
            .position(|s| Some(*s) == Status::parse(&v.value))
    });
    let by_count = |mut v: Vec<FacetValue>| {
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        v.truncate(MAX_FACET_VALUES);
        v
    };
    let mut year: Vec<FacetValue> = values("year").into_iter().map(plain).collect();
    year.sort_by(|a, b| b.value.cmp(&a.value));
    Facets {
        kind,
        tags: by_count(values("tags").into_iter().map(plain).collect()),
        region: by_count(values("region").into_iter().map(plain).collect()),
        status,
        year,
    }
}
