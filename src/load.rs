//! Walks `content/` and reads every Markdown file. The only module of the
//! pipeline, with `output`, that touches the disk.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

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
}

/// Reads all Markdown files under `root/content`. Files in the wrong place are
/// reported as diagnostics rather than silently skipped.
pub fn load_content(root: &Path) -> Result<(Vec<SourceFile>, Vec<Diagnostic>)> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(Error::io(
            &content,
            std::io::Error::new(std::io::ErrorKind::NotFound, "content folder not found"),
        ));
    }
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let walker = WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().map(Path::to_path_buf).unwrap_or_default();
            Error::io(path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let rel_path = relative_display(root, path);
        let Some(placement) = placement_of(&content, path) else {
            diags.push(Diagnostic::error(
                &rel_path,
                None,
                "documents must sit directly in a section folder: content/<section>/<slug>.md",
            ));
            continue;
        };
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                diags.push(Diagnostic::error(
                    &rel_path,
                    None,
                    "file is not valid UTF-8",
                ));
                continue;
            }
        };
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let modified = entry.metadata().ok().and_then(|m| m.modified().ok());
        files.push(SourceFile {
            rel_path,
            placement,
            text,
            modified,
        });
    }
    Ok((files, diags))
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
