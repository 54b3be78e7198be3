//! Turns a loaded file into a validated document: front matter checked against
//! the content model, body rendered to HTML. Pure: no I/O, no knowledge of
//! other documents (cross-document rules live in `site`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use chrono::NaiveDate;

use crate::content::frontmatter::{split, Fields};
use crate::content::load::{Placement, SourceFile};
use crate::content::markdown::{self, Rendered};
use crate::content::model::{
    Audience, FrontMatter, Kind, PolicyMeta, Status, TrainingMeta, COMMON_FIELDS, KINDS,
};
use crate::error::{Diagnostic, Severity};

/// A document ready for site assembly.
#[derive(Debug, Clone)]
pub struct Document {
    pub rel_path: String,
    /// File stem: the slug unless front matter sets `slug`.
    pub stem: String,
    /// `policies/xyz`, see [`Document::content_key`].
    key: String,
    pub front: FrontMatter,
    pub rendered: Rendered,
    /// The Markdown body and the file line it starts on (for link checks).
    pub body: String,
    pub body_line: usize,
    pub modified: Option<SystemTime>,
    pub committed: Option<NaiveDate>,
    /// Its files, found on disk by the pipeline ([`super::attachment::resolve`]).
    pub attachments: Vec<super::attachment::Attachment>,
}

impl Document {
    /// The titles of its headings, in order (the table of contents).
    pub fn heading_titles(&self) -> Vec<&str> {
        self.rendered.toc.iter().map(|t| t.title.as_str()).collect()
    }

    /// 最后更新: `updated`, else the last commit, else the file's mtime.
    pub fn last_modified(&self) -> Option<NaiveDate> {
        self.front.updated.or(self.committed).or_else(|| {
            self.modified
                .map(|t| chrono::DateTime::<chrono::Local>::from(t).date_naive())
        })
    }
}

impl Document {
    pub fn slug(&self) -> &str {
        self.front.slug.as_deref().unwrap_or(&self.stem)
    }

    /// `policies/xyz`: how other documents refer to this one.
    pub fn content_key(&self) -> &str {
        &self.key
    }
}

/// `content/_index.md` or a section's `_index.md`.
#[derive(Debug, Clone, Default)]
pub struct IndexPage {
    pub rel_path: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<u32>,
    /// A section's `audience:`, for every document in it that names none.
    pub audience: Option<Audience>,
    pub rendered: Rendered,
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone)]
pub enum Parsed {
    Home(IndexPage),
    Section {
        section: String,
        page: IndexPage,
    },
    /// Shared: the live preview keeps parsed documents and re-assembles
    /// the site from them after every change without copying them.
    Document(Arc<Document>),
}

/// Parses one file. Problems are pushed to `diags`; `None` means the file
/// could not be used at all.
pub fn parse_file(
    src: &SourceFile,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
) -> Option<Parsed> {
    let file = src.rel_path.as_str();
    let parts = match split(&src.text) {
        Ok(p) => p,
        Err(line) => {
            diags.push(Diagnostic::error(
                file,
                Some(line),
                "front matter opened with `---` is never closed",
            ));
            return None;
        }
    };
    match &src.placement {
        Placement::Home | Placement::SectionIndex { .. } => {
            let yaml = parts.yaml.unwrap_or("");
            let mut fields = Fields::parse(file, yaml, parts.yaml_line, diags)?;
            let title = fields.string("title", false);
            let description = fields.string("description", false);
            let weight = fields.positive_int("weight");
            let audience = match &src.placement {
                Placement::SectionIndex { .. } => audience_field(&mut fields),
                _ => None,
            };
            let page = IndexPage {
                rel_path: src.rel_path.clone(),
                title,
                description,
                weight,
                audience,
                rendered: markdown::render(parts.body, index_folder(&src.placement)),
                extra: fields.into_extra(),
            };
            Some(match &src.placement {
                Placement::Home => Parsed::Home(page),
                Placement::SectionIndex { section } => Parsed::Section {
                    section: section.clone(),
                    page,
                },
                Placement::Document { .. } => unreachable!("matched above"),
            })
        }
        Placement::Document { section, stem } => {
            let Some(folder_kind) = Kind::from_section(section) else {
                diags.push(Diagnostic::error(
                    file,
                    None,
                    format!(
                        "unknown section folder '{section}': use policies, experiences, cases or training"
                    ),
                ));
                return None;
            };
            let Some(yaml) = parts.yaml else {
                diags.push(
                    Diagnostic::error(file, Some(1), "missing front matter").with_hint(
                        "start the file with a `---` line, the fields, and another `---` line",
                    ),
                );
                return None;
            };
            let front = parse_front_matter(file, yaml, parts.yaml_line, folder_kind, today, diags)?;
            if front.slug.is_none() && !is_safe_slug(stem) {
                // The file name is the URL: `a b.md` or an encoded `..`
                // would make a page no server serves.
                diags.push(
                    Diagnostic::error(
                        file,
                        None,
                        format!("file name '{stem}' is not a safe URL segment (letters, digits, - and _ only)"),
                    )
                    .with_hint("rename the file, or set `slug:` in its front matter"),
                );
                return None;
            }
            // Relative links start from the file's folder: the section, or
            // the page bundle's own folder (`content/policies/x/index.md`).
            let folder = src
                .rel_path
                .strip_prefix(&format!("{}/", super::load::CONTENT_DIR))
                .and_then(|r| r.rsplit_once('/'))
                .map_or(section.as_str(), |(f, _)| f);
            let rendered = markdown::render(parts.body, folder);
            check_quiz_anchors(file, &front, &rendered, diags);
            Some(Parsed::Document(Arc::new(Document {
                rel_path: src.rel_path.clone(),
                key: format!("{section}/{stem}"),
                stem: stem.clone(),
                front,
                rendered,
                body: parts.body.to_string(),
                body_line: parts.body_line,
                modified: src.modified,
                committed: src.committed,
                attachments: Vec::new(),
            })))
        }
    }
}

/// A question's `source: "#小节"` must name a heading of the page (written
/// as the heading or as its anchor); `[[…]]` sources are checked by the site.
fn check_quiz_anchors(
    file: &str,
    front: &FrontMatter,
    rendered: &Rendered,
    diags: &mut Vec<Diagnostic>,
) {
    for q in &front.quiz {
        let Some(source) = q.source.as_deref() else {
            continue;
        };
        let Some(anchor) = source.strip_prefix('#') else {
            if !(source.starts_with("[[") && source.ends_with("]]")) {
                diags.push(
                    Diagnostic::field_error(
                        file,
                        q.line,
                        &format!("quiz[{}].source", q.number),
                        format!("'{source}' is neither a heading of this page nor a wiki link"),
                    )
                    .with_hint("write \"#小节\" (quoted) or [[policies/slug#小节]]"),
                );
            }
            continue;
        };
        let id = crate::content::text::slugify(anchor);
        if rendered.heading(&id).is_some() {
            continue;
        }
        let ids: Vec<String> = rendered
            .toc
            .iter()
            .take(6)
            .map(|t| format!("#{}", t.id))
            .collect();
        let d = Diagnostic::field_error(
            file,
            q.line,
            &format!("quiz[{}].source", q.number),
            format!("'#{anchor}': this page has no such heading"),
        );
        diags.push(if ids.is_empty() {
            d.with_hint("the page has no headings: point to another document with [[path#小节]]")
        } else {
            d.with_hint(format!("headings here: {}", ids.join(", ")))
        });
    }
}

fn parse_front_matter(
    file: &str,
    yaml: &str,
    yaml_line: usize,
    folder_kind: Kind,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let errors_before = diags.len();
    let mut f = Fields::parse(file, yaml, yaml_line, diags)?;
    let field_lines = f.lines().clone();

    let kind = kind_field(&mut f, folder_kind);
    let common = common_fields(&mut f);
    reject_fields_of_other_kinds(&mut f, kind);
    let mut policy = PolicyMeta::default();
    let mut training = TrainingMeta::default();
    let mut organization = None;
    match kind {
        Kind::Policy => policy = policy_fields(&mut f, today),
        Kind::Experience | Kind::Case => organization = f.string("organization", false),
        Kind::Training => training = training_fields(&mut f),
    }
    warn_on_tags_as_text(&mut f, file, &common.tags, common.tags_as_text);
    let extra = f.into_extra();
    warn_on_misspelled_fields(file, &extra, &field_lines, diags);
    // A document with bad fields is still read, with stand-ins for what is
    // missing, so that `check` reports its links and images in the same
    // run. Its errors are in `diags`: nothing builds or publishes it.
    let failed = diags[errors_before..]
        .iter()
        .any(|d| d.severity == Severity::Error);
    let stand_in_title = || {
        let name = file.rsplit('/').next().unwrap_or(file);
        name.strip_suffix(".md").unwrap_or(name).to_string()
    };
    let title = match common.title {
        Some(t) => t,
        None if failed => stand_in_title(),
        None => return None,
    };
    let date = match common.date {
        Some(d) => d,
        None if failed => NaiveDate::default(),
        None => return None,
    };
    Some(FrontMatter {
        title,
        kind,
        date,
        updated: common.updated,
        summary: common.summary,
        tags: common.tags,
        region: common.region,
        author: common.author,
        source: common.source,
        draft: common.draft,
        audience: common.audience,
        quiz: common.quiz,
        slug: common.slug,
        attachments: common.attachments,
        organization,
        policy,
        training,
        extra,
        field_lines,
    })
}

/// `type`, which must agree with the folder; the folder's kind when it
/// does not.
fn kind_field(f: &mut Fields<'_>, folder_kind: Kind) -> Kind {
    match f.string("type", false) {
        None => folder_kind,
        Some(name) => match Kind::parse(&name) {
            Some(k) if k == folder_kind => k,
            Some(k) => {
                f.error(
                    "type",
                    format!(
                        "'{}' does not match the folder '{}' (expected '{}'; move the file to content/{}/)",
                        k.name(),
                        folder_kind.section(),
                        folder_kind.name(),
                        k.section()
                    ),
                );
                folder_kind
            }
            None => {
                f.error(
                    "type",
                    format!("expected one of policy, experience, case, training, got \"{name}\""),
                );
                folder_kind
            }
        },
    }
}

/// The fields every kind has, as read (a missing required one is `None`,
/// already reported).
struct CommonFields {
    title: Option<String>,
    date: Option<NaiveDate>,
    updated: Option<NaiveDate>,
    summary: Option<String>,
    /// `tags` was written as one text rather than a list.
    tags_as_text: bool,
    tags: Vec<String>,
    region: Option<String>,
    author: Option<String>,
    source: Option<String>,
    draft: bool,
    audience: Option<Audience>,
    quiz: Vec<crate::content::quiz::Question>,
    slug: Option<String>,
    attachments: Vec<crate::content::model::AttachmentRef>,
}

fn common_fields(f: &mut Fields<'_>) -> CommonFields {
    let title = f.string("title", true);
    let date = f.date("date", true);
    let updated = f.date("updated", false);
    if let (Some(d), Some(u)) = (date, updated) {
        if u < d {
            f.error("updated", format!("{u} is before date {d}"));
        }
    }
    let summary = f.string("summary", false);
    let tags_as_text = f.is_text("tags");
    let tags = f.string_list("tags");
    let region = f.string("region", false);
    let author = f.string("author", false);
    let source = f.string("source", false);
    let draft = f.bool("draft").unwrap_or(false);
    let audience = audience_field(f);
    let quiz = f.quiz("quiz");
    let slug = f.string("slug", false);
    let attachments = f.attachments("attachments");
    if let Some(s) = &slug {
        if !is_safe_slug(s) {
            f.error(
                "slug",
                format!("\"{s}\" is not a safe URL segment (letters, digits, - and _ only)"),
            );
        }
    }
    CommonFields {
        title,
        date,
        updated,
        summary,
        tags_as_text,
        tags,
        region,
        author,
        source,
        draft,
        audience,
        quiz,
        slug,
        attachments,
    }
}

/// `audience: public | internal`, on a document or a section's `_index.md`.
fn audience_field(f: &mut Fields<'_>) -> Option<Audience> {
    let written = f.string("audience", false)?;
    let audience = Audience::parse(&written);
    if audience.is_none() {
        let names: Vec<&str> = Audience::ALL.iter().map(|a| a.name()).collect();
        f.error(
            "audience",
            format!("unknown audience '{written}': use {}", names.join(" or ")),
        );
    }
    audience
}

fn reject_fields_of_other_kinds(f: &mut Fields<'_>, kind: Kind) {
    let own = kind.spec().own_fields;
    let mut said: Vec<&str> = Vec::new();
    for key in KINDS.iter().flat_map(|k| k.own_fields.iter().copied()) {
        if own.contains(&key) || said.contains(&key) || !f.has(key) {
            continue;
        }
        said.push(key);
        let owners: Vec<&str> = KINDS
            .iter()
            .filter(|k| k.own_fields.contains(&key))
            .map(|k| k.name)
            .collect();
        f.error(
            key,
            format!("only {} documents have this field", owners.join(" and ")),
        );
    }
}

/// A policy's fields; its status, when not given, from its dates.
fn policy_fields(f: &mut Fields<'_>, today: NaiveDate) -> PolicyMeta {
    let mut policy = PolicyMeta {
        doc_number: f.string("doc_number", false),
        issuers: f.string_list("issuer"),
        ..PolicyMeta::default()
    };
    let explicit = f
        .string("status", false)
        .and_then(|s| match Status::parse(&s) {
            Some(st) => Some(st),
            None => {
                f.error(
                    "status",
                    format!(
                        "expected one of current, revised, repealed, expired, pending, got \"{s}\""
                    ),
                );
                None
            }
        });
    policy.effective = f.date("effective", false);
    policy.expires = f.date("expires", false);
    if let (Some(e), Some(x)) = (policy.effective, policy.expires) {
        if x < e {
            f.error("expires", format!("{x} is before effective {e}"));
        }
    }
    policy.status = Some(
        explicit.unwrap_or_else(|| Status::from_dates(policy.effective, policy.expires, today)),
    );
    policy.supersedes = f.string_list("supersedes");
    policy.superseded_by = f.string_list("superseded_by");
    policy
}

fn training_fields(f: &mut Fields<'_>) -> TrainingMeta {
    let training = TrainingMeta {
        series: f.string("series", false),
        order: f.positive_int("order"),
        duration_minutes: f.positive_int("duration_minutes"),
        objectives: f.string_list("objectives"),
        questions: f.string_list("questions"),
    };
    if training.series.is_some() && training.order.is_none() && !f.has("order") {
        f.error(
            "order",
            "a lesson in a series needs its place in the series (order: 1, 2, …)",
        );
    }
    training
}

/// `tags: 红色物业` works, but the next tag added the same way will not;
/// `tags: 甲，乙` is one tag. Either is a warning with the list to write.
fn warn_on_tags_as_text(f: &mut Fields<'_>, file: &str, tags: &[String], tags_as_text: bool) {
    let line = f.line_of("tags");
    if tags.len() == 1 && tags[0].contains(['，', ',', '、', '；']) {
        let parts: Vec<&str> = tags[0]
            .split(['，', ',', '、', '；'])
            .map(str::trim)
            .collect();
        let mut w =
            Diagnostic::field_error(file, line, "tags", format!("\"{}\" is one tag", tags[0]))
                .with_hint(format!("write a list: tags: [{}]", parts.join(", ")));
        w.severity = Severity::Warning;
        f.diags.push(w);
    } else if tags_as_text {
        let mut w = Diagnostic::field_error(
            file,
            line,
            "tags",
            format!("\"{}\" is text where a list is expected", tags.join("")),
        )
        .with_hint(format!("write a list: tags: [{}]", tags.join("")));
        w.severity = Severity::Warning;
        f.diags.push(w);
    }
}

/// Unknown fields are kept for templates; one that looks like a
/// misspelled known field is worth a warning.
fn warn_on_misspelled_fields(
    file: &str,
    extra: &BTreeMap<String, serde_json::Value>,
    field_lines: &BTreeMap<String, usize>,
    diags: &mut Vec<Diagnostic>,
) {
    for key in extra.keys() {
        if let Some(known) = near_known_field(key) {
            let mut w = Diagnostic::field_error(
                file,
                field_lines.get(key).copied(),
                key,
                "unknown field, kept for templates as page.extra",
            )
            .with_hint(format!("did you mean '{known}'?"));
            w.severity = Severity::Warning;
            diags.push(w);
        }
    }
}

fn index_folder(placement: &Placement) -> &str {
    match placement {
        Placement::SectionIndex { section } => section,
        _ => "",
    }
}

/// File line of a byte offset in a document's body.
pub fn body_line_of(doc: &Document, offset: usize) -> usize {
    let before = &doc.body[..offset.min(doc.body.len())];
    doc.body_line + before.matches('\n').count()
}

fn known_fields() -> impl Iterator<Item = &'static str> {
    COMMON_FIELDS
        .iter()
        .chain(KINDS.iter().flat_map(|k| k.own_fields))
        .copied()
}

/// The known field an unknown one is probably a misspelling of (`tag`,
/// `Summary`, `organisation`).
fn near_known_field(key: &str) -> Option<&'static str> {
    let lower = key.to_lowercase();
    if known_fields().any(|k| k == key) {
        // A known field of another kind: already reported as an error.
        return None;
    }
    known_fields()
        .map(|k| (strsim::normalized_levenshtein(&lower, k), k))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

pub fn is_safe_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['.', '-'])
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> (Option<Parsed>, Vec<String>) {
        let src = SourceFile {
            rel_path: "content/policies/x.md".into(),
            placement: Placement::Document {
                section: "policies".into(),
                stem: "x".into(),
            },
            text: text.into(),
            modified: None,
            committed: None,
        };
        let mut diags = Vec::new();
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let parsed = parse_file(&src, today, &mut diags);
        (parsed, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let (parsed, diags) =
            doc("---\ntitle: 甲\ntype: case\ndate: 2005\nstatus: valid\norder: 2\n---\n正文");
        // Still read, with stand-ins, so `check` goes on to its links; the
        // errors keep it from any build.
        let Some(Parsed::Document(d)) = parsed else {
            panic!("the document is read with stand-ins");
        };
        assert_eq!(
            (d.front.title.as_str(), d.front.date),
            ("甲", NaiveDate::default())
        );
        assert_eq!(
            diags,
            vec![
                "content/policies/x.md:3: field 'type': 'case' does not match the folder 'policies' (expected 'policy'; move the file to content/cases/)",
                "content/policies/x.md:4: field 'date': expected YYYY-MM-DD, got \"2005\"",
                "content/policies/x.md:6: field 'order': only training documents have this field",
                "content/policies/x.md:5: field 'status': expected one of current, revised, repealed, expired, pending, got \"valid\"",
            ]
        );
    }

    #[test]
    fn status_is_computed_from_dates_and_unknown_fields_are_kept() {
        let (parsed, diags) = doc(
            "---\ntitle: 甲\ndate: 2025-01-01\neffective: 2027-01-01\nindex_no: A-1\n---\n正文",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let Some(Parsed::Document(d)) = parsed else {
            panic!()
        };
        assert_eq!(d.front.policy.status, Some(Status::Pending));
        assert_eq!(d.front.extra["index_no"], serde_json::json!("A-1"));
    }
}
