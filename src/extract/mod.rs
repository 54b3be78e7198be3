//! Readers for the files offices actually hold: Word (.docx), PDF with a text
//! layer, saved web pages, copied text in UTF-8 or GB18030, and through
//! LibreOffice the older .doc/.wps/.rtf/.odt. Each turns its file into one
//! neutral [`Extracted`] document (paragraphs with the layout hints a 公文
//! carries: alignment, size, red, bold; tables; pictures; footnotes), so
//! `zhiku import` decides structure in one place whatever the format.
//!
//! Readers never write anything and never guess at meaning: what a line *is*
//! (a 文号, a signature, web chrome) is the importer's business. The one
//! exception is the HTML reader, which drops page furniture it can see in the
//! markup (navigation, footers, comment forms) and lists each dropped
//! fragment in [`Extracted::removed`], because the markup is gone afterwards.

pub mod docx;
pub mod html;
pub mod office;
pub mod pdf;
pub mod plain;
pub mod sheet;

use std::path::Path;

use serde::Serialize;

/// The formats a reader exists for, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Docx,
    Pdf,
    Html,
    Text,
    Markdown,
    /// .doc, .wps, .rtf, .odt: converted to .docx by LibreOffice first.
    Office,
    /// .xlsx, .xls, .ods: cell text, sheet by sheet (attachments only:
    /// `zhiku import` makes documents of texts, not of tables).
    Sheet,
    /// .csv: read as text.
    Csv,
}

/// Extensions read directly, and those that go through LibreOffice.
pub const FORMATS: &[(&str, Format)] = &[
    ("docx", Format::Docx),
    ("pdf", Format::Pdf),
    ("html", Format::Html),
    ("htm", Format::Html),
    ("xhtml", Format::Html),
    ("txt", Format::Text),
    ("text", Format::Text),
    ("md", Format::Markdown),
    ("markdown", Format::Markdown),
    ("doc", Format::Office),
    ("wps", Format::Office),
    ("rtf", Format::Office),
    ("odt", Format::Office),
    ("docm", Format::Office),
    ("dotx", Format::Office),
    ("xlsx", Format::Sheet),
    ("xlsm", Format::Sheet),
    ("xls", Format::Sheet),
    ("ods", Format::Sheet),
    ("et", Format::Office),
    ("csv", Format::Csv),
];

impl Format {
    /// The format a file name's extension names, if zhiku reads it.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        FORMATS.iter().find(|(e, _)| *e == ext).map(|(_, f)| *f)
    }
}

/// Why a file could not be read. Every message says what the editor can do.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "unsupported file type: zhiku imports .docx, .pdf, .html/.htm, .txt/.md, and .doc/.wps/.rtf/.odt through LibreOffice"
    )]
    Unsupported,
    #[error("not a valid {format} file ({detail})")]
    Corrupt {
        format: &'static str,
        detail: String,
    },
    #[error(
        "the file is encrypted or password-protected: save an unprotected copy and import that"
    )]
    Encrypted,
    #[error(
        "this PDF has no text layer (a scan or a photo of the pages): there is no text to import; \
         run OCR first (for example `ocrmypdf -l chi_sim in.pdf out.pdf`) or import the original Word file"
    )]
    NoTextLayer,
    #[error(
        "reading .{ext} needs LibreOffice, which is not installed: install it (Debian/Ubuntu: \
         `apt-get install libreoffice-writer-nogui`; elsewhere: https://www.libreoffice.org) \
         or save the file as .docx from Word/WPS and import that"
    )]
    NoLibreOffice { ext: String },
    #[error("LibreOffice could not convert the file: {0}")]
    Conversion(String),
}

pub type Result<T> = std::result::Result<T, ExtractError>;

/// A document as read, before any decision about what its parts mean.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub blocks: Vec<Block>,
    /// Pictures, referenced by index from [`Block::Image`].
    pub media: Vec<Media>,
    /// Footnote texts by the id their references carry.
    pub footnotes: Vec<Footnote>,
    /// A title the container declares (`<title>`, docx core properties): a
    /// fallback only, often the site's name or a template's leftover.
    pub title_hint: Option<String>,
    /// Page furniture the reader dropped while it could still see markup.
    pub removed: Vec<Removed>,
    /// Things the reader could not do, for the report.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Vec<Vec<String>>),
    Image {
        media: usize,
        alt: String,
    },
    /// A horizontal rule (the red line under a 公文's header).
    Rule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Unknown,
    Left,
    Center,
    Right,
    Justify,
}

#[derive(Debug, Clone, Default)]
pub struct Paragraph {
    pub spans: Vec<Span>,
    pub align: Align,
    /// Largest font size of its text, in points, where the format knows it.
    pub size: Option<f32>,
    /// Mostly red text (a 公文's 发文机关标志).
    pub red: bool,
    /// A heading level the source declares (`<h2>`, a Word heading style).
    pub heading: Option<u8>,
    /// Indented first line (PDF): a new paragraph rather than a continuation.
    pub indented: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    /// A footnote reference: `text` is empty, the id names a [`Footnote`].
    pub note: Option<String>,
    /// The target of a hyperlink (absolute http/https only).
    pub link: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Media {
    /// A file name inside the source (`image1.png`).
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Footnote {
    pub id: String,
    pub text: String,
}

/// A fragment of the source left out, and why, so an editor can check that
/// nothing of value went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub text: String,
    pub reason: String,
}

impl Paragraph {
    pub fn plain(text: impl Into<String>) -> Paragraph {
        Paragraph {
            spans: vec![Span {
                text: text.into(),
                ..Span::default()
            }],
            ..Paragraph::default()
        }
    }

    /// The paragraph's text, footnote references left out.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// True when every visible character is bold.
    pub fn all_bold(&self) -> bool {
        let mut any = false;
        for s in &self.spans {
            if s.text.trim().is_empty() {
                continue;
            }
            if !s.bold {
                return false;
            }
            any = true;
        }
        any
    }
}

/// Reads any supported file. `.doc` and friends go through LibreOffice.
pub fn read(path: &Path) -> Result<Extracted> {
    let format = Format::of(path).ok_or(ExtractError::Unsupported)?;
    let bytes = std::fs::read(path)?;
    match format {
        Format::Docx => docx::read(&bytes),
        Format::Pdf => pdf::read(&bytes),
        Format::Html => html::read(&bytes, path),
        Format::Text => Ok(plain::read(&bytes, false)),
        Format::Markdown => Ok(plain::read(&bytes, true)),
        Format::Office => docx::read(&office::convert_to_docx(path)?),
        Format::Sheet => sheet::read(&bytes),
        Format::Csv => Ok(plain::read(&bytes, false)),
    }
}

/// The text of any supported file, for search: paragraphs and table rows
/// one a line, cells separated by tabs.
pub fn text_of(path: &Path) -> Result<String> {
    let read = read(path)?;
    let mut out = String::new();
    for block in &read.blocks {
        match block {
            Block::Paragraph(p) => {
                out.push_str(&p.text());
                out.push('\n');
            }
            Block::Table(rows) => {
                for row in rows {
                    out.push_str(&row.join("\t"));
                    out.push('\n');
                }
            }
            Block::Image { alt, .. } if !alt.is_empty() => {
                out.push_str(alt);
                out.push('\n');
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Collapses runs of white space (including full-width spaces and NBSP) into
/// one ASCII space, and trims. A run that holds a line break between two CJK
/// characters is a hard wrap and disappears.
pub fn collapse_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<bool> = None; // Some(had a line break)
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            if !out.is_empty() {
                let newline = matches!(c, '\n' | '\r');
                pending = Some(pending.unwrap_or(false) || newline);
            }
            continue;
        }
        if let Some(newline) = pending.take() {
            let joins_cjk = newline
                && out
                    .chars()
                    .next_back()
                    .is_some_and(crate::content::text::is_cjk)
                && crate::content::text::is_cjk(c);
            if !joins_cjk {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}
