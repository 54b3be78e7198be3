//! Editorial rules `zhiku check` adds to what a build rejects: 文号 form and
//! uniqueness, internal links and anchors, referenced images and attachments,
//! and the optional controlled vocabulary. Pure: works on the assembled site
//! and the files a render produced in memory.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use crate::content::docnum;
use crate::content::markdown::sanitize::safe_url;
use crate::content::markdown::{internal_link, INTERNAL_LINK_PREFIX};
use crate::content::parse::body_line_of;
use crate::error::{Diagnostic, Severity};
use crate::render::OutputFile;
use crate::site::{Page, Site};

pub const VOCABULARY_FILE: &str = "content/_vocabulary.yaml";

/// Allowed values, per field; a missing list means "anything goes".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub tags: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub issuers: Option<Vec<String>>,
}

impl Vocabulary {
    pub fn parse(text: &str) -> Result<Vocabulary, Diagnostic> {
        serde_yaml::from_str(text).map_err(|e| {
            let msg = e.to_string();
            Diagnostic::error(
                VOCABULARY_FILE,
                e.location().map(|l| l.line()),
                format!(
                    "invalid vocabulary: {}",
                    msg.split(" at line ").next().unwrap_or(&msg)
                ),
            )
        })
    }
}

/// What the site will contain: generated files (with their HTML, for anchor
/// checks) and static files.
pub struct Outputs<'a> {
    files: HashMap<&'a str, &'a [u8]>,
    static_files: HashSet<&'a str>,
}

impl<'a> Outputs<'a> {
    pub fn new(
        generated: &'a [OutputFile],
        static_files: impl Iterator<Item = &'a String>,
    ) -> Self {
        Outputs {
            files: generated
                .iter()
                .map(|f| (f.path.as_str(), f.contents.as_slice()))
                .collect(),
            static_files: static_files.map(String::as_str).collect(),
        }
    }

    /// The output file a site path names (`/a/` -> `a/index.html`).
    fn find(&self, path: &str) -> Option<&'a str> {
        let p = path.trim_start_matches('/');
        let candidates = if p.is_empty() || p.ends_with('/') {
            vec![format!("{p}index.html")]
        } else {
            vec![p.to_string(), format!("{p}/index.html")]
        };
        for c in candidates {
            if let Some((k, _)) = self.files.get_key_value(c.as_str()) {
                return Some(k);
            }
            if let Some(k) = self.static_files.get(c.as_str()) {
                return Some(k);
            }
        }
        None
    }

    fn has_anchor(&self, file: &str, id: &str) -> bool {
        self.files.get(file).is_some_and(|html| {
            let needle = format!("id=\"{}\"", crate::content::text::escape_html(id));
            memfind(html, needle.as_bytes())
        })
    }
}

fn memfind(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

pub fn lint(
    site: &Site,
    outputs: &Outputs<'_>,
    vocabulary: Option<&Vocabulary>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    doc_numbers(site, &mut diags);
    for page in &site.pages {
        if page.doc.front.title == crate::content::archetype::TITLE_PLACEHOLDER {
            let mut w = Diagnostic::field_error(
                &page.doc.rel_path,
                field_line(page, "title"),
                "title",
                "still the placeholder written by `zhiku new`",
            );
            w.severity = Severity::Warning;
            diags.push(w);
        }
        links(site, page, outputs, &mut diags);
        if let Some(v) = vocabulary {
            controlled(page, v, &mut diags);
        }
    }
    diags
}

fn field_line(page: &Page, field: &str) -> Option<usize> {
    page.doc.front.field_lines.get(field).copied()
}

fn doc_numbers(site: &Site, diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, &Page> = BTreeMap::new();
    let mut by_path: Vec<&Page> = site.pages.iter().collect();
    by_path.sort_by(|a, b| a.doc.rel_path.cmp(&b.doc.rel_path));
    for page in by_path {
        let Some(written) = &page.doc.front.policy.doc_number else {
            continue;
        };
        let line = field_line(page, "doc_number");
        let key = match docnum::parse(written) {
            Some(d) => {
                let canonical = d.canonical();
                if canonical != written.trim() {
                    let mut w = Diagnostic::field_error(
                        &page.doc.rel_path,
                        line,
                        "doc_number",
                        format!("\"{written}\" is not in GB/T 9704 form"),
                    )
                    .with_hint(format!("write {canonical}"));
                    w.severity = Severity::Warning;
                    diags.push(w);
                }
                canonical
            }
            None => {
                let mut w = Diagnostic::field_error(
                    &page.doc.rel_path,
                    line,
                    "doc_number",
                    format!("\"{written}\" is not a 文号 (机关代字〔年份〕序号号)"),
                )
                .with_hint("for example 江组发〔2024〕12号");
                w.severity = Severity::Warning;
                diags.push(w);
                written.trim().to_string()
            }
        };
        if let Some(first) = seen.get(&key) {
            diags.push(Diagnostic::field_error(
                &page.doc.rel_path,
                line,
                "doc_number",
                format!("{key} is also the 文号 of {}", first.doc.rel_path),
            ));
        } else {
            seen.insert(key, page);
        }
    }
}

/// Resolves `dest` as written in `page` to a site path and fragment.
enum Resolved {
    External,
    /// Site path (may be empty for "this page") and fragment.
    Site(String, Option<String>),
    /// A relative Markdown link to a file that is not a published document.
    NoDocument(String),
    /// An internal document a public build left out: plain text on the
    /// page, warned about when the site is assembled.
    Withheld,
}

fn resolve(site: &Site, page: &Page, dest: &str) -> Resolved {
    let folder = page.doc.front.kind.section();
    // A document's own files are found (or reported) with its attachments.
    if crate::content::markdown::attachment_link(folder, dest).is_some() {
        return Resolved::External;
    }
    if let Some(internal) = internal_link(folder, dest) {
        let target = &internal[INTERNAL_LINK_PREFIX.len()..];
        let (path, fragment) = split_fragment(target);
        return match site.page_by_key(path) {
            Some(p) => Resolved::Site(p.url.clone(), fragment),
            None if site.withheld.has_key(path) => Resolved::Withheld,
            None => Resolved::NoDocument(format!("content/{path}")),
        };
    }
    let lower = dest.to_ascii_lowercase();
    if lower.starts_with("//")
        || (lower.contains(':') && !lower.starts_with('/') && !lower.starts_with('#'))
        || !safe_url(dest)
    {
        return Resolved::External;
    }
    let (path, fragment) = split_fragment(dest);
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() {
        return Resolved::Site(page.url.clone(), fragment);
    }
    if path.starts_with('/') {
        return Resolved::Site(path.to_string(), fragment);
    }
    // Relative to the page's own URL, as a browser would resolve it.
    let mut parts: Vec<&str> = page.url.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut abs = format!("/{}", parts.join("/"));
    if path.ends_with('/') {
        abs.push('/');
    }
    Resolved::Site(abs, fragment)
}

fn split_fragment(s: &str) -> (&str, Option<String>) {
    match s.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (s, None),
    }
}

fn links(site: &Site, page: &Page, outputs: &Outputs<'_>, diags: &mut Vec<Diagnostic>) {
    // Wiki links are resolved, and reported, when the site is assembled.
    for link in page.doc.rendered.links.iter().filter(|l| !l.wiki) {
        let line = Some(body_line_of(&page.doc, link.offset));
        let what = if link.image {
            "missing image"
        } else {
            "broken link"
        };
        let dest = &link.dest;
        match resolve(site, page, dest) {
            Resolved::External | Resolved::Withheld => {}
            Resolved::Site(path, _) if site.withheld.has_url(&path, "") => {}
            Resolved::NoDocument(path) => diags.push(
                Diagnostic::error(
                    &page.doc.rel_path,
                    line,
                    format!("{what} '{dest}': no published document {path}"),
                )
                .with_hint("link to another document by its file, e.g. ../cases/slug.md, or its URL /cases/slug/"),
            ),
            Resolved::Site(path, fragment) => {
                let decoded = percent_encoding::percent_decode_str(&path).decode_utf8_lossy().to_string();
                let Some(file) = outputs.find(&decoded) else {
                    let hint = if link.image || decoded.rsplit('/').next().is_some_and(|f| f.contains('.')) {
                        format!("put the file at static{decoded}")
                    } else {
                        "check the URL: documents live at /<section>/<slug>/".to_string()
                    };
                    diags.push(
                        Diagnostic::error(&page.doc.rel_path, line, format!("{what} '{dest}': nothing at {decoded}"))
                            .with_hint(hint),
                    );
                    continue;
                };
                if let Some(id) = fragment {
                    let id = percent_encoding::percent_decode_str(&id).decode_utf8_lossy().to_string();
                    if !outputs.has_anchor(file, &id) {
                        let mut d = Diagnostic::error(
                            &page.doc.rel_path,
                            line,
                            format!("broken link '{dest}': {decoded} has no anchor #{id}"),
                        );
                        if let Some(target) = site.pages.iter().find(|p| p.url == decoded) {
                            let ids: Vec<&str> = target.doc.rendered.toc.iter().take(6).map(|t| t.id.as_str()).collect();
                            if !ids.is_empty() {
                                d = d.with_hint(format!("anchors there: {}", ids.join(", ")));
                            }
                        }
                        diags.push(d);
                    }
                }
            }
        }
    }
}

/// A front matter field, its allowed values and the page's values.
type VocabularyCheck<'a> = (&'a str, Option<&'a Vec<String>>, Vec<&'a String>);

fn controlled(page: &Page, v: &Vocabulary, diags: &mut Vec<Diagnostic>) {
    let f = &page.doc.front;
    let checks: [VocabularyCheck; 3] = [
        ("tags", v.tags.as_ref(), f.tags.iter().collect()),
        ("region", v.regions.as_ref(), f.region.iter().collect()),
        (
            "issuer",
            v.issuers.as_ref(),
            f.policy.issuers.iter().collect(),
        ),
    ];
    for (field, allowed, values) in checks {
        let Some(allowed) = allowed else { continue };
        for value in values {
            if allowed.contains(value) {
                continue;
            }
            let mut d = Diagnostic::field_error(
                &page.doc.rel_path,
                field_line(page, field),
                field,
                format!("'{value}' is not in the controlled vocabulary ({VOCABULARY_FILE})"),
            );
            if let Some(best) = closest(value, allowed) {
                d = d.with_hint(format!("did you mean '{best}'?"));
            }
            diags.push(d);
        }
    }
}

/// The allowed value nearest to `value` by edit distance over characters.
fn closest<'a>(value: &str, allowed: &'a [String]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::normalized_levenshtein(value, a), a))
        .filter(|(score, _)| *score > 0.45)
        .max_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, a)| a.as_str())
}

/// 文号 cited in running text that no policy of the site carries: the
/// policies editors may want to add (`zhiku check --citations`).
pub fn unresolved_citations(site: &Site) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    for page in &site.pages {
        for cited in &page.doc.rendered.citations {
            if site.cited_policy(cited).is_some() || site.withheld.doc_number_in(cited).is_some() {
                continue;
            }
            // The agency code may be preceded by ordinary words (依据, 和…): drop them.
            let mut number = cited.as_str();
            while let Some(rest) = [
                "依据", "根据", "按照", "参照", "贯彻", "落实", "和", "及", "与", "或",
            ]
            .iter()
            .find_map(|w| number.strip_prefix(w))
            {
                number = rest;
            }
            let line = page
                .doc
                .body
                .find(cited.as_str())
                .map(|o| body_line_of(&page.doc, o));
            let mut d = Diagnostic::error(
                &page.doc.rel_path,
                line,
                format!("文号 {number} is cited, but no policy in the site has it"),
            )
            .with_hint("add the policy under content/policies/ and the citation becomes a link");
            d.severity = Severity::Note;
            notes.push(d);
        }
    }
    notes
}
