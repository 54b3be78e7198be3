//! Walks `content/` and reads every Markdown file. The only module of the
//! pipeline, with `output`, that touches the disk.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::NaiveDate;
use walkdir::WalkDir;

use crate::error::{Diagnostic, Error, Result};

pub const CONTENT_DIR: &str = "content";
pub const DICTIONARY_FILE: &str = "_dictionary.txt";

/// Where a Markdown file sits in the content tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// `content/_index.md`
    Home,
    /// `content/<section>/_index.md`
    SectionIndex { section: String },
    /// `content/<section>/<stem>.md`
    Document { section: String, stem: String },
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root with `/` separators: `content/policies/x.md`.
    pub rel_path: String,
    pub placement: Placement,
    /// File text with any UTF-8 BOM removed.
    pub text: String,
    pub modified: Option<SystemTime>,
    /// Date of the last git commit that touched the file, when in a repository.
    pub committed: Option<NaiveDate>,
}

/// A Markdown file found under `content/`, not read yet.
#[derive(Debug, Clone)]
pub struct ContentFile {
    pub path: std::path::PathBuf,
    /// Date of the last git commit that touched the file, when in a repository.
    pub committed: Option<NaiveDate>,
}

/// Finds every Markdown file under `root/content` (read later, each by
/// [`read_content_file`]). Links inside it are reported and skipped.
pub fn load_content(root: &Path) -> Result<(Vec<ContentFile>, Vec<Diagnostic>)> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(Error::io(
            &content,
            std::io::Error::new(std::io::ErrorKind::NotFound, "content folder not found"),
        ));
    }
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let committed = git_dates(root);
    let walker = WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().map(Path::to_path_buf).unwrap_or_default();
            Error::io(path, e.into())
        })?;
        let path = entry.path();
        // content/ itself may be a link (a shared corpus); links inside it are not followed.
        if entry.path_is_symlink() && entry.depth() > 0 {
            // Not followed: a link could pull in files from outside the site.
            let mut w = Diagnostic::error(
                relative_display(root, path),
                None,
                "symbolic link skipped: zhiku does not follow links inside content/",
            )
            .with_hint("copy the file or folder here instead");
            w.severity = crate::error::Severity::Warning;
            diags.push(w);
            continue;
        }
        if entry.file_type().is_file() && path.extension().and_then(|e| e.to_str()) == Some("md") {
            files.push(ContentFile {
                committed: committed.get(&relative_display(root, path)).copied(),
                path: entry.into_path(),
            });
        }
    }
    Ok((files, diags))
}

/// Reads a found file: its source, or none with the problem that kept it
/// out. Files in the wrong place are reported, not silently skipped; NUL
/// bytes are removed with a warning.
pub fn read_content_file(
    root: &Path,
    file: &ContentFile,
) -> Result<(Option<SourceFile>, Vec<Diagnostic>)> {
    let mut src = match read_source(root, &file.path, file.committed)? {
        Ok(src) => src,
        Err(d) => return Ok((None, vec![d])),
    };
    let mut diags = Vec::new();
    if src.text.contains('\0') {
        // A NUL byte is never meant; pasted in, it would reach the HTML.
        src.text = src.text.replace('\0', "");
        let mut w = Diagnostic::error(
            &src.rel_path,
            None,
            "NUL bytes removed (the file holds binary zeros)",
        );
        w.severity = crate::error::Severity::Warning;
        diags.push(w);
    }
    Ok((Some(src), diags))
}

/// Reads one Markdown file of the content tree. The inner `Err` is a
/// problem with the file itself (wrong place, not UTF-8).
fn read_source(
    root: &Path,
    path: &Path,
    committed: Option<NaiveDate>,
) -> Result<std::result::Result<SourceFile, Diagnostic>> {
    let rel_path = relative_display(root, path);
    let Some(placement) = placement_of(&root.join(CONTENT_DIR), path) else {
        return Ok(Err(Diagnostic::error(
            &rel_path,
            None,
            "documents must sit directly in a section folder: content/<section>/<slug>.md (or, with their files, content/<section>/<slug>/index.md)",
        )));
    };
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(Err(Diagnostic::error(
            &rel_path,
            None,
            "file is not valid UTF-8",
        )));
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let modified = std::fs::metadata(path).ok().and_then(|m| m.modified().ok());
    Ok(Ok(SourceFile {
        committed,
        rel_path,
        placement,
        text,
        modified,
    }))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn placement_of(content: &Path, path: &Path) -> Option<Placement> {
    let rel = path.strip_prefix(content).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        ["_index.md"] => Some(Placement::Home),
        [section, "_index.md"] => Some(Placement::SectionIndex {
            section: section.to_string(),
        }),
        [section, file] => Some(Placement::Document {
            section: section.to_string(),
            stem: file.strip_suffix(".md")?.to_string(),
        }),
        // A page bundle: the document and its files in a folder of its own.
        [section, slug, "index.md"] => Some(Placement::Document {
            section: section.to_string(),
            stem: slug.to_string(),
        }),
        _ => None,
    }
}

/// `root/content/x.md` -> `content/x.md`, always with `/`.
pub fn relative_display(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The site's additions to the search dictionary (`content/_dictionary.txt`,
/// one `word [freq]` a line); empty when the file does not exist.
pub fn read_dictionary(root: &Path) -> Result<String> {
    Ok(read_optional(&root.join(CONTENT_DIR).join(DICTIONARY_FILE))?.unwrap_or_default())
}

/// A text file that may be absent (BOM removed).
pub fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.trim_start_matches('\u{feff}').to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Last commit date of every file under `content/`, from one `git log`
/// (newest first, so the first date seen for a path is its latest). Empty
/// when the site is not in a git repository or git is not installed.
pub fn git_dates(root: &Path) -> std::collections::HashMap<String, NaiveDate> {
    let mut dates = std::collections::HashMap::new();
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--relative",
            "--no-renames",
        ])
        .args(["--format=%x00%cs", "--name-only", "--", CONTENT_DIR])
        .stderr(std::process::Stdio::null())
        .output();
    let Ok(output) = output else {
        return dates;
    };
    if !output.status.success() {
        return dates;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut current = None;
    for line in text.lines() {
        if let Some(date) = line.strip_prefix('\0') {
            current = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok();
        } else if let (Some(d), false) = (current, line.trim().is_empty()) {
            dates.entry(line.trim().to_string()).or_insert(d);
        }
    }
    dates
}
