//! Facet counts over every match, the way the search API needs them.
//!
//! tantivy's `FacetCollector` turns each counted ordinal back into its facet
//! on every request, and each turn decompresses a block of the facet
//! dictionary: a third of the server's time under load at 10,000 documents.
//! The facets of a segment never change, so each segment's are read once
//! (and kept while the segment lives) as every document's value ids, the
//! ids shared by all segments: a request then only adds ones into an array,
//! and turns ids into names once, for the values it counted. Reading the
//! ordinals from the fast field per document, and naming each segment's
//! counts through hash maps, was 14 % of the server's time at 100,000
//! documents (docs/benchmarks.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The facet field every page's facets are written to.
pub const FACET_FIELD: &str = "facets";

/// One segment's facets: the value ids of document `d` are
/// `ids[starts[d]..starts[d + 1]]`.
struct SegmentFacets {
    starts: Vec<u32>,
    ids: Vec<u32>,
    /// One more than the largest id in `ids`: the length of a count array.
    id_bound: usize,
}

/// (facet, value) names of the value ids, and each seen segment's facets.
#[derive(Default)]
struct Tables {
    names: Vec<(String, String)>,
    id_of: HashMap<(String, String), u32>,
    by_segment: HashMap<SegmentId, Arc<SegmentFacets>>,
}

/// The facets of every segment seen, shared by the requests of one engine.
#[derive(Default)]
pub struct FacetTables {
    tables: Mutex<Tables>,
}

impl FacetTables {
    fn of(&self, segment: &SegmentReader) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = segment.segment_id();
        if let Some(facets) = self.lock().by_segment.get(&id) {
            return Ok(facets.clone());
        }
        // Read outside the lock: the first request after a reload reads
        // every new segment, and others may count meanwhile.
        let reader = segment.facet_reader(FACET_FIELD)?;
        let mut paths = Vec::with_capacity(reader.num_facets());
        let mut facet = Facet::root();
        for ord in 0..reader.num_facets() as u64 {
            reader.facet_from_ord(ord, &mut facet)?;
            paths.push(match facet.to_path().as_slice() {
                [name, value] => Some((name.to_string(), value.to_string())),
                _ => None,
            });
        }
        let global: Vec<Option<u32>> = {
            let mut tables = self.lock();
            let tables = &mut *tables;
            paths
                .into_iter()
                .map(|path| {
                    path.map(|path| {
                        *tables.id_of.entry(path.clone()).or_insert_with(|| {
                            tables.names.push(path);
                            (tables.names.len() - 1) as u32
                        })
                    })
                })
                .collect()
        };
        let mut starts = Vec::with_capacity(segment.max_doc() as usize + 1);
        let mut ids = Vec::new();
        starts.push(0);
        for doc in 0..segment.max_doc() {
            ids.extend(
                reader
                    .facet_ords(doc)
                    .filter_map(|ord| global.get(ord as usize).copied().flatten()),
            );
            starts.push(ids.len() as u32);
        }
        let id_bound = ids.iter().max().map_or(0, |&m| m as usize + 1);
        let facets = Arc::new(SegmentFacets {
            starts,
            ids,
            id_bound,
        });
        self.lock().by_segment.insert(id, facets.clone());
        Ok(facets)
    }

    /// Forgets the segments that are no longer searched (after a reload).
    /// Value ids stay: a value seen once is likely to be seen again.
    pub fn retain(&self, live: &[SegmentId]) {
        self.lock().by_segment.retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Counts per facet value: facet name -> value -> documents.
#[derive(Debug, Default, Clone)]
pub struct FacetTally(HashMap<String, HashMap<String, u64>>);

impl FacetTally {
    /// The values of `facet` with their counts.
    pub fn values(&self, facet: &str) -> Vec<(String, u64)> {
        self.0
            .get(facet)
            .map(|v| v.iter().map(|(value, n)| (value.clone(), *n)).collect())
            .unwrap_or_default()
    }
}

/// The collector: every matching document's facet values counted.
pub struct FacetCounter<'a> {
    pub tables: &'a FacetTables,
}

pub struct SegmentFacetCounter {
    facets: Arc<SegmentFacets>,
    /// Documents per value id.
    counts: Vec<u32>,
}

impl Collector for FacetCounter<'_> {
    type Fruit = FacetTally;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let facets = self.tables.of(segment)?;
        Ok(SegmentFacetCounter {
            counts: vec![0; facets.id_bound],
            facets,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u32>>) -> tantivy::Result<FacetTally> {
        let mut sum: Vec<u64> = Vec::new();
        for counts in fruits {
            if sum.len() < counts.len() {
                sum.resize(counts.len(), 0);
            }
            for (total, n) in sum.iter_mut().zip(counts) {
                *total += u64::from(n);
            }
        }
        let tables = self.tables.lock();
        let mut tally = FacetTally::default();
        for (id, &n) in sum.iter().enumerate() {
            if let (true, Some((facet, value))) = (n > 0, tables.names.get(id)) {
                tally
                    .0
                    .entry(facet.clone())
                    .or_default()
                    .insert(value.clone(), n);
            }
        }
        Ok(tally)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let f = &*self.facets;
        let (Some(&from), Some(&to)) = (f.starts.get(doc as usize), f.starts.get(doc as usize + 1))
        else {
            return;
        };
        for &id in &f.ids[from as usize..to as usize] {
            self.counts[id as usize] += 1;
        }
    }

    fn harvest(self) -> Vec<u32> {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::{AllQuery, TermQuery};
    use tantivy::schema::{Facet, FacetOptions, IndexRecordOption, Schema, STORED, STRING};
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    /// Counts the slow way: every live document's stored facets, read
    /// through tantivy's own facet reader, for the documents `matches`.
    fn counted_one_by_one(
        index: &Index,
        matches: impl Fn(&TantivyDocument) -> bool,
    ) -> Vec<(String, String, u64)> {
        let searcher = index.reader().unwrap().searcher();
        let field = index.schema().get_field(FACET_FIELD).unwrap();
        let mut out: HashMap<(String, String), u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let alive = segment.alive_bitset();
            let store = segment.get_store_reader(1).unwrap();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let d: TantivyDocument = store.get(doc).unwrap();
                if !matches(&d) {
                    continue;
                }
                for v in d.get_all(field) {
                    // Stored facets are encoded: the path's parts joined by NUL.
                    let encoded = tantivy::schema::Value::as_facet(&v).unwrap();
                    let parts: Vec<&str> = encoded.split('\0').collect();
                    *out.entry((parts[0].to_string(), parts[1].to_string()))
                        .or_default() += 1;
                }
            }
        }
        let mut out: Vec<_> = out.into_iter().map(|((f, v), n)| (f, v, n)).collect();
        out.sort();
        out
    }

    fn tallied(tally: &FacetTally) -> Vec<(String, String, u64)> {
        let mut out: Vec<_> = ["kind", "tags", "region"]
            .iter()
            .flat_map(|f| {
                tally
                    .values(f)
                    .into_iter()
                    .map(|(v, n)| (f.to_string(), v, n))
            })
            .collect();
        out.sort();
        out
    }

    /// (id, kind, tags, region)
    type Page<'a> = (&'a str, &'a str, &'a [&'a str], &'a str);

    #[test]
    fn counts_add_up_across_segments_with_their_own_dictionaries() {
        let mut b = Schema::builder();
        let facets = b.add_facet_field(FACET_FIELD, FacetOptions::default().set_stored());
        let name = b.add_text_field("name", STRING | STORED);
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        // Three commits, three segments; each has values the others lack,
        // so a value's ordinal differs from segment to segment.
        let batches: [&[Page]; 3] = [
            &[
                ("a", "policy", &["党建", "治理"], "东区"),
                ("b", "case", &["治理"], "西区"),
                ("c", "policy", &[], "东区"),
            ],
            &[
                ("d", "training", &["志愿服务", "党建"], "南区"),
                ("e", "policy", &["党建"], "东区"),
            ],
            &[
                ("f", "case", &["阵地建设"], "北区"),
                ("g", "experience", &["党建", "阵地建设", "治理"], "西区"),
            ],
        ];
        for batch in batches {
            for &(id, kind, tags, region) in batch {
                let mut d = TantivyDocument::default();
                d.add_text(name, id);
                d.add_facet(facets, Facet::from_path(["kind", kind]));
                for t in tags {
                    d.add_facet(facets, Facet::from_path(["tags", t]));
                }
                d.add_facet(facets, Facet::from_path(["region", region]));
                writer.add_document(d).unwrap();
            }
            writer.commit().unwrap();
        }
        // A deleted document is not counted.
        writer.delete_term(Term::from_field_text(name, "e"));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);

        let tables = FacetTables::default();
        let all = searcher
            .search(&AllQuery, &FacetCounter { tables: &tables })
            .unwrap();
        let expected = counted_one_by_one(&index, |_| true);
        assert_eq!(tallied(&all), expected);
        assert!(expected.contains(&("tags".into(), "党建".into(), 3)));
        assert!(expected.contains(&("kind".into(), "policy".into(), 2)));

        // Asked again (the tables now cached), and for a subset.
        let policy_or_g = |d: &TantivyDocument| {
            let id = d
                .get_first(name)
                .and_then(|v| tantivy::schema::Value::as_str(&v));
            matches!(id, Some("a" | "g"))
        };
        let query = tantivy::query::BooleanQuery::union(vec![
            Box::new(TermQuery::new(
                Term::from_field_text(name, "a"),
                IndexRecordOption::Basic,
            )),
            Box::new(TermQuery::new(
                Term::from_field_text(name, "g"),
                IndexRecordOption::Basic,
            )),
        ]);
        let some = searcher
            .search(&query, &FacetCounter { tables: &tables })
            .unwrap();
        assert_eq!(tallied(&some), counted_one_by_one(&index, policy_or_g));
        assert_eq!(
            tallied(&all),
            tallied(
                &searcher
                    .search(&AllQuery, &FacetCounter { tables: &tables })
                    .unwrap()
            )
        );
    }
}
