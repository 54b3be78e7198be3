//! The text of the documents' attachments, for the index: read with the
//! same readers as `zhiku import` (`crate::extract`), capped, and cached by
//! content hash so an unchanged file is not read again by the next build or
//! the live preview.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::content::attachment::Attachment;
use crate::error::{Diagnostic, Severity};
use crate::extract::ExtractError;
use crate::site::Site;

/// Characters of one attachment indexed at most: enough for any form or
/// rules, and a bound on the index whatever is attached.
pub const MAX_ATTACHMENT_CHARS: usize = 200_000;

/// Where the cache lives, inside the search index folder.
pub const CACHE_DIR: &str = ".attachment-text";

/// Attachment URL -> its text (empty when it has none to give).
#[derive(Debug, Default, Clone)]
pub struct AttachmentTexts {
    texts: HashMap<String, String>,
}

impl AttachmentTexts {
    pub fn get(&self, url: &str) -> Option<&str> {
        self.texts
            .get(url)
            .map(String::as_str)
            .filter(|t| !t.is_empty())
    }

    /// Reads the attachments of `pages` not read yet, through the cache in
    /// `cache`. Problems (unreadable, encrypted, no text layer, capped) are
    /// warnings and notes naming the document and the file.
    /// With `keep`, what was read is cached; without (`zhiku check`, which
    /// writes nothing), the cache is only read.
    pub fn read_for<'p>(
        &mut self,
        pages: impl Iterator<Item = &'p crate::site::Page>,
        cache: &Path,
        keep: bool,
    ) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut wanted: Vec<(&str, &Attachment)> = Vec::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for page in pages {
            for a in &page.doc.attachments {
                if !self.texts.contains_key(&a.url) && seen.insert(&a.url) {
                    wanted.push((&page.doc.rel_path, a));
                }
            }
        }
        if keep {
            let _ = std::fs::create_dir_all(cache);
        }
        let read = crate::parallel::map_chunks(&wanted, 8, |part| {
            part.iter()
                .map(|(file, a)| {
                    let text = cached_text(a, cache, keep)
                        .map(|text| cap(text, file, a))
                        .map_err(|p| p.diagnostic(file, a));
                    (a.url.clone(), text)
                })
                .collect::<Vec<_>>()
        });
        for (url, text) in read.into_iter().flatten() {
            match text {
                Ok((text, capped)) => {
                    if let Some(d) = capped {
                        problems.push(d);
                    }
                    self.texts.insert(url, text);
                }
                Err(d) => {
                    problems.push(d);
                    self.texts.insert(url, String::new());
                }
            }
        }
        problems
    }

    /// Every attachment of the site.
    pub fn for_site(site: &Site, cache: &Path, keep: bool) -> (AttachmentTexts, Vec<Diagnostic>) {
        let mut texts = AttachmentTexts::default();
        let problems = texts.read_for(site.pages.iter(), cache, keep);
        (texts, problems)
    }
}

/// Why an attachment gave no text.
enum Problem {
    Unreadable(String),
    NoText,
    Unsupported,
}

impl Problem {
    fn diagnostic(self, file: &str, a: &Attachment) -> Diagnostic {
        let (severity, message) = match self {
            Problem::Unreadable(why) => (
                Severity::Warning,
                format!("attachment {} cannot be read for search: {why}", a.url),
            ),
            Problem::NoText => (
                Severity::Note,
                format!(
                    "attachment {} has no text layer (a scan): it is listed but not searchable",
                    a.url
                ),
            ),
            Problem::Unsupported => (
                Severity::Note,
                format!(
                    "attachment {} ({}) is listed but its text is not searched",
                    a.url,
                    a.type_label()
                ),
            ),
        };
        let mut d = Diagnostic::field_error(file, None, "attachments", message);
        d.severity = severity;
        d
    }
}

/// The text and, when it was cut, a note saying so.
type Text = (String, Option<Diagnostic>);

fn cached_text(a: &Attachment, cache: &Path, keep: bool) -> Result<String, Problem> {
    let hash = hash_file(&a.source).map_err(|e| Problem::Unreadable(e.to_string()))?;
    let text_file = cache.join(format!("{hash}.txt"));
    let error_file = cache.join(format!("{hash}.err"));
    let text = if let Ok(text) = std::fs::read_to_string(&text_file) {
        text
    } else if let Ok(kind) = std::fs::read_to_string(&error_file) {
        return Err(match kind.as_str() {
            "notext" => Problem::NoText,
            "unsupported" => Problem::Unsupported,
            why => Problem::Unreadable(why.to_string()),
        });
    } else {
        match crate::extract::text_of(&a.source) {
            Ok(text) => {
                let text: Vec<String> = text
                    .lines()
                    .map(crate::extract::collapse_space)
                    .filter(|l| !l.is_empty())
                    .collect();
                let text = text.join("\n");
                if keep {
                    write_atomically(&text_file, &text);
                }
                text
            }
            Err(e) => {
                let (kind, problem) = match e {
                    ExtractError::NoTextLayer => ("notext".to_string(), Problem::NoText),
                    ExtractError::Unsupported => ("unsupported".to_string(), Problem::Unsupported),
                    other => (other.to_string(), Problem::Unreadable(other.to_string())),
                };
                if keep {
                    write_atomically(&error_file, &kind);
                }
                return Err(problem);
            }
        }
    };
    Ok(text)
}

fn cap(text: String, file: &str, a: &Attachment) -> Text {
    match text.char_indices().nth(MAX_ATTACHMENT_CHARS) {
        None => (text, None),
        Some((cut, _)) => {
            let mut d = Diagnostic::field_error(
                file,
                None,
                "attachments",
                format!(
                    "attachment {} holds more than {MAX_ATTACHMENT_CHARS} characters: the first {MAX_ATTACHMENT_CHARS} are searched",
                    a.url
                ),
            );
            d.severity = Severity::Note;
            (text[..cut].to_string(), Some(d))
        }
    }
}

/// SHA-256 of a file, read in blocks (a large attachment never sits in
/// memory for this).
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A cache entry appears whole or not at all; a cache that cannot be
/// written only costs the next build a second reading.
fn write_atomically(path: &PathBuf, text: &str) {
    let partial = path.with_extension("partial");
    if std::fs::write(&partial, text).is_ok() {
        let _ = std::fs::rename(&partial, path);
    }
}
