//! The study pages: series of lessons and study paths (a path page also
//! prints every step's whole text).

use serde::Serialize;
use serde_json::Value;

use super::handbook::HandbookOf;
use super::views::{Crumb, Summary};
use super::Renderer;
use crate::error::Result;

#[derive(Serialize)]
pub(super) struct PathView<'a> {
    pub(super) slug: &'a str,
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) description: Option<&'a str>,
    pub(super) total: usize,
    /// Suggested study time: lesson durations, reading time for the rest.
    pub(super) total_minutes: usize,
    pub(super) kinds: Vec<&'static str>,
    pub(super) steps: Vec<PathStepView<'a>>,
}

#[derive(Serialize)]
pub(super) struct PathStepView<'a> {
    pub(super) number: usize,
    pub(super) note: Option<&'a str>,
    pub(super) page: &'a Summary,
    pub(super) minutes: usize,
    /// The step's whole text, for printing the path (path page only).
    pub(super) content: Option<String>,
}

#[derive(Serialize)]
pub(super) struct SeriesView<'a> {
    pub(super) name: &'a str,
    pub(super) url: &'a str,
    pub(super) lesson_count: usize,
    pub(super) total_minutes: u32,
    pub(super) description: String,
    pub(super) lessons: Vec<&'a Summary>,
    /// Every lesson's objectives, in lesson order, without repeats.
    pub(super) objectives: Vec<&'a str>,
}

/// Step `n`'s HTML made unique within the path page: every step has its own
/// `一、总体要求` heading, so ids and in-page links get a `s<n>-` prefix (a
/// bare `#`, a neutralised unsafe link, stays as it is).
pub(super) fn print_ids(html: &str, n: usize) -> String {
    let prefix = format!("s{n}-");
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(i) = rest.find(' ') {
        let (head, tail) = rest.split_at(i + 1);
        out.push_str(head);
        rest = tail;
        for attr in ["id=\"", "href=\"#"] {
            if let Some(value) = rest.strip_prefix(attr) {
                if !value.starts_with('"') {
                    out.push_str(attr);
                    out.push_str(&prefix);
                    rest = value;
                }
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Renderer<'_> {
    pub(super) fn path_view(&self, k: usize, with_content: bool) -> PathView<'_> {
        let site = self.site;
        let path = &site.study_paths[k];
        let mut kinds: Vec<&'static str> = Vec::new();
        let steps: Vec<PathStepView> = path
            .steps
            .iter()
            .enumerate()
            .map(|(n, step)| {
                let q = &site.pages[step.page];
                let label = q.doc.front.kind.label();
                if !kinds.contains(&label) {
                    kinds.push(label);
                }
                PathStepView {
                    number: n + 1,
                    note: step.note.as_deref(),
                    page: self.summary(step.page),
                    minutes: q
                        .doc
                        .front
                        .training
                        .duration_minutes
                        .map_or_else(|| q.doc.rendered.reading_minutes(), |m| m as usize),
                    content: with_content.then(|| print_ids(&self.content_of(step.page), n + 1)),
                }
            })
            .collect();
        PathView {
            slug: &path.slug,
            title: &path.title,
            url: &path.url,
            description: path.description.as_deref(),
            total: steps.len(),
            total_minutes: steps.iter().map(|s| s.minutes).sum(),
            kinds,
            steps,
        }
    }

    pub(super) fn paths_crumb() -> Crumb {
        Crumb {
            title: "学习路径".to_string(),
            url: "/paths/".to_string(),
        }
    }

    pub(super) fn path_list(&mut self) -> Result<()> {
        let all: Vec<PathView> = (0..self.site.study_paths.len())
            .map(|k| self.path_view(k, false))
            .collect();
        let mut ctx = self.context("/paths/", vec![Self::paths_crumb()]);
        ctx.insert("paths", &all);
        drop(all);
        self.emit("path_list.html", &ctx, "paths/index.html".to_string())
    }

    pub(super) fn one_path(&mut self, k: usize) -> Result<()> {
        let view = self.path_view(k, true);
        let url = view.url.to_string();
        let mut ctx = self.context(
            &url,
            vec![
                Self::paths_crumb(),
                Crumb {
                    title: view.title.to_string(),
                    url: url.clone(),
                },
            ],
        );
        ctx.insert("path", &view);
        drop(view);
        self.emit(
            "path.html",
            &ctx,
            format!("{}index.html", url.trim_start_matches('/')),
        )?;
        self.handbook(HandbookOf::Path(k))
    }

    pub(super) fn series_view(&self, i: usize) -> SeriesView<'_> {
        let s = &self.site.series[i];
        let lessons: Vec<&Summary> = s.lessons.iter().map(|&j| self.summary(j)).collect();
        let total_minutes = s
            .lessons
            .iter()
            .filter_map(|&j| self.site.pages[j].doc.front.training.duration_minutes)
            .sum();
        let description = s
            .lessons
            .first()
            .and_then(|&j| self.site.pages[j].doc.front.extra.get("series_description"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut objectives: Vec<&str> = Vec::new();
        for &j in &s.lessons {
            for o in &self.site.pages[j].doc.front.training.objectives {
                if !objectives.contains(&o.as_str()) {
                    objectives.push(o);
                }
            }
        }
        SeriesView {
            objectives,
            name: &s.name,
            url: &s.url,
            lesson_count: s.lessons.len(),
            total_minutes,
            description,
            lessons,
        }
    }

    pub(super) fn series_crumb() -> Crumb {
        Crumb {
            title: "专题系列".to_string(),
            url: "/series/".to_string(),
        }
    }

    pub(super) fn series_list(&mut self) -> Result<()> {
        let all: Vec<SeriesView> = (0..self.site.series.len())
            .map(|i| self.series_view(i))
            .collect();
        let mut ctx = self.context("/series/", vec![Self::series_crumb()]);
        ctx.insert("series_list", &all);
        drop(all);
        self.emit("series_list.html", &ctx, "series/index.html".to_string())
    }

    pub(super) fn one_series(&mut self, i: usize) -> Result<()> {
        let view = self.series_view(i);
        let url = view.url.to_string();
        let mut ctx = self.context(
            &url,
            vec![
                Self::series_crumb(),
                Crumb {
                    title: view.name.to_string(),
                    url: url.clone(),
                },
            ],
        );
        ctx.insert("series", &view);
        drop(view);
        self.emit(
            "series.html",
            &ctx,
            format!("{}index.html", url.trim_start_matches('/')),
        )?;
        self.handbook(HandbookOf::Series(i))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn print_ids_prefix_ids_and_in_page_links() {
        assert_eq!(
            super::print_ids(
                "<h2 id=\"一\">x</h2><a href=\"#一\">y</a><a href=\"#\">z</a><a href=\"/p/#q\">w</a>",
                2
            ),
            "<h2 id=\"s2-一\">x</h2><a href=\"#s2-一\">y</a><a href=\"#\">z</a><a href=\"/p/#q\">w</a>"
        );
    }
}
