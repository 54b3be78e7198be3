//! `zhiku import`: the files offices hold (Word, PDF, saved web pages,
//! copied text) in, checked zhiku documents out.
//!
//! One file goes through: [`crate::extract`] (the format's reader) ->
//! [`tidy`] (pinyin annotations, punctuation, width) -> [`chrome`] (web page
//! furniture) -> [`structure`] (a 公文's head and foot into front matter) ->
//! numbered points split -> [`write`] (front matter and escaped Markdown),
//! and the result is parsed by the same code as `zhiku build` before it is
//! written, so an import never leaves a file that `check` rejects. Every
//! line or fragment left out is reported with the reason.

pub mod chrome;
pub mod dates;
mod draft;
pub mod structure;
pub mod tidy;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::content::load::{Placement, SourceFile, CONTENT_DIR};
use crate::content::model::Kind;
use crate::content::parse::is_safe_slug;
use crate::error::{Diagnostic, Severity};
use crate::extract::{self, Block, ExtractError, Extracted, Format, Paragraph, Removed};
use draft::Draft;

/// Where pictures go: `static/images/<slug>/`, served at `/images/<slug>/`.
pub const IMAGE_DIR: &str = "images";

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("no text left to import (the file is empty, or all of it was page furniture)")]
    Empty,
    #[error("{0} already exists: pass --slug to import under another name (nothing was changed)")]
    Exists(String),
    #[error("'{0}' is not a safe file name: use letters, digits, - and _")]
    BadSlug(String),
    #[error(
        "{number} is already the 文号 of {existing}: this document is probably imported already"
    )]
    DuplicateNumber { number: String, existing: String },
    #[error("the imported document does not pass zhiku's own checks (a bug in zhiku import): {0}")]
    Invalid(String),
    /// A Markdown file whose own front matter is wrong.
    #[error("the file cannot be imported as it is: {0}")]
    Source(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path, source: std::io::Error) -> ImportError {
    ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub kind: Option<Kind>,
    pub title: Option<String>,
    pub slug: Option<String>,
    pub dry_run: bool,
    pub today: NaiveDate,
}

/// What became of one file: the report `--json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub source: String,
    /// The written file, relative to the site root (or where it would go).
    pub path: String,
    pub kind: Kind,
    /// Why this kind: `--kind`, a 文号, a title word, or the default.
    pub kind_reason: String,
    pub title: String,
    /// Every front-matter field the import filled.
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Each line or fragment left out, with why.
    pub removed: Vec<Removed>,
    /// What the import could not decide.
    pub warnings: Vec<String>,
    /// Pictures written beside the site (`static/images/…`).
    pub pictures: Vec<String>,
    pub written: bool,
    /// The document, for `--dry-run`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
}

impl ImportReport {
    fn new(source: &Path, path: String, kind: Kind, kind_reason: String, title: String) -> Self {
        ImportReport {
            source: source.display().to_string(),
            path,
            kind,
            kind_reason,
            title,
            fields: BTreeMap::new(),
            removed: Vec::new(),
            warnings: Vec::new(),
            pictures: Vec::new(),
            written: false,
            markdown: None,
        }
    }
}

/// The files a list of arguments names: files as given, folders expanded to
/// the supported files in them (sorted, hidden files skipped).
pub fn inputs(args: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(arg)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                })
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && Format::of(e.path()).is_some())
                .map(|e| e.into_path())
                .collect();
            out.append(&mut found);
        } else {
            out.push(arg.clone());
        }
    }
    out
}

/// Imports one file into the site at `opts.root`.
pub fn import_file(path: &Path, opts: &ImportOptions) -> Result<ImportReport, ImportError> {
    if Format::of(path) == Some(Format::Markdown) {
        return import_markdown(path, opts);
    }
    let (mut draft, found) = cleaned_draft(extract::read(path)?)?;
    let title = import_title(path, opts, &found, &mut draft);
    let (kind, kind_reason) = guess_kind(opts.kind, &title, found.doc_number.as_deref());
    let date = found.date.or(draft.published).unwrap_or_else(|| {
        draft.warnings.push(format!(
            "no date found: used today's date {}; correct the date field",
            opts.today
        ));
        opts.today
    });
    let front = front_matter(path, opts, kind, &title, date, &found, &mut draft);

    let year = (found.date.is_some() || draft.published.is_some()).then(|| date.year());
    let (slug, rel, target) = claim_target(opts, kind, &title, year, front.doc_number.as_deref())?;

    let (image_urls, pictures) = draft.picture_paths(&slug);
    let markdown = format!(
        "{}\n{}",
        front.to_yaml(),
        write::body(&draft.blocks, &draft.footnotes, &image_urls)
    );
    let warnings = validate(&rel, kind, &slug, &markdown, opts.today)?;
    draft.warnings.extend(warnings);

    let report = ImportReport {
        fields: front.fields(),
        removed: draft.removed,
        warnings: draft.warnings,
        pictures: pictures.iter().map(|(p, _)| p.clone()).collect(),
        ..ImportReport::new(path, rel, kind, kind_reason, title)
    };
    let files: Vec<(&str, &[u8])> = pictures
        .iter()
        .map(|(rel, media)| (rel.as_str(), draft.media[*media].bytes.as_slice()))
        .collect();
    deliver(report, markdown, &target, &files, opts)
}

/// The extracted document through every cleaning step, and what its
/// 公文 head and foot hold; an error when no text is left.
fn cleaned_draft(extracted: Extracted) -> Result<(Draft, structure::Found), ImportError> {
    let mut draft = Draft::new(extracted);
    draft.tidy();
    draft.strip_chrome();
    draft.title_from_hint();
    let mut found = structure::Found::default();
    structure::head(&mut draft.blocks, &mut found);
    structure::foot(&mut draft.blocks, &mut found);
    structure::signature_inside(&mut draft.blocks, &mut found);
    draft.removed.append(&mut found.removed);
    draft.warn_on_disclosure();
    draft.split_numbered_runs();
    if !draft
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Paragraph(_) | Block::Table(_)))
    {
        return Err(ImportError::Empty);
    }
    Ok((draft, found))
}

/// `--title`, else the title the text gives, else the page's; the file
/// name at worst. One not taken from the text is a warning.
fn import_title(
    path: &Path,
    opts: &ImportOptions,
    found: &structure::Found,
    draft: &mut Draft,
) -> String {
    let title = opts
        .title
        .clone()
        .or(found.title.clone())
        .or_else(|| draft.title_hint.clone())
        .unwrap_or_else(|| {
            draft
                .warnings
                .push("no title found: the file name was used".into());
            path.file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| "未命名文档".into())
        });
    if found.title.is_none() && opts.title.is_none() {
        draft.warnings.push(format!(
            "no title in the text: used \"{title}\" (from the page's title); check it"
        ));
    }
    title
}

/// The imported document's front matter, with a comment asking the
/// editor to check what the import guessed.
fn front_matter(
    path: &Path,
    opts: &ImportOptions,
    kind: Kind,
    title: &str,
    date: NaiveDate,
    found: &structure::Found,
    draft: &mut Draft,
) -> write::FrontMatter {
    let issuers = if found.signature_issuers.is_empty() {
        found.header_issuers.clone()
    } else {
        found.signature_issuers.clone()
    };
    let mut front = write::FrontMatter {
        title: title.to_string(),
        date: date.to_string(),
        source: draft.source.clone(),
        author: draft.author.clone(),
        comment: format!(
            "由 zhiku import 于 {} 从 {} 导入：请核对标题、日期{}后删除本行",
            opts.today,
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            if kind == Kind::Policy {
                "、文号和发文机关"
            } else {
                ""
            }
        ),
        ..Default::default()
    };
    if kind == Kind::Policy {
        front.doc_number = found.doc_number.clone();
        front.issuers = issuers;
        if front.doc_number.is_none() {
            draft.warnings.push("no 文号 found".into());
        }
        if front.issuers.is_empty() {
            draft
                .warnings
                .push("no issuing body (发文机关) found".into());
        }
    } else {
        // Only policies have 文号 and issuers: elsewhere the 文号 stays in the
        // text and the signature names the 单位 (or, for training, the author).
        if let Some(n) = &found.doc_number {
            draft
                .blocks
                .insert(0, Block::Paragraph(Paragraph::plain(n.clone())));
            draft.warnings.push(format!(
                "文号 {n} kept in the text: only policies have a doc_number; import with --kind policy if it is one"
            ));
        }
        if !issuers.is_empty() {
            let who = Some(issuers.join("、"));
            match kind {
                Kind::Training => front.author = who,
                _ => front.organization = who,
            }
        }
    }
    front
}

/// The end of every import: with `--dry-run` the report carries the
/// document; else the pictures and then the document are written.
fn deliver(
    mut report: ImportReport,
    markdown: String,
    target: &Path,
    pictures: &[(&str, &[u8])],
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    if opts.dry_run {
        report.markdown = Some(markdown);
        return Ok(report);
    }
    for (rel, bytes) in pictures {
        let p = opts.root.join(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| io(&p, e))?;
    }
    write_new(target, &markdown)?;
    report.written = true;
    Ok(report)
}

/// A Markdown file is already a document: its front matter is kept (the
/// fields it lacks are added: a title from its first `#` heading, a date)
/// and its body is taken as written.
fn import_markdown(path: &Path, opts: &ImportOptions) -> Result<ImportReport, ImportError> {
    let mut source = MarkdownSource::read(path)?;
    let mut warnings = Vec::new();
    let mut added = Vec::new();
    let title = source.take_title(path, opts, &mut warnings);
    if opts.title.is_some() || source.field("title").is_none() {
        added.push(format!(
            "title: {}",
            serde_json::to_string(&title).unwrap_or_default()
        ));
    }
    let date = source.date()?;
    if date.is_none() {
        warnings.push(format!(
            "no date found: used today's date {}; correct the date field",
            opts.today
        ));
        added.push(format!("date: {}", opts.today));
    }
    let (kind, kind_reason) = source.kind(opts.kind, &title)?;
    let doc_number = source
        .field("doc_number")
        .and_then(|n| crate::content::docnum::canonical(&n));
    let year = date.map(|d| d.year());
    let (slug, rel, target) = claim_target(opts, kind, &title, year, doc_number.as_deref())?;
    let markdown = source.document(path, opts, &added);
    let parsed_warnings =
        validate(&rel, kind, &slug, &markdown, opts.today).map_err(|e| match e {
            ImportError::Invalid(msg) => {
                ImportError::Source(format!("its front matter does not pass check: {msg}"))
            }
            e => e,
        })?;
    warnings.extend(parsed_warnings);
    let mut fields = BTreeMap::new();
    fields.insert("title".to_string(), serde_json::Value::from(title.clone()));
    if date.is_none() {
        fields.insert("date".to_string(), opts.today.to_string().into());
    }
    let report = ImportReport {
        fields,
        warnings,
        ..ImportReport::new(path, rel, kind, kind_reason, title)
    };
    deliver(report, markdown, &target, &[], opts)
}

/// A Markdown file as written: its front matter (text and fields) and body.
struct MarkdownSource {
    yaml: String,
    fields: serde_yaml::Mapping,
    body: String,
}

impl MarkdownSource {
    fn read(path: &Path) -> Result<MarkdownSource, ImportError> {
        let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
        let (text, _) = extract::plain::decode(&bytes);
        let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        let (yaml, body) = match crate::content::frontmatter::split(&text) {
            Ok(split) => (split.yaml.unwrap_or("").to_string(), split.body.to_string()),
            Err(_) => (String::new(), text.clone()),
        };
        let fields: serde_yaml::Mapping = if yaml.trim().is_empty() {
            serde_yaml::Mapping::new()
        } else {
            serde_yaml::from_str(&yaml).map_err(|e| {
                ImportError::Source(format!("its front matter is not valid YAML: {e}"))
            })?
        };
        Ok(MarkdownSource { yaml, fields, body })
    }

    /// A front matter field that is text.
    fn field(&self, key: &str) -> Option<String> {
        self.fields
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// `--title`, else the file's `title:`, else its first `# ` heading
    /// (which then leaves the body), else the file name.
    fn take_title(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        warnings: &mut Vec<String>,
    ) -> String {
        if let Some(t) = opts.title.clone().or_else(|| self.field("title")) {
            return t;
        }
        let body = &mut self.body;
        let heading = body
            .lines()
            .find(|l| l.starts_with("# "))
            .map(|l| l[2..].trim().to_string());
        match heading {
            Some(h) => {
                if let Some(at) = body.find(&format!("# {h}")) {
                    let end = body[at..].find('\n').map_or(body.len(), |e| at + e + 1);
                    body.replace_range(at..end, "");
                }
                h
            }
            None => {
                warnings.push("no title found: the file name was used".to_string());
                path.file_stem()
                    .map(|s| s.to_string_lossy().to_string())
                    .unwrap_or_default()
            }
        }
    }

    /// The file's `date:`, `None` when it has none; an error when it has
    /// one zhiku cannot read.
    fn date(&self) -> Result<Option<NaiveDate>, ImportError> {
        let date_value = self.fields.get("date").and_then(|v| match v {
            serde_yaml::Value::String(s) => Some(s.clone()),
            _ => None,
        });
        let date = date_value
            .as_deref()
            .and_then(|d| crate::content::frontmatter::parse_date(d).ok());
        if date.is_none() && self.fields.contains_key("date") {
            return Err(ImportError::Source(
                "its front matter has a date zhiku cannot read (write YYYY-MM-DD)".into(),
            ));
        }
        Ok(date)
    }

    /// `--kind`, else the file's `type:`, else a guess; `--kind` and
    /// `type:` must agree.
    fn kind(&self, given: Option<Kind>, title: &str) -> Result<(Kind, String), ImportError> {
        let declared = self.field("type").and_then(|t| Kind::parse(&t));
        let (kind, kind_reason) = match (given, declared) {
            (None, Some(k)) => (k, "the file's type field".to_string()),
            (given, _) => guess_kind(given, title, self.field("doc_number").as_deref()),
        };
        if declared.is_some_and(|d| d != kind) {
            return Err(ImportError::Source(format!(
                "its front matter says type {} but --kind is {}",
                declared.map(Kind::name).unwrap_or_default(),
                kind.name()
            )));
        }
        Ok((kind, kind_reason))
    }

    /// The document to write: the `added` fields first, then the file's
    /// own front matter lines as they were (a --title replaces the file's
    /// title line), then the body.
    fn document(&self, path: &Path, opts: &ImportOptions, added: &[String]) -> String {
        let kept: Vec<&str> = self
            .yaml
            .lines()
            .filter(|l| !(opts.title.is_some() && l.starts_with("title:")))
            .collect();
        let mut front = String::from("---\n");
        front.push_str(&format!(
            "# 由 zhiku import 于 {} 从 {} 导入：请核对后删除本行\n",
            opts.today,
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        for line in added.iter().map(String::as_str).chain(kept.iter().copied()) {
            front.push_str(line);
            front.push('\n');
        }
        front.push_str("---\n\n");
        format!("{front}{}\n", self.body.trim())
    }
}

/// The file a document goes to: `--slug`, or the title's pinyin (and year);
/// a different document already there gets `-2`, `-3`…, the same one (same
/// title, or a policy with the same 文号) is refused.
fn claim_target(
    opts: &ImportOptions,
    kind: Kind,
    title: &str,
    year: Option<i32>,
    doc_number: Option<&str>,
) -> Result<(String, String, PathBuf), ImportError> {
    let claimed = free_target(opts, kind, title, year)?;
    if let Some(n) = doc_number {
        if let Some(existing) = existing_doc_number(&opts.root, n) {
            return Err(ImportError::DuplicateNumber {
                number: n.to_string(),
                existing,
            });
        }
    }
    Ok(claimed)
}

fn free_target(
    opts: &ImportOptions,
    kind: Kind,
    title: &str,
    year: Option<i32>,
) -> Result<(String, String, PathBuf), ImportError> {
    let rel_of = |slug: &str| format!("{CONTENT_DIR}/{}/{slug}.md", kind.section());
    if let Some(s) = &opts.slug {
        if !is_safe_slug(s) || s.len() > 120 {
            return Err(ImportError::BadSlug(s.clone()));
        }
        let rel = rel_of(s);
        let target = opts.root.join(&rel);
        if target.exists() {
            return Err(ImportError::Exists(rel));
        }
        return Ok((s.clone(), rel, target));
    }
    let base = write::slug_for(title, year);
    for n in 1..=20 {
        let slug = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let rel = rel_of(&slug);
        let target = opts.root.join(&rel);
        if !target.exists() {
            return Ok((slug, rel, target));
        }
        if title_of(&target).as_deref() == Some(title) {
            return Err(ImportError::Exists(rel));
        }
    }
    Err(ImportError::Exists(rel_of(&base)))
}

/// The `title:` of an existing document.
fn title_of(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let yaml = crate::content::frontmatter::split(&text).ok()?.yaml?;
    let map: serde_yaml::Mapping = serde_yaml::from_str(yaml).ok()?;
    map.get("title")?.as_str().map(str::to_string)
}

/// Creates the file, refusing to replace one that appeared meanwhile.
fn write_new(target: &Path, text: &str) -> Result<(), ImportError> {
    use std::io::Write;
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ImportError::Exists(target.display().to_string()))
        }
        Err(e) => return Err(io(target, e)),
    };
    file.write_all(text.as_bytes()).map_err(|e| io(target, e))
}

/// Parses the document as `zhiku build` will: errors are a bug here,
/// warnings go to the report.
fn validate(
    rel: &str,
    kind: Kind,
    slug: &str,
    markdown: &str,
    today: NaiveDate,
) -> Result<Vec<String>, ImportError> {
    let src = SourceFile {
        rel_path: rel.to_string(),
        placement: Placement::Document {
            section: kind.section().to_string(),
            stem: slug.to_string(),
        },
        text: markdown.to_string(),
        modified: None,
        committed: None,
    };
    let mut diags: Vec<Diagnostic> = Vec::new();
    let parsed = crate::content::parse::parse_file(&src, today, &mut diags);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    if parsed.is_none() || !errors.is_empty() {
        return Err(ImportError::Invalid(errors.join("; ")));
    }
    Ok(diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message.clone())
        .collect())
}

/// The policy under `content/` that already carries `number`, if any.
fn existing_doc_number(root: &Path, number: &str) -> Option<String> {
    let dir = root.join(CONTENT_DIR);
    for entry in walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let Ok(split) = crate::content::frontmatter::split(&text) else {
            continue;
        };
        let Some(yaml) = split.yaml else { continue };
        let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(yaml)
        else {
            continue;
        };
        let written = map.get("doc_number").and_then(|v| v.as_str());
        if written
            .and_then(crate::content::docnum::canonical)
            .as_deref()
            == Some(number)
        {
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            return Some(rel);
        }
    }
    None
}

/// Title words of policy documents.
const POLICY_WORDS: &[&str] = &[
    "意见", "办法", "通知", "决定", "规定", "方案", "细则", "条例", "规则", "通告", "公告",
];

/// `--kind`, else a 文号 or a policy's title word means policy, a 案例 or
/// training word says so, otherwise experience.
pub fn guess_kind(given: Option<Kind>, title: &str, doc_number: Option<&str>) -> (Kind, String) {
    if let Some(k) = given {
        return (k, "--kind".into());
    }
    if let Some(n) = doc_number {
        return (Kind::Policy, format!("it carries the 文号 {n}"));
    }
    let t = title.trim_end_matches(['）', ')']);
    if let Some(w) = POLICY_WORDS
        .iter()
        .find(|w| t.ends_with(*w) || t.contains(&format!("的{w}")))
    {
        return (Kind::Policy, format!("the title names a {w}"));
    }
    if title.contains("案例") {
        return (Kind::Case, "the title names a 案例".into());
    }
    for w in ["培训", "课件", "讲义", "教材", "第一讲", "专题辅导"] {
        if title.contains(w) {
            return (Kind::Training, format!("the title names {w}"));
        }
    }
    (
        Kind::Experience,
        "no 文号 or policy title word: the default".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_guessed_and_explained() {
        assert_eq!(
            guess_kind(None, "某某", Some("江组发〔2025〕7号")).0,
            Kind::Policy
        );
        assert_eq!(
            guess_kind(None, "关于做好培训工作的通知", None).0,
            Kind::Policy
        );
        assert_eq!(
            guess_kind(None, "东桥街道党员责任区工作总结", None).0,
            Kind::Experience
        );
        assert_eq!(
            guess_kind(Some(Kind::Case), "关于…的意见", None).0,
            Kind::Case
        );
    }
}
