//! The live preview behind `zhiku serve`: keeps the built site (and an open
//! index writer) through [`pipeline::Kept`], hands each change to the
//! pipeline's incremental update, and reloads the search engine the server
//! answers from. Theme, template, static and config changes rebuild
//! everything.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::error::{Error, Result};
pub use crate::pipeline::Update;
use crate::pipeline::{self, incremental, BuildOptions, BuildReport, Kept};
use crate::search::engine::SearchEngine;
use crate::site::Site;

/// The search engine the server answers from; replaced after a full rebuild.
pub type SharedEngine = Arc<RwLock<Option<Arc<SearchEngine>>>>;

pub struct Session {
    opts: BuildOptions,
    kept: Kept,
    engine: SharedEngine,
}

impl Session {
    /// Builds the site (as `zhiku build` does) and keeps it for updates.
    pub fn start(mut opts: BuildOptions) -> Result<(Session, BuildReport)> {
        // Watch events carry absolute paths; name files relative to an
        // absolute root (not canonicalized: symlinks inside the site stay).
        opts.root = std::path::absolute(&opts.root).map_err(|e| Error::io(&opts.root, e))?;
        let (report, kept) = pipeline::build_keeping(&opts)?;
        let session = Session {
            opts,
            kept,
            engine: Arc::new(RwLock::new(None)),
        };
        session.open_engine(report.index_dir.as_deref())?;
        Ok((session, report))
    }

    pub fn engine(&self) -> SharedEngine {
        self.engine.clone()
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn out_dir(&self) -> &Path {
        &self.kept.out_dir
    }

    pub fn site(&self) -> &Site {
        self.kept.site()
    }

    fn open_engine(&self, dir: Option<&Path>) -> Result<()> {
        let engine = match dir {
            Some(dir) => Some(Arc::new(SearchEngine::open(dir)?)),
            None => None,
        };
        *self.engine.write().unwrap_or_else(|e| e.into_inner()) = engine;
        Ok(())
    }

    /// Rebuilds everything (theme, templates, static files or config
    /// changed). On failure the last good site and index stay served.
    pub fn rebuild(&mut self) -> Result<Update> {
        let started = Instant::now();
        // Its files go where the build is about to swap the new output in.
        let _ = self.kept.finish_bundle();
        let (report, kept) = pipeline::build_keeping(&self.opts)?;
        self.kept = kept;
        self.open_engine(report.index_dir.as_deref())?;
        Ok(Update {
            full: true,
            rendered: Vec::new(),
            removed: Vec::new(),
            took_ms: incremental::millis(started.elapsed()),
            warnings: report.warnings.iter().map(|d| d.to_string()).collect(),
            stages: Vec::new(),
        })
    }

    /// Waits until the static search bundle of the last update is written.
    pub fn finish_bundle(&mut self) -> Result<()> {
        self.kept.finish_bundle()
    }

    /// Re-renders what the changed content files affect. `changed` are paths
    /// under `content/` (existing, new or deleted).
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let update = incremental::update(&mut self.kept, &self.opts, changed)?;
        let engine = self
            .engine
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(engine) = engine {
            engine.reload()?;
        }
        Ok(update)
    }
}
