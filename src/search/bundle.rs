//! The static search bundle (`public/search/`, see docs/static-search.md):
//! the tantivy index re-packed into small JSON shards that the browser
//! fetches per query, so search works on plain static hosting.
//!
//! It is read out of the built index (terms, term frequencies, field
//! lengths, statistics), so the browser ranks like the server. The
//! phrases (`exact_phrases`, see [`phrases`]) are the one part read from
//! the pages' texts, through the same tokens and positions the index was
//! given. Pure apart from reading that index.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use serde_json::{json, Map, Value};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::termdict::TermMerger;
use tantivy::{DocSet, InvertedIndexReader, Searcher, TERMINATED};

use super::analyzer::is_gram_char;
use super::assist::{Assist, CompletionKind};
use super::attachment_text::AttachmentTexts;
use super::index::{index_err, SearchIndex};
use super::phrases;
use super::ranking::{FieldBoost, GRAM_FIELDS, WORD_FIELDS};
use crate::content::docnum;
use crate::content::model::{Kind, Status};
use crate::error::Result;
use crate::render::OutputFile;
use crate::site::Site;

pub const FORMAT_VERSION: u32 = 5;
/// Aim for shards of about this many bytes (before compression).
const SHARD_TARGET_BYTES: usize = 2 * 1024;
/// Files of Traditional -> Simplified pairs, by code point.
pub const T2S_SHARDS: u32 = 32;
/// Postings longer than this (encoded) get a file of their own.
const EXTERNAL_BYTES: usize = 4 * 1024;
/// Characters of body text kept per document for snippets, by the size of
/// the site: a page of ten hits must fit the per-query budget beside the
/// postings, and postings grow with the site. A match beyond them gets the
/// summary as its snippet.
pub fn doc_text_chars(docs: usize) -> usize {
    const SMALL: (usize, usize) = (1_000, 2_000);
    const LARGE: (usize, usize) = (10_000, 800);
    if docs <= SMALL.0 {
        SMALL.1
    } else if docs >= LARGE.0 {
        LARGE.1
    } else {
        SMALL.1 - (docs - SMALL.0) * (SMALL.1 - LARGE.1) / (LARGE.0 - SMALL.0)
    }
}

/// FNV-1a, 32 bits: cheap and easy to reproduce in the browser.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A sorted id list: base64 varint deltas, or `*` + base64 bitmap when
/// that is smaller (facets such as a kind or a year hold many documents).
fn encode_ids(ids: &[usize]) -> String {
    let mut bytes = Vec::with_capacity(ids.len());
    let mut prev = 0;
    for &id in ids {
        push_varint(&mut bytes, (id - prev) as u64);
        prev = id;
    }
    let bitmap_len = ids.last().map_or(0, |&last| last / 8 + 1);
    if bitmap_len < bytes.len() {
        let mut bitmap = vec![0u8; bitmap_len];
        for &id in ids {
            bitmap[id / 8] |= 1 << (id % 8);
        }
        return format!("*{}", b64(&bitmap));
    }
    b64(&bytes)
}

/// One posting: (document id, term frequency). Field lengths are per
/// document, shipped once in `norms.bin` rather than with every posting.
type Posting = (u32, u32);

/// Term frequencies 1-61 as one character each (gzip compresses a run of
/// mostly `1`, `2`, `3` to a couple of bits a posting); larger ones as
/// `(n)`.
const TF_DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A term's postings in one field, in the smaller of two encodings:
/// sparse, base64 varint pairs `(doc_delta, tf)`; or, for a term in more
/// than one document in eight, dense: `*` + base64 bitmap of the documents
/// (bit `id % 8` of byte `id / 8`) + `*` + one tf character per set bit.
fn encode_postings(postings: &mut [Posting], docs: usize) -> String {
    // Each segment's postings come in page order, so the list is a few
    // sorted runs, which the stable sort merges in linear time.
    postings.sort();
    if postings.len() * 8 > docs {
        let mut bitmap = vec![0u8; docs.div_ceil(8)];
        let mut tfs = String::with_capacity(postings.len());
        for &(id, tf) in postings.iter() {
            let id = id as usize;
            if let Some(byte) = bitmap.get_mut(id / 8) {
                *byte |= 1 << (id % 8);
            }
            match TF_DIGITS.get(tf as usize).filter(|_| tf > 0) {
                Some(&c) => tfs.push(char::from(c)),
                None => tfs.push_str(&format!("({tf})")),
            }
        }
        return format!("*{}*{tfs}", b64(&bitmap));
    }
    let mut bytes = Vec::with_capacity(postings.len() * 2);
    let mut prev = 0;
    for &(id, tf) in postings.iter() {
        push_varint(&mut bytes, u64::from(id - prev));
        push_varint(&mut bytes, u64::from(tf));
        prev = id;
    }
    b64(&bytes)
}

/// Term -> field key -> encoded postings. A term's postings are encoded as
/// soon as the merged term stream reaches it, so raw lists never pile up
/// in memory (the bundle is exported beside rendering).
/// (A few fields a term, so a Vec: a BTreeMap node per term cost more than
/// the postings of most terms.)
/// Each field's entry keeps its document frequency: a list in a file of
/// its own is named with it (`@path#df`), so a phrase's score can use a
/// gram's frequency without fetching the gram's list.
type Terms = HashMap<String, FieldLists>;
/// (field key, encoded postings, document frequency) of one term.
type FieldLists = Vec<(&'static str, String, usize)>;

/// The occurrences of one Han character, by document id, summed over the
/// terms it starts while the merged term stream passes them.
struct CharPostings {
    current: Option<char>,
    tf: Vec<u32>,
    docs: Vec<u32>,
}

impl CharPostings {
    fn new(docs: usize) -> CharPostings {
        CharPostings {
            current: None,
            tf: vec![0; docs],
            docs: Vec::new(),
        }
    }

    /// Moves on to character `c`; returns the previous character and its
    /// postings when `c` is a new one.
    fn start(&mut self, c: char) -> Option<(char, Vec<Posting>)> {
        if self.current == Some(c) {
            return None;
        }
        let previous = self.current.replace(c)?;
        Some((previous, self.drain()))
    }

    /// The last character and its postings, once the stream has ended.
    fn finish(mut self) -> Option<(char, Vec<Posting>)> {
        let last = self.current.take()?;
        Some((last, self.drain()))
    }

    /// The postings in document order: a common character's documents are
    /// read off the counts in order, cheaper than sorting its list.
    fn drain(&mut self) -> Vec<Posting> {
        let tf = &mut self.tf;
        if self.docs.len() * 16 > tf.len() {
            self.docs.clear();
            return (0u32..)
                .zip(tf.iter_mut())
                .filter(|(_, n)| **n > 0)
                .map(|(doc, n)| (doc, std::mem::take(n)))
                .collect();
        }
        self.docs.sort_unstable();
        self.docs
            .drain(..)
            .map(|doc| (doc, std::mem::take(&mut tf[doc as usize])))
            .collect()
    }

    fn add(&mut self, doc: u32, tf: u32) {
        let Some(slot) = self.tf.get_mut(doc as usize) else {
            return;
        };
        if *slot == 0 {
            self.docs.push(doc);
        }
        *slot += tf;
    }
}

/// Where the bundle's files go as they are made: the bundle is never whole
/// in memory.
pub type Sink<'a> = &'a mut dyn FnMut(Vec<OutputFile>) -> Result<()>;

/// Builds every file of the bundle and hands them to `sink`. `index` must
/// hold exactly `site`'s pages.
pub fn export(index: &SearchIndex, site: &Site, sink: Sink<'_>) -> Result<()> {
    export_unless(index, site, sink, &AtomicBool::new(false))
}

/// [`export`], giving up with [`Error::Superseded`](crate::Error) as soon
/// as `stop` is set (the live preview's export, when a newer change comes).
pub fn export_unless(
    index: &SearchIndex,
    site: &Site,
    sink: Sink<'_>,
    stop: &AtomicBool,
) -> Result<()> {
    let reader = index.index.reader().map_err(index_err)?;
    let searcher = reader.searcher();
    let num_docs: u64 = searcher
        .segment_readers()
        .iter()
        .map(|s| u64::from(s.max_doc()))
        .sum();
    let docs = site.pages.len();

    // (bundle key, field, boost)
    let table = |fields: &[FieldBoost]| -> Vec<(&'static str, Field, f32)> {
        fields
            .iter()
            .map(|b| (b.bundle_key, index.field(b.field), b.boost))
            .collect()
    };
    let gram_fields = &table(&GRAM_FIELDS)[..];
    let word_fields = &table(&WORD_FIELDS)[..];

    let mut terms = Namespaces::default();
    let mut fields_meta = Map::new();
    let mut field_norms: Vec<(String, Vec<u8>)> = Vec::new();
    for (group, fields) in [("grams", gram_fields), ("words", word_fields)] {
        for &(key, field, boost) in fields.iter() {
            let segments = FieldSegments::read(&searcher, field, docs)?;
            let target = if group == "words" {
                &mut terms.words
            } else {
                &mut terms.grams
            };
            segments.encode_terms(group, key, docs, target, &mut terms.unigrams, stop)?;
            let name = format!("{}_{key}", if group == "words" { "w" } else { "g" });
            field_norms.push((name.clone(), segments.norm_ids));
            fields_meta.insert(
                name,
                json!({ "avg": segments.total_tokens as f32 / num_docs.max(1) as f32, "boost": boost }),
            );
        }
    }

    let mut shard_counts = Map::new();
    for (ns, terms) in [
        ("g", terms.grams),
        ("u", terms.unigrams),
        ("w", terms.words),
    ] {
        let count = shard(ns, terms, sink)?;
        shard_counts.insert(ns.to_string(), json!(count));
    }
    if site.config.exact_phrases {
        let (phrases, positions) =
            export_phrases(site, &index.attachment_texts, gram_fields, sink, stop)?;
        shard_counts.insert("p".to_string(), json!(phrases));
        shard_counts.insert("q".to_string(), json!(positions));
    }
    let assist_table = index.assist();
    let completion_shards = completion_shard_count(&assist_table);
    shard_counts.insert("c".to_string(), json!(completion_shards));
    let assist = assist_table.data();
    let mut meta = meta_json(site, shard_counts, fields_meta, &field_norms);
    // Every query may need them: in meta.json, fetched before the first.
    meta["synonyms"] = json!(assist.synonyms);
    let mut shared = shared_files(site, &meta, &field_norms);
    // Fetched only for a Latin query or a query that found little (see
    // search::assist); completions come from the `complete/` shards.
    shared.push(json_file(
        &format!("search/{}", super::assist::ASSIST_FILE),
        &json!({ "pinyin": assist.pinyin, "terms": assist.terms }),
    ));
    sink(shared)?;
    sink(completion_files(&assist_table, completion_shards))?;
    doc_files(site, &index.attachment_texts, sink)
}

/// Phrase postings per shard pass: one pass holds every phrase of about
/// this many documents in memory at once (a 10,000-document build, in one
/// pass, peaked at 1.0 GB against 0.7 GB without phrases).
const PHRASE_DOCS_PER_PASS: usize = 12_000;

/// Phrase shards are this many times `SHARD_TARGET_BYTES`: most phrases
/// occur once or twice, so small shards meant tens of thousands of files,
/// and a query's few phrases cost little even in larger ones.
const PHRASE_SHARD_SCALE: usize = 4;

/// Writes the `p` namespace (see [`phrases`]) and `q`, the positions of
/// its longest phrases (a longer term is checked against them), and
/// returns their shard counts.
/// Phrases are collected in passes, each keeping the keys whose hash
/// falls into it: every shard's terms come from one pass, because the
/// shard count is a multiple of the number of passes.
fn export_phrases(
    site: &Site,
    attachments: &AttachmentTexts,
    gram_fields: &[(&'static str, Field, f32)],
    sink: Sink<'_>,
    stop: &AtomicBool,
) -> Result<(u32, u32)> {
    let docs = site.pages.len();
    let texts: Vec<[Vec<&str>; 4]> = site
        .pages
        .iter()
        .map(|p| super::index::gram_texts(p, attachments))
        .collect();
    let passes = docs
        .div_ceil(PHRASE_DOCS_PER_PASS)
        .max(1)
        .next_power_of_two() as u32;
    let mut counts = None;
    for pass in 0..passes {
        let keep = |key: &str| passes == 1 || fnv1a32(key.as_bytes()) % passes == pass;
        let mut terms = Terms::new();
        let mut positions = Terms::new();
        for (field, &(key, _, _)) in gram_fields.iter().enumerate() {
            if stop.load(Ordering::Relaxed) {
                return Err(crate::Error::Superseded);
            }
            let values: Vec<&[&str]> = texts.iter().map(|t| &t[field][..]).collect();
            for mut phrase in phrases::field_phrases(&values, &keep) {
                let df = phrase.postings.len();
                if !phrase.positions.is_empty() {
                    let encoded = encode_positions(&phrase.postings, &phrase.positions);
                    positions
                        .entry(phrase.key.clone())
                        .or_default()
                        .push((key, encoded, df));
                }
                let encoded = encode_postings(&mut phrase.postings, docs);
                terms
                    .entry(phrase.key)
                    .or_default()
                    .push((key, encoded, df));
            }
        }
        let (count_p, count_q) = *counts.get_or_insert_with(|| {
            // The first pass stands for all of them.
            let count = |terms: &Terms| {
                let (bytes, keys) = term_sizes(terms);
                shard_count(
                    bytes * passes as usize / PHRASE_SHARD_SCALE,
                    keys * passes as usize,
                )
                .max(passes)
            };
            (count(&terms), count(&positions))
        });
        write_shards("p", terms, count_p, &|n| n % passes == pass, sink)?;
        write_shards("q", positions, count_q, &|n| n % passes == pass, sink)?;
    }
    Ok(counts.unwrap_or((1, 1)))
}

/// A phrase's positions in one field (`q`): base64 varints, per document
/// the id's difference from the previous one, the frequency, and that many
/// positions, each as its difference from the one before (the first from 0).
fn encode_positions(postings: &[(u32, u32)], positions: &[u32]) -> String {
    let mut bytes = Vec::with_capacity(postings.len() * 3 + positions.len() * 2);
    let (mut previous, mut at) = (0, 0);
    for &(doc, tf) in postings {
        push_varint(&mut bytes, u64::from(doc - previous));
        push_varint(&mut bytes, u64::from(tf));
        previous = doc;
        let mut last = 0;
        for &position in &positions[at..at + tf as usize] {
            push_varint(&mut bytes, u64::from(position - last));
            last = position;
        }
        at += tf as usize;
    }
    b64(&bytes)
}

/// The bundle's term namespaces, filled field by field.
#[derive(Default)]
struct Namespaces {
    /// `g`: the gram fields' bigrams and the terms that are not Han.
    grams: Terms,
    /// `u`: each Han character of the gram fields.
    unigrams: Terms,
    /// `w`: the word fields' terms.
    words: Terms,
}

/// One field as the index's segments hold it, read for the bundle.
struct FieldSegments {
    inverted: Vec<Arc<InvertedIndexReader>>,
    /// Each segment's page ids, by the segment's own document ids; `None`
    /// for a deleted document (the live preview deletes and re-adds
    /// documents, and until segments merge the old versions stay). Read
    /// once here: every posting of every term needs its page.
    pids: Vec<Vec<Option<u32>>>,
    total_tokens: u64,
    /// Each page's field length as tantivy's one-byte fieldnorm id, by page id.
    norm_ids: Vec<u8>,
}

impl FieldSegments {
    fn read(searcher: &Searcher, field: Field, docs: usize) -> Result<FieldSegments> {
        let mut read = FieldSegments {
            inverted: Vec::new(),
            pids: Vec::new(),
            total_tokens: 0,
            norm_ids: vec![0u8; docs],
        };
        for segment in searcher.segment_readers() {
            let segment_pids = segment.fast_fields().u64("pid").map_err(index_err)?;
            let norms = segment.get_fieldnorms_reader(field).map_err(index_err)?;
            let page_of: Vec<Option<u32>> = (0..segment.max_doc())
                .map(|doc| {
                    let pid = segment_pids
                        .first(doc)
                        .filter(|_| !segment.is_deleted(doc))?;
                    if let Some(slot) = read.norm_ids.get_mut(pid as usize) {
                        *slot = norms.fieldnorm_id(doc);
                    }
                    u32::try_from(pid).ok()
                })
                .collect();
            let field_index = segment.inverted_index(field).map_err(index_err)?;
            read.total_tokens += field_index.total_num_tokens();
            read.inverted.push(field_index);
            read.pids.push(page_of);
        }
        Ok(read)
    }

    /// Encodes the field's terms into `target` under `key`, and for a gram
    /// field each Han character's postings into `unigrams`.
    fn encode_terms(
        &self,
        group: &str,
        key: &'static str,
        docs: usize,
        target: &mut Terms,
        unigrams: &mut Terms,
        stop: &AtomicBool,
    ) -> Result<()> {
        // The segments' term dictionaries merged into one sorted stream:
        // each term's postings are complete when it is reached and are
        // encoded at once, so no field's raw postings pile up in memory.
        let streams = self
            .inverted
            .iter()
            .map(|i| i.terms().stream())
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| crate::Error::Index(e.to_string()))?;
        let mut merged = TermMerger::new(streams);
        // A Han character's `u` postings: the sum over the terms it
        // starts (its bigrams and itself where a run ends), which are
        // adjacent in the sorted stream.
        let mut chars = CharPostings::new(docs);
        let mut put_char = |(c, mut postings): (char, Vec<Posting>)| {
            let encoded = encode_postings(&mut postings, docs);
            unigrams
                .entry(c.to_string())
                .or_default()
                .push((key, encoded, postings.len()));
        };
        let mut list: Vec<Posting> = Vec::new();
        let mut seen = 0u32;
        while merged.advance() {
            seen = seen.wrapping_add(1);
            if seen.is_multiple_of(1024) && stop.load(Ordering::Relaxed) {
                return Err(crate::Error::Superseded);
            }
            let Ok(term) = std::str::from_utf8(merged.key()) else {
                continue;
            };
            let first = term.chars().next().filter(|&c| is_gram_char(c));
            let counts_for_char = group == "grams" && first.is_some();
            if let (true, Some(c)) = (counts_for_char, first) {
                if let Some(finished) = chars.start(c) {
                    put_char(finished);
                }
            }
            let is_bigram = first.is_some() && term.chars().nth(1).is_some();
            let keep = group == "words" || is_bigram || first.is_none();
            list.clear();
            self.for_each_posting(&merged, |pid, tf| {
                if counts_for_char {
                    chars.add(pid, tf);
                }
                if keep {
                    list.push((pid, tf));
                }
            })?;
            if keep && !list.is_empty() {
                let encoded = encode_postings(&mut list, docs);
                target
                    .entry(term.to_string())
                    .or_default()
                    .push((key, encoded, list.len()));
            }
        }
        if let Some(finished) = chars.finish() {
            put_char(finished);
        }
        Ok(())
    }

    /// Calls `each(page id, term frequency)` for every posting of the
    /// merged stream's current term.
    fn for_each_posting<'a>(
        &self,
        merged: &'a TermMerger<'a>,
        mut each: impl FnMut(u32, u32),
    ) -> Result<()> {
        for (ord, info) in merged.current_segment_ords_and_term_infos() {
            let mut postings = self.inverted[ord]
                .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)
                .map_err(|e| crate::Error::Index(e.to_string()))?;
            let page_of = &self.pids[ord];
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if let Some(&Some(pid)) = page_of.get(doc as usize) {
                    each(pid, postings.term_freq());
                }
                doc = postings.advance();
            }
        }
        Ok(())
    }
}

/// `meta.json`: what the client needs before its first query (shard
/// counts, field statistics, norms, dates, labels).
fn meta_json(
    site: &Site,
    shard_counts: Map<String, Value>,
    fields_meta: Map<String, Value>,
    field_norms: &[(String, Vec<u8>)],
) -> Value {
    let norms: Vec<u32> = (0..=255u8).map(FieldNormReader::id_to_fieldnorm).collect();
    json!({
        "version": FORMAT_VERSION,
        "docs": site.pages.len(),
        "shards": shard_counts,
        "fields": fields_meta,
        "norms": norms,
        "norm_fields": field_norms.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        // Without phrases (`exact_phrases` off) a term is matched as all its grams.
        "phrase_positions": if site.config.exact_phrases { phrases::PHRASE_POSITIONS } else { 0 },
        "dates": b64(&date_deltas(site)),
        "kinds": Kind::ALL.iter().map(|k| (k.name(), k.label())).collect::<BTreeMap<_, _>>(),
        "statuses": Status::ALL.iter().map(|s| (s.name(), s.label())).collect::<BTreeMap<_, _>>(),
    })
}

/// The pages' dates as varint day counts: the first since 1970, each next
/// one back from the one before.
fn date_deltas(site: &Site) -> Vec<u8> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut date_bytes = Vec::new();
    let mut prev_days = None;
    for p in &site.pages {
        let days = (p.doc.front.date - epoch).num_days().max(0) as u64;
        // Pages are newest first, so each step back is a small non-negative delta.
        let value = match prev_days {
            None => days,
            Some(prev) => prev - days.min(prev),
        };
        push_varint(&mut date_bytes, value);
        prev_days = Some(days);
    }
    date_bytes
}

/// The files beside the term shards and the documents: `meta`, the field
/// norms, the filter lists and the Traditional -> Simplified tables.
fn shared_files(site: &Site, meta: &Value, field_norms: &[(String, Vec<u8>)]) -> Vec<OutputFile> {
    let mut out = vec![json_file("search/meta.json", meta)];
    // Binary: the same bytes as base64 text compress a quarter smaller.
    out.push(OutputFile {
        path: "search/norms.bin".to_string(),
        contents: field_norms
            .iter()
            .flat_map(|(_, b)| b.iter().copied())
            .collect(),
    });
    out.extend(filter_files(site));
    out.push(json_file("search/docnum.json", &doc_numbers(site)));
    out.extend(t2s_files());
    out
}

/// One `search/doc/<id>.json` a page, handed to `sink` 256 at a time.
fn doc_files(site: &Site, attachments: &AttachmentTexts, sink: Sink<'_>) -> Result<()> {
    let mut out = Vec::new();
    let text_chars = doc_text_chars(site.pages.len());
    for (id, p) in site.pages.iter().enumerate() {
        let text = truncate_chars(&p.doc.rendered.text, text_chars);
        let front = &p.doc.front;
        // Each attachment's title and the opening of its text, for the
        // snippet of a document found only in an attachment.
        let files: Vec<Value> = p
            .doc
            .attachments
            .iter()
            .map(|a| {
                let text = attachments.get(&a.url).unwrap_or("");
                json!([a.title, truncate_chars(text, text_chars)])
            })
            .collect();
        let mut doc = json!({
            "url": p.url,
            "title": front.title,
            "kind": front.kind.name(),
            "date": front.date.to_string(),
            "doc_number": front.policy.doc_number,
            "status": front.policy.status.map(Status::name),
            "region": front.region,
            "tags": front.tags,
            // Exactly what the index stores, so fallback snippets agree.
            "summary": super::index::summary_of(p).unwrap_or_default(),
            "text": text,
        });
        if !files.is_empty() {
            doc["attachments"] = json!(files);
        }
        out.push(json_file(&format!("search/doc/{id}.json"), &doc));
        if out.len() == 256 {
            sink(std::mem::take(&mut out))?;
        }
    }
    sink(out)
}

/// Spreads terms over shard files of about `SHARD_TARGET_BYTES` each.
/// Returns the number of shards.
fn shard(ns: &str, terms: Terms, sink: Sink<'_>) -> Result<u32> {
    let (bytes, keys) = term_sizes(&terms);
    let count = shard_count(bytes, keys);
    write_shards(ns, terms, count, &|_| true, sink)?;
    Ok(count)
}

/// The encoded size of `terms` and their number.
fn term_sizes(terms: &Terms) -> (usize, usize) {
    let bytes = terms
        .iter()
        .map(|(term, fields)| term.len() + 8 + fields.iter().map(|f| f.1.len() + 6).sum::<usize>())
        .sum();
    (bytes, terms.len())
}

/// How many shards `bytes` of `keys` terms get: by size, but never so many
/// that most are empty (a few huge postings, like single characters',
/// would otherwise ask for thousands). A power of two.
fn shard_count(bytes: usize, keys: usize) -> u32 {
    let by_size = (bytes / SHARD_TARGET_BYTES).max(1);
    let by_terms = (keys / 16).max(1);
    by_size.min(by_terms).next_power_of_two().min(1 << 16) as u32
}

/// Writes the shards `n` of `count` that `write` accepts, with the terms
/// of `terms` that hash to them.
fn write_shards(
    ns: &str,
    terms: Terms,
    count: u32,
    write: &dyn Fn(u32) -> bool,
    sink: Sink<'_>,
) -> Result<()> {
    let mut shards: Vec<Vec<(String, FieldLists)>> = (0..count).map(|_| Vec::new()).collect();
    for (term, fields) in terms {
        let n = fnv1a32(term.as_bytes()) % count;
        if write(n) && !fields.is_empty() {
            shards[n as usize].push((term, fields));
        }
    }
    for (n, mut terms) in shards.into_iter().enumerate() {
        if !write(n as u32) {
            continue;
        }
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        let mut files = Vec::new();
        let mut map = Map::new();
        // A large list goes to a file of its own, named in the shard as
        // `@path#df`: a query then fetches only the large lists it uses,
        // not those of every term sharing its shard.
        let mut k = 0;
        for (term, fields) in terms {
            let mut obj = Map::new();
            for (key, list, df) in fields {
                let value = if list.len() > EXTERNAL_BYTES {
                    let path = format!("{ns}/{n}/{k}.json");
                    k += 1;
                    files.push(json_file(&format!("search/{path}"), &json!(list)));
                    format!("@{path}#{df}")
                } else {
                    list
                };
                obj.insert(key.to_string(), Value::String(value));
            }
            map.insert(term, Value::Object(obj));
        }
        files.push(json_file(
            &format!("search/{ns}/{n}.json"),
            &Value::Object(map),
        ));
        sink(files)?;
    }
    Ok(())
}

/// Completion shards: enough for about `SHARD_TARGET_BYTES` each, as the
/// candidates would be written (a candidate in two shards counted twice).
fn completion_shard_count(assist: &Assist) -> u32 {
    let bytes: usize = assist
        .candidates()
        .map(|c| {
            let pinyin = c
                .pinyin
                .map_or(0, |(full, initials)| full.len() + initials.len());
            (c.text.len() + c.url.map_or(0, str::len) + c.norm.map_or(0, str::len) + pinyin + 24)
                * c.leads().len()
        })
        .sum();
    (bytes / SHARD_TARGET_BYTES).max(1).next_power_of_two() as u32
}

/// The `complete/` shards: each candidate in the shard of each of its
/// leads (`fnv1a32(lead) % count`), so a prefix finds all its completions
/// in the shard of its first character, and a Latin prefix in that of its
/// first letter. `t`: vocabulary terms `[index, text, full, initials]`;
/// `c`: completions `[index, kind, text, url, norm, full, initials]`,
/// absent values `null`; both in their stored order.
fn completion_files(assist: &Assist, count: u32) -> Vec<OutputFile> {
    let mut shards: Vec<(Vec<Value>, Vec<Value>)> =
        (0..count).map(|_| Default::default()).collect();
    for candidate in assist.candidates() {
        let (full, initials) = candidate.pinyin.unzip();
        let mut seen = Vec::new();
        for lead in candidate.leads() {
            let n = (fnv1a32(lead.to_string().as_bytes()) % count) as usize;
            if seen.contains(&n) {
                continue;
            }
            seen.push(n);
            if candidate.kind == CompletionKind::Term {
                shards[n]
                    .0
                    .push(json!([candidate.index, candidate.text, full, initials]));
            } else {
                shards[n].1.push(json!([
                    candidate.index,
                    candidate.kind.name(),
                    candidate.text,
                    candidate.url,
                    candidate.norm,
                    full,
                    initials
                ]));
            }
        }
    }
    shards
        .into_iter()
        .enumerate()
        .map(|(n, (terms, completions))| {
            json_file(
                &format!("search/complete/{n}.json"),
                &json!({ "t": terms, "c": completions }),
            )
        })
        .collect()
}

fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The filter files: `filters.json` with the lists of the facets counted
/// with every query, `filters/<key>.json` for each deferred facet, and
/// `issuers.json` (filtered by, never counted); the last two are loaded
/// when needed.
fn filter_files(site: &Site) -> Vec<OutputFile> {
    let mut facets: BTreeMap<&str, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    for (id, p) in site.pages.iter().enumerate() {
        let front = &p.doc.front;
        let mut add = |facet: &'static str, value: &str| {
            facets
                .entry(facet)
                .or_default()
                .entry(value.to_string())
                .or_default()
                .push(id);
        };
        add("kind", front.kind.name());
        add("year", &chrono::Datelike::year(&front.date).to_string());
        for t in &front.tags {
            add("tags", t);
        }
        if let Some(r) = &front.region {
            add("region", r);
        }
        if let Some(s) = front.policy.status {
            add("status", s.name());
        }
        for i in &front.policy.issuers {
            add("issuer", i);
        }
    }
    let lists = |facet: &str| {
        let mut m = Map::new();
        for (value, ids) in facets.get(facet).into_iter().flatten() {
            let mut ids = ids.clone();
            ids.dedup();
            m.insert(value.clone(), Value::String(encode_ids(&ids)));
        }
        Value::Object(m)
    };
    let mut counted = Map::new();
    let mut out = Vec::new();
    for facet in super::filters::FACETS {
        if facet.deferred {
            out.push(json_file(
                &format!("search/filters/{}.json", facet.key),
                &lists(facet.key),
            ));
        } else {
            counted.insert(facet.key.to_string(), lists(facet.key));
        }
    }
    out.push(json_file("search/filters.json", &Value::Object(counted)));
    out.push(json_file("search/issuers.json", &lists("issuer")));
    out
}

fn doc_numbers(site: &Site) -> Value {
    let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (id, p) in site.pages.iter().enumerate() {
        if let Some(n) = &p.doc.front.policy.doc_number {
            map.entry(docnum::canonical(n).unwrap_or_else(|| n.clone()))
                .or_default()
                .push(id);
        }
    }
    Value::Object(
        map.into_iter()
            .map(|(k, ids)| (k, Value::String(encode_ids(&ids))))
            .collect(),
    )
}

/// Traditional -> Simplified pairs for every CJK character the converter changes.
/// The Traditional -> Simplified pairs, in `T2S_SHARDS` files: a pair is in
/// the file of its Traditional char (to fold a Traditional query) and in the
/// file of its Simplified char (to find a query's characters in Traditional
/// text when highlighting), so a query loads only the files of its own
/// characters.
fn t2s_files() -> Vec<OutputFile> {
    let ranges = [0x3400u32..=0x4DBF, 0x4E00..=0x9FFF, 0xF900..=0xFAFF];
    let mut shards = vec![String::new(); T2S_SHARDS as usize];
    for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
        let converted = fast2s::convert(&c.to_string());
        let mut chars = converted.chars();
        if let (Some(t), None) = (chars.next(), chars.next()) {
            if t != c {
                let (a, b) = (u32::from(c) % T2S_SHARDS, u32::from(t) % T2S_SHARDS);
                for n in if a == b { vec![a] } else { vec![a, b] } {
                    shards[n as usize].push(c);
                    shards[n as usize].push(t);
                }
            }
        }
    }
    shards
        .into_iter()
        .enumerate()
        .map(|(n, map)| json_file(&format!("search/t2s/{n}.json"), &json!({ "map": map })))
        .collect()
}

fn json_file(path: &str, value: &Value) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        contents: serde_json::to_vec(value).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_coded_as_differences_per_document() {
        let decoded = |b: &str| -> Vec<u64> {
            let bytes = base64::engine::general_purpose::STANDARD.decode(b).unwrap();
            let (mut out, mut value, mut shift) = (Vec::new(), 0u64, 0);
            for byte in bytes {
                value |= u64::from(byte & 0x7f) << shift;
                shift += 7;
                if byte & 0x80 == 0 {
                    out.push(value);
                    (value, shift) = (0, 0);
                }
            }
            out
        };
        let coded = encode_positions(&[(3, 2), (300, 1)], &[5, 200, 7]);
        // doc 3 (delta 3), 2 positions: 5, 200 (delta 195); doc 300 (delta 297), 1: 7.
        assert_eq!(decoded(&coded), vec![3, 2, 5, 195, 297, 1, 7]);
    }

    #[test]
    fn large_postings_get_a_file_of_their_own() {
        let mut terms: Terms = HashMap::new();
        // 3,000 documents of 100,000 hold the term: a sparse list of ~8 KB.
        let big: Vec<Posting> = (0..3000).map(|i| (i * 33, 1)).collect();
        let mut put = |term: &str, key: &'static str, mut postings: Vec<Posting>| {
            let df = postings.len();
            let encoded = encode_postings(&mut postings, 100_000);
            terms
                .entry(term.into())
                .or_default()
                .push((key, encoded, df));
        };
        put("社区", "b", big.clone());
        put("党建", "b", vec![(1, 2)]);
        put("社区", "t", vec![(7, 1)]);
        let mut files = Vec::new();
        let count = shard("g", terms, &mut |mut part| {
            files.append(&mut part);
            Ok(())
        })
        .unwrap();
        assert_eq!(count, 1);
        let text = |path: &str| -> Value {
            let f = files
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{path}"));
            serde_json::from_slice(&f.contents).unwrap()
        };
        let shard = text("search/g/0.json");
        assert_eq!(shard["社区"]["b"], json!("@g/0/0.json#3000"));
        assert_eq!(shard["社区"]["t"], json!(b64(&[7, 1])));
        assert_eq!(shard["党建"]["b"], json!(b64(&[1, 2])));
        assert_eq!(
            text("search/g/0/0.json"),
            json!(encode_postings(&mut big.clone(), 100_000))
        );
    }

    #[test]
    fn hashing_and_encoding_are_stable() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a".as_bytes()), 0xe40c_292c);
        assert_eq!(encode_ids(&[0, 1, 130]), b64(&[0, 1, 0x81, 0x01]));
        assert_eq!(
            [28, 1_000, 5_500, 10_000, 50_000].map(doc_text_chars),
            [2_000, 2_000, 1_400, 800, 800]
        );
        let every_other: Vec<usize> = (0..64).step_by(2).collect();
        assert_eq!(encode_ids(&every_other), format!("*{}", b64(&[0x55; 8])));
        let mut p = vec![(5, 2), (1, 1)];
        assert_eq!(encode_postings(&mut p, 100), b64(&[1, 1, 4, 2]));
        // In more than one document in eight: a bitmap and tf characters.
        let mut dense = vec![(9, 70), (0, 1), (3, 12)];
        assert_eq!(
            encode_postings(&mut dense, 16),
            format!("*{}*1C(70)", b64(&[0b0000_1001, 0b0000_0010]))
        );
    }
}
