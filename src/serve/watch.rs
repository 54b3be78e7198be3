//! Watches the site for the live preview: which changes matter (a pure
//! classification, unit-tested) and a debounced loop that hands them to the
//! preview session and tells the browsers.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};
use serde::Serialize;
use tokio::sync::broadcast;

use crate::content::load::CONTENT_DIR;
use crate::error::{Error, Result};
use crate::serve::preview::{Session, Update};

/// Quiet time that ends a burst of file events (an editor's save is several).
pub const DEBOUNCE: Duration = Duration::from_millis(120);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Markdown files under `content/` changed: update incrementally.
    Content(Vec<PathBuf>),
    /// Theme, templates, static files, config or dictionary: rebuild all.
    Full,
}

/// Sorts changed paths into what to do; `None` when nothing relevant changed.
pub fn classify(root: &Path, ignore: &[&Path], paths: &[PathBuf]) -> Option<Change> {
    let mut content = Vec::new();
    let mut full = false;
    for path in paths {
        let rel = match path.strip_prefix(root) {
            Ok(r) => r,
            Err(_) => continue,
        };
        if ignore.iter().any(|i| path.starts_with(i)) {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')));
        // Editors' backup and swap files.
        if hidden
            || name.ends_with('~')
            || name == "4913"
            || name.ends_with(".swp")
            || name.ends_with(".tmp")
        {
            continue;
        }
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        match first {
            CONTENT_DIR if name.ends_with(".md") && !content.contains(path) => {
                content.push(path.clone());
            }
            // Lists every document or the index reads, and attachments
            // (a document's text in search, its page's file list).
            CONTENT_DIR
                if name == "_dictionary.txt"
                    || name == crate::site::study_path::PATHS_FILE
                    || name == crate::search::assist::SYNONYMS_FILE
                    || name == crate::search::assist::HOT_WORDS_FILE
                    || crate::content::attachment::is_attachment_link(name) =>
            {
                full = true
            }
            "themes" | "templates" | "static" | "archetypes" => full = true,
            "zhiku.yaml" => full = true,
            _ => {}
        }
    }
    if full {
        Some(Change::Full)
    } else if content.is_empty() {
        None
    } else {
        Some(Change::Content(content))
    }
}

/// What browsers are told over `/__zhiku/events`.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEvent {
    /// `reload` or `build-error`.
    pub event: &'static str,
    pub data: String,
}

/// The folders whose changes the preview follows (and the root itself, for
/// `zhiku.yaml`).
const WATCHED: [&str; 5] = [CONTENT_DIR, "themes", "templates", "static", "archetypes"];

/// Starts watching in a thread that owns the session. Each update's outcome
/// goes to the browsers and to `report` (the binary prints it). The watcher
/// stops when the returned value is dropped.
pub fn spawn(
    session: Session,
    root: PathBuf,
    events: broadcast::Sender<LiveEvent>,
    report: impl Fn(&Result<Update>) + Send + 'static,
) -> Result<notify::RecommendedWatcher> {
    let (tx, rx) = mpsc::channel();
    let refused = |path: &Path, e: notify::Error| {
        Error::Refused(format!("cannot watch {}: {e}", path.display()))
    };
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if !matches!(event.kind, EventKind::Access(_)) {
                let _ = tx.send(event.paths);
            }
        }
    })
    .map_err(|e| refused(&root, e))?;
    for dir in WATCHED {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| refused(&path, e))?;
        }
    }
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| refused(&root, e))?;
    std::thread::spawn(move || follow(session, SiteRoot::new(root), rx, events, report));
    Ok(watcher)
}

/// Maps event paths back to `root`, which is how the session names files:
/// they may come through the path we watched or through the real path
/// behind a symlink (a symlinked content/ folder).
struct SiteRoot {
    root: PathBuf,
    /// (real path, watched path) of each watched folder.
    prefixes: Vec<(PathBuf, PathBuf)>,
}

impl SiteRoot {
    fn new(root: PathBuf) -> SiteRoot {
        let prefixes = WATCHED
            .iter()
            .chain(&[""])
            .filter_map(|dir| {
                let watched = root.join(dir);
                std::fs::canonicalize(&watched)
                    .ok()
                    .map(|real| (real, watched))
            })
            .collect();
        SiteRoot { root, prefixes }
    }

    fn map(&self, p: PathBuf) -> PathBuf {
        if p.starts_with(&self.root) {
            return p;
        }
        for (real, watched) in &self.prefixes {
            if let Ok(rest) = p.strip_prefix(real) {
                return watched.join(rest);
            }
        }
        p
    }
}

/// The loop of the watching thread: a burst of events, one update.
fn follow(
    mut session: Session,
    site: SiteRoot,
    rx: mpsc::Receiver<Vec<PathBuf>>,
    events: broadcast::Sender<LiveEvent>,
    report: impl Fn(&Result<Update>),
) {
    while let Ok(first) = rx.recv() {
        let mut paths = first;
        while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
            paths.extend(more);
        }
        let out = session.out_dir().to_path_buf();
        let index = site.root.join(&session.site().config.search_index_dir);
        let paths: Vec<PathBuf> = paths.into_iter().map(|p| site.map(p)).collect();
        let Some(change) = classify(&site.root, &[&out, &index], &paths) else {
            continue;
        };
        let result = match &change {
            Change::Full => session.rebuild(),
            Change::Content(files) => session.update(files),
        };
        report(&result);
        let _ = events.send(LiveEvent::of(&result));
    }
}

impl LiveEvent {
    fn of(result: &Result<Update>) -> LiveEvent {
        match result {
            Ok(update) => LiveEvent {
                event: "reload",
                data: serde_json::to_string(update).unwrap_or_default(),
            },
            Err(e) => LiveEvent {
                event: "build-error",
                data: serde_json::json!({ "message": e.to_string() }).to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changes() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            classify(
                root,
                &[out],
                &[p("/site/content/cases/a.md"), p("/site/content/cases/a.md")]
            ),
            Some(Change::Content(vec![p("/site/content/cases/a.md")]))
        );
        assert_eq!(
            classify(
                root,
                &[out],
                &[p("/site/themes/default/templates/base.html")]
            ),
            Some(Change::Full)
        );
        assert_eq!(
            classify(
                root,
                &[out],
                &[p("/site/zhiku.yaml"), p("/site/content/a/b.md")]
            ),
            Some(Change::Full)
        );
        assert_eq!(
            classify(root, &[out], &[p("/site/public/index.html")]),
            None
        );
        assert_eq!(
            classify(
                root,
                &[out],
                &[
                    p("/site/content/cases/.a.md.swp"),
                    p("/site/content/cases/a.md~")
                ]
            ),
            None
        );
        assert_eq!(
            classify(
                root,
                &[out],
                &[p("/site/.public.staging/x.html"), p("/site/README.md")]
            ),
            None
        );
    }
}
