//! One Han character as a query.
//!
//! The gram fields index a character only through the token it starts (its
//! bigram, or the character itself where its run ends), so the documents
//! with the character are the union of the postings of the terms with that
//! prefix, and its frequency in a document is the sum of theirs. The query
//! scores that union with BM25 as a single term: the score a unigram term
//! would have had, and the score the static bundle's `u` postings (merged
//! the same way at export) give in the browser.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::postings::Postings;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, EnableScoring, Explanation, Query};
use tantivy::query::{Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

/// Documents containing the character `prefix` in `field`.
#[derive(Clone, Debug)]
pub struct CharQuery {
    field: Field,
    prefix: String,
}

impl CharQuery {
    pub fn new(field: Field, c: char) -> CharQuery {
        CharQuery {
            field,
            prefix: c.to_string(),
        }
    }
}

/// The smallest byte string above every string starting with `prefix`.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// (document, frequency) of the character in one segment, in document order.
fn segment_postings(
    reader: &SegmentReader,
    field: Field,
    prefix: &str,
) -> tantivy::Result<Vec<(DocId, u32)>> {
    let inverted = reader.inverted_index(field)?;
    let mut range = inverted.terms().range().ge(prefix.as_bytes());
    if let Some(end) = prefix_end(prefix.as_bytes()) {
        range = range.lt(end);
    }
    let mut terms = range.into_stream()?;
    let mut out = Vec::new();
    while terms.advance() {
        let mut postings =
            inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)?;
        let mut doc = postings.doc();
        while doc != TERMINATED {
            out.push((doc, postings.term_freq()));
            doc = postings.advance();
        }
    }
    out.sort_unstable_by_key(|&(doc, _)| doc);
    out.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    Ok(out)
}

impl Query for CharQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut postings = HashMap::new();
        let mut bm25 = None;
        if let Some(searcher) = enable_scoring.searcher() {
            // The postings are needed for the document frequency anyway:
            // keep them for the scorers rather than reading them twice.
            let mut doc_freq = 0u64;
            for reader in searcher.segment_readers() {
                let list = segment_postings(reader, self.field, &self.prefix)?;
                doc_freq += list.len() as u64;
                postings.insert(reader.segment_id(), Arc::from(list));
            }
            if enable_scoring.is_scoring_enabled() {
                let docs = searcher.total_num_docs()?;
                let tokens = searcher.total_num_tokens(self.field)?;
                let average = tokens as Score / docs.max(1) as Score;
                bm25 = Some(Bm25Weight::for_one_term(doc_freq, docs, average));
            }
        }
        Ok(Box::new(CharWeight {
            field: self.field,
            prefix: self.prefix.clone(),
            postings,
            bm25,
        }))
    }
}

struct CharWeight {
    field: Field,
    prefix: String,
    postings: HashMap<SegmentId, Arc<[(DocId, u32)]>>,
    bm25: Option<Bm25Weight>,
}

impl CharWeight {
    fn char_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<CharScorer> {
        let postings = match self.postings.get(&reader.segment_id()) {
            Some(list) => Arc::clone(list),
            None => Arc::from(segment_postings(reader, self.field, &self.prefix)?),
        };
        Ok(CharScorer {
            postings,
            cursor: 0,
            fieldnorms: reader.get_fieldnorms_reader(self.field)?,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
        })
    }
}

impl Weight for CharWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.char_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.char_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not contain {}",
                self.prefix
            )));
        }
        let (_, tf) = scorer.postings[scorer.cursor];
        Ok(match &scorer.bm25 {
            Some(bm25) => bm25.explain(scorer.fieldnorms.fieldnorm_id(doc), tf),
            None => Explanation::new("character (no scoring)", 1.0),
        })
    }
}

struct CharScorer {
    /// Shared with the weight: read once for the document frequency.
    postings: Arc<[(DocId, u32)]>,
    cursor: usize,
    fieldnorms: tantivy::fieldnorm::FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for CharScorer {
    fn advance(&mut self) -> DocId {
        if self.cursor < self.postings.len() {
            self.cursor += 1;
        }
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let rest = &self.postings[self.cursor..];
        self.cursor += rest.partition_point(|&(doc, _)| doc < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.postings
            .get(self.cursor)
            .map_or(TERMINATED, |&(doc, _)| doc)
    }

    fn size_hint(&self) -> u32 {
        self.postings.len() as u32
    }
}

impl Scorer for CharScorer {
    fn score(&mut self) -> Score {
        let Some(&(doc, tf)) = self.postings.get(self.cursor) else {
            return 0.0;
        };
        match &self.bm25 {
            Some(bm25) => bm25.score(self.fieldnorms.fieldnorm_id(doc), tf),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn prefix_end_is_above_every_extension() {
        let prefix = "党".as_bytes();
        let end = prefix_end(prefix).unwrap();
        for longer in ["党", "党建", "党\u{10FFFF}"] {
            assert!(longer.as_bytes() < end.as_slice(), "{longer}");
        }
        let next = char::from_u32('党' as u32 + 1).unwrap().to_string();
        assert!(next.as_bytes() >= end.as_slice());
        assert_eq!(prefix_end(&[0x61, 0xFF]), Some(vec![0x62]));
        assert_eq!(prefix_end(&[0xFF]), None);
    }
}
