//! The tantivy index: the one function that defines the schema, creating and
//! opening an index (tokenizers registered both times), writing a site into
//! it and, once written, finding each page's related documents.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use tantivy::schema::{
    DateOptions, Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{DateTime, Index, IndexWriter, TantivyDocument, Term};

use super::analyzer::{Analyzer, GramsTokenizer, WordsTokenizer, GRAMS_TOKENIZER, WORDS_TOKENIZER};
use super::assist::{self, Assist, ASSIST_FILE};
use super::attachment_text::AttachmentTexts;
use super::ranking::GRAM_FIELDS;
use crate::content::docnum;
use crate::error::{Error, Result};
use crate::site::{Page, Site};

/// Where, inside the configured search index folder, the tantivy files live
/// (the folder itself keeps its committed README).
pub const TANTIVY_DIR: &str = "tantivy";
/// The site dictionary the index was built with, so queries are cut the same way.
const DICTIONARY_FILE: &str = "zhiku-dictionary.txt";
/// Memory for the index writer, split across its threads.
const WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// Field handles of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub url: Field,
    pub kind: Field,
    pub title: Field,
    pub title_grams: Field,
    pub headings: Field,
    pub body: Field,
    pub body_grams: Field,
    pub meta_grams: Field,
    /// The attachments' titles and text, as grams.
    pub attachment_grams: Field,
    /// Each attachment as `title` U+001F `text`, for snippets.
    pub attachments: Field,
    pub summary: Field,
    pub tags: Field,
    pub region: Field,
    pub issuer: Field,
    pub status: Field,
    pub doc_number: Field,
    pub doc_number_text: Field,
    pub series: Field,
    pub date: Field,
    pub facets: Field,
    /// Position of the page in the site (newest first): the static bundle's document id.
    pub pid: Field,
    /// A hash of everything else the document holds, its place included:
    /// what a rebuild compares to keep the documents that did not change.
    pub fingerprint: Field,
}

/// The schema. Words fields rank (frequencies only: they are never used in
/// phrases); grams fields find (positions, for phrase = substring queries).
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORDS_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let grams = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(GRAMS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        url: b.add_text_field("url", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        title: b.add_text_field("title", words(true)),
        title_grams: b.add_text_field("title_grams", grams.clone()),
        headings: b.add_text_field("headings", words(false)),
        // Stored for snippets, not indexed: the body is found and scored
        // through `body_grams`. Indexing its jieba words as well took half
        // the indexing time for a signal the title and headings words give
        // (whole-word matches rank first) and the body's bigrams nearly do.
        body: b.add_text_field("body", STORED),
        body_grams: b.add_text_field("body_grams", grams.clone()),
        meta_grams: b.add_text_field("meta_grams", grams.clone()),
        attachment_grams: b.add_text_field("attachment_grams", grams),
        attachments: b.add_text_field("attachments", STORED),
        summary: b.add_text_field("summary", STORED),
        tags: b.add_text_field("tags", STRING | STORED),
        region: b.add_text_field("region", STRING | STORED),
        issuer: b.add_text_field("issuer", STRING | STORED),
        status: b.add_text_field("status", STRING | STORED),
        doc_number: b.add_text_field("doc_number", STRING),
        doc_number_text: b.add_text_field("doc_number_text", STORED),
        series: b.add_text_field("series", STRING | STORED),
        date: b.add_date_field("date", DateOptions::from(INDEXED | FAST | STORED)),
        facets: b.add_facet_field(super::facet_counts::FACET_FIELD, FacetOptions::default()),
        pid: b.add_u64_field("pid", FAST),
        fingerprint: b.add_u64_field("fingerprint", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// An index with its analyzer: what indexing and searching both need.
#[derive(Clone)]
pub struct SearchIndex {
    pub index: Index,
    pub fields: Fields,
    pub analyzer: Arc<Analyzer>,
    /// Pinyin, corrections, synonyms and completions (`assist.json`);
    /// swapped whole when the live preview rewrites it.
    assist: Arc<RwLock<Arc<Assist>>>,
    /// The folder it was opened from, where `assist.json` is.
    dir: Option<PathBuf>,
    /// The attachments' text, read before documents are written.
    pub attachment_texts: Arc<AttachmentTexts>,
}

impl SearchIndex {
    /// The field a ranking table names; the tables name schema fields only.
    pub fn field(&self, name: &str) -> Field {
        self.index
            .schema()
            .get_field(name)
            .unwrap_or_else(|_| panic!("search::ranking names {name}, which the schema lacks"))
    }

    /// Creates an empty index in `dir` (which must exist and be empty).
    /// Makes the search-assistance table from the written index and the
    /// site, keeps it, and writes it beside the index as [`ASSIST_FILE`].
    pub fn write_assist(&mut self, dir: &Path, from: assist::Sources<'_>) -> Result<()> {
        let reader = self.index.reader().map_err(index_err)?;
        let data = assist::build(&reader.searcher(), &self.fields, from)?;
        let path = dir.join(ASSIST_FILE);
        let json = serde_json::to_vec(&data).map_err(|e| Error::Index(e.to_string()))?;
        // Written aside and renamed: a reader never sees half a file.
        let partial = dir.join(format!(".{ASSIST_FILE}.partial"));
        std::fs::write(&partial, json).map_err(|e| Error::io(&partial, e))?;
        std::fs::rename(&partial, &path).map_err(|e| Error::io(&path, e))?;
        *self.assist.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Assist::new(data));
        Ok(())
    }

    /// The folder the index was opened from.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The search-assistance table in use.
    pub fn assist(&self) -> Arc<Assist> {
        self.assist
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Reads `assist.json` again (the live preview rewrote it).
    pub fn reload_assist(&self) {
        if let Some(dir) = &self.dir {
            *self.assist.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(read_assist(dir));
        }
    }

    pub fn create(dir: &Path, dictionary: &str) -> Result<SearchIndex> {
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema).map_err(index_err)?;
        std::fs::write(dir.join(DICTIONARY_FILE), dictionary).map_err(|e| Error::io(dir, e))?;
        Ok(SearchIndex::with_tokenizers(index, fields, dictionary))
    }

    pub fn create_in_ram(dictionary: &str) -> SearchIndex {
        let (schema, fields) = schema();
        SearchIndex::with_tokenizers(Index::create_in_ram(schema), fields, dictionary)
    }

    pub fn open(dir: &Path) -> Result<SearchIndex> {
        let index = Index::open_in_dir(dir).map_err(|e| {
            Error::Index(format!(
                "cannot open the search index in {}: {e} (run `zhiku build` first)",
                dir.display()
            ))
        })?;
        let dictionary = std::fs::read_to_string(dir.join(DICTIONARY_FILE)).unwrap_or_default();
        let (_, fields) = schema();
        let mut opened = SearchIndex::with_tokenizers(index, fields, &dictionary);
        opened.assist = Arc::new(RwLock::new(Arc::new(read_assist(dir))));
        opened.dir = Some(dir.to_path_buf());
        Ok(opened)
    }

    /// Opens a built index for searching only: nothing is written in its
    /// folder, not even a lock file (see [`super::read_only`]).
    pub fn open_read_only(dir: &Path) -> Result<SearchIndex> {
        let cannot = |e: tantivy::TantivyError| {
            Error::Index(format!(
                "cannot open the search index in {}: {e} (run `zhiku build` first)",
                dir.display()
            ))
        };
        let directory = super::read_only::ReadOnlyDirectory::open(dir).map_err(cannot)?;
        let index = Index::open(directory).map_err(cannot)?;
        let dictionary = std::fs::read_to_string(dir.join(DICTIONARY_FILE)).unwrap_or_default();
        let (_, fields) = schema();
        let mut opened = SearchIndex::with_tokenizers(index, fields, &dictionary);
        opened.assist = Arc::new(RwLock::new(Arc::new(read_assist(dir))));
        opened.dir = Some(dir.to_path_buf());
        Ok(opened)
    }

    fn with_tokenizers(index: Index, fields: Fields, dictionary: &str) -> SearchIndex {
        let analyzer = Analyzer::shared(dictionary);
        index
            .tokenizers()
            .register(WORDS_TOKENIZER, WordsTokenizer(analyzer.clone()));
        index.tokenizers().register(GRAMS_TOKENIZER, GramsTokenizer);
        SearchIndex {
            index,
            fields,
            analyzer,
            assist: Arc::default(),
            dir: None,
            attachment_texts: Arc::default(),
        }
    }

    pub fn writer(&self) -> Result<IndexWriter> {
        self.index.writer(WRITER_MEMORY).map_err(index_err)
    }

    /// Adds every page of the site and commits, without merging segments.
    /// The merges tantivy starts by itself while a large site is written
    /// were cut off when the writer went, leaving their output on disk with
    /// no commit naming it (383 MB at 50,000 documents, nearly doubling the
    /// bytes per document); merging everything into one segment instead
    /// added 1.8 s to a 16 s build at 10,000 for 1 % fewer bytes.
    pub fn write_site(&self, site: &Site) -> Result<()> {
        let mut writer = self.writer()?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for (pid, page) in site.pages.iter().enumerate() {
            writer
                .add_document(self.document(page, pid))
                .map_err(index_err)?;
        }
        writer.commit().map_err(index_err)?;
        Ok(())
    }

    /// The tantivy document for a page, `pid` its place in `site.pages`.
    pub fn document(&self, page: &Page, pid: usize) -> TantivyDocument {
        let f = &self.fields;
        let front = &page.doc.front;
        let mut d = TantivyDocument::default();
        d.add_text(f.url, &page.url);
        d.add_text(f.kind, front.kind.name());
        d.add_text(f.title, &front.title);
        d.add_text(f.headings, page.doc.heading_titles().join("\n"));
        d.add_text(f.body, &page.doc.rendered.text);
        for (gram, values) in GRAM_FIELDS
            .iter()
            .zip(gram_texts(page, &self.attachment_texts))
        {
            let field = self.field(gram.field);
            for value in values {
                d.add_text(field, value);
            }
        }
        if let Some(summary) = summary_of(page) {
            d.add_text(f.summary, summary);
        }
        let mut facet =
            |kind: &str, value: &str| d.add_facet(f.facets, Facet::from_path([kind, value]));
        facet("kind", front.kind.name());
        facet("year", &chrono::Datelike::year(&front.date).to_string());
        for t in &front.tags {
            facet("tags", t);
        }
        if let Some(r) = &front.region {
            facet("region", r);
        }
        if let Some(s) = front.policy.status {
            facet("status", s.name());
        }
        for t in &front.tags {
            d.add_text(f.tags, t);
        }
        if let Some(r) = &front.region {
            d.add_text(f.region, r);
        }
        for i in &front.policy.issuers {
            d.add_text(f.issuer, i);
        }
        if let Some(s) = front.policy.status {
            d.add_text(f.status, s.name());
        }
        if let Some(n) = &front.policy.doc_number {
            d.add_text(f.doc_number_text, n);
            d.add_text(
                f.doc_number,
                docnum::canonical(n).unwrap_or_else(|| n.clone()),
            );
        }
        if let Some(s) = &front.training.series {
            d.add_text(f.series, s);
        }
        for a in &page.doc.attachments {
            if let Some(text) = self.attachment_texts.get(&a.url) {
                d.add_text(
                    f.attachments,
                    format!("{}{ATTACHMENT_SEPARATOR}{text}", a.title),
                );
            }
        }
        d.add_date(f.date, to_datetime(front.date));
        d.add_u64(f.pid, pid as u64);
        d.add_u64(f.fingerprint, fingerprint(&d));
        d
    }

    /// Brings an index holding an earlier build's documents (see
    /// [`super::reuse`]) in line with `site`. A segment whose documents all
    /// still match a page (same fingerprint) is kept as it is; a segment
    /// holding any document that changed or went is written again whole,
    /// with the pages that are new. Deleting single documents instead would
    /// leave tantivy's document counts and lengths counting it (until a
    /// merge, which estimates them from rounded field norms), and scores
    /// would differ from a fresh build's. When less than a quarter of the
    /// pages would be kept (a new newest page moves every other one), all
    /// are written afresh, without deleting documents one by one.
    pub fn update_site(&self, site: &Site) -> Result<IndexUpdate> {
        let f = self.fields;
        let pids: Vec<usize> = (0..site.pages.len()).collect();
        // Fingerprints only: the documents to write are made again below,
        // so that all of them are never in memory at once (600 MB at
        // 50,000 documents).
        let fingerprints: Vec<u64> = crate::parallel::map_chunks(&pids, 64, |part| {
            part.iter()
                .map(|&pid| fingerprint_of(&self.document(&site.pages[pid], pid), f.fingerprint))
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
        let wanted: HashSet<u64> = fingerprints.iter().copied().collect();
        let mut update = IndexUpdate::default();
        // Fingerprints of the documents kept, and of those in segments to write again.
        let mut kept: HashSet<u64> = HashSet::new();
        let mut rewritten: Vec<u64> = Vec::new();
        let reader = self.index.reader().map_err(index_err)?;
        for segment in reader.searcher().segment_readers() {
            let held = fingerprints_in(segment)?;
            update.removed += held.iter().filter(|fp| !wanted.contains(fp)).count();
            // A segment with deleted documents (the live preview deletes
            // and adds) has estimated counts: written again too.
            if segment.num_deleted_docs() == 0 && held.iter().all(|fp| wanted.contains(fp)) {
                kept.extend(held);
            } else {
                rewritten.extend(held);
            }
        }
        let everything = kept.len() * 4 < pids.len();
        if everything {
            rewritten.extend(kept.drain());
        }
        // A few documents make one segment on one thread (a segment per
        // thread would be many small ones).
        let mut writer = if pids.len() - kept.len() < SMALL_UPDATE {
            self.index.writer_with_num_threads(1, WRITER_MEMORY)
        } else {
            self.index.writer(WRITER_MEMORY)
        }
        .map_err(index_err)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        if everything {
            writer.delete_all_documents().map_err(index_err)?;
        } else {
            for &fp in &rewritten {
                writer.delete_term(Term::from_field_u64(f.fingerprint, fp));
            }
        }
        // Unchanged documents that only move with their segment are
        // committed apart from the changed ones: the changed ones then make
        // a segment of their own, and editing the same page again writes
        // that small segment only.
        let moved: HashSet<u64> = rewritten
            .into_iter()
            .filter(|fp| wanted.contains(fp))
            .collect();
        let (mut unchanged, mut changed) = (Vec::new(), Vec::new());
        for (pid, fp) in fingerprints.iter().enumerate() {
            if kept.contains(fp) {
                update.kept += 1;
            } else if moved.contains(fp) {
                unchanged.push(pid);
            } else {
                changed.push(pid);
            }
        }
        update.written = unchanged.len() + changed.len();
        let apart = !unchanged.is_empty() && !changed.is_empty();
        for (batch, then_commit) in [(unchanged, apart), (changed, true)] {
            for pid in batch {
                writer
                    .add_document(self.document(&site.pages[pid], pid))
                    .map_err(index_err)?;
            }
            if then_commit {
                writer.commit().map_err(index_err)?;
            }
        }
        self.merge_small_segments(writer)?;
        Ok(update)
    }

    /// A hash of the fingerprints of every document in the index: equal
    /// digests, equal documents.
    pub fn documents_digest(&self) -> Result<u64> {
        use std::hash::{BuildHasher, Hasher};
        let reader = self.index.reader().map_err(index_err)?;
        let mut fingerprints = Vec::new();
        for segment in reader.searcher().segment_readers() {
            fingerprints.extend(fingerprints_in(segment)?);
        }
        fingerprints.sort_unstable();
        let mut h = foldhash::quality::FixedState::with_seed(0x6469_6765_7374).build_hasher();
        for fp in fingerprints {
            h.write_u64(fp);
        }
        Ok(h.finish())
    }

    /// Each rebuild that writes documents adds a segment: once more than a
    /// few are small next to the largest, they are merged into one (none
    /// holds deleted documents, so the merge keeps exact counts).
    fn merge_small_segments(&self, mut writer: IndexWriter) -> Result<()> {
        let segments = self.index.searchable_segment_metas().map_err(index_err)?;
        let largest = segments.iter().map(|s| s.num_docs()).max().unwrap_or(0);
        let small: Vec<_> = segments
            .iter()
            .filter(|s| s.num_docs() < largest / SMALL_SEGMENT_SHARE && !s.has_deletes())
            .map(|s| s.id())
            .collect();
        if small.len() > MAX_SMALL_SEGMENTS {
            writer.merge(&small).wait().map_err(index_err)?;
        }
        writer.wait_merging_threads().map_err(index_err)
    }

    /// Up to `limit` related documents (URLs) for every page, by the words of
    /// its title and its tags. Call after `write_site`.
    pub fn related(&self, site: &Site, limit: usize) -> Result<Related> {
        let all: Vec<usize> = (0..site.pages.len()).collect();
        self.related_of(site, &all, limit)
    }

    /// [`related`](Self::related) for the pages `of` only (what the live
    /// preview recomputes).
    pub fn related_of(&self, site: &Site, of: &[usize], limit: usize) -> Result<Related> {
        super::related::related_of(self, site, of, limit)
    }

    /// Brings the index in line with `site` after a change: the documents of
    /// `removed_urls` go, those of `pages` (indices into `site.pages`) are
    /// written again, and the change is committed.
    pub fn apply_delta(
        &self,
        writer: &mut IndexWriter,
        site: &Site,
        removed_urls: &[String],
        pages: &[usize],
    ) -> Result<()> {
        for url in removed_urls {
            writer.delete_term(self.url_term(url));
        }
        for &pid in pages {
            let page = &site.pages[pid];
            writer.delete_term(self.url_term(&page.url));
            writer
                .add_document(self.document(page, pid))
                .map_err(index_err)?;
        }
        writer.commit().map_err(index_err)?;
        Ok(())
    }

    /// The term that identifies a page's document, for updates and deletes.
    fn url_term(&self, url: &str) -> Term {
        Term::from_field_text(self.fields.url, url)
    }
}

/// What [`SearchIndex::update_site`] did, in documents.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct IndexUpdate {
    pub kept: usize,
    pub written: usize,
    pub removed: usize,
}

/// Fewer documents to write than this are written on one thread.
const SMALL_UPDATE: usize = 1000;

/// A segment smaller than the largest by this factor counts as small...
const SMALL_SEGMENT_SHARE: u32 = 8;
/// ...and more small segments than this are merged into one: each rebuild
/// that writes documents adds a segment.
const MAX_SMALL_SEGMENTS: usize = 4;

/// The fingerprints of the documents of `segment` that are not deleted.
fn fingerprints_in(segment: &tantivy::SegmentReader) -> Result<Vec<u64>> {
    let column = segment
        .fast_fields()
        .u64("fingerprint")
        .map_err(index_err)?;
    let alive = segment.alive_bitset();
    Ok((0..segment.max_doc())
        .filter(|&doc| alive.is_none_or(|a| a.is_alive(doc)))
        .filter_map(|doc| column.first(doc))
        .collect())
}

/// The fingerprint [`SearchIndex::document`] gave `d`.
fn fingerprint_of(d: &TantivyDocument, field: Field) -> u64 {
    use tantivy::schema::Value;
    d.get_first(field)
        .and_then(|v| v.as_u64())
        .unwrap_or_default()
}

/// A hash of a document's fields and values, in order.
fn fingerprint(d: &TantivyDocument) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use tantivy::schema::Value;
    let mut h = foldhash::quality::FixedState::with_seed(0x6669_6e67_6572).build_hasher();
    for (field, value) in d.field_values() {
        h.write_u32(field.field_id());
        if let Some(text) = value.as_str() {
            h.write(text.as_bytes());
        } else if let Some(n) = value.as_u64() {
            h.write_u64(n);
        } else if let Some(date) = value.as_datetime() {
            h.write_i64(date.into_timestamp_nanos());
        } else if let Some(facet) = value.as_facet() {
            h.write(facet.as_bytes());
        }
        // Keeps ("ab", "c") apart from ("a", "bc").
        h.write_u8(0xff);
    }
    h.finish()
}

/// Page URL -> URLs of its related documents.
pub type Related = std::collections::HashMap<String, Vec<String>>;

/// Between an attachment's title and its text in the stored `attachments` field.
pub const ATTACHMENT_SEPARATOR: char = '\u{1f}';

/// The assistance table beside an index; an index built before there was
/// one (or a damaged file) gets an empty table: searches work, unassisted.
fn read_assist(dir: &Path) -> Assist {
    std::fs::read(dir.join(ASSIST_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .map(Assist::new)
        .unwrap_or_default()
}

/// The texts of a page's gram fields, in the order of
/// [`GRAM_FIELDS`](super::ranking::GRAM_FIELDS) (title, body, meta,
/// attachments), each field's values in the order they are indexed: their
/// token positions follow that order, and the static bundle's phrases are
/// read from the same texts.
pub fn gram_texts<'a>(page: &'a Page, attachments: &'a AttachmentTexts) -> [Vec<&'a str>; 4] {
    let front = &page.doc.front;
    let title = vec![front.title.as_str()];
    let mut body = vec![page.doc.rendered.text.as_str()];
    body.extend(front.summary.as_deref());
    let mut meta: Vec<&str> = front.tags.iter().map(String::as_str).collect();
    meta.extend(front.region.as_deref());
    meta.extend(front.policy.issuers.iter().map(String::as_str));
    meta.extend(front.organization.as_deref());
    meta.extend(front.policy.doc_number.as_deref());
    meta.extend(front.training.series.as_deref());
    let mut files = Vec::new();
    for a in &page.doc.attachments {
        files.push(a.title.as_str());
        files.extend(attachments.get(&a.url));
    }
    [title, body, meta, files]
}

/// The summary a search result shows: the front matter's, else the
/// opening of the first paragraph. The index, the static bundle and the
/// export all store this one.
pub fn summary_of(page: &Page) -> Option<String> {
    page.doc.front.summary.clone().or_else(|| {
        page.doc
            .rendered
            .first_paragraph
            .as_deref()
            .map(|t| crate::content::text::summarize(t, SUMMARY_CHARS))
    })
}

/// Longest generated summary, in characters.
const SUMMARY_CHARS: usize = 160;

pub fn to_datetime(date: NaiveDate) -> DateTime {
    let secs = date
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp())
        .unwrap_or(0);
    DateTime::from_timestamp_secs(secs)
}

pub fn from_datetime(dt: DateTime) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(dt.into_timestamp_secs(), 0).map(|d| d.date_naive())
}

pub fn stored_str(doc: &TantivyDocument, field: Field) -> Option<&str> {
    use tantivy::schema::Value;
    doc.get_first(field).and_then(|v| v.as_str())
}

pub fn stored_strs(doc: &TantivyDocument, field: Field) -> Vec<String> {
    use tantivy::schema::Value;
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

pub fn index_err(e: tantivy::TantivyError) -> Error {
    Error::Index(e.to_string())
}
