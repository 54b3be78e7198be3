//! Site assembly: URLs, sections, taxonomies, training series and the links
//! between policies. Pure: takes parsed documents, returns a [`Site`] or the
//! cross-document problems (duplicate URLs, dangling references, clashing
//! lesson order).

pub mod lineage;
pub mod lint;
pub mod study_path;

use std::collections::BTreeMap;
use std::sync::Arc;

// foldhash rather than SipHash: the live preview re-assembles the whole site
// on every edit, and hashing page keys, titles and URLs was a tenth of it.
use foldhash::{HashMap, HashMapExt};

use crate::config::Config;
use crate::content::model::Kind;
use crate::content::parse::{Document, IndexPage, Parsed};
use crate::content::text::slugify;
use crate::error::{Diagnostic, Severity};
use crate::site::study_path::PathSpec;

#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Arc<Document>,
    /// `/policies/xyz/`
    pub url: String,
    /// Indices into `Site::pages` of policies this one replaces / is replaced by,
    /// with the reverse links filled in when only one side declared them.
    pub supersedes: Vec<usize>,
    pub superseded_by: Vec<usize>,
    /// For training lessons in a series: index into `Site::series`.
    pub series: Option<usize>,
    /// Pages this one links to or cites (indices, no repeats).
    pub links_to: Vec<usize>,
    /// Pages that link to or cite this one, with the sentence around it.
    pub backlinks: Vec<Backlink>,
    /// Study paths this page is a step of: (index into `Site::paths`, step index).
    pub paths: Vec<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub struct Backlink {
    /// Index into `Site::pages` of the citing page.
    pub from: usize,
    /// The sentence of the citing page around the link, as plain text.
    pub context: String,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub kind: Kind,
    pub title: String,
    pub description: String,
    pub weight: u32,
    pub index: IndexPage,
    /// Newest first.
    pub pages: Vec<usize>,
}

impl Section {
    pub fn url(&self) -> String {
        format!("/{}/", self.kind.section())
    }
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub url: String,
    /// Newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `tags` or `regions`: also the URL segment.
    pub name: &'static str,
    pub label: &'static str,
    /// By number of pages, then name.
    pub terms: Vec<Term>,
}

impl Taxonomy {
    pub fn url(&self) -> String {
        format!("/{}/", self.name)
    }
}

#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub url: String,
    /// In lesson order.
    pub lessons: Vec<usize>,
}

/// A 学习路径: documents of any kind in the order to study them.
#[derive(Debug, Clone)]
pub struct StudyPath {
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    /// `/paths/<slug>/`
    pub url: String,
    pub steps: Vec<PathStep>,
}

#[derive(Debug, Clone)]
pub struct PathStep {
    /// Index into `Site::pages`.
    pub page: usize,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub home: IndexPage,
    pub sections: Vec<Section>,
    /// Newest first.
    pub pages: Vec<Page>,
    pub taxonomies: Vec<Taxonomy>,
    pub series: Vec<Series>,
    pub paths: Vec<StudyPath>,
    /// `policies/xyz` -> index into `pages`.
    pub by_key: HashMap<String, usize>,
    /// Canonical 文号 -> the policy carrying it.
    pub by_doc_number: HashMap<String, usize>,
    /// Title -> the pages carrying it (wiki links and study paths name pages
    /// by title). Built on first use: most sites name pages by path, and the
    /// live preview assembles the site again on every edit.
    by_title: std::sync::OnceLock<HashMap<String, Vec<usize>>>,
}

/// Page URL -> index into `Site::pages`.
pub type UrlIndex<'a> = HashMap<&'a str, usize>;

impl Site {
    /// Page URL -> index into `pages`.
    pub fn index_by_url(&self) -> UrlIndex<'_> {
        self.pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.as_str(), i))
            .collect()
    }

    pub fn page_by_key(&self, key: &str) -> Option<&Page> {
        self.by_key
            .get(&normalize_key(key))
            .map(|&i| &self.pages[i])
    }

    fn resolve_wiki_links(&self, html: &str, needle: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(i) = rest.find(needle) {
            out.push_str(&rest[..i]);
            out.push_str("href=\"");
            rest = &rest[i + needle.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let target = percent_encoding::percent_decode_str(&rest[..end]).decode_utf8_lossy();
            let target = crate::content::text::unescape_html(&target);
            match self.resolve_wiki(&target) {
                Ok((j, section)) => {
                    let page = &self.pages[j];
                    out.push_str(&page.url);
                    if let Some(s) = &section {
                        out.push('#');
                        out.push_str(&crate::content::text::escape_html(s));
                    }
                    // `[[policies/xyz]]` without its own text reads as the title.
                    let after = &rest[end..];
                    let shown = format!("\">{}</a>", crate::content::text::escape_html(&target));
                    if after.starts_with(&shown) {
                        let label = match target.split_once('#') {
                            Some((_, s)) => format!("{} · {}", page.doc.front.title, s.trim()),
                            None => page.doc.front.title.clone(),
                        };
                        out.push_str(&format!(
                            "\">{}</a>",
                            crate::content::text::escape_html(&label)
                        ));
                        rest = &after[shown.len()..];
                        continue;
                    }
                }
                Err(_) => out.push('#'),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    /// The page a `[[target]]` names: a content path (`policies/xyz`) or a
    /// title (《》 optional), with an optional `#小节`. `Err` lists the
    /// candidates: none, or several with that title.
    pub fn resolve_wiki(&self, target: &str) -> Result<(usize, Option<String>), Vec<usize>> {
        let (name, section) = match target.split_once('#') {
            Some((n, s)) => (n.trim(), Some(crate::content::text::slugify(s))),
            None => (target.trim(), None),
        };
        if let Some(&i) = self.by_key.get(&normalize_key(name)) {
            return Ok((i, section));
        }
        let title = name.trim_start_matches('《').trim_end_matches('》');
        let by_title = self.by_title.get_or_init(|| {
            let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, p) in self.pages.iter().enumerate() {
                by_title
                    .entry(p.doc.front.title.clone())
                    .or_default()
                    .push(i);
            }
            by_title
        });
        match by_title.get(title).map(Vec::as_slice) {
            Some([i]) => Ok((*i, section)),
            Some(several) => Err(several.to_vec()),
            None => Err(Vec::new()),
        }
    }

    /// The policy a 文号 written in text names, and the byte offset where its
    /// agency starts (`依据中组发〔2004〕25号` -> 中组发…, offset of 中).
    pub fn cited_policy(&self, written: &str) -> Option<(usize, &Page)> {
        for (start, _) in written.char_indices() {
            let rest = &written[start..];
            if let Some(&i) =
                crate::content::docnum::canonical(rest).and_then(|c| self.by_doc_number.get(&c))
            {
                return Some((start, &self.pages[i]));
            }
        }
        None
    }

    /// Resolves the citation placeholders of [`crate::content::markdown::CITATION_PREFIX`]:
    /// a link to the cited policy, or plain text when the site has none (or
    /// when a policy cites itself).
    pub fn resolve_citations<'h>(
        &self,
        html: &'h str,
        current_url: &str,
    ) -> std::borrow::Cow<'h, str> {
        const OPEN: &str = "<a class=\"docnum\" href=\"@num/";
        if !html.contains(OPEN) {
            return std::borrow::Cow::Borrowed(html);
        }
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(i) = rest.find(OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + OPEN.len()..];
            let (Some(q), Some(close)) = (after.find("\">"), after.find("</a>")) else {
                out.push_str(&rest[i..]);
                return std::borrow::Cow::Owned(out);
            };
            let text = &after[q + 2..close];
            match self.cited_policy(text) {
                Some((start, page)) if page.url != current_url => {
                    out.push_str(&text[..start]);
                    out.push_str(&format!(
                        "<a class=\"docnum\" href=\"{}\" title=\"{}\">{}</a>",
                        page.url,
                        crate::content::text::escape_html(&page.doc.front.title),
                        &text[start..]
                    ));
                }
                _ => out.push_str(text),
            }
            rest = &after[close + "</a>".len()..];
        }
        out.push_str(rest);
        std::borrow::Cow::Owned(out)
    }

    /// Turns `href="@/cases/x.md#a"` (relative Markdown links, see
    /// [`crate::content::markdown::INTERNAL_LINK_PREFIX`]) into page URLs. A link to a
    /// file that is not a published page becomes `#` (`zhiku check` names it).
    pub fn resolve_internal_links<'h>(&self, html: &'h str) -> std::borrow::Cow<'h, str> {
        const NEEDLE: &str = "href=\"@/";
        const WIKI: &str = "href=\"@wiki/";
        let html: std::borrow::Cow<'h, str> = if html.contains(WIKI) {
            std::borrow::Cow::Owned(self.resolve_wiki_links(html, WIKI))
        } else {
            std::borrow::Cow::Borrowed(html)
        };
        if !html.contains(NEEDLE) {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        let mut rest: &str = &html;
        while let Some(i) = rest.find(NEEDLE) {
            out.push_str(&rest[..i]);
            out.push_str("href=\"");
            rest = &rest[i + NEEDLE.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let target = &rest[..end];
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (target, None),
            };
            let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            match self.page_by_key(&path) {
                Some(page) => {
                    out.push_str(&page.url);
                    if let Some(f) = fragment {
                        out.push('#');
                        out.push_str(f);
                    }
                }
                None => out.push('#'),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        std::borrow::Cow::Owned(out)
    }

    pub fn section(&self, kind: Kind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    pub fn taxonomy(&self, name: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.name == name)
    }

    pub fn term_url(taxonomy: &str, name: &str) -> String {
        format!("/{taxonomy}/{}/", slugify(name))
    }
}

/// Builds the site from parsed files. Returns the site (when there are no
/// errors) and all diagnostics, warnings included.
pub fn assemble(
    config: Config,
    parsed: Vec<Parsed>,
    paths: &[PathSpec],
    include_drafts: bool,
) -> (Option<Site>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut home = IndexPage::default();
    let mut section_pages: HashMap<Kind, IndexPage> = HashMap::new();
    let mut docs = Vec::new();
    for p in parsed {
        match p {
            Parsed::Home(page) => home = page,
            Parsed::Section { section, page } => match Kind::from_section(&section) {
                Some(kind) => {
                    section_pages.insert(kind, page);
                }
                None => diags.push(Diagnostic::error(
                    &page.rel_path,
                    None,
                    format!("unknown section folder '{section}': use policies, experiences, cases or training"),
                )),
            },
            Parsed::Document(d) => docs.push(d),
        }
    }

    check_references(&docs, &mut diags);
    docs.retain(|d| include_drafts || !d.front.draft);
    docs.sort_by(|a, b| {
        b.front
            .date
            .cmp(&a.front.date)
            .then_with(|| a.front.title.cmp(&b.front.title))
            .then_with(|| a.rel_path.cmp(&b.rel_path))
    });

    let mut pages: Vec<Page> = docs
        .into_iter()
        .map(|doc| Page {
            url: format!("/{}/{}/", doc.front.kind.section(), doc.slug()),
            doc,
            supersedes: Vec::new(),
            superseded_by: Vec::new(),
            series: None,
            links_to: Vec::new(),
            backlinks: Vec::new(),
            paths: Vec::new(),
        })
        .collect();

    check_unique_urls(&pages, &mut diags);
    link_policies(&mut pages, &mut diags);
    let series = build_series(&mut pages, &mut diags);

    let sections = build_sections(&pages, section_pages);
    let taxonomies = vec![
        build_taxonomy("tags", "标签", &pages, |p| &p.doc.front.tags),
        build_taxonomy("regions", "地区", &pages, |p| {
            p.doc.front.region.as_slice()
        }),
    ];

    let by_key = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.doc.content_key().to_string(), i))
        .collect();
    let by_doc_number = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let n = p.doc.front.policy.doc_number.as_deref()?;
            Some((crate::content::docnum::canonical(n)?, i))
        })
        .collect();
    let mut site = Site {
        by_title: Default::default(),
        by_doc_number,
        by_key,
        config,
        home,
        sections,
        pages,
        taxonomies,
        series,
        paths: Vec::new(),
    };
    link_graph(&mut site, &mut diags);
    resolve_paths(&mut site, paths, &mut diags);
    let failed = diags.iter().any(|d| d.severity == Severity::Error);
    ((!failed).then_some(site), diags)
}

/// Who links to whom: Markdown links to other documents (by file or URL) and
/// 文号 citations, each with the sentence it stands in.
fn link_graph(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let by_url = site.index_by_url();
    let mut edges: Vec<(usize, usize, String)> = Vec::new();
    let wiki_label = |target: &str| -> Option<String> {
        let (j, _) = site.resolve_wiki(target).ok()?;
        Some(site.pages[j].doc.front.title.clone())
    };
    let sentence_around =
        |body: &str, offset: usize| sentence_with_wiki_labels(body, offset, &wiki_label);
    for (i, page) in site.pages.iter().enumerate() {
        let body = &page.doc.body;
        for link in page.doc.rendered.links.iter().filter(|l| !l.image) {
            if link.wiki {
                match site.resolve_wiki(&link.dest) {
                    Ok((j, Some(section)))
                        if !site.pages[j]
                            .doc
                            .rendered
                            .toc
                            .iter()
                            .any(|t| t.id == section) =>
                    {
                        diags.push(wiki_section_error(site, page, j, &link.dest, link.offset));
                    }
                    Ok((j, _)) if j != i => edges.push((i, j, sentence_around(body, link.offset))),
                    Ok(_) => {}
                    Err(candidates) => {
                        diags.push(wiki_error(site, page, &link.dest, link.offset, &candidates))
                    }
                }
                continue;
            }
            let target = match crate::content::markdown::internal_link(
                page.doc.front.kind.section(),
                &link.dest,
            ) {
                Some(internal) => {
                    let path = internal[crate::content::markdown::INTERNAL_LINK_PREFIX.len()..]
                        .split('#')
                        .next()
                        .unwrap_or("");
                    site.by_key.get(&normalize_key(path)).copied()
                }
                None if link.dest.starts_with('/') => {
                    let path = link.dest.split(['#', '?']).next().unwrap_or("");
                    let path = if path.ends_with('/') {
                        path.to_string()
                    } else {
                        format!("{path}/")
                    };
                    by_url.get(path.as_str()).copied()
                }
                None => None,
            };
            if let Some(j) = target.filter(|&j| j != i) {
                edges.push((i, j, sentence_around(body, link.offset)));
            }
        }
        for cited in &page.doc.rendered.citations {
            if let Some((_, target)) = site.cited_policy(cited) {
                if let Some(&j) = by_url.get(target.url.as_str()).filter(|&&j| j != i) {
                    let offset = page.doc.body.find(cited.as_str()).unwrap_or(0);
                    edges.push((i, j, sentence_around(body, offset)));
                }
            }
        }
    }
    for (from, to, context) in edges {
        if !site.pages[from].links_to.contains(&to) {
            site.pages[from].links_to.push(to);
        }
        if !site.pages[to].backlinks.iter().any(|b| b.from == from) {
            site.pages[to].backlinks.push(Backlink { from, context });
        }
    }
}

/// Turns each path's steps into pages, like wiki links: by path or exact
/// title. A step naming no page, or several, or a page twice, is an error.
fn resolve_paths(site: &mut Site, specs: &[PathSpec], diags: &mut Vec<Diagnostic>) {
    let file = format!(
        "{}/{}",
        crate::content::load::CONTENT_DIR,
        crate::site::study_path::PATHS_FILE
    );
    for spec in specs {
        let mut steps: Vec<PathStep> = Vec::new();
        for (n, step) in spec.steps.iter().enumerate() {
            let field = format!("steps[{}].page", n + 1);
            match site.resolve_wiki(&step.target) {
                Ok((page, _)) if steps.iter().any(|s| s.page == page) => {
                    diags.push(Diagnostic::field_error(
                        &file,
                        Some(step.line),
                        &field,
                        format!(
                            "'{}' is already a step of path '{}'",
                            step.target, spec.slug
                        ),
                    ));
                }
                Ok((page, _)) => steps.push(PathStep {
                    page,
                    note: step.note.clone(),
                }),
                Err(candidates) if candidates.is_empty() => diags.push(
                    Diagnostic::field_error(
                        &file,
                        Some(step.line),
                        &field,
                        format!("'{}': no document has this path or title", step.target),
                    )
                    .with_hint("write section/slug (policies/xyz) or a document's exact title"),
                ),
                Err(candidates) => {
                    let keys: Vec<&str> = candidates
                        .iter()
                        .map(|&j| site.pages[j].doc.content_key())
                        .collect();
                    diags.push(
                        Diagnostic::field_error(
                            &file,
                            Some(step.line),
                            &field,
                            format!(
                                "'{}': {} documents have this title",
                                step.target,
                                candidates.len()
                            ),
                        )
                        .with_hint(format!("name one by its path: {}", keys.join(" or "))),
                    );
                }
            }
        }
        let p = site.paths.len();
        for (n, step) in steps.iter().enumerate() {
            site.pages[step.page].paths.push((p, n));
        }
        site.paths.push(StudyPath {
            slug: spec.slug.clone(),
            title: spec.title.clone(),
            description: spec.description.clone(),
            url: format!("/paths/{}/", spec.slug),
            steps,
        });
    }
}

/// A `[[target#小节]]` whose document has no such heading.
fn wiki_section_error(
    site: &Site,
    page: &Page,
    j: usize,
    target: &str,
    offset: usize,
) -> Diagnostic {
    let line = Some(crate::content::parse::body_line_of(&page.doc, offset));
    let to = &site.pages[j].doc;
    let section = target.split_once('#').map_or("", |(_, s)| s.trim());
    let headings: Vec<&str> = to
        .rendered
        .toc
        .iter()
        .take(8)
        .map(|t| t.title.as_str())
        .collect();
    let d = Diagnostic::error(
        &page.doc.rel_path,
        line,
        format!(
            "wiki link [[{target}]]: {} has no heading '{section}'",
            to.rel_path
        ),
    );
    if headings.is_empty() {
        d.with_hint("that document has no headings: link to the document itself")
    } else {
        d.with_hint(format!("headings there: {}", headings.join(", ")))
    }
}

/// A `[[target]]` that names no document, or several.
fn wiki_error(
    site: &Site,
    page: &Page,
    target: &str,
    offset: usize,
    candidates: &[usize],
) -> Diagnostic {
    let line = Some(crate::content::parse::body_line_of(&page.doc, offset));
    if candidates.is_empty() {
        return Diagnostic::error(
            &page.doc.rel_path,
            line,
            format!("wiki link [[{target}]]: no document has this path or title"),
        )
        .with_hint("write [[section/slug]] or a document's exact title");
    }
    let files: Vec<&str> = candidates
        .iter()
        .map(|&j| site.pages[j].doc.rel_path.as_str())
        .collect();
    let keys: Vec<&str> = candidates
        .iter()
        .map(|&j| site.pages[j].doc.content_key())
        .collect();
    Diagnostic::error(
        &page.doc.rel_path,
        line,
        format!(
            "wiki link [[{target}]]: {} documents have this title: {}",
            candidates.len(),
            files.join(", ")
        ),
    )
    .with_hint(format!(
        "name one by its path: [[{}]]",
        keys.join("]] or [[")
    ))
}

/// The sentence of Markdown `text` around byte `offset`, with link targets
/// and emphasis marks removed: what a reader of the citing page saw.
pub fn sentence_around(text: &str, offset: usize) -> String {
    sentence_with_wiki_labels(text, offset, &|_| None)
}

/// [`sentence_around`], showing a `[[target]]` without text as `label(target)`
/// (the site gives the document's title).
pub fn sentence_with_wiki_labels(
    text: &str,
    offset: usize,
    label: &dyn Fn(&str) -> Option<String>,
) -> String {
    let offset = (0..=offset.min(text.len()))
        .rev()
        .find(|&o| text.is_char_boundary(o))
        .unwrap_or(0);
    let ends = ['。', '！', '？', '\n'];
    let start = text[..offset].rfind(ends).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let end = text[offset..].find(ends).map_or(text.len(), |i| {
        offset + i + text[offset + i..].chars().next().map_or(0, char::len_utf8)
    });
    let raw = &text[start..end];
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `[[target|text]]` reads as its text, `[[target]]` as the target.
            '[' if chars.peek() == Some(&'[') => {
                chars.next();
                let mut inner = String::new();
                while let Some(d) = chars.next() {
                    if d == ']' && chars.peek() == Some(&']') {
                        chars.next();
                        break;
                    }
                    inner.push(d);
                }
                match inner.split_once('|') {
                    Some((_, text)) => out.push_str(text.trim()),
                    None => match label(&inner) {
                        Some(l) => out.push_str(&l),
                        None => out.push_str(inner.trim()),
                    },
                }
            }
            // A footnote mark `[^1]` (or a definition's `[^1]:`) is no text.
            '[' if chars.peek() == Some(&'^') => {
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                }
                if chars.peek() == Some(&':') {
                    chars.next();
                }
            }
            // `](target)` of a link: keep the text, drop the target.
            ']' if chars.peek() == Some(&'(') => {
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                }
            }
            '[' | ']' | '*' | '`' | '#' | '>' => {}
            c => out.push(c),
        }
    }
    let out = out.trim().to_string();
    if out.chars().count() > 120 {
        format!("{}…", out.chars().take(120).collect::<String>())
    } else {
        out
    }
}

/// `supersedes` / `superseded_by` must name existing policies (drafts count:
/// the link is simply not shown while the target is unpublished).
fn check_references(docs: &[Arc<Document>], diags: &mut Vec<Diagnostic>) {
    let keys: HashMap<&str, &Document> =
        docs.iter().map(|d| (d.content_key(), d.as_ref())).collect();
    for d in docs {
        let p = &d.front.policy;
        for (field, targets) in [
            ("supersedes", &p.supersedes),
            ("superseded_by", &p.superseded_by),
        ] {
            for target in targets {
                let key = normalize_key(target);
                let line = d.front.field_lines.get(field).copied();
                match keys.get(key.as_str()) {
                    None => diags.push(
                        Diagnostic::field_error(
                            &d.rel_path,
                            line,
                            field,
                            format!("no document content/{key}.md"),
                        )
                        .with_hint("write the path of another policy, like policies/slug"),
                    ),
                    Some(t) if t.front.kind != Kind::Policy => diags.push(Diagnostic::field_error(
                        &d.rel_path,
                        line,
                        field,
                        format!("content/{key}.md is not a policy"),
                    )),
                    Some(_) if key == d.content_key() => diags.push(Diagnostic::field_error(
                        &d.rel_path,
                        line,
                        field,
                        "a policy cannot refer to itself",
                    )),
                    Some(_) => {}
                }
            }
        }
    }
}

/// Accepts `policies/x`, `/policies/x/`, `policies/x.md` and `content/policies/x.md`.
pub fn normalize_key(target: &str) -> String {
    let t = target.trim().trim_matches('/');
    let t = t.strip_prefix("content/").unwrap_or(t);
    t.strip_suffix(".md").unwrap_or(t).to_string()
}

fn check_unique_urls(pages: &[Page], diags: &mut Vec<Diagnostic>) {
    let mut urls: foldhash::HashSet<&str> = foldhash::HashSet::default();
    if pages.iter().all(|p| urls.insert(&p.url)) {
        return;
    }
    // A clash: go through the files in a fixed order to report it.
    let mut by_path: Vec<&Page> = pages.iter().collect();
    by_path.sort_by(|a, b| a.doc.rel_path.cmp(&b.doc.rel_path));
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    for p in by_path {
        if let Some(first) = seen.insert(&p.url, p) {
            // Blame the file whose `slug:` caused the clash, else the later one.
            let (culprit, other) = if first.doc.front.slug.is_some() && p.doc.front.slug.is_none() {
                (first, p)
            } else {
                (p, first)
            };
            diags.push(Diagnostic::error(
                &culprit.doc.rel_path,
                culprit.doc.front.field_lines.get("slug").copied(),
                format!("URL {} is also used by {}", p.url, other.doc.rel_path),
            ));
        }
    }
}

/// Resolves policy references to page indices and fills in the reverse side,
/// warning where the two documents disagree.
fn link_policies(pages: &mut [Page], diags: &mut Vec<Diagnostic>) {
    let index: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.doc.content_key(), i))
        .collect();
    let mut edges = Vec::new(); // (newer, older)
    for (i, p) in pages.iter().enumerate() {
        for t in &p.doc.front.policy.supersedes {
            if let Some(&j) = index.get(normalize_key(t).as_str()) {
                edges.push((i, j));
            }
        }
        for t in &p.doc.front.policy.superseded_by {
            if let Some(&j) = index.get(normalize_key(t).as_str()) {
                edges.push((j, i));
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    for &(newer, older) in &edges {
        let declared_by_newer = pages[newer]
            .doc
            .front
            .policy
            .supersedes
            .iter()
            .any(|t| normalize_key(t) == pages[older].doc.content_key());
        let declared_by_older = pages[older]
            .doc
            .front
            .policy
            .superseded_by
            .iter()
            .any(|t| normalize_key(t) == pages[newer].doc.content_key());
        if !(declared_by_newer && declared_by_older) {
            let (file, other, field, relation) = if declared_by_newer {
                (
                    &pages[older].doc,
                    &pages[newer].doc,
                    "superseded_by",
                    "supersedes this policy",
                )
            } else {
                (
                    &pages[newer].doc,
                    &pages[older].doc,
                    "supersedes",
                    "names this policy in superseded_by",
                )
            };
            let mut d = Diagnostic::field_error(
                &file.rel_path,
                file.front.field_lines.get(field).copied().or(Some(1)),
                field,
                format!(
                    "{} {relation}, but this file does not say so",
                    other.rel_path
                ),
            )
            .with_hint(format!("add {field}: {}", other.content_key()));
            d.severity = Severity::Warning;
            diags.push(d);
        }
        pages[newer].supersedes.push(older);
        pages[older].superseded_by.push(newer);
    }
}

fn build_series(pages: &mut [Page], diags: &mut Vec<Diagnostic>) -> Vec<Series> {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(name) = &p.doc.front.training.series {
            by_name.entry(name.clone()).or_default().push(i);
        }
    }
    let mut series = Vec::new();
    for (name, mut lessons) in by_name {
        lessons.sort_by_key(|&i| {
            (
                pages[i].doc.front.training.order,
                pages[i].doc.rel_path.clone(),
            )
        });
        for pair in lessons.windows(2) {
            let (a, b) = (&pages[pair[0]].doc, &pages[pair[1]].doc);
            if a.front.training.order == b.front.training.order {
                diags.push(Diagnostic::field_error(
                    &b.rel_path,
                    b.front.field_lines.get("order").copied(),
                    "order",
                    format!(
                        "order {} in series '{name}' is also used by {}",
                        b.front.training.order.unwrap_or(0),
                        a.rel_path
                    ),
                ));
            }
        }
        let idx = series.len();
        for &i in &lessons {
            pages[i].series = Some(idx);
        }
        series.push(Series {
            url: format!("/series/{}/", slugify(&name)),
            name,
            lessons,
        });
    }
    series
}

fn build_sections(pages: &[Page], mut index_pages: HashMap<Kind, IndexPage>) -> Vec<Section> {
    let mut sections: Vec<Section> = Kind::ALL
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let index = index_pages.remove(&kind).unwrap_or_default();
            Section {
                kind,
                title: index
                    .title
                    .clone()
                    .unwrap_or_else(|| kind.label().to_string()),
                description: index.description.clone().unwrap_or_default(),
                weight: index.weight.unwrap_or(i as u32 + 1),
                pages: pages
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.doc.front.kind == kind)
                    .map(|(i, _)| i)
                    .collect(),
                index,
            }
        })
        .collect();
    sections.sort_by_key(|s| (s.weight, s.kind));
    sections
}

fn build_taxonomy<'p>(
    name: &'static str,
    label: &'static str,
    pages: &'p [Page],
    terms_of: impl Fn(&'p Page) -> &'p [String],
) -> Taxonomy {
    // Terms whose URL segment is the same are one term (`Party Building` and
    // `party-building`), named after the first spelling seen.
    let mut slot_of: HashMap<&str, usize> = HashMap::new();
    let mut slots: Vec<Term> = Vec::new();
    let mut slot_by_url: HashMap<String, usize> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        for term in terms_of(p) {
            let slot = match slot_of.get(term.as_str()) {
                Some(&slot) => slot,
                None => {
                    let url = Site::term_url(name, term);
                    let slot = *slot_by_url.entry(url.clone()).or_insert_with(|| {
                        slots.push(Term {
                            name: term.clone(),
                            url,
                            pages: Vec::new(),
                        });
                        slots.len() - 1
                    });
                    slot_of.insert(term, slot);
                    slot
                }
            };
            let entry = &mut slots[slot];
            if entry.pages.last() != Some(&i) {
                entry.pages.push(i);
            }
        }
    }
    let mut terms = slots;
    terms.sort_by(|a, b| {
        b.pages
            .len()
            .cmp(&a.pages.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    Taxonomy { name, label, terms }
}

#[cfg(test)]
mod tests {
    use super::sentence_around;

    #[test]
    fn link_context_reads_as_text() {
        let body = "见[[policies/a|意见]]第三条[^1]。\n[^2]: 依据[文件](../policies/b.md)办理。";
        assert_eq!(sentence_around(body, 5), "见意见第三条。");
        let at = body.find("依据").unwrap();
        assert_eq!(sentence_around(body, at), "依据文件办理。");
    }
}
