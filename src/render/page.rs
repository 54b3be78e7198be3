//! A document's own page: its text, metadata, series and study-path
//! neighbours, 被引用, 版本沿革, related documents and relation map.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::views::{Crumb, Summary};
use super::Renderer;
use crate::content::markdown::TocEntry;
use crate::content::model::Kind;
use crate::error::Result;

#[derive(Serialize)]
pub(super) struct PolicyLink {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) doc_number: Option<String>,
    pub(super) date: String,
}

#[derive(Serialize)]
pub(super) struct LineageEntry<'a> {
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) doc_number: Option<&'a str>,
    pub(super) date: String,
    pub(super) status: Option<&'static str>,
    pub(super) status_label: Option<&'static str>,
    /// The page being rendered.
    pub(super) this: bool,
}

#[derive(Serialize)]
pub(super) struct BacklinkGroup<'a> {
    pub(super) kind: Kind,
    pub(super) kind_label: &'static str,
    pub(super) items: Vec<BacklinkItem<'a>>,
}

#[derive(Serialize)]
pub(super) struct BacklinkItem<'a> {
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) context: &'a str,
}

#[derive(Serialize)]
pub(super) struct RelatedLink<'a> {
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) kind_label: &'static str,
    pub(super) date: &'a str,
}

#[derive(Serialize)]
pub(super) struct LessonLink {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) order: Option<u32>,
}

#[derive(Serialize)]
pub(super) struct FullPage<'a> {
    #[serde(flatten)]
    pub(super) summary: &'a Summary,
    pub(super) attachments: Vec<AttachmentView<'a>>,
    pub(super) content: &'a str,
    pub(super) toc: &'a [TocEntry],
    pub(super) updated: Option<String>,
    pub(super) author: Option<&'a str>,
    pub(super) source: Option<&'a str>,
    pub(super) extra: &'a BTreeMap<String, Value>,
    pub(super) effective: Option<String>,
    pub(super) expires: Option<String>,
    pub(super) supersedes: Vec<PolicyLink>,
    pub(super) superseded_by: Vec<PolicyLink>,
    pub(super) duration_minutes: Option<u32>,
    pub(super) objectives: &'a [String],
    pub(super) questions: &'a [String],
    /// 自测.
    pub(super) quiz: Vec<super::quiz::QuestionView<'a>>,
    pub(super) prev: Option<LessonLink>,
    pub(super) next: Option<LessonLink>,
    pub(super) series_position: Option<usize>,
    pub(super) series_total: Option<usize>,
    pub(super) last_modified: Option<String>,
    pub(super) related: Vec<RelatedLink<'a>>,
    /// 被引用: pages linking to or citing this one, grouped by kind.
    pub(super) backlinks: Vec<BacklinkGroup<'a>>,
    /// 版本沿革: every version of this policy (through supersedes and
    /// superseded_by, transitively), oldest first; empty for a lone policy.
    pub(super) lineage: Vec<LineageEntry<'a>>,
    /// The newest version in force, when it is another page.
    pub(super) current_version: Option<LineageEntry<'a>>,
    /// Where this page stands in each study path that includes it.
    pub(super) paths: Vec<PathPosition<'a>>,
    /// 关系图: SVG of what cites this page and what it cites.
    pub(super) neighbourhood: Option<String>,
}

#[derive(Serialize)]
pub(super) struct PathPosition<'a> {
    pub(super) slug: &'a str,
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    /// 1-based.
    pub(super) number: usize,
    pub(super) total: usize,
    pub(super) note: Option<&'a str>,
    pub(super) prev: Option<StepLink<'a>>,
    pub(super) next: Option<StepLink<'a>>,
}

/// A file in the page's 附件 block.
#[derive(Serialize)]
pub(super) struct AttachmentView<'a> {
    pub(super) title: &'a str,
    /// Before the base path (templates apply `url`).
    pub(super) url: &'a str,
    /// `Word`, `Excel`, `PDF` …
    pub(super) kind: &'static str,
    pub(super) ext: &'a str,
    /// `12.3 KB`
    pub(super) size: String,
}

#[derive(Serialize)]
pub(super) struct StepLink<'a> {
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) number: usize,
    pub(super) kind_label: &'static str,
}

impl Renderer<'_> {
    pub(super) fn page(&mut self, i: usize) -> Result<()> {
        let site = self.site;
        let p = &site.pages[i];
        let f = &p.doc.front;
        let content = self.content_of(i);
        let (prev, next, series_position, series_total) = self.series_neighbours(i);
        let (lineage, current_version) = self.lineage(i);
        let full = FullPage {
            paths: self.path_positions(i),
            neighbourhood: crate::render::relation_map::svg(site, i),
            summary: self.summary(i),
            content: &content,
            toc: &p.doc.rendered.toc,
            updated: f.updated.map(|d| d.to_string()),
            author: f.author.as_deref(),
            source: f.source.as_deref(),
            extra: &f.extra,
            effective: f.policy.effective.map(|d| d.to_string()),
            expires: f.policy.expires.map(|d| d.to_string()),
            supersedes: p.supersedes.iter().map(|&j| self.policy_link(j)).collect(),
            superseded_by: p
                .superseded_by
                .iter()
                .map(|&j| self.policy_link(j))
                .collect(),
            duration_minutes: f.training.duration_minutes,
            objectives: &f.training.objectives,
            questions: &f.training.questions,
            quiz: super::quiz::questions(site, p),
            prev,
            next,
            series_position,
            series_total,
            last_modified: p.doc.last_modified().map(|d| d.to_string()),
            backlinks: self.backlinks(i),
            lineage,
            current_version,
            related: self.related_links(i),
            attachments: p
                .doc
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    title: &a.title,
                    url: &a.url,
                    kind: a.type_label(),
                    ext: &a.ext,
                    size: a.size_label(),
                })
                .collect(),
        };
        let mut ctx = self.context(&p.url, self.page_crumbs(i));
        ctx.insert("page", &full);
        let path = format!("{}index.html", p.url.trim_start_matches('/'));
        self.emit(f.kind.spec().template, &ctx, path)
    }

    fn policy_link(&self, j: usize) -> PolicyLink {
        let q = &self.site.pages[j];
        PolicyLink {
            title: q.doc.front.title.clone(),
            url: q.url.clone(),
            doc_number: q.doc.front.policy.doc_number.clone(),
            date: q.doc.front.date.to_string(),
        }
    }

    /// The previous and next lessons of page `i`'s series, its 1-based
    /// position and the series' length.
    fn series_neighbours(
        &self,
        i: usize,
    ) -> (
        Option<LessonLink>,
        Option<LessonLink>,
        Option<usize>,
        Option<usize>,
    ) {
        let site = self.site;
        let Some(s) = site.pages[i].series else {
            return (None, None, None, None);
        };
        let lessons = &site.series[s].lessons;
        let pos = lessons.iter().position(|&j| j == i).unwrap_or(0);
        let link = |j: usize| LessonLink {
            title: site.pages[j].doc.front.title.clone(),
            url: site.pages[j].url.clone(),
            order: site.pages[j].doc.front.training.order,
        };
        (
            pos.checked_sub(1).map(|k| link(lessons[k])),
            lessons.get(pos + 1).map(|&k| link(k)),
            Some(pos + 1),
            Some(lessons.len()),
        )
    }

    /// 被引用: the pages linking to or citing page `i`, grouped by kind.
    fn backlinks(&self, i: usize) -> Vec<BacklinkGroup<'_>> {
        let site = self.site;
        let mut groups = Vec::new();
        for kind in Kind::ALL {
            let items: Vec<BacklinkItem> = site.pages[i]
                .backlinks
                .iter()
                .filter(|b| site.pages[b.from].doc.front.kind == kind)
                .map(|b| BacklinkItem {
                    title: &site.pages[b.from].doc.front.title,
                    url: &site.pages[b.from].url,
                    context: &b.context,
                })
                .collect();
            if !items.is_empty() {
                groups.push(BacklinkGroup {
                    kind,
                    kind_label: kind.label(),
                    items,
                });
            }
        }
        groups
    }

    /// 版本沿革 of page `i`, oldest first, and the version in force when it
    /// is another page.
    fn lineage(&self, i: usize) -> (Vec<LineageEntry<'_>>, Option<LineageEntry<'_>>) {
        let site = self.site;
        let chain = crate::site::lineage::lineage(site, i);
        let entry = |j: usize| {
            let q = &site.pages[j];
            let status = q.doc.front.policy.status;
            LineageEntry {
                title: &q.doc.front.title,
                url: &q.url,
                doc_number: q.doc.front.policy.doc_number.as_deref(),
                date: q.doc.front.date.to_string(),
                status: status.map(|s| s.name()),
                status_label: status.map(|s| s.label()),
                this: j == i,
            }
        };
        let in_force = chain.iter().rev().find(|&&j| {
            site.pages[j].doc.front.policy.status == Some(crate::content::model::Status::Current)
        });
        let current_version = in_force.filter(|&&j| j != i).map(|&j| entry(j));
        (chain.iter().map(|&j| entry(j)).collect(), current_version)
    }

    /// Where page `i` stands in each study path that includes it.
    fn path_positions(&self, i: usize) -> Vec<PathPosition<'_>> {
        let site = self.site;
        let step_link = |path: &'_ crate::site::StudyPath, n: usize| {
            path.steps.get(n).map(|step| {
                let q = &site.pages[step.page];
                StepLink {
                    title: &q.doc.front.title,
                    url: &q.url,
                    number: n + 1,
                    kind_label: q.doc.front.kind.label(),
                }
            })
        };
        site.pages[i]
            .path_steps
            .iter()
            .map(|&(k, n)| {
                let path = &site.study_paths[k];
                PathPosition {
                    slug: &path.slug,
                    title: &path.title,
                    url: &path.url,
                    number: n + 1,
                    total: path.steps.len(),
                    note: path.steps[n].note.as_deref(),
                    prev: n.checked_sub(1).and_then(|m| step_link(path, m)),
                    next: step_link(path, n + 1),
                }
            })
            .collect()
    }

    /// Related documents of page `i`, from the search index.
    fn related_links(&self, i: usize) -> Vec<RelatedLink<'_>> {
        let Some(urls) = self.related.get(&self.site.pages[i].url) else {
            return Vec::new();
        };
        urls.iter()
            .filter_map(|u| self.by_url.get(u.as_str()))
            .map(|&j| {
                let s = self.summary(j);
                RelatedLink {
                    title: &s.title,
                    url: &s.url,
                    kind_label: s.kind_label,
                    date: &s.date,
                }
            })
            .collect()
    }

    /// Section, series and the page itself.
    fn page_crumbs(&self, i: usize) -> Vec<Crumb> {
        let site = self.site;
        let p = &site.pages[i];
        let mut crumbs = Vec::new();
        if let Some(s) = site.section(p.doc.front.kind) {
            crumbs.push(Crumb {
                title: s.title.clone(),
                url: s.url(),
            });
        }
        if let Some(s) = p.series {
            crumbs.push(Crumb {
                title: site.series[s].name.clone(),
                url: site.series[s].url.clone(),
            });
        }
        crumbs.push(Crumb {
            title: p.doc.front.title.clone(),
            url: p.url.clone(),
        });
        crumbs
    }

    /// A page's HTML with internal links and 文号 citations resolved.
    pub(super) fn content_of(&self, i: usize) -> String {
        let p = &self.site.pages[i];
        let content = self.site.resolve_internal_links(&p.doc.rendered.html);
        self.site.resolve_citations(&content, &p.url).into_owned()
    }
}
