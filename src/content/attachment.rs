//! A document's files (附件): the ones its front matter lists
//! (`attachments:`) and the ones its body links to, found on disk, checked,
//! and given the URL they are published at.
//!
//! A path without a leading `/` is relative to the document's folder
//! (`content/policies/` for `content/policies/x.md`, the bundle folder for
//! `content/policies/x/index.md`) and is published at the same path under
//! the site (`content/policies/x/表.xlsx` -> `/policies/x/表.xlsx`), once
//! however many documents name it. `/files/…` is a file under the site's
//! `static/`, published where the static folder puts it.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::load::CONTENT_DIR;
use super::parse::Document;
use crate::error::{Diagnostic, Severity};

/// The file types a document may carry: extension, and what readers call it.
pub const ATTACHMENT_TYPES: &[(&str, &str)] = &[
    ("pdf", "PDF"),
    ("docx", "Word"),
    ("doc", "Word"),
    ("wps", "WPS 文字"),
    ("odt", "ODF 文本"),
    ("rtf", "RTF"),
    ("xlsx", "Excel"),
    ("xls", "Excel"),
    ("et", "WPS 表格"),
    ("ods", "ODF 表格"),
    ("csv", "CSV"),
    ("pptx", "PowerPoint"),
    ("ppt", "PowerPoint"),
    ("txt", "文本"),
    ("zip", "压缩包"),
    ("rar", "压缩包"),
    ("7z", "压缩包"),
];

/// A resolved attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// As the page shows it: the given title, else the file name.
    pub title: String,
    /// The site URL it is published at (before the base path).
    pub url: String,
    #[serde(skip)]
    pub source: PathBuf,
    /// Under `static/`: published with the static folder, not by itself.
    #[serde(skip)]
    pub in_static: bool,
    pub bytes: u64,
    /// Lower-case extension.
    pub ext: String,
}

impl Attachment {
    /// The type as readers call it (`Word`, `Excel`, `PDF` …).
    pub fn type_label(&self) -> &'static str {
        type_of(&self.ext).unwrap_or("文件")
    }

    /// `12.3 KB`, `4.5 MB`.
    pub fn size_label(&self) -> String {
        const KB: f64 = 1024.0;
        let b = self.bytes as f64;
        if b < KB * KB {
            format!("{:.1} KB", (b / KB).max(0.1))
        } else {
            format!("{:.1} MB", b / KB / KB)
        }
    }
}

fn type_of(ext: &str) -> Option<&'static str> {
    ATTACHMENT_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, label)| *label)
}

/// Whether a link target names a file a document may carry (by its extension).
pub fn is_attachment_link(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    !path.contains(':')
        && !path.starts_with("//")
        && extension(path).is_some_and(|e| type_of(&e).is_some())
}

fn extension(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// The folder, under `content/`, a document's relative paths start from.
pub fn document_folder(doc: &Document) -> String {
    let rel = doc
        .rel_path
        .strip_prefix(&format!("{CONTENT_DIR}/"))
        .unwrap_or(&doc.rel_path);
    rel.rsplit_once('/')
        .map_or("", |(folder, _)| folder)
        .to_string()
}

/// `folder` + `path` with `.` and `..` applied; `None` when it would leave
/// the content folder or holds anything odd.
pub fn join_inside(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<String> = folder
        .split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    for c in Path::new(decoded.as_ref()).components() {
        match c {
            Component::Normal(s) => {
                let s = s.to_str()?;
                if s.starts_with('.') {
                    return None;
                }
                parts.push(s.to_string());
            }
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Finds a document's attachments: every `attachments:` entry and every
/// body link to a file of an [`ATTACHMENT_TYPES`] type, each once. A file
/// that is not there is an error at the line that names it; one larger than
/// `max_bytes` a warning.
pub fn resolve(root: &Path, doc: &Document, max_bytes: u64) -> (Vec<Attachment>, Vec<Diagnostic>) {
    let mut refs: Vec<(String, Option<String>, Option<usize>, &'static str)> = doc
        .front
        .attachments
        .iter()
        .map(|r| (r.path.clone(), r.title.clone(), r.line, "attachments"))
        .collect();
    for link in &doc.rendered.links {
        if link.image || link.wiki || !is_attachment_link(&link.dest) {
            continue;
        }
        let path = link.dest.split(['#', '?']).next().unwrap_or("").to_string();
        let line = doc.body_line
            + doc.body[..link.offset.min(doc.body.len())]
                .matches('\n')
                .count();
        refs.push((path, None, Some(line), "link"));
    }
    let folder = document_folder(doc);
    let mut found: Vec<Attachment> = Vec::new();
    let mut problems = Vec::new();
    for (path, title, line, field) in refs {
        let error = |message: String| Diagnostic::field_error(&doc.rel_path, line, field, message);
        let in_static = path.starts_with('/');
        let located = match path.strip_prefix('/') {
            Some(under_static) => join_inside("", under_static)
                .map(|rel| (root.join("static").join(&rel), format!("/{rel}"))),
            None => join_inside(&folder, &path)
                .map(|rel| (root.join(CONTENT_DIR).join(&rel), format!("/{rel}"))),
        };
        let Some((source, url)) = located else {
            problems.push(error(format!("attachment path '{path}' leaves the site")));
            continue;
        };
        if found.iter().any(|a| a.url == url) {
            continue;
        }
        let meta = match std::fs::metadata(&source) {
            Ok(m) if m.is_file() => m,
            _ => {
                problems.push(error(format!("attachment not found: {path}")).with_hint(
                    "put the file beside the document, or under static/files/ and write /files/…",
                ));
                continue;
            }
        };
        let ext = extension(&url).unwrap_or_default();
        if type_of(&ext).is_none() {
            let mut d = error(format!("'{path}' is not a type of file documents carry"));
            d.severity = Severity::Warning;
            problems.push(
                d.with_hint("attach PDF, Word, Excel, WPS, PowerPoint, text, CSV or an archive"),
            );
        }
        if meta.len() > max_bytes {
            let mut d = error(format!(
                "attachment {path} is {:.1} MB, over the {} MB limit (attachment_max_mb)",
                meta.len() as f64 / 1048576.0,
                max_bytes / 1048576
            ));
            d.severity = Severity::Warning;
            problems.push(d);
        }
        let name = url.rsplit('/').next().unwrap_or(&url).to_string();
        found.push(Attachment {
            title: title.unwrap_or(name),
            url,
            source,
            in_static,
            bytes: meta.len(),
            ext,
        });
    }
    (found, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_and_links_are_recognised_by_type() {
        assert_eq!(
            join_inside("policies", "附件1.docx").as_deref(),
            Some("policies/附件1.docx")
        );
        assert_eq!(
            join_inside("policies/x", "../y/表.xlsx").as_deref(),
            Some("policies/y/表.xlsx")
        );
        assert_eq!(join_inside("policies", "../../etc/passwd"), None);
        assert_eq!(join_inside("policies", ".git/config"), None);
        assert!(is_attachment_link("附件1.DOCX"));
        assert!(is_attachment_link("/files/表.xlsx#sheet"));
        assert!(!is_attachment_link("https://example.org/a.pdf"));
        assert!(!is_attachment_link("../cases/a.md"));
        assert!(!is_attachment_link("photo.png"));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        let a = |bytes| Attachment {
            title: String::new(),
            url: "/a.pdf".into(),
            source: PathBuf::new(),
            in_static: false,
            bytes,
            ext: "pdf".into(),
        };
        assert_eq!(a(2_000).size_label(), "2.0 KB");
        assert_eq!(a(3 * 1024 * 1024 + 300_000).size_label(), "3.3 MB");
        assert_eq!(a(20).size_label(), "0.1 KB");
    }
}
