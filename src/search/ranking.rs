//! Every weight of the search ranking, in one place. The server's queries
//! (`engine`), the related documents (`index`), the static bundle (`bundle`)
//! and the browser's static search (through the generated client tables)
//! all read these.

/// A field a query term is looked for in, and the weight of a match there.
#[derive(Debug, Clone, Copy)]
pub struct FieldBoost {
    /// The field's name in the tantivy schema.
    pub field: &'static str,
    /// Its key in the static bundle's shards (`t`, `b`, …).
    pub bundle_key: &'static str,
    pub boost: f32,
}

/// Every query term must be found as a substring of one of these (as grams).
pub const GRAM_FIELDS: [FieldBoost; 4] = [
    FieldBoost {
        field: "title_grams",
        bundle_key: "t",
        boost: 4.0,
    },
    FieldBoost {
        field: "body_grams",
        bundle_key: "b",
        boost: 1.0,
    },
    FieldBoost {
        field: "meta_grams",
        bundle_key: "m",
        boost: 1.5,
    },
    // The attachments' titles and text: found, but below the document's own words.
    FieldBoost {
        field: "attachment_grams",
        bundle_key: "a",
        boost: 0.5,
    },
];

/// A term that is also a whole word of the title or a heading scores more.
pub const WORD_FIELDS: [FieldBoost; 2] = [
    FieldBoost {
        field: "title",
        bundle_key: "t",
        boost: 3.0,
    },
    FieldBoost {
        field: "headings",
        bundle_key: "h",
        boost: 2.0,
    },
];

/// A document found through a synonym of a query word (`content/_synonyms.txt`)
/// ranks a little below one with the word itself.
pub const SYNONYM_WEIGHT: f32 = 0.8;

/// A query that is a 文号 finds the policy carrying it first.
pub const DOC_NUMBER_BOOST: f32 = 10.0;

/// Related documents: a word of the title in another title counts twice
/// what it does in the body; a shared tag counts 1.5.
pub const RELATED_TITLE_BOOST: f32 = 2.0;
pub const RELATED_BODY_BOOST: f32 = 1.0;
pub const RELATED_TAG_BOOST: f32 = 1.5;
