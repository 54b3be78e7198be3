//! The search's filters and facets, one row each: what the server parses,
//! what the bundle's `filters.json` keys are, and what the search page's
//! panel shows (its headings), through the generated client tables.

/// A filter parameter of `/api/search` (and of `zhiku search`).
#[derive(Debug, Clone, Copy)]
pub struct SearchFilter {
    pub param: &'static str,
    /// Its key in the bundle's `filters.json` (or `issuers.json`, or
    /// `filters/<key>.json` for a deferred facet); none for the dates,
    /// which filter on the documents' dates.
    pub bundle_key: Option<&'static str>,
    /// The value is a name from a table (kinds, statuses), not free text.
    pub choice: bool,
}

pub const FILTERS: [SearchFilter; 7] = [
    SearchFilter {
        param: "kind",
        bundle_key: Some("kind"),
        choice: true,
    },
    SearchFilter {
        param: "tag",
        bundle_key: Some("tags"),
        choice: false,
    },
    SearchFilter {
        param: "region",
        bundle_key: Some("region"),
        choice: false,
    },
    SearchFilter {
        param: "issuer",
        bundle_key: Some("issuer"),
        choice: false,
    },
    SearchFilter {
        param: "status",
        bundle_key: Some("status"),
        choice: true,
    },
    SearchFilter {
        param: "from",
        bundle_key: None,
        choice: false,
    },
    SearchFilter {
        param: "to",
        bundle_key: None,
        choice: false,
    },
];

/// A facet of the response (`facets.<key>`), in the order the search
/// page's panel shows them.
#[derive(Debug, Clone, Copy)]
pub struct Facet {
    pub key: &'static str,
    /// The parameter choosing one of its values (`year` sets `from` and `to`).
    pub param: &'static str,
    pub title: &'static str,
    /// Counted by the static search after the results are shown. Its values
    /// come from the documents (any tag, any region), so its lists grow with
    /// the site: at 100,000 documents the tag and region lists are half of
    /// a first query's download. They are in `filters/<key>.json`, not in
    /// `filters.json`, and are fetched once the results are on screen (or
    /// at once when the query filters by the facet).
    pub deferred: bool,
}

pub const FACETS: [Facet; 5] = [
    Facet {
        key: "kind",
        param: "kind",
        title: "类别",
        deferred: false,
    },
    Facet {
        key: "status",
        param: "status",
        title: "效力状态",
        deferred: false,
    },
    Facet {
        key: "year",
        param: "year",
        title: "发布年份",
        deferred: false,
    },
    Facet {
        key: "region",
        param: "region",
        title: "地区",
        deferred: true,
    },
    Facet {
        key: "tags",
        param: "tag",
        title: "标签",
        deferred: true,
    },
];
