//! The search's filters and facets, one row each: what the server parses,
//! what the bundle's `filters.json` keys are, and what the search page's
//! panel shows (its headings), through the generated client tables.

/// A filter parameter of `/api/search` (and of `zhiku search`).
#[derive(Debug, Clone, Copy)]
pub struct SearchFilter {
    pub param: &'static str,
    /// Its key in the bundle's `filters.json` (or `issuers.json`); none for
    /// the dates, which filter on the documents' dates.
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
}

pub const FACETS: [Facet; 5] = [
    Facet {
        key: "kind",
        param: "kind",
        title: "类别",
    },
    Facet {
        key: "status",
        param: "status",
        title: "效力状态",
    },
    Facet {
        key: "year",
        param: "year",
        title: "发布年份",
    },
    Facet {
        key: "region",
        param: "region",
        title: "地区",
    },
    Facet {
        key: "tags",
        param: "tag",
        title: "标签",
    },
];
