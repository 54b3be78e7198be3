//! The import's cleaning steps between a reader's [`Extracted`] document
//! and the Markdown writer (tidying, web page furniture, the title, numbered
//! runs, picture files), each recording what it removed and why.

use chrono::NaiveDate;

use super::{chrome, tidy, IMAGE_DIR};
use crate::extract::{self, Block, Extracted, Paragraph, Removed};

/// A document on its way from the reader to Markdown.
pub(super) struct Draft {
    pub(super) blocks: Vec<Block>,
    pub(super) media: Vec<extract::Media>,
    pub(super) footnotes: Vec<extract::Footnote>,
    pub(super) title_hint: Option<String>,
    pub(super) removed: Vec<Removed>,
    pub(super) warnings: Vec<String>,
    pub(super) published: Option<NaiveDate>,
    pub(super) source: Option<String>,
    pub(super) author: Option<String>,
}

impl Draft {
    pub(super) fn new(ex: Extracted) -> Draft {
        Draft {
            blocks: ex.blocks,
            media: ex.media,
            footnotes: ex.footnotes,
            title_hint: ex.title_hint.map(|t| site_free_title(&t)),
            removed: ex.removed,
            warnings: ex.warnings,
            published: None,
            source: None,
            author: None,
        }
    }

    fn paragraphs_mut(&mut self) -> impl Iterator<Item = &mut Paragraph> {
        self.blocks.iter_mut().filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            _ => None,
        })
    }

    /// Pinyin annotations (when the document has them throughout),
    /// punctuation and width.
    pub(super) fn tidy(&mut self) {
        let annotations: usize = self
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some(tidy::count_annotations(&p.text())),
                _ => None,
            })
            .sum();
        let strip = annotations >= 3;
        let mut removed = Vec::new();
        for p in self.paragraphs_mut() {
            for span in &mut p.spans {
                if strip {
                    let (text, gone) = tidy::strip_annotations(&span.text);
                    span.text = text;
                    removed.extend(gone);
                }
                span.text = tidy::normalize_punctuation(&span.text);
            }
        }
        for rows in self.blocks.iter_mut().filter_map(|b| match b {
            Block::Table(rows) => Some(rows),
            _ => None,
        }) {
            for cell in rows.iter_mut().flatten() {
                *cell = tidy::normalize_punctuation(cell);
            }
        }
        if !removed.is_empty() {
            self.removed.push(Removed {
                text: removed.join(" "),
                reason: format!("pinyin annotations ({} removed)", removed.len()),
            });
        }
    }

    /// Furniture lines; an info line gives the date and source first; the
    /// items of a related-articles list go with its heading; a site name
    /// above the title goes.
    pub(super) fn strip_chrome(&mut self) {
        let mut keep = Vec::with_capacity(self.blocks.len());
        let mut in_list = false;
        let mut before_text = true;
        for block in std::mem::take(&mut self.blocks) {
            let Block::Paragraph(p) = &block else {
                in_list = false;
                keep.push(block);
                continue;
            };
            let text = p.text();
            let t = text.trim();
            let reason = chrome::classify(t)
                .or_else(|| {
                    (in_list && chrome::is_list_item(t))
                        .then_some("related-article and hot-tag lists")
                })
                .or_else(|| (before_text && chrome::is_site_name(t)).then_some("site name"));
            match reason {
                Some(reason) => {
                    if reason == "article info line" {
                        let info = chrome::info_fields(t);
                        self.published = self.published.or(info.date);
                        self.source = self.source.take().or(info.source);
                        self.author = self.author.take().or(info.author);
                    }
                    in_list = reason == "related-article and hot-tag lists";
                    self.removed.push(Removed {
                        text: t.to_string(),
                        reason: reason.to_string(),
                    });
                }
                None => {
                    in_list = false;
                    before_text = false;
                    keep.push(block);
                }
            }
        }
        self.blocks = keep;
    }

    /// A page whose title is in its `<title>` but in no `<h1>`: the line
    /// that says the same is the title (what stands above it, the banner).
    pub(super) fn title_from_hint(&mut self) {
        let Some(hint) = self.title_hint.clone() else {
            return;
        };
        let first_30 = || self.blocks.iter().take(30);
        if first_30().any(|b| matches!(b, Block::Paragraph(p) if p.heading == Some(1))) {
            return;
        }
        let at =
            first_30().position(|b| matches!(b, Block::Paragraph(p) if p.text().trim() == hint));
        if let Some(Block::Paragraph(p)) = at.and_then(|i| self.blocks.get_mut(i)) {
            p.heading = Some(1);
        }
    }

    /// A 密级 or a disclosure class other than 主动公开 is stated: a public
    /// portal must not carry the document, so the editor is told.
    pub(super) fn warn_on_disclosure(&mut self) {
        const MARKS: &[(&str, &str)] = &[
            ("绝密", "classified (密级)"),
            ("机密", "classified (密级)"),
            ("秘密", "classified (密级)"),
            ("依申请公开", "disclosed on request only (依申请公开)"),
            ("不予公开", "not to be disclosed (不予公开)"),
            ("内部资料", "internal material (内部资料)"),
            ("内部学习资料", "internal material (内部资料)"),
            ("内部文件", "internal material (内部资料)"),
        ];
        let short_lines = self
            .removed
            .iter()
            .map(|r| r.text.clone())
            .chain(self.blocks.iter().filter_map(|b| match b {
                Block::Paragraph(p) => Some(p.text()),
                _ => None,
            }))
            .filter(|t| t.chars().count() <= 30)
            .collect::<Vec<_>>();
        for (mark, what) in MARKS {
            if let Some(line) = short_lines.iter().find(|t| t.contains(mark)) {
                self.warnings.push(format!(
                    "the document is marked \"{}\": {what}; a public portal carries only documents \
                     marked 主动公开 (or declassified): publish it only if that has changed",
                    line.trim()
                ));
                break;
            }
        }
    }

    pub(super) fn split_numbered_runs(&mut self) {
        let mut out = Vec::with_capacity(self.blocks.len());
        for block in std::mem::take(&mut self.blocks) {
            match block {
                Block::Paragraph(p) if p.spans.len() == 1 && p.heading.is_none() => {
                    let parts = tidy::split_numbered_run(&p.spans[0].text);
                    if parts.len() == 1 {
                        out.push(Block::Paragraph(p));
                        continue;
                    }
                    for part in parts {
                        let mut q = p.clone();
                        q.spans[0].text = part;
                        out.push(Block::Paragraph(q));
                    }
                }
                b => out.push(b),
            }
        }
        self.blocks = out;
    }

    /// Site-relative paths for the pictures the body shows, and the URL each
    /// picture gets (`None`: not shown, e.g. SVG, which could carry script).
    pub(super) fn picture_paths(
        &mut self,
        slug: &str,
    ) -> (Vec<Option<String>>, Vec<(String, usize)>) {
        let mut urls = Vec::new();
        let mut files = Vec::new();
        let mut names = std::collections::HashSet::new();
        for (i, m) in self.media.iter().enumerate() {
            let ext = m
                .name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            if !matches!(
                ext.as_str(),
                "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp"
            ) {
                self.warnings.push(format!(
                    "picture {} ({}) left out: only PNG, JPEG, GIF, WebP and BMP are published; convert it and add it by hand",
                    m.name,
                    if ext.is_empty() { "no type" } else { &ext }
                ));
                urls.push(None);
                continue;
            }
            let stem: String = m
                .name
                .rsplit_once('.')
                .map(|(s, _)| s)
                .unwrap_or("image")
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let mut name = format!("{stem}.{ext}");
            let mut n = 2;
            while !names.insert(name.clone()) {
                name = format!("{stem}-{n}.{ext}");
                n += 1;
            }
            urls.push(Some(format!("/{IMAGE_DIR}/{slug}/{name}")));
            files.push((format!("static/{IMAGE_DIR}/{slug}/{name}"), i));
        }
        (urls, files)
    }
}

/// A page title without the site's name (`青川党建网 - 标题` -> `标题`).
fn site_free_title(title: &str) -> String {
    let parts: Vec<&str> = title
        .split([' ', '_', '|', '｜', '—', '-'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts
        .iter()
        .filter(|p| !chrome::is_site_name(p))
        .max_by_key(|p| p.chars().count())
        .map(|p| p.to_string())
        .unwrap_or_else(|| title.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_names_leave_page_titles() {
        assert_eq!(
            site_free_title("青川党建网 - 锦绣社区党员责任区"),
            "锦绣社区党员责任区"
        );
    }
}
