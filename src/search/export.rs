//! `zhiku export --format ndjson`: every published document as bulk-API
//! lines for OpenSearch or Elasticsearch, for corpora beyond what one
//! machine's index serves, and the index mapping that goes with them. The
//! fields are one table, [`EXPORT_FIELDS`]: the documents and the mapping
//! are both made from it, so they cannot disagree.

use std::io::Write;

use serde_json::{json, Map, Value};

use crate::content::docnum;
use crate::error::{Error, Result};
use crate::site::{Page, Site};

/// How a field is indexed by the external engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Chinese text: words (smartcn, Traditional folded to Simplified),
    /// with a `.grams` subfield of character bigrams, as our own index has.
    Text,
    /// Exact values for filters and facets.
    Keyword,
    /// `YYYY-MM-DD`.
    Date,
    Integer,
}

/// One exported field: its name, its type, its value for a page.
pub struct ExportField {
    pub name: &'static str,
    pub kind: FieldType,
    value: fn(&Site, &Page) -> Value,
}

fn opt<T: serde::Serialize>(v: Option<T>) -> Value {
    v.map_or(Value::Null, |v| json!(v))
}

/// The exported fields.
pub const EXPORT_FIELDS: &[ExportField] = &[
    ExportField {
        name: "url",
        kind: FieldType::Keyword,
        value: |site, page| json!(site.config.href(&page.url)),
    },
    ExportField {
        name: "permalink",
        kind: FieldType::Keyword,
        value: |site, page| {
            let root = site.config.base_url.trim_end_matches('/');
            let root = root.strip_suffix(site.config.base_path()).unwrap_or(root);
            json!(format!("{root}{}", site.config.href(&page.url)))
        },
    },
    ExportField {
        name: "kind",
        kind: FieldType::Keyword,
        value: |_, page| json!(page.doc.front.kind.name()),
    },
    ExportField {
        name: "kind_label",
        kind: FieldType::Keyword,
        value: |_, page| json!(page.doc.front.kind.label()),
    },
    ExportField {
        name: "title",
        kind: FieldType::Text,
        value: |_, page| json!(page.doc.front.title),
    },
    ExportField {
        name: "summary",
        kind: FieldType::Text,
        value: |_, page| opt(super::index::summary_of(page)),
    },
    ExportField {
        name: "headings",
        kind: FieldType::Text,
        value: |_, page| json!(page.doc.heading_titles()),
    },
    ExportField {
        name: "body",
        kind: FieldType::Text,
        value: |_, page| json!(page.doc.rendered.text),
    },
    ExportField {
        name: "tags",
        kind: FieldType::Keyword,
        value: |_, page| json!(page.doc.front.tags),
    },
    ExportField {
        name: "region",
        kind: FieldType::Keyword,
        value: |_, page| opt(page.doc.front.region.as_ref()),
    },
    ExportField {
        name: "organization",
        kind: FieldType::Keyword,
        value: |_, page| opt(page.doc.front.organization.as_ref()),
    },
    ExportField {
        name: "issuers",
        kind: FieldType::Keyword,
        value: |_, page| json!(page.doc.front.policy.issuers),
    },
    ExportField {
        name: "doc_number",
        kind: FieldType::Keyword,
        value: |_, page| opt(page.doc.front.policy.doc_number.as_ref()),
    },
    ExportField {
        // 〔2024〕 and [2024] and (2024) written alike, as our 文号 search has it.
        name: "doc_number_canonical",
        kind: FieldType::Keyword,
        value: |_, page| {
            opt(page
                .doc
                .front
                .policy
                .doc_number
                .as_deref()
                .map(|n| docnum::canonical(n).unwrap_or_else(|| n.to_string())))
        },
    },
    ExportField {
        name: "status",
        kind: FieldType::Keyword,
        value: |_, page| opt(page.doc.front.policy.status.map(|s| s.name())),
    },
    ExportField {
        name: "series",
        kind: FieldType::Keyword,
        value: |_, page| opt(page.doc.front.training.series.as_ref()),
    },
    ExportField {
        name: "date",
        kind: FieldType::Date,
        value: |_, page| json!(page.doc.front.date.to_string()),
    },
    ExportField {
        name: "updated",
        kind: FieldType::Date,
        value: |_, page| opt(page.doc.front.updated.map(|d| d.to_string())),
    },
    ExportField {
        name: "effective",
        kind: FieldType::Date,
        value: |_, page| opt(page.doc.front.policy.effective.map(|d| d.to_string())),
    },
    ExportField {
        name: "expires",
        kind: FieldType::Date,
        value: |_, page| opt(page.doc.front.policy.expires.map(|d| d.to_string())),
    },
    ExportField {
        name: "year",
        kind: FieldType::Integer,
        value: |_, page| json!(chrono::Datelike::year(&page.doc.front.date)),
    },
];

/// One page as the exported document (empty fields left out).
pub fn document(site: &Site, page: &Page) -> Value {
    let mut doc = Map::new();
    for field in EXPORT_FIELDS {
        let value = (field.value)(site, page);
        let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
        if !empty {
            doc.insert(field.name.to_string(), value);
        }
    }
    Value::Object(doc)
}

/// Writes two lines per published page, the bulk action (`index`, the
/// page's URL as `_id`, so a second load replaces rather than duplicates)
/// and the document. Returns the number of documents.
pub fn write_ndjson(site: &Site, index_name: &str, out: &mut dyn Write) -> Result<usize> {
    let io = |e: std::io::Error| Error::io("(export output)", e);
    for page in &site.pages {
        let action =
            json!({ "index": { "_index": index_name, "_id": site.config.href(&page.url) } });
        serde_json::to_writer(&mut *out, &action).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
        serde_json::to_writer(&mut *out, &document(site, page)).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(site.pages.len())
}

/// The index settings and mapping for the exported documents. Needs the
/// `analysis-smartcn` and `analysis-icu` plugins (both official, for
/// OpenSearch and Elasticsearch alike).
pub fn mapping() -> Value {
    let properties: Map<String, Value> = EXPORT_FIELDS
        .iter()
        .map(|f| {
            let spec = match f.kind {
                FieldType::Text => json!({
                    "type": "text",
                    "analyzer": "zhiku_words",
                    "fields": { "grams": { "type": "text", "analyzer": "zhiku_grams" } }
                }),
                FieldType::Keyword => json!({ "type": "keyword" }),
                FieldType::Date => json!({ "type": "date", "format": "yyyy-MM-dd" }),
                FieldType::Integer => json!({ "type": "integer" }),
            };
            (f.name.to_string(), spec)
        })
        .collect();
    json!({
        "settings": {
            "analysis": {
                "filter": {
                    "zhiku_t2s": { "type": "icu_transform", "id": "Traditional-Simplified" }
                },
                "analyzer": {
                    // Words, as jieba gives ours; Traditional folded after
                    // segmentation (the grams below catch what that misses).
                    "zhiku_words": {
                        "type": "custom",
                        "tokenizer": "smartcn_tokenizer",
                        "filter": ["cjk_width", "lowercase", "zhiku_t2s"]
                    },
                    // Overlapping character pairs, as our `*_grams` fields:
                    // finds any run of two characters or more, whatever the
                    // segmenter did with it.
                    "zhiku_grams": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["cjk_width", "lowercase", "zhiku_t2s", "cjk_bigram"]
                    }
                }
            }
        },
        "mappings": { "dynamic": "strict", "properties": properties }
    })
}
