//! Site assembly: URLs, sections, taxonomies, training series, study paths
//! and the links between documents. Pure: takes parsed documents, returns a
//! [`Site`] or the cross-document problems (duplicate URLs, dangling
//! references, clashing lesson order).

pub mod audience;
pub mod lineage;
mod links;
pub mod lint;
mod listing;
mod series;
pub mod study_path;

use std::sync::Arc;

// foldhash rather than SipHash: the live preview re-assembles the whole site
// on every edit, and hashing page keys, titles and URLs was a tenth of it.
use foldhash::{HashMap, HashMapExt};

use crate::config::Config;
use crate::content::model::{Audience, Kind};
use crate::content::parse::{Document, IndexPage, Parsed};
use crate::content::text::slugify;
use crate::error::{Diagnostic, Severity};
use crate::site::study_path::PathSpec;
pub use audience::{Include, Withheld};
use lineage::link_policies;
pub use links::quiz_wiki_target;
use links::{check_quiz_sources, check_references, link_graph};
pub use links::{normalize_key, sentence_around, sentence_with_wiki_labels};
use listing::{build_sections, build_taxonomy};
use series::build_series;
use study_path::resolve_paths;

#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Arc<Document>,
    /// `/policies/xyz/`
    pub url: String,
    /// Its own `audience:`, else its section's, else public.
    pub audience: Audience,
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
    pub path_steps: Vec<(usize, usize)>,
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
    pub study_paths: Vec<StudyPath>,
    /// The editors' hot words (`content/_hotwords.txt`), shown by the search boxes.
    pub hot_words: Vec<String>,
    /// The internal documents a public build left out, known only to turn
    /// links to them into plain text.
    pub withheld: Withheld,
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
    /// The documents' own files under `content/` (output path -> source),
    /// each once however many documents carry it. Files under `static/`
    /// are published with the static folder.
    pub fn attachment_files(&self) -> std::collections::BTreeMap<String, std::path::PathBuf> {
        self.pages
            .iter()
            .flat_map(|p| &p.doc.attachments)
            .filter(|a| !a.in_static)
            .map(|a| (a.url.trim_start_matches('/').to_string(), a.source.clone()))
            .collect()
    }

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
    include: Include,
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
    let audiences = audience::audiences(&docs, &section_pages, &mut diags);
    let mut docs: Vec<(Arc<Document>, Audience)> = docs
        .into_iter()
        .zip(audiences)
        .filter(|(d, _)| include.drafts || !d.front.draft)
        .collect();
    docs.sort_by(|(a, _), (b, _)| {
        b.front
            .date
            .cmp(&a.front.date)
            .then_with(|| a.front.title.cmp(&b.front.title))
            .then_with(|| a.rel_path.cmp(&b.rel_path))
    });

    let mut pages: Vec<Page> = docs
        .into_iter()
        .map(|(doc, audience)| Page {
            url: format!("/{}/{}/", doc.front.kind.section(), doc.slug()),
            doc,
            audience,
            supersedes: Vec::new(),
            superseded_by: Vec::new(),
            series: None,
            links_to: Vec::new(),
            backlinks: Vec::new(),
            path_steps: Vec::new(),
        })
        .collect();

    check_unique_urls(&pages, &mut diags);
    link_policies(&mut pages, &mut diags);
    let (mut pages, withheld) = audience::withhold(pages, include);
    audience::relabel_withheld_links(&mut pages, &withheld);
    audience::public_section_pages(&mut section_pages, include);
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
        withheld,
        hot_words: Vec::new(),
        by_doc_number,
        by_key,
        config,
        home,
        sections,
        pages,
        taxonomies,
        series,
        study_paths: Vec::new(),
    };
    link_graph(&mut site, &mut diags);
    check_quiz_sources(&site, &mut diags);
    resolve_paths(&mut site, paths, &mut diags);
    let failed = diags.iter().any(|d| d.severity == Severity::Error);
    ((!failed).then_some(site), diags)
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
