//! The content model: document kinds, policy status and the validated front matter.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

/// The four kinds of documents, one per section folder. Everything about a
/// kind is in its row of [`KINDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Policy,
    Experience,
    Case,
    Training,
}

/// One row of the kind table.
#[derive(Debug)]
pub struct KindSpec {
    pub kind: Kind,
    /// The `type:` value editors write; also the archetype's name
    /// (`archetypes/<name>.md`).
    pub name: &'static str,
    /// The folder under `content/` and the first URL segment.
    pub section: &'static str,
    pub label: &'static str,
    /// The theme template of its pages.
    pub template: &'static str,
    /// Front matter fields only this kind has (the others are
    /// [`COMMON_FIELDS`]).
    pub own_fields: &'static [&'static str],
}

/// The kind table, in the order of [`Kind`]. Adding a kind: a row here, a
/// variant above, its template and archetype in the theme.
pub const KINDS: [KindSpec; 4] = [
    KindSpec {
        kind: Kind::Policy,
        name: "policy",
        section: "policies",
        label: "政策文件",
        template: "policy.html",
        own_fields: &[
            "doc_number",
            "issuer",
            "status",
            "effective",
            "expires",
            "supersedes",
            "superseded_by",
        ],
    },
    KindSpec {
        kind: Kind::Experience,
        name: "experience",
        section: "experiences",
        label: "经验交流",
        template: "experience.html",
        own_fields: &["organization"],
    },
    KindSpec {
        kind: Kind::Case,
        name: "case",
        section: "cases",
        label: "典型案例",
        template: "case.html",
        own_fields: &["organization"],
    },
    KindSpec {
        kind: Kind::Training,
        name: "training",
        section: "training",
        label: "培训材料",
        template: "training.html",
        own_fields: &[
            "series",
            "order",
            "duration_minutes",
            "objectives",
            "questions",
        ],
    },
];

/// Front matter fields every kind has.
pub const COMMON_FIELDS: &[&str] = &[
    "title",
    "type",
    "date",
    "updated",
    "summary",
    "tags",
    "region",
    "author",
    "source",
    "draft",
    "slug",
    "attachments",
    "audience",
    "quiz",
];

/// Who a document is published for. Public documents go to every build;
/// internal ones (党内学习资料, documents not to be disclosed) only to a
/// build with `--internal` (or `internal: true` in `zhiku.yaml`), the
/// members' intranet portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    #[default]
    Public,
    Internal,
}

impl Audience {
    pub const ALL: [Audience; 2] = [Audience::Public, Audience::Internal];

    /// The `audience:` value editors write.
    pub fn name(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Internal => "internal",
        }
    }

    /// The banner of an internal document's page (and its print).
    pub fn label(self) -> &'static str {
        match self {
            Audience::Public => "公开",
            Audience::Internal => "内部资料",
        }
    }

    pub fn parse(name: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.name() == name.trim())
    }
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Policy, Kind::Experience, Kind::Case, Kind::Training];

    pub fn spec(self) -> &'static KindSpec {
        &KINDS[self as usize]
    }

    pub fn from_section(section: &str) -> Option<Kind> {
        KINDS.iter().find(|k| k.section == section).map(|k| k.kind)
    }

    pub fn parse(name: &str) -> Option<Kind> {
        KINDS.iter().find(|k| k.name == name).map(|k| k.kind)
    }

    /// The `type:` value editors write.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The folder under `content/` and the first URL segment.
    pub fn section(self) -> &'static str {
        self.spec().section
    }

    pub fn label(self) -> &'static str {
        self.spec().label
    }
}

/// 效力状态 of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Current,
    Revised,
    Repealed,
    Expired,
    Pending,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Current,
        Status::Revised,
        Status::Repealed,
        Status::Expired,
        Status::Pending,
    ];

    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|s| s.name() == name || s.label() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Revised => "revised",
            Status::Repealed => "repealed",
            Status::Expired => "expired",
            Status::Pending => "pending",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Current => "现行有效",
            Status::Revised => "已修改",
            Status::Repealed => "已废止",
            Status::Expired => "失效",
            Status::Pending => "尚未生效",
        }
    }

    /// The status implied by the dates when the editor gave none.
    pub fn from_dates(
        effective: Option<NaiveDate>,
        expires: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Status {
        match (effective, expires) {
            (Some(e), _) if today < e => Status::Pending,
            (_, Some(x)) if today > x => Status::Expired,
            _ => Status::Current,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PolicyMeta {
    pub doc_number: Option<String>,
    pub issuers: Vec<String>,
    /// As written, or computed from `effective`/`expires`.
    pub status: Option<Status>,
    pub effective: Option<NaiveDate>,
    pub expires: Option<NaiveDate>,
    /// Content paths such as `policies/xyz`.
    pub supersedes: Vec<String>,
    pub superseded_by: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TrainingMeta {
    pub series: Option<String>,
    pub order: Option<u32>,
    pub duration_minutes: Option<u32>,
    pub objectives: Vec<String>,
    pub questions: Vec<String>,
}

/// One entry of `attachments:`: a path relative to the document's folder,
/// or `/files/…` under the site's `static/`, with an optional title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRef {
    pub path: String,
    pub title: Option<String>,
    /// The line that names it in the source file.
    pub line: Option<usize>,
}

/// Validated front matter of one document.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub title: String,
    pub kind: Kind,
    pub date: NaiveDate,
    pub updated: Option<NaiveDate>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub region: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub draft: bool,
    /// As written; a document without one takes its section's
    /// (`site::Page::audience` is the one in force).
    pub audience: Option<Audience>,
    /// 自测 questions, in order.
    pub quiz: Vec<crate::content::quiz::Question>,
    pub slug: Option<String>,
    pub organization: Option<String>,
    /// Files the document lists (`attachments:`), as written.
    pub attachments: Vec<AttachmentRef>,
    pub policy: PolicyMeta,
    pub training: TrainingMeta,
    /// Fields the model does not know, kept for templates as `page.extra`.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Line of each front matter key in the source file, for later diagnostics.
    pub field_lines: BTreeMap<String, usize>,
}

/// Formats a date the way Chinese documents write it: 2024年3月1日.
pub fn date_zh(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_table_is_in_the_order_of_the_enum() {
        for (i, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(KINDS[i].kind, kind);
            assert_eq!(Kind::parse(kind.name()), Some(kind));
            assert_eq!(Kind::from_section(kind.section()), Some(kind));
        }
    }
}
