//! Renders a [`Site`] with a [`Theme`] into files in memory. Never touches the
//! disk and never calls the search index: the pipeline hands both the same
//! site and writes what they produce.

pub mod feeds;
pub mod relation_map;
pub mod theme;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::Datelike;
use serde::Serialize;
use serde_json::Value;
use tera::{Context, Tera};

use crate::content::markdown::TocEntry;
use crate::content::model::{date_zh, Kind};
use crate::content::text::summarize;
use crate::error::{Error, Result};
use crate::render::theme::Theme;
use crate::site::{Page, Section, Site, Taxonomy, Term};

/// One generated file, path relative to the output root with `/` separators.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub contents: Vec<u8>,
}

/// Options that change rendering without changing the site.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Preview mode: pages load the live-reload script.
    pub live_reload: bool,
    /// Related documents of each page (indices into `Site::pages`), from
    /// the search index; empty when the index is not built.
    pub related: std::sync::Arc<crate::search::index::Related>,
}

/// Templates a theme must have: one per page kind plus the shared pages.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "section.html",
    "policy.html",
    "experience.html",
    "case.html",
    "training.html",
    "series_list.html",
    "series.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "search.html",
    "404.html",
    "path_list.html",
    "path.html",
];

pub fn build_tera(theme: &Theme) -> Result<Tera> {
    for name in REQUIRED_TEMPLATES {
        if !theme.templates.contains_key(*name) {
            return Err(Error::Theme {
                theme: theme.name.clone(),
                message: format!("template {name} is missing"),
            });
        }
    }
    let mut tera = Tera::default();
    // Tera's default escaper also escapes `/`, which makes every URL in the
    // output unreadable (`&#x2F;policies&#x2F;`); these five are what HTML needs.
    tera.set_escape_fn(crate::content::text::escape_html);
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .map_err(|e| Error::Template {
        template: "(loading)".to_string(),
        message: error_chain(&e),
    })?;
    Ok(tera)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[derive(Serialize, Clone)]
struct NameUrl {
    name: String,
    url: String,
}

#[derive(Serialize, Clone)]
struct NavEntry {
    kind: Kind,
    section: &'static str,
    title: String,
    description: String,
    url: String,
    count: usize,
}

#[derive(Serialize, Clone)]
struct Crumb {
    title: String,
    url: String,
}

/// What lists show of a page.
#[derive(Serialize, Clone)]
struct Summary {
    title: String,
    url: String,
    kind: Kind,
    kind_label: &'static str,
    date: String,
    date_zh: String,
    summary: String,
    tags: Vec<NameUrl>,
    region: Option<NameUrl>,
    draft: bool,
    reading_minutes: usize,
    chars: usize,
    doc_number: Option<String>,
    issuers: Vec<String>,
    status: Option<&'static str>,
    status_label: Option<&'static str>,
    organization: Option<String>,
    series: Option<NameUrl>,
    order: Option<u32>,
    /// `zh-Hant` for a document in Traditional characters.
    lang: Option<&'static str>,
}

#[derive(Serialize)]
struct PolicyLink {
    title: String,
    url: String,
    doc_number: Option<String>,
    date_zh: String,
}

#[derive(Serialize)]
struct LineageEntry<'a> {
    title: &'a str,
    url: &'a str,
    doc_number: Option<&'a str>,
    date: String,
    date_zh: String,
    status: Option<&'static str>,
    status_label: Option<&'static str>,
    /// The page being rendered.
    this: bool,
}

#[derive(Serialize)]
struct BacklinkGroup<'a> {
    kind: Kind,
    kind_label: &'static str,
    items: Vec<BacklinkItem<'a>>,
}

#[derive(Serialize)]
struct BacklinkItem<'a> {
    title: &'a str,
    url: &'a str,
    context: &'a str,
}

#[derive(Serialize)]
struct RelatedLink<'a> {
    title: &'a str,
    url: &'a str,
    kind_label: &'static str,
    date_zh: &'a str,
}

#[derive(Serialize)]
struct LessonLink {
    title: String,
    url: String,
    order: Option<u32>,
}

#[derive(Serialize)]
struct FullPage<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    content: &'a str,
    toc: &'a [TocEntry],
    updated: Option<String>,
    updated_zh: Option<String>,
    author: Option<&'a str>,
    source: Option<&'a str>,
    extra: &'a BTreeMap<String, Value>,
    effective: Option<String>,
    effective_zh: Option<String>,
    expires: Option<String>,
    expires_zh: Option<String>,
    supersedes: Vec<PolicyLink>,
    superseded_by: Vec<PolicyLink>,
    duration_minutes: Option<u32>,
    objectives: &'a [String],
    questions: &'a [String],
    prev: Option<LessonLink>,
    next: Option<LessonLink>,
    series_position: Option<usize>,
    series_total: Option<usize>,
    last_modified_zh: Option<String>,
    related: Vec<RelatedLink<'a>>,
    /// 被引用: pages linking to or citing this one, grouped by kind.
    backlinks: Vec<BacklinkGroup<'a>>,
    /// 版本沿革: every version of this policy (through supersedes and
    /// superseded_by, transitively), oldest first; empty for a lone policy.
    lineage: Vec<LineageEntry<'a>>,
    /// The newest version in force, when it is another page.
    current_version: Option<LineageEntry<'a>>,
    /// Where this page stands in each study path that includes it.
    paths: Vec<PathPosition<'a>>,
    /// 关系图: SVG of what cites this page and what it cites.
    neighbourhood: Option<String>,
}

#[derive(Serialize)]
struct PathPosition<'a> {
    slug: &'a str,
    title: &'a str,
    url: &'a str,
    /// 1-based.
    number: usize,
    total: usize,
    note: Option<&'a str>,
    prev: Option<StepLink<'a>>,
    next: Option<StepLink<'a>>,
}

#[derive(Serialize)]
struct StepLink<'a> {
    title: &'a str,
    url: &'a str,
    number: usize,
    kind_label: &'static str,
}

#[derive(Serialize)]
struct PathView<'a> {
    slug: &'a str,
    title: &'a str,
    url: &'a str,
    description: Option<&'a str>,
    total: usize,
    /// Suggested study time: lesson durations, reading time for the rest.
    total_minutes: usize,
    kinds: Vec<&'static str>,
    steps: Vec<PathStepView<'a>>,
}

#[derive(Serialize)]
struct PathStepView<'a> {
    number: usize,
    note: Option<&'a str>,
    page: &'a Summary,
    minutes: usize,
    /// The step's whole text, for printing the path (path page only).
    content: Option<String>,
}

#[derive(Serialize)]
struct Paginator<'a> {
    pages: Vec<&'a Summary>,
    current: usize,
    total_pages: usize,
    total_items: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    page_urls: Vec<PageNumber>,
}

#[derive(Serialize)]
struct PageNumber {
    number: usize,
    url: String,
}

#[derive(Serialize)]
struct SeriesView<'a> {
    name: &'a str,
    url: &'a str,
    lesson_count: usize,
    total_minutes: u32,
    description: String,
    lessons: Vec<&'a Summary>,
    /// Every lesson's objectives, in lesson order, without repeats.
    objectives: Vec<&'a str>,
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    url: &'a str,
    count: usize,
}

struct Renderer<'a> {
    site: &'a Site,
    related: &'a crate::search::index::Related,
    /// Page URL -> index into `Site::pages`.
    by_url: &'a foldhash::HashMap<&'a str, usize>,
    tera: &'a Tera,
    base: Context,
    /// Built on first use (an incremental render touches few pages), shared
    /// by the renderers of all threads.
    summaries: &'a [OnceLock<Summary>],
    out: Vec<OutputFile>,
}

/// One unit of output: what the live preview re-renders when a document
/// changes. A section target covers all its pagination pages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Home,
    Section(Kind),
    /// One pagination page (1-based) of a section.
    SectionPage(Kind, usize),
    /// A document page, by index into `Site::pages`.
    Page(usize),
    SeriesList,
    Series(usize),
    TaxonomyList(&'static str),
    /// A term page: taxonomy name and term URL.
    Term(&'static str, String),
    Search,
    NotFound,
    Feeds,
    Sitemap,
    /// `graph.json`: documents and the links between them.
    Graph,
    /// `/paths/`: every study path (only when the site has some).
    PathList,
    /// One study path, by index into `Site::paths`.
    Path(usize),
}

/// Every target of the site, in a stable order.
pub fn all_targets(site: &Site) -> Vec<Target> {
    let mut t = vec![Target::Home];
    t.extend(site.sections.iter().map(|s| Target::Section(s.kind)));
    t.extend((0..site.pages.len()).map(Target::Page));
    t.push(Target::SeriesList);
    t.extend((0..site.series.len()).map(Target::Series));
    if !site.paths.is_empty() {
        t.push(Target::PathList);
        t.extend((0..site.paths.len()).map(Target::Path));
    }
    for tax in &site.taxonomies {
        t.push(Target::TaxonomyList(tax.name));
        t.extend(
            tax.terms
                .iter()
                .map(|term| Target::Term(tax.name, term.url.clone())),
        );
    }
    t.extend([
        Target::Search,
        Target::NotFound,
        Target::Feeds,
        Target::Sitemap,
        Target::Graph,
    ]);
    t
}

/// Renders every page of the site plus feeds, sitemap and robots.txt.
pub fn render_site(site: &Site, theme: &Theme, options: &RenderOptions) -> Result<Vec<OutputFile>> {
    let tera = build_tera(theme)?;
    render_targets(site, &tera, options, &all_targets(site))
}

/// Renders the given targets only (targets that no longer exist are skipped).
pub fn render_targets(
    site: &Site,
    tera: &Tera,
    options: &RenderOptions,
    targets: &[Target],
) -> Result<Vec<OutputFile>> {
    render_with(site, tera, options, targets, None)
}

/// Where rendered files go as they are made (the build writes them to disk).
pub type Sink<'s> = &'s (dyn Fn(Vec<OutputFile>) -> Result<()> + Sync);

/// Renders `targets`, handing the files of each target to `sink` as soon
/// as they are made, so the whole site never sits in memory.
pub fn render_with_sink(
    site: &Site,
    tera: &Tera,
    options: &RenderOptions,
    targets: &[Target],
    sink: Sink<'_>,
) -> Result<()> {
    render_with(site, tera, options, targets, Some(sink)).map(drop)
}

fn render_with(
    site: &Site,
    tera: &Tera,
    options: &RenderOptions,
    targets: &[Target],
    sink: Option<Sink<'_>>,
) -> Result<Vec<OutputFile>> {
    let mut base = Context::new();
    base.insert("config", &site.config);
    base.insert("nav", &nav(site));
    base.insert("has_paths", &!site.paths.is_empty());
    base.insert("live_reload", &options.live_reload);
    base.insert("build_year", &chrono::Local::now().year());
    let summaries: Vec<OnceLock<Summary>> =
        (0..site.pages.len()).map(|_| OnceLock::new()).collect();
    let by_url = site.index_by_url();
    let renderer = || Renderer {
        site,
        related: &options.related,
        by_url: &by_url,
        tera,
        base: base.clone(),
        summaries: &summaries,
        out: Vec::new(),
    };
    // Targets are independent: split them across the cores, in order, and
    // concatenate, so the output is the same on any machine. With a sink,
    // each target's files go to it as soon as they are rendered, so the
    // whole site never sits in memory.
    let work = |part: &[Target]| -> Result<Vec<OutputFile>> {
        let mut r = renderer();
        for target in part {
            r.render(target)?;
            if let Some(sink) = sink {
                sink(std::mem::take(&mut r.out))?;
            }
        }
        Ok(r.out)
    };
    let parts = crate::parallel::map_chunks(targets, 256, work);
    let mut out = Vec::new();
    for part in parts {
        out.append(&mut part?);
    }
    Ok(out)
}

impl Renderer<'_> {
    fn render(&mut self, target: &Target) -> Result<()> {
        let site = self.site;
        let r = self;
        match target {
            Target::Home => r.home()?,
            Target::Section(kind) => {
                if let Some(s) = site.section(*kind) {
                    r.section(s, None)?;
                }
            }
            Target::SectionPage(kind, n) => {
                if let Some(s) = site.section(*kind) {
                    r.section(s, Some(*n))?;
                }
            }
            Target::Page(i) if *i < site.pages.len() => r.page(*i)?,
            Target::SeriesList => r.series_list()?,
            Target::Series(i) if *i < site.series.len() => r.one_series(*i)?,
            Target::TaxonomyList(name) => {
                if let Some(t) = site.taxonomy(name) {
                    r.taxonomy_list(t)?;
                }
            }
            Target::Term(name, url) => {
                if let Some(t) = site.taxonomy(name) {
                    if let Some(term) = t.terms.iter().find(|term| &term.url == url) {
                        r.term(t, term)?;
                    }
                }
            }
            Target::Search => {
                r.simple("search.html", "/search/", "全文检索", "search/index.html")?
            }
            Target::NotFound => r.simple("404.html", "/404.html", "页面未找到", "404.html")?,
            Target::Feeds => r.out.extend(feeds::feeds(site)),
            Target::Sitemap => {
                r.out.push(feeds::sitemap(site));
                r.out.push(feeds::robots(site));
            }
            Target::Graph => r.out.push(graph(site)),
            Target::PathList if !site.paths.is_empty() => r.path_list()?,
            Target::Path(i) if *i < site.paths.len() => r.one_path(*i)?,
            Target::Page(_) | Target::Series(_) | Target::PathList | Target::Path(_) => {}
        }
        Ok(())
    }
}

/// Every document and the links between them, for other tools: links and
/// 文号 citations written in the text, and the supersedes relation.
fn graph(site: &Site) -> OutputFile {
    let nodes: Vec<Value> = site
        .pages
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.url,
                "title": p.doc.front.title,
                "kind": p.doc.front.kind.name(),
                "date": p.doc.front.date.to_string(),
                "doc_number": p.doc.front.policy.doc_number,
            })
        })
        .collect();
    let mut edges = Vec::new();
    for p in &site.pages {
        for &j in &p.links_to {
            edges.push(serde_json::json!({ "source": p.url, "target": site.pages[j].url, "type": "cites" }));
        }
        for &j in &p.supersedes {
            edges.push(serde_json::json!({ "source": p.url, "target": site.pages[j].url, "type": "supersedes" }));
        }
    }
    OutputFile {
        path: "graph.json".to_string(),
        contents: serde_json::to_vec(&serde_json::json!({ "nodes": nodes, "edges": edges }))
            .unwrap_or_default(),
    }
}

/// Step `n`'s HTML made unique within the path page: every step has its own
/// `一、总体要求` heading, so ids and in-page links get a `s<n>-` prefix (a
/// bare `#`, a neutralised unsafe link, stays as it is).
fn print_ids(html: &str, n: usize) -> String {
    let prefix = format!("s{n}-");
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(i) = rest.find(' ') {
        let (head, tail) = rest.split_at(i + 1);
        out.push_str(head);
        rest = tail;
        for attr in ["id=\"", "href=\"#"] {
            if let Some(value) = rest.strip_prefix(attr) {
                if !value.starts_with('"') {
                    out.push_str(attr);
                    out.push_str(&prefix);
                    rest = value;
                }
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Indices of every version linked to page `i` by supersedes/superseded_by
/// (both ways, transitively), oldest first; empty when there is none.
fn lineage(site: &Site, i: usize) -> Vec<usize> {
    let page = &site.pages[i];
    if page.supersedes.is_empty() && page.superseded_by.is_empty() {
        return Vec::new();
    }
    let mut seen = vec![i];
    let mut queue = vec![i];
    while let Some(j) = queue.pop() {
        let q = &site.pages[j];
        for &k in q.supersedes.iter().chain(&q.superseded_by) {
            if !seen.contains(&k) {
                seen.push(k);
                queue.push(k);
            }
        }
    }
    seen.sort_by_key(|&j| {
        (
            site.pages[j].doc.front.date,
            site.pages[j].doc.front.title.clone(),
        )
    });
    seen
}

fn nav(site: &Site) -> Vec<NavEntry> {
    site.sections
        .iter()
        .map(|s| NavEntry {
            kind: s.kind,
            section: s.kind.section(),
            title: s.title.clone(),
            description: s.description.clone(),
            url: s.url(),
            count: s.pages.len(),
        })
        .collect()
}

fn summary_of(site: &Site, p: &Page) -> Summary {
    let f = &p.doc.front;
    let status = f.policy.status.filter(|_| f.kind == Kind::Policy);
    Summary {
        title: f.title.clone(),
        url: p.url.clone(),
        kind: f.kind,
        kind_label: f.kind.label(),
        date: f.date.to_string(),
        date_zh: date_zh(f.date),
        summary: f.summary.clone().unwrap_or_else(|| {
            p.doc
                .rendered
                .first_paragraph
                .as_deref()
                .map(|t| summarize(t, 120))
                .unwrap_or_default()
        }),
        tags: f
            .tags
            .iter()
            .map(|t| NameUrl {
                name: t.clone(),
                url: Site::term_url("tags", t),
            })
            .collect(),
        region: f.region.as_ref().map(|r| NameUrl {
            name: r.clone(),
            url: Site::term_url("regions", r),
        }),
        draft: f.draft,
        reading_minutes: p.doc.rendered.reading_minutes(),
        chars: p.doc.rendered.chars,
        doc_number: f.policy.doc_number.clone(),
        issuers: f.policy.issuers.clone(),
        status: status.map(|s| s.name()),
        status_label: status.map(|s| s.label()),
        organization: f.organization.clone(),
        series: p.series.map(|i| NameUrl {
            name: site.series[i].name.clone(),
            url: site.series[i].url.clone(),
        }),
        order: f.training.order,
        lang: crate::content::text::traditional_lang(&f.title)
            .or_else(|| crate::content::text::traditional_lang(&p.doc.rendered.text)),
    }
}

impl Renderer<'_> {
    fn summary(&self, i: usize) -> &Summary {
        self.summaries[i].get_or_init(|| summary_of(self.site, &self.site.pages[i]))
    }

    fn context(&self, url: &str, crumbs: Vec<Crumb>) -> Context {
        let mut ctx = self.base.clone();
        ctx.insert("current_url", url);
        ctx.insert("canonical", &feeds::permalink(&self.site.config, url));
        let mut all = vec![Crumb {
            title: "首页".to_string(),
            url: "/".to_string(),
        }];
        all.extend(crumbs);
        ctx.insert("breadcrumbs", &all);
        ctx
    }

    fn emit(&mut self, template: &str, ctx: &Context, path: String) -> Result<()> {
        let html = self
            .tera
            .render(template, ctx)
            .map_err(|e| Error::Template {
                template: template.to_string(),
                message: format!("rendering {path}: {}", error_chain(&e)),
            })?;
        self.out.push(OutputFile {
            path,
            contents: html.into_bytes(),
        });
        Ok(())
    }

    fn home(&mut self) -> Result<()> {
        let site = self.site;
        let mut ctx = self.context("/", Vec::new());
        ctx.insert(
            "home",
            &serde_json::json!({
                "title": site.home.title.clone().unwrap_or_else(|| site.config.title.clone()),
                "content": site.resolve_citations(&site.resolve_internal_links(&site.home.rendered.html), "/"),
                "extra": site.home.extra,
            }),
        );
        let nav = nav(site);
        let latest: Vec<Value> = site
            .sections
            .iter()
            .zip(&nav)
            .map(|(s, entry)| {
                let pages: Vec<&Summary> =
                    s.pages.iter().take(5).map(|&i| self.summary(i)).collect();
                serde_json::json!({ "section": entry, "pages": pages })
            })
            .collect();
        ctx.insert("latest", &latest);
        let featured: Vec<SeriesView> = (0..site.series.len())
            .map(|i| self.series_view(i))
            .collect();
        ctx.insert("featured_series", &featured);
        self.emit("index.html", &ctx, "index.html".to_string())
    }

    /// All pagination pages of a section, or only page `only` (1-based).
    fn section(&mut self, s: &Section, only: Option<usize>) -> Result<()> {
        let site = self.site;
        let per_page = site.config.paginate;
        {
            let url = s.url();
            let total_pages = s.pages.len().div_ceil(per_page).max(1);
            let page_url = |n: usize| {
                if n == 1 {
                    url.clone()
                } else {
                    format!("{url}page/{n}/")
                }
            };
            let section_view = serde_json::json!({
                "kind": s.kind,
                "section": s.kind.section(),
                "title": s.title,
                "description": s.description,
                "content": site.resolve_citations(&site.resolve_internal_links(&s.index.rendered.html), &url),
                "url": url,
                "extra": s.index.extra,
            });
            for n in 1..=total_pages {
                if only.is_some_and(|o| o != n) {
                    continue;
                }
                let chunk = s.pages.iter().skip((n - 1) * per_page).take(per_page);
                let paginator = Paginator {
                    pages: chunk.map(|&i| self.summary(i)).collect(),
                    current: n,
                    total_pages,
                    total_items: s.pages.len(),
                    prev_url: (n > 1).then(|| page_url(n - 1)),
                    next_url: (n < total_pages).then(|| page_url(n + 1)),
                    page_urls: (1..=total_pages)
                        .map(|number| PageNumber {
                            number,
                            url: page_url(number),
                        })
                        .collect(),
                };
                let mut crumbs = vec![Crumb {
                    title: s.title.clone(),
                    url: url.clone(),
                }];
                if n > 1 {
                    crumbs.push(Crumb {
                        title: format!("第 {n} 页"),
                        url: page_url(n),
                    });
                }
                let mut ctx = self.context(&page_url(n), crumbs);
                ctx.insert("section", &section_view);
                ctx.insert("paginator", &paginator);
                let path = format!("{}index.html", page_url(n).trim_start_matches('/'));
                self.emit("section.html", &ctx, path)?;
            }
        }
        Ok(())
    }

    fn page(&mut self, i: usize) -> Result<()> {
        let site = self.site;
        let p = &site.pages[i];
        let f = &p.doc.front;
        let policy_link = |j: &usize| {
            let q = &site.pages[*j];
            PolicyLink {
                title: q.doc.front.title.clone(),
                url: q.url.clone(),
                doc_number: q.doc.front.policy.doc_number.clone(),
                date_zh: date_zh(q.doc.front.date),
            }
        };
        let (prev, next, position, total) = match p.series {
            Some(s) => {
                let lessons = &site.series[s].lessons;
                let pos = lessons.iter().position(|&j| j == i).unwrap_or(0);
                let link = |j: usize| LessonLink {
                    title: site.pages[j].doc.front.title.clone(),
                    url: site.pages[j].url.clone(),
                    order: site.pages[j].doc.front.training.order,
                };
                (
                    pos.checked_sub(1).map(|k| link(lessons[k])),
                    lessons.get(pos + 1).map(|&k| link(k)),
                    Some(pos + 1),
                    Some(lessons.len()),
                )
            }
            None => (None, None, None, None),
        };
        let mut backlinks: Vec<BacklinkGroup> = Vec::new();
        for kind in Kind::ALL {
            let items: Vec<BacklinkItem> = p
                .backlinks
                .iter()
                .filter(|b| site.pages[b.from].doc.front.kind == kind)
                .map(|b| BacklinkItem {
                    title: &site.pages[b.from].doc.front.title,
                    url: &site.pages[b.from].url,
                    context: &b.context,
                })
                .collect();
            if !items.is_empty() {
                backlinks.push(BacklinkGroup {
                    kind,
                    kind_label: kind.label(),
                    items,
                });
            }
        }
        let chain = lineage(site, i);
        let entry = |j: usize| {
            let q = &site.pages[j];
            let status = q.doc.front.policy.status;
            LineageEntry {
                title: &q.doc.front.title,
                url: &q.url,
                doc_number: q.doc.front.policy.doc_number.as_deref(),
                date: q.doc.front.date.to_string(),
                date_zh: date_zh(q.doc.front.date),
                status: status.map(|s| s.name()),
                status_label: status.map(|s| s.label()),
                this: j == i,
            }
        };
        let current_version = chain
            .iter()
            .rev()
            .find(|&&j| {
                site.pages[j].doc.front.policy.status
                    == Some(crate::content::model::Status::Current)
            })
            .filter(|&&j| j != i)
            .map(|&j| entry(j));
        let lineage_entries: Vec<LineageEntry> = chain.iter().map(|&j| entry(j)).collect();
        let content = self.content_of(i);
        let step_link = |path: &crate::site::StudyPath, n: usize| {
            path.steps.get(n).map(|step| {
                let q = &site.pages[step.page];
                StepLink {
                    title: &q.doc.front.title,
                    url: &q.url,
                    number: n + 1,
                    kind_label: q.doc.front.kind.label(),
                }
            })
        };
        let paths = p
            .paths
            .iter()
            .map(|&(k, n)| {
                let path = &site.paths[k];
                PathPosition {
                    slug: &path.slug,
                    title: &path.title,
                    url: &path.url,
                    number: n + 1,
                    total: path.steps.len(),
                    note: path.steps[n].note.as_deref(),
                    prev: n.checked_sub(1).and_then(|m| step_link(path, m)),
                    next: step_link(path, n + 1),
                }
            })
            .collect();
        let full = FullPage {
            paths,
            neighbourhood: crate::render::relation_map::svg(site, i),
            summary: self.summary(i),
            content: &content,
            toc: &p.doc.rendered.toc,
            updated: f.updated.map(|d| d.to_string()),
            updated_zh: f.updated.map(date_zh),
            author: f.author.as_deref(),
            source: f.source.as_deref(),
            extra: &f.extra,
            effective: f.policy.effective.map(|d| d.to_string()),
            effective_zh: f.policy.effective.map(date_zh),
            expires: f.policy.expires.map(|d| d.to_string()),
            expires_zh: f.policy.expires.map(date_zh),
            supersedes: p.supersedes.iter().map(policy_link).collect(),
            superseded_by: p.superseded_by.iter().map(policy_link).collect(),
            duration_minutes: f.training.duration_minutes,
            objectives: &f.training.objectives,
            questions: &f.training.questions,
            prev,
            next,
            series_position: position,
            series_total: total,
            last_modified_zh: p.doc.last_modified().map(date_zh),
            backlinks,
            lineage: lineage_entries,
            current_version,
            related: self
                .related
                .get(&p.url)
                .map(|urls| {
                    urls.iter()
                        .filter_map(|u| self.by_url.get(u.as_str()))
                        .map(|&j| {
                            let s = self.summary(j);
                            RelatedLink {
                                title: &s.title,
                                url: &s.url,
                                kind_label: s.kind_label,
                                date_zh: &s.date_zh,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        let mut crumbs = Vec::new();
        if let Some(s) = site.section(f.kind) {
            crumbs.push(Crumb {
                title: s.title.clone(),
                url: s.url(),
            });
        }
        if let Some(s) = p.series {
            crumbs.push(Crumb {
                title: site.series[s].name.clone(),
                url: site.series[s].url.clone(),
            });
        }
        crumbs.push(Crumb {
            title: f.title.clone(),
            url: p.url.clone(),
        });
        let mut ctx = self.context(&p.url, crumbs);
        ctx.insert("page", &full);
        let template = format!("{}.html", f.kind.name());
        let path = format!("{}index.html", p.url.trim_start_matches('/'));
        self.emit(&template, &ctx, path)
    }

    /// A page's HTML with internal links and 文号 citations resolved.
    fn content_of(&self, i: usize) -> String {
        let p = &self.site.pages[i];
        let content = self.site.resolve_internal_links(&p.doc.rendered.html);
        self.site.resolve_citations(&content, &p.url).into_owned()
    }

    fn path_view(&self, k: usize, with_content: bool) -> PathView<'_> {
        let site = self.site;
        let path = &site.paths[k];
        let mut kinds: Vec<&'static str> = Vec::new();
        let steps: Vec<PathStepView> = path
            .steps
            .iter()
            .enumerate()
            .map(|(n, step)| {
                let q = &site.pages[step.page];
                let label = q.doc.front.kind.label();
                if !kinds.contains(&label) {
                    kinds.push(label);
                }
                PathStepView {
                    number: n + 1,
                    note: step.note.as_deref(),
                    page: self.summary(step.page),
                    minutes: q
                        .doc
                        .front
                        .training
                        .duration_minutes
                        .map_or_else(|| q.doc.rendered.reading_minutes(), |m| m as usize),
                    content: with_content.then(|| print_ids(&self.content_of(step.page), n + 1)),
                }
            })
            .collect();
        PathView {
            slug: &path.slug,
            title: &path.title,
            url: &path.url,
            description: path.description.as_deref(),
            total: steps.len(),
            total_minutes: steps.iter().map(|s| s.minutes).sum(),
            kinds,
            steps,
        }
    }

    fn paths_crumb() -> Crumb {
        Crumb {
            title: "学习路径".to_string(),
            url: "/paths/".to_string(),
        }
    }

    fn path_list(&mut self) -> Result<()> {
        let all: Vec<PathView> = (0..self.site.paths.len())
            .map(|k| self.path_view(k, false))
            .collect();
        let mut ctx = self.context("/paths/", vec![Self::paths_crumb()]);
        ctx.insert("paths", &all);
        drop(all);
        self.emit("path_list.html", &ctx, "paths/index.html".to_string())
    }

    fn one_path(&mut self, k: usize) -> Result<()> {
        let view = self.path_view(k, true);
        let url = view.url.to_string();
        let mut ctx = self.context(
            &url,
            vec![
                Self::paths_crumb(),
                Crumb {
                    title: view.title.to_string(),
                    url: url.clone(),
                },
            ],
        );
        ctx.insert("path", &view);
        drop(view);
        self.emit(
            "path.html",
            &ctx,
            format!("{}index.html", url.trim_start_matches('/')),
        )
    }

    fn series_view(&self, i: usize) -> SeriesView<'_> {
        let s = &self.site.series[i];
        let lessons: Vec<&Summary> = s.lessons.iter().map(|&j| self.summary(j)).collect();
        let total_minutes = s
            .lessons
            .iter()
            .filter_map(|&j| self.site.pages[j].doc.front.training.duration_minutes)
            .sum();
        let description = s
            .lessons
            .first()
            .and_then(|&j| self.site.pages[j].doc.front.extra.get("series_description"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut objectives: Vec<&str> = Vec::new();
        for &j in &s.lessons {
            for o in &self.site.pages[j].doc.front.training.objectives {
                if !objectives.contains(&o.as_str()) {
                    objectives.push(o);
                }
            }
        }
        SeriesView {
            objectives,
            name: &s.name,
            url: &s.url,
            lesson_count: s.lessons.len(),
            total_minutes,
            description,
            lessons,
        }
    }

    fn series_crumb() -> Crumb {
        Crumb {
            title: "专题系列".to_string(),
            url: "/series/".to_string(),
        }
    }

    fn series_list(&mut self) -> Result<()> {
        let all: Vec<SeriesView> = (0..self.site.series.len())
            .map(|i| self.series_view(i))
            .collect();
        let mut ctx = self.context("/series/", vec![Self::series_crumb()]);
        ctx.insert("series_list", &all);
        drop(all);
        self.emit("series_list.html", &ctx, "series/index.html".to_string())
    }

    fn one_series(&mut self, i: usize) -> Result<()> {
        let view = self.series_view(i);
        let url = view.url.to_string();
        let mut ctx = self.context(
            &url,
            vec![
                Self::series_crumb(),
                Crumb {
                    title: view.name.to_string(),
                    url: url.clone(),
                },
            ],
        );
        ctx.insert("series", &view);
        drop(view);
        self.emit(
            "series.html",
            &ctx,
            format!("{}index.html", url.trim_start_matches('/')),
        )
    }

    fn taxonomy_view(t: &Taxonomy) -> (Value, Crumb) {
        (
            serde_json::json!({ "name": t.name, "label": t.label, "url": t.url() }),
            Crumb {
                title: t.label.to_string(),
                url: t.url(),
            },
        )
    }

    fn taxonomy_list(&mut self, t: &Taxonomy) -> Result<()> {
        let (tax_view, crumb) = Self::taxonomy_view(t);
        let terms: Vec<TermView> = t
            .terms
            .iter()
            .map(|term| TermView {
                name: &term.name,
                url: &term.url,
                count: term.pages.len(),
            })
            .collect();
        let mut ctx = self.context(&t.url(), vec![crumb]);
        ctx.insert("taxonomy", &tax_view);
        ctx.insert("terms", &terms);
        self.emit("taxonomy_list.html", &ctx, format!("{}/index.html", t.name))
    }

    fn term(&mut self, t: &Taxonomy, term: &Term) -> Result<()> {
        let (tax_view, crumb) = Self::taxonomy_view(t);
        let mut ctx = self.context(
            &term.url,
            vec![
                crumb,
                Crumb {
                    title: term.name.clone(),
                    url: term.url.clone(),
                },
            ],
        );
        ctx.insert("taxonomy", &tax_view);
        ctx.insert(
            "term",
            &TermView {
                name: &term.name,
                url: &term.url,
                count: term.pages.len(),
            },
        );
        let pages: Vec<&Summary> = term.pages.iter().map(|&i| self.summary(i)).collect();
        ctx.insert("pages", &pages);
        self.emit(
            "taxonomy_term.html",
            &ctx,
            format!("{}index.html", term.url.trim_start_matches('/')),
        )
    }

    fn simple(&mut self, template: &str, url: &str, title: &str, path: &str) -> Result<()> {
        let ctx = self.context(
            url,
            vec![Crumb {
                title: title.to_string(),
                url: url.to_string(),
            }],
        );
        self.emit(template, &ctx, path.to_string())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn print_ids_prefix_ids_and_in_page_links() {
        assert_eq!(
            super::print_ids(
                "<h2 id=\"一\">x</h2><a href=\"#一\">y</a><a href=\"#\">z</a><a href=\"/p/#q\">w</a>",
                2
            ),
            "<h2 id=\"s2-一\">x</h2><a href=\"#s2-一\">y</a><a href=\"#\">z</a><a href=\"/p/#q\">w</a>"
        );
    }
}
