//! Renders a [`Site`] with a [`Theme`] into files in memory. Never touches the
//! disk and never calls the search index: the pipeline hands both the same
//! site and writes what they produce.

mod client_tables;
pub mod feeds;
mod graph;
pub mod handbook;
mod lists;
mod page;
mod quiz;
pub mod relation_map;
mod study;
pub mod templates;
pub mod theme;
mod views;

use std::sync::OnceLock;

use chrono::Datelike;
use tera::{Context, Tera};

use crate::content::model::Kind;
use crate::error::{Error, Result};
use crate::render::theme::Theme;
use crate::site::Site;
pub use client_tables::CLIENT_TABLES_FILE;
pub use lists::pagination_urls;
use templates::error_chain;
pub use templates::{build_tera, SHARED_TEMPLATES};
use views::{nav, Crumb, Summary};

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

/// What a page's buffer starts at: a document page of the default theme is
/// 10-30 KB (median 14.5 KB at 10,000 generated documents).
const RENDER_BUFFER_BYTES: usize = 16 * 1024;

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
    /// `/study/`: the reader's 错题本 and study record, kept in their browser.
    Study,
    NotFound,
    Feeds,
    Sitemap,
    /// `graph.json`: documents and the links between them.
    Graph,
    /// `/paths/`: every study path (only when the site has some).
    PathList,
    /// One study path, by index into `Site::paths`.
    Path(usize),
    /// The tables the browser scripts read (`zhiku-tables.js`).
    ClientTables,
}

/// Every target of the site, in a stable order.
pub fn all_targets(site: &Site) -> Vec<Target> {
    let mut t = vec![Target::Home];
    t.extend(site.sections.iter().map(|s| Target::Section(s.kind)));
    t.extend((0..site.pages.len()).map(Target::Page));
    t.push(Target::SeriesList);
    t.extend((0..site.series.len()).map(Target::Series));
    if !site.study_paths.is_empty() {
        t.push(Target::PathList);
        t.extend((0..site.study_paths.len()).map(Target::Path));
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
        Target::Study,
        Target::NotFound,
        Target::Feeds,
        Target::Sitemap,
        Target::Graph,
        Target::ClientTables,
    ]);
    t
}

/// Renders every page of the site plus feeds, sitemap and robots.txt.
pub fn render_site(site: &Site, theme: &Theme, options: &RenderOptions) -> Result<Vec<OutputFile>> {
    let tera = build_tera(theme, &site.config)?;
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

/// The hot words as links to their search.
fn hot_word_links(site: &Site) -> Vec<serde_json::Value> {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    site.hot_words
        .iter()
        .map(|w| {
            let q = utf8_percent_encode(w, NON_ALPHANUMERIC);
            serde_json::json!({ "text": w, "url": site.config.href(&format!("/search/?q={q}")) })
        })
        .collect()
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
    base.insert("has_paths", &!site.study_paths.is_empty());
    base.insert("live_reload", &options.live_reload);
    base.insert("hot_words", &hot_word_links(site));
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
    let parts = crate::parallel::map_weighted_chunks(targets, |t| t.weight(site), work);
    let mut out = Vec::new();
    for part in parts {
        out.append(&mut part?);
    }
    Ok(out)
}

impl Target {
    /// What rendering the target costs, in quarters of a document page
    /// (measured at 10,000 documents: a document page 0.4 ms, a list 0.1 ms
    /// for each document it shows, the site-wide files 0.4 ms for each 100
    /// documents). Lists are rendered whole, every pagination page, so a
    /// large tag's target costs as much as hundreds of documents' pages:
    /// they are scheduled first, not left to the end.
    fn weight(&self, site: &Site) -> usize {
        const PAGE: usize = 4;
        match self {
            Target::Section(kind) => site.section(*kind).map_or(PAGE, |s| s.pages.len()),
            Target::Term(name, url) => site
                .taxonomy(name)
                .and_then(|t| t.terms.iter().find(|term| &term.url == url))
                .map_or(PAGE, |term| term.pages.len()),
            Target::Feeds | Target::Sitemap | Target::Graph => site.pages.len() / 25,
            _ => PAGE,
        }
    }
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
                r.fixed_page("search.html", "/search/", "全文检索", "search/index.html")?
            }
            Target::Study => {
                r.fixed_page("study.html", "/study/", "我的学习", "study/index.html")?
            }
            Target::NotFound => r.fixed_page("404.html", "/404.html", "页面未找到", "404.html")?,
            Target::Feeds => r.out.extend(feeds::feeds(site)),
            Target::Sitemap => {
                r.out.push(feeds::sitemap(site));
                r.out.push(feeds::robots(site));
            }
            Target::Graph => r.out.push(graph::graph(site)),
            Target::ClientTables => r.out.push(client_tables::client_tables(site)),
            Target::PathList if !site.study_paths.is_empty() => r.path_list()?,
            Target::Path(i) if *i < site.study_paths.len() => r.one_path(*i)?,
            Target::Page(_) | Target::Series(_) | Target::PathList | Target::Path(_) => {}
        }
        Ok(())
    }
}

impl Renderer<'_> {
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
        // Rendered straight into the file's bytes: `Tera::render` would
        // check the whole page again as UTF-8 to return a String (2 % of a
        // build's CPU), and grow its buffer from 2 KB. Tera writes only
        // whole `str`s, so the bytes are UTF-8 all the same.
        let mut html = Vec::with_capacity(RENDER_BUFFER_BYTES);
        self.tera
            .render_to(template, ctx, &mut html)
            .map_err(|e| Error::Template {
                template: template.to_string(),
                message: format!("rendering {path}: {}", error_chain(&e)),
            })?;
        self.out.push(OutputFile {
            path,
            contents: html,
        });
        Ok(())
    }

    fn fixed_page(&mut self, template: &str, url: &str, title: &str, path: &str) -> Result<()> {
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
