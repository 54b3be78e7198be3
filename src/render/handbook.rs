//! 学习手册: a study path or a training series as one printable document —
//! cover, table of contents, each step's text and self-test, and the answer
//! key at the end (`/paths/<slug>/handbook/`, `/series/<slug>/handbook/`).
//! `zhiku print` turns it into a PDF with the contents' page numbers.

use serde::Serialize;

use super::quiz::QuestionView;
use super::study::print_ids;
use super::Renderer;
use crate::error::Result;

/// The folder under a path's or a series' URL that holds its handbook.
pub const HANDBOOK_DIR: &str = "handbook/";

#[derive(Serialize)]
struct Handbook<'a> {
    title: &'a str,
    /// `学习路径` or `培训系列`.
    kind_label: &'static str,
    /// The path's or series' page.
    url: &'a str,
    /// The newest date among the steps: what the handbook is current to.
    date: String,
    total_minutes: usize,
    has_quiz: bool,
    steps: Vec<Step<'a>>,
}

#[derive(Serialize)]
struct Step<'a> {
    number: usize,
    /// `step-<n>`: the contents link here, and `zhiku print` finds the page.
    id: String,
    title: &'a str,
    kind_label: &'static str,
    doc_number: Option<&'a str>,
    /// `内部资料` for an internal document (members' builds only).
    audience_label: Option<&'static str>,
    note: Option<&'a str>,
    minutes: usize,
    url: &'a str,
    content: String,
    quiz: Vec<QuestionView<'a>>,
}

/// What a handbook is of: a study path or a series, by index.
#[derive(Debug, Clone, Copy)]
pub(super) enum HandbookOf {
    Path(usize),
    Series(usize),
}

impl Renderer<'_> {
    pub(super) fn handbook(&mut self, of: HandbookOf) -> Result<()> {
        let site = self.site;
        let (title, url, kind_label, pages, notes): (
            &str,
            &str,
            &str,
            Vec<usize>,
            Vec<Option<&str>>,
        ) = match of {
            HandbookOf::Path(k) => {
                let p = &site.study_paths[k];
                (
                    &p.title,
                    &p.url,
                    "学习路径",
                    p.steps.iter().map(|s| s.page).collect(),
                    p.steps.iter().map(|s| s.note.as_deref()).collect(),
                )
            }
            HandbookOf::Series(i) => {
                let s = &site.series[i];
                (
                    &s.name,
                    &s.url,
                    "培训系列",
                    s.lessons.clone(),
                    vec![None; s.lessons.len()],
                )
            }
        };
        let steps: Vec<Step> = pages
            .iter()
            .zip(notes)
            .enumerate()
            .map(|(n, (&j, note))| {
                let page = &site.pages[j];
                let f = &page.doc.front;
                let mut quiz = super::quiz::questions(site, page);
                // The step's headings carry a prefix here (see `print_ids`),
                // and "this page" is one part of the handbook.
                for q in &mut quiz {
                    if let Some(anchor) = q.source_href.as_deref().and_then(|h| h.strip_prefix('#'))
                    {
                        q.source_href = Some(format!("#s{}-{anchor}", n + 1));
                        q.source_label = q.source_label.as_deref().map(|l| {
                            l.replacen(super::quiz::THIS_PAGE, &format!("第 {} 部分", n + 1), 1)
                        });
                    }
                }
                Step {
                    number: n + 1,
                    id: format!("step-{}", n + 1),
                    title: &f.title,
                    kind_label: f.kind.label(),
                    doc_number: f.policy.doc_number.as_deref(),
                    audience_label: (page.audience == crate::content::model::Audience::Internal)
                        .then(|| page.audience.label()),
                    note,
                    minutes: f
                        .training
                        .duration_minutes
                        .map_or_else(|| page.doc.rendered.reading_minutes(), |m| m as usize),
                    url: &page.url,
                    content: print_ids(&self.content_of(j), n + 1),
                    quiz,
                }
            })
            .collect();
        let date = pages
            .iter()
            .map(|&j| {
                let f = &site.pages[j].doc.front;
                f.updated.unwrap_or(f.date)
            })
            .max()
            .map(|d| d.to_string())
            .unwrap_or_default();
        let handbook = Handbook {
            title,
            kind_label,
            url,
            date,
            total_minutes: steps.iter().map(|s| s.minutes).sum(),
            has_quiz: steps.iter().any(|s| !s.quiz.is_empty()),
            steps,
        };
        let own = format!("{url}{HANDBOOK_DIR}");
        let mut ctx = self.context(&own, Vec::new());
        ctx.insert("handbook", &handbook);
        drop(handbook);
        self.emit(
            "handbook.html",
            &ctx,
            format!("{}index.html", own.trim_start_matches('/')),
        )
    }
}
