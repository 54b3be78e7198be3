//! What every page family shows of the site: the navigation, breadcrumbs
//! and a document's summary as lists show it.

use serde::Serialize;

use super::Renderer;
use crate::content::model::{Audience, Kind};
use crate::content::text::summarize;
use crate::site::{Page, Site};

#[derive(Serialize, Clone)]
pub(super) struct NameUrl {
    pub(super) name: String,
    pub(super) url: String,
}

#[derive(Serialize, Clone)]
pub(super) struct NavEntry {
    pub(super) kind: Kind,
    pub(super) section: &'static str,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) url: String,
    pub(super) count: usize,
}

#[derive(Serialize, Clone)]
pub(super) struct Crumb {
    pub(super) title: String,
    pub(super) url: String,
}

/// What lists show of a page.
#[derive(Serialize, Clone)]
pub(super) struct Summary {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) kind: Kind,
    pub(super) kind_label: &'static str,
    pub(super) date: String,
    pub(super) summary: String,
    pub(super) tags: Vec<NameUrl>,
    pub(super) region: Option<NameUrl>,
    pub(super) draft: bool,
    /// `内部资料` on an internal document (only an internal build has them).
    pub(super) audience_label: Option<&'static str>,
    pub(super) reading_minutes: usize,
    pub(super) chars: usize,
    pub(super) doc_number: Option<String>,
    pub(super) issuers: Vec<String>,
    pub(super) status: Option<&'static str>,
    pub(super) status_label: Option<&'static str>,
    pub(super) organization: Option<String>,
    pub(super) series: Option<NameUrl>,
    pub(super) order: Option<u32>,
    /// `zh-Hant` for a document in Traditional characters.
    pub(super) lang: Option<&'static str>,
}

pub(super) fn nav(site: &Site) -> Vec<NavEntry> {
    site.sections
        .iter()
        .map(|s| NavEntry {
            kind: s.kind,
            section: s.kind.section(),
            title: s.title.clone(),
            description: s.description.clone(),
            url: s.url(),
            count: s.pages.len(),
        })
        .collect()
}

pub(super) fn summary_of(site: &Site, p: &Page) -> Summary {
    let f = &p.doc.front;
    let status = f.policy.status.filter(|_| f.kind == Kind::Policy);
    Summary {
        title: f.title.clone(),
        url: p.url.clone(),
        kind: f.kind,
        kind_label: f.kind.label(),
        date: f.date.to_string(),
        summary: f.summary.clone().unwrap_or_else(|| {
            p.doc
                .rendered
                .first_paragraph
                .as_deref()
                .map(|t| summarize(t, 120))
                .unwrap_or_default()
        }),
        tags: f
            .tags
            .iter()
            .map(|t| NameUrl {
                name: t.clone(),
                url: Site::term_url("tags", t),
            })
            .collect(),
        region: f.region.as_ref().map(|r| NameUrl {
            name: r.clone(),
            url: Site::term_url("regions", r),
        }),
        draft: f.draft,
        audience_label: (p.audience == Audience::Internal).then(|| p.audience.label()),
        reading_minutes: p.doc.rendered.reading_minutes(),
        chars: p.doc.rendered.chars,
        doc_number: f.policy.doc_number.clone(),
        issuers: f.policy.issuers.clone(),
        status: status.map(|s| s.name()),
        status_label: status.map(|s| s.label()),
        organization: f.organization.clone(),
        series: p.series.map(|i| NameUrl {
            name: site.series[i].name.clone(),
            url: site.series[i].url.clone(),
        }),
        order: f.training.order,
        lang: crate::content::text::traditional_lang(&f.title)
            .or_else(|| crate::content::text::traditional_lang(&p.doc.rendered.text)),
    }
}

impl Renderer<'_> {
    pub(super) fn summary(&self, i: usize) -> &Summary {
        self.summaries[i].get_or_init(|| summary_of(self.site, &self.site.pages[i]))
    }
}
