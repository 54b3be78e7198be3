//! The live preview's update: the same stages as a build, for the changed
//! files only. Parse the changed files, assemble the site (failing as the
//! build fails), [`plan`](super::plan) what depends on them, bring the
//! search index and its related lists up to date, render the planned
//! targets and edit the served output. The static search bundle is exported
//! again from the updated index on a thread of its own, after the update
//! has been reported: at 10,000 documents it takes seconds, which the
//! browser's reload need not wait for (the preview's search page asks the
//! server, not the bundle). A newer update stops an export still running
//! (its bundle would be stale) and starts its own.
//!
//! On any error nothing is written: the last good site keeps being served.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use serde::Serialize;
use tantivy::IndexWriter;
use tera::Tera;

use super::laps::Laps;
use super::plan::{plan, versions, Plan};
use super::{assemble_checked, BuildOptions, Loaded, RELATED_LIMIT};
use crate::content::{load, parse};
use crate::error::{Diagnostic, Error, Result};
use crate::output;
use crate::render::{self, RenderOptions};
use crate::search::assist::WordCounts;
use crate::search::index::{Related, SearchIndex};
use crate::site::Site;

/// What one update did, for the terminal, the browser and the tests.
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

/// What a build keeps in memory so that a change can be applied to it.
pub struct Kept {
    pub loaded: Loaded,
    tera: Tera,
    related: Arc<Related>,
    pub out_dir: PathBuf,
    /// The index generation the output names, open for writing.
    index: Option<(SearchIndex, IndexWriter)>,
    /// The static bundle being exported after the last update, and the
    /// flag that stops it.
    bundle: Option<(JoinHandle<Result<()>>, Arc<AtomicBool>)>,
    /// The dictionary's words counted in the pages (search assistance).
    pub(super) word_counts: Option<WordCounts>,
}

impl Kept {
    /// The attachments' text the build read, for the preview's re-indexing.
    pub(super) fn set_attachment_texts(
        &mut self,
        texts: Arc<crate::search::attachment_text::AttachmentTexts>,
    ) {
        if let Some((index, _)) = &mut self.index {
            index.attachment_texts = texts;
        }
    }

    pub(super) fn new(
        loaded: Loaded,
        tera: Tera,
        related: Arc<Related>,
        out_dir: PathBuf,
        index_dir: Option<&Path>,
    ) -> Result<Kept> {
        let index = match index_dir {
            Some(dir) => {
                let index = SearchIndex::open(dir)?;
                let writer = index.writer()?;
                Some((index, writer))
            }
            None => None,
        };
        Ok(Kept {
            loaded,
            tera,
            related,
            out_dir,
            index,
            bundle: None,
            word_counts: None,
        })
    }

    /// Waits until the static bundle of the last update is written.
    pub fn finish_bundle(&mut self) -> Result<()> {
        match self.bundle.take() {
            Some((job, _)) => job.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            None => Ok(()),
        }
    }

    /// Stops the last update's export (it reads the index about to change
    /// and would write a stale bundle); returns how it had failed, if it had.
    fn stop_bundle(&mut self) -> Option<Error> {
        if let Some((_, stop)) = &self.bundle {
            stop.store(true, Ordering::Relaxed);
        }
        self.finish_bundle()
            .err()
            .filter(|e| !matches!(e, Error::Superseded))
    }

    /// Exports the static bundle of `site` from the committed index, beside.
    fn start_bundle(&mut self, site: Arc<Site>) {
        let Some((index, _)) = &self.index else {
            return;
        };
        let (index, out) = (index.clone(), self.out_dir.clone());
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let job = std::thread::spawn(move || {
            let mut sink = |files: Vec<crate::render::OutputFile>| {
                if stopped.load(Ordering::Relaxed) {
                    return Err(Error::Superseded);
                }
                output::write_in_place(&out, &files)
            };
            crate::search::bundle::export_unless(&index, &site, &mut sink, &stopped)
        });
        self.bundle = Some((job, stop));
    }

    pub fn site(&self) -> &Site {
        &self.loaded.site
    }
}

/// Applies the changed content files (paths under `content/`: existing, new
/// or deleted) to the kept site and its served output.
pub fn update(kept: &mut Kept, opts: &BuildOptions, changed: &[PathBuf]) -> Result<Update> {
    let started = Instant::now();
    let mut laps = Laps::start();
    let mut diags = Vec::new();
    let bundle_failed = kept.stop_bundle();
    laps.lap("stop the last bundle export");
    let (changed, undo) = reparse(kept, opts, changed, &mut diags)?;
    let loaded = &mut kept.loaded;
    let new_site = match assemble_checked(
        &loaded.site.config,
        &loaded.parsed,
        &loaded.path_specs,
        opts.include(&loaded.site.config),
        &mut diags,
    ) {
        Ok(mut site) => {
            site.hot_words = loaded.site.hot_words.clone();
            site
        }
        Err(e) => {
            restore(&mut loaded.parsed, undo);
            return Err(e);
        }
    };
    laps.lap("parse + assemble");
    let index_pages = changed.iter().any(|p| p.ends_with("_index.md"));
    let plan = plan(&loaded.site, &new_site, &changed, index_pages);
    laps.lap("plan");
    // The word counts go back only with a finished update: one that fails
    // later leaves the kept site as it was, and the next update counts anew.
    let mut counted = None;
    // Search index first: related documents of the changed pages come from it.
    if let Some((index, writer)) = &mut kept.index {
        if let Some(dir) = index.dir().map(Path::to_path_buf) {
            let cache = super::attachment_cache(&dir);
            let pages = plan.reindexed_pages.iter().map(|&i| &new_site.pages[i]);
            diags.extend(Arc::make_mut(&mut index.attachment_texts).read_for(pages, &cache, true));
        }
        index.apply_delta(writer, &new_site, &plan.removed_urls, &plan.reindexed_pages)?;
        let related = Arc::make_mut(&mut kept.related);
        for url in &plan.removed_urls {
            related.remove(url);
        }
        related.extend(index.related_of(&new_site, &plan.changed_pages, RELATED_LIMIT)?);
        // The vocabulary and completions follow the content, as a build's
        // would; the dictionary's words are counted again in the changed
        // pages only.
        if let Some(dir) = index.dir().map(Path::to_path_buf) {
            let dictionary = crate::content::load::read_dictionary(&opts.root)?;
            let words = match kept.word_counts.take() {
                Some(mut words) if words.is_of(&dictionary) => {
                    let gone = versions(&loaded.site, &changed);
                    let came = versions(&new_site, &changed);
                    words.update(
                        gone.iter().map(|&i| &loaded.site.pages[i]),
                        came.iter().map(|&i| &new_site.pages[i]),
                    );
                    words
                }
                _ => WordCounts::of_site(&dictionary, &new_site)?,
            };
            let sources = crate::search::assist::Sources {
                site: &new_site,
                words: &words,
                synonyms: loaded.synonyms.clone(),
            };
            index.write_assist(&dir, sources)?;
            counted = Some(words);
        }
    }
    laps.lap("index");
    let rendered = render_planned(kept, opts, &new_site, &plan)?;
    laps.lap("render + write");
    if counted.is_some() {
        kept.word_counts = counted;
    }
    let removed = output::remove_in_place(&kept.out_dir, &plan.removed_files);
    let new_site = Arc::new(new_site);
    kept.start_bundle(new_site.clone());
    let old_site = std::mem::replace(&mut kept.loaded.site, new_site);
    // Freeing ten thousand pages takes milliseconds the reload need not wait for.
    std::thread::spawn(move || drop(old_site));
    kept.loaded.warnings = diags.clone();
    let mut warnings: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    if let Some(e) = bundle_failed {
        warnings.push(format!("the static search bundle was not refreshed: {e}"));
    }
    Ok(Update {
        full: false,
        rendered,
        removed,
        took_ms: millis(started.elapsed()),
        warnings,
        stages: laps
            .timings
            .iter()
            .map(|&(name, took)| (name, millis(took)))
            .collect(),
    })
}

/// A file's parse before the change (`None`: it did not exist).
type Undo = Vec<(String, Option<parse::Parsed>)>;

/// Parses the changed files into the kept map, returning their names
/// (`content/x/y.md`) and what to put back if the change is refused.
fn reparse(
    kept: &mut Kept,
    opts: &BuildOptions,
    changed: &[PathBuf],
    diags: &mut Vec<Diagnostic>,
) -> Result<(BTreeSet<String>, Undo)> {
    let today = opts.today();
    let attachments = super::AttachmentRoot::new(&opts.root, &kept.loaded.site.config);
    let parsed = &mut kept.loaded.parsed;
    let mut undo = Vec::new();
    let mut names = BTreeSet::new();
    for path in changed {
        let rel = load::relative_display(&opts.root, path);
        if !names.insert(rel.clone()) {
            continue;
        }
        let replacement = if !path.is_file() {
            None
        } else {
            // Read as a build reads it (NUL bytes removed with a warning);
            // an edited file is newer than its last commit.
            let file = load::ContentFile {
                path: path.to_path_buf(),
                committed: None,
            };
            match load::read_content_file(&opts.root, &file) {
                Ok((source, problems)) => {
                    diags.extend(problems);
                    source.and_then(|src| {
                        parse::parse_file(&src, today, diags).map(|p| attachments.attach(p, diags))
                    })
                }
                Err(e) => {
                    restore(parsed, undo);
                    return Err(e);
                }
            }
        };
        let previous = match replacement {
            Some(p) => parsed.insert(rel.clone(), p),
            None => parsed.remove(&rel),
        };
        undo.push((rel, previous));
    }
    Ok((names, undo))
}

fn restore(parsed: &mut BTreeMap<String, parse::Parsed>, undo: Undo) {
    for (rel, previous) in undo.into_iter().rev() {
        match previous {
            Some(p) => parsed.insert(rel, p),
            None => parsed.remove(&rel),
        };
    }
}

/// Renders the planned targets of `site` into the served output; returns
/// the files rendered.
fn render_planned(
    kept: &Kept,
    opts: &BuildOptions,
    site: &Site,
    plan: &Plan,
) -> Result<Vec<String>> {
    let options = RenderOptions {
        live_reload: opts.live_reload,
        related: kept.related.clone(),
    };
    let files = render::render_targets(site, &kept.tera, &options, &plan.targets)?;
    output::write_in_place(&kept.out_dir, &files)?;
    Ok(files.into_iter().map(|f| f.path).collect())
}

pub(crate) fn millis(took: std::time::Duration) -> f64 {
    (took.as_secs_f64() * 1e5).round() / 100.0
}
