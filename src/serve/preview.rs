//! The live preview behind `zhiku serve`: keeps the built site, its templates
//! and an open index writer in memory, and after a change re-renders only the
//! pages that show the changed document (its page, the lists and term pages
//! it appears on, its series, the policies and pages that link to it, the
//! feeds and the sitemap) and updates its entry in the search index.
//! Theme, template, static and config changes rebuild everything.
//!
//! On any error nothing is written: the last good site keeps being served.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use serde::Serialize;
use tantivy::IndexWriter;
use tera::Tera;

use crate::content::load;
use crate::content::model::Kind;
use crate::content::parse;
use crate::error::{sort_diagnostics, Error, Result, Severity};
use crate::pipeline::{self, BuildOptions, BuildReport, Loaded, RELATED_LIMIT};
use crate::render::{self, OutputFile, RenderOptions, Target};
use crate::search::engine::SearchEngine;
use crate::search::index::{Related, SearchIndex};
use crate::site::{self, Page, Site};

/// The search engine the server answers from; replaced after a full rebuild.
pub type SharedEngine = Arc<RwLock<Option<Arc<SearchEngine>>>>;

/// What one rebuild did, for the terminal, the browser and the tests.
#[derive(Debug, Clone, Serialize)]
pub struct Update {
    /// True when everything was rebuilt.
    pub full: bool,
    /// Output files written (relative paths).
    pub rendered: Vec<String>,
    /// Output files removed (a document deleted or moved).
    pub removed: Vec<String>,
    pub took_ms: f64,
    pub warnings: Vec<String>,
    /// Milliseconds per stage of an incremental update.
    pub stages: Vec<(&'static str, f64)>,
}

struct IndexState {
    index: SearchIndex,
    writer: IndexWriter,
}

pub struct Session {
    opts: BuildOptions,
    loaded: Loaded,
    tera: Tera,
    related: Arc<Related>,
    out_dir: PathBuf,
    index: Option<IndexState>,
    engine: SharedEngine,
}

impl Session {
    /// Builds the site (as `zhiku build` does) and keeps it for updates.
    pub fn start(mut opts: BuildOptions) -> Result<(Session, BuildReport)> {
        // Watch events carry absolute paths; name files relative to an
        // absolute root (not canonicalized: symlinks inside the site stay).
        opts.root = std::path::absolute(&opts.root).map_err(|e| Error::io(&opts.root, e))?;
        let (report, built) = pipeline::build_keeping(&opts)?;
        let tera = render::build_tera(&built.loaded.theme)?;
        let mut session = Session {
            out_dir: report.out_dir.clone(),
            opts,
            loaded: built.loaded,
            tera,
            related: built.related,
            index: None,
            engine: Arc::new(RwLock::new(None)),
        };
        session.open_index(report.index_dir.as_deref())?;
        Ok((session, report))
    }

    pub fn engine(&self) -> SharedEngine {
        self.engine.clone()
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    pub fn site(&self) -> &Site {
        &self.loaded.site
    }

    fn open_index(&mut self, dir: Option<&Path>) -> Result<()> {
        // Release the old writer's lock before anything else touches the folder.
        self.index = None;
        let Some(dir) = dir else {
            *self.engine.write().unwrap_or_else(|e| e.into_inner()) = None;
            return Ok(());
        };
        let index = SearchIndex::open(dir)?;
        let writer = index.writer()?;
        let engine = SearchEngine::new(index.clone())?;
        *self.engine.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(engine));
        self.index = Some(IndexState { index, writer });
        Ok(())
    }

    /// Rebuilds everything (theme, templates, static files or config changed).
    pub fn rebuild(&mut self) -> Result<Update> {
        let started = Instant::now();
        self.index = None;
        let result = pipeline::build_keeping(&self.opts);
        let (report, built) = match result {
            Ok(ok) => ok,
            Err(e) => {
                // The old index is still in place: reopen it and keep serving.
                let dir = pipeline::index_dir(&self.opts, &self.loaded.site.config);
                let dir = (!self.opts.no_index).then_some(dir);
                self.open_index(dir.as_deref())?;
                return Err(e);
            }
        };
        self.tera = render::build_tera(&built.loaded.theme)?;
        self.loaded = built.loaded;
        self.related = built.related;
        self.out_dir = report.out_dir.clone();
        self.open_index(report.index_dir.as_deref())?;
        Ok(Update {
            full: true,
            rendered: Vec::new(),
            removed: Vec::new(),
            took_ms: ms(started),
            warnings: report.warnings.iter().map(|d| d.to_string()).collect(),
            stages: Vec::new(),
        })
    }

    /// Re-renders what the changed content files affect. `changed` are paths
    /// under `content/` (existing, new or deleted).
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let started = Instant::now();
        let mut stages = Vec::new();
        let mut lap = Instant::now();
        let mut stage = |name: &'static str| {
            stages.push((name, ms(lap)));
            lap = Instant::now();
        };
        let root = self.opts.root.clone();
        let today = self
            .opts
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        // Changes go into the kept map directly; `undo` restores it on failure.
        let mut undo: Vec<(String, Option<parse::Parsed>)> = Vec::new();
        let mut diags = Vec::new();
        let mut changed_paths = BTreeSet::new();
        for path in changed {
            let rel = load::relative_display(&root, path);
            if !changed_paths.insert(rel.clone()) {
                continue;
            }
            let replacement = if !path.is_file() {
                None
            } else {
                match load::read_source(&root, path, None)? {
                    Err(d) => {
                        diags.push(d);
                        None
                    }
                    Ok(mut src) => {
                        // An edited file is newer than its last commit.
                        src.committed = None;
                        parse::parse_file(&src, today, &mut diags)
                    }
                }
            };
            let previous = match replacement {
                Some(p) => self.loaded.parsed.insert(rel.clone(), p),
                None => self.loaded.parsed.remove(&rel),
            };
            undo.push((rel, previous));
        }
        let (new_site, site_diags) = site::assemble(
            self.loaded.site.config.clone(),
            self.loaded.parsed.values().cloned().collect(),
            &self.loaded.paths,
            self.opts.drafts,
        );
        diags.extend(site_diags);
        sort_diagnostics(&mut diags);
        let new_site = match new_site {
            Some(s) if !diags.iter().any(|d| d.severity == Severity::Error) => s,
            _ => {
                for (rel, previous) in undo.into_iter().rev() {
                    match previous {
                        Some(p) => self.loaded.parsed.insert(rel, p),
                        None => self.loaded.parsed.remove(&rel),
                    };
                }
                return Err(Error::Content(diags));
            }
        };
        stage("parse + assemble");

        let old_site = &self.loaded.site;
        let index_pages: bool = changed_paths.iter().any(|p| p.ends_with("_index.md"));
        let plan = plan_targets(old_site, &new_site, &changed_paths, index_pages);
        stage("plan");

        // Search index first: related documents of the changed pages come from it.
        let related = Arc::make_mut(&mut self.related);
        if let Some(state) = &mut self.index {
            for url in &plan.removed_urls {
                state.writer.delete_term(state.index.url_term(url));
                related.remove(url);
            }
            for &i in &plan.changed_pages {
                let page = &new_site.pages[i];
                state.writer.delete_term(state.index.url_term(&page.url));
                state
                    .writer
                    .add_document(state.index.document(page, i))
                    .map_err(crate::search::index::index_err)?;
            }
            state
                .writer
                .commit()
                .map_err(crate::search::index::index_err)?;
            let engine = self
                .engine
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            if let Some(engine) = engine {
                engine.reload()?;
                let searcher = engine.searcher();
                for &i in &plan.changed_pages {
                    let page = &new_site.pages[i];
                    related.insert(
                        page.url.clone(),
                        state.index.related_to(&searcher, page, RELATED_LIMIT)?,
                    );
                }
            }
        }
        stage("index");

        let files = render::render_targets(
            &new_site,
            &self.tera,
            &RenderOptions {
                live_reload: self.opts.live_reload,
                related: self.related.clone(),
            },
            &plan.targets,
        )?;
        stage("render");
        write_files(&self.out_dir, &files)?;
        let mut removed = Vec::new();
        for rel in &plan.removed_files {
            let path = self.out_dir.join(rel);
            if path.is_file() && std::fs::remove_file(&path).is_ok() {
                removed.push(rel.clone());
                if let Some(dir) = path.parent() {
                    let _ = std::fs::remove_dir(dir);
                }
            }
        }

        let old_site = std::mem::replace(&mut self.loaded.site, new_site);
        // Freeing ten thousand pages takes milliseconds the reload need not wait for.
        std::thread::spawn(move || drop(old_site));
        self.loaded.warnings = diags.clone();
        stage("write");
        Ok(Update {
            full: false,
            rendered: files.into_iter().map(|f| f.path).collect(),
            removed,
            took_ms: ms(started),
            warnings: diags.iter().map(|d| d.to_string()).collect(),
            stages,
        })
    }
}

fn ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

fn write_files(out: &Path, files: &[OutputFile]) -> Result<()> {
    for f in files {
        let path = out.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        // Skip identical files so browsers and file watchers see no change.
        if std::fs::read(&path).is_ok_and(|old| old == f.contents) {
            continue;
        }
        std::fs::write(&path, &f.contents).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// What an incremental update must redo.
#[derive(Debug, Default)]
pub struct Plan {
    pub targets: Vec<Target>,
    /// Indices into the new site's pages whose document changed.
    pub changed_pages: Vec<usize>,
    /// URLs no longer published (deleted, drafted, or moved by `slug`).
    pub removed_urls: Vec<String>,
    pub removed_files: Vec<String>,
}

/// Decides which outputs depend on the changed files. Pure.
pub fn plan_targets(old: &Site, new: &Site, changed: &BTreeSet<String>, index_pages: bool) -> Plan {
    let mut targets: BTreeSet<Target> = BTreeSet::new();
    let mut plan = Plan::default();
    let new_by_url = new.index_by_url();
    let page_target = |url: &str, targets: &mut BTreeSet<Target>| {
        if let Some(&i) = new_by_url.get(url) {
            targets.insert(Target::Page(i));
        }
    };
    targets.insert(Target::Home);
    if index_pages {
        for s in &new.sections {
            targets.insert(Target::Section(s.kind));
        }
    }

    let versions = |site: &Site| -> Vec<usize> {
        site.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| changed.contains(&p.doc.rel_path))
            .map(|(i, _)| i)
            .collect()
    };
    let old_versions = versions(old);
    let new_versions = versions(new);
    plan.changed_pages = new_versions.clone();

    // Feeds list the newest documents of the site and of each section; the
    // sitemap lists every URL with its date.
    let limit = new.config.feed_limit;
    let in_feed = |site: &Site, i: usize| {
        i < limit
            || site
                .section(site.pages[i].doc.front.kind)
                .is_some_and(|s| s.pages.iter().take(limit).any(|&j| j == i))
    };
    if old_versions.iter().any(|&i| in_feed(old, i))
        || new_versions.iter().any(|&i| in_feed(new, i))
    {
        targets.insert(Target::Feeds);
    }
    let stamp = |site: &Site, v: &[usize]| -> Vec<(String, chrono::NaiveDate)> {
        v.iter()
            .map(|&i| {
                let p = &site.pages[i];
                (
                    p.url.clone(),
                    p.doc.front.updated.unwrap_or(p.doc.front.date),
                )
            })
            .collect()
    };
    if stamp(old, &old_versions) != stamp(new, &new_versions) || index_pages {
        targets.insert(Target::Sitemap);
    }
    let edges = |site: &Site, v: &[usize]| -> Vec<(String, Vec<String>, String)> {
        v.iter()
            .map(|&i| {
                let p = &site.pages[i];
                let to = p
                    .links_to
                    .iter()
                    .chain(&p.supersedes)
                    .map(|&j| site.pages[j].url.clone())
                    .collect();
                (p.url.clone(), to, p.doc.front.title.clone())
            })
            .collect()
    };
    if edges(old, &old_versions) != edges(new, &new_versions) {
        targets.insert(Target::Graph);
    }

    let mut urls: HashSet<String> = HashSet::new();
    let mut affected_terms: BTreeSet<(&'static str, String)> = BTreeSet::new();
    for (site, indices) in [(old, &old_versions), (new, &new_versions)] {
        for &i in indices {
            let p = &site.pages[i];
            urls.insert(p.url.clone());
            page_target(&p.url, &mut targets);
            section_targets(old, new, p.doc.front.kind, &p.url, &mut targets);
            for tag in &p.doc.front.tags {
                affected_terms.insert(("tags", Site::term_url("tags", tag)));
            }
            if let Some(r) = &p.doc.front.region {
                affected_terms.insert(("regions", Site::term_url("regions", r)));
            }
            // Policies it replaces, and pages it links to (their 被引用 lists it).
            for &j in p
                .supersedes
                .iter()
                .chain(&p.superseded_by)
                .chain(&p.links_to)
            {
                page_target(&site.pages[j].url, &mut targets);
            }
            // Study paths show each step's title and text; neighbours link to it.
            for &(k, n) in &p.paths {
                let path = &site.paths[k];
                targets.insert(Target::PathList);
                if let Some(nk) = new.paths.iter().position(|x| x.url == path.url) {
                    targets.insert(Target::Path(nk));
                }
                for m in [n.checked_sub(1), Some(n + 1)].into_iter().flatten() {
                    if let Some(step) = path.steps.get(m) {
                        page_target(&site.pages[step.page].url, &mut targets);
                    }
                }
            }
            if let Some(s) = p.series {
                let series = &site.series[s];
                targets.insert(Target::SeriesList);
                if let Some(ns) = new.series.iter().position(|x| x.url == series.url) {
                    targets.insert(Target::Series(ns));
                }
                if let Some(pos) = series.lessons.iter().position(|&j| j == i) {
                    for k in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
                        if let Some(&j) = series.lessons.get(k) {
                            page_target(&site.pages[j].url, &mut targets);
                        }
                    }
                }
            }
        }
    }
    for (tax, url) in affected_terms {
        targets.insert(Target::TaxonomyList(tax));
        if new
            .taxonomy(tax)
            .is_some_and(|t| t.terms.iter().any(|term| term.url == url))
        {
            targets.insert(Target::Term(tax, url));
        } else {
            plan.removed_files
                .push(format!("{}index.html", url.trim_start_matches('/')));
        }
    }
    // Pages whose Markdown links to a changed document.
    let needles: Vec<String> = old_versions
        .iter()
        .map(|&i| &old.pages[i])
        .chain(new_versions.iter().map(|&i| &new.pages[i]))
        .flat_map(|p: &Page| [p.url.clone(), format!("{}.md", p.doc.stem)])
        .collect();
    for (i, p) in new.pages.iter().enumerate() {
        if p.doc.rendered.links.iter().any(|l| {
            needles
                .iter()
                .any(|n| l.dest.contains(n.trim_end_matches('/')))
        }) {
            targets.insert(Target::Page(i));
        }
    }
    for url in urls {
        if !new_by_url.contains_key(url.as_str()) {
            plan.removed_files
                .push(format!("{}index.html", url.trim_start_matches('/')));
            plan.removed_urls.push(url);
        }
    }
    plan.targets = targets.into_iter().collect();
    plan
}

/// The pagination pages of a section that show `url`, before or after; all
/// of them when the number of pages or the order changed.
fn section_targets(old: &Site, new: &Site, kind: Kind, url: &str, targets: &mut BTreeSet<Target>) {
    let per_page = new.config.paginate.max(1);
    let position = |site: &Site| {
        site.section(kind).and_then(|s| {
            s.pages
                .iter()
                .position(|&i| site.pages[i].url == url)
                .map(|p| (p, s.pages.len()))
        })
    };
    match (position(old), position(new)) {
        (Some((a, old_len)), Some((b, new_len))) if a == b && old_len == new_len => {
            targets.insert(Target::SectionPage(kind, a / per_page + 1));
        }
        _ => {
            targets.insert(Target::Section(kind));
        }
    }
}
