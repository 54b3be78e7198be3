//! The pass over pulldown-cmark's events that makes the Chinese page:
//! heading anchors and the table of contents (official numbering included),
//! 文号 citations, the visible text and the first paragraph.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::numbering::{numbering_level, run_in_head, toc_title};
use super::sanitize::sanitize_tag;
use super::{TocEntry, CITATION_PREFIX};
use crate::content::docnum;
use crate::content::text::{escape_html, slugify};

#[derive(Default)]
pub(super) struct Annotator {
    /// Inside a link or a code block, or in a heading: no 文号 links there.
    pub(super) link_depth: usize,
    pub(super) in_code: bool,
    pub(super) in_heading: bool,
    pub(super) toc: Vec<TocEntry>,
    pub(super) ids: HashSet<String>,
    /// The next `-n` to try for an anchor already taken: without it, N equal
    /// headings cost N² probes (10,000 took seconds).
    pub(super) next_suffix: HashMap<String, usize>,
    pub(super) text: String,
    pub(super) first_paragraph: Option<String>,
    pub(super) has_raw_html: bool,
    pub(super) citations: Vec<String>,
}

impl Annotator {
    fn unique_id(&mut self, base: &str) -> String {
        if self.ids.insert(base.to_string()) {
            return base.to_string();
        }
        let n = self.next_suffix.entry(base.to_string()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    pub(super) fn run<'a>(&mut self, events: Vec<Event<'a>>) -> Vec<Event<'a>> {
        let mut out = Vec::with_capacity(events.len() + 16);
        let mut depth = 0usize;
        let mut iter = events.into_iter();
        while let Some(ev) = iter.next() {
            match ev {
                Event::Start(Tag::Heading {
                    level, id, classes, ..
                }) => {
                    let inner = take_until_end(&mut iter);
                    let title = inline_text(&inner);
                    let toc_level = numbering_level(&title).unwrap_or(match level {
                        HeadingLevel::H1 | HeadingLevel::H2 => 1,
                        HeadingLevel::H3 => 2,
                        HeadingLevel::H4 => 3,
                        _ => 4,
                    });
                    let base = id.map(|i| i.to_string()).unwrap_or_else(|| slugify(&title));
                    let anchor = self.unique_id(&base);
                    let class_attr = if classes.is_empty() {
                        String::new()
                    } else {
                        let joined: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                        format!(" class=\"{}\"", escape_html(&joined.join(" ")))
                    };
                    let n = heading_number(level);
                    out.push(Event::Html(
                        format!("<h{n} id=\"{}\"{class_attr}>", escape_html(&anchor)).into(),
                    ));
                    self.in_heading = true;
                    self.push_inline(&mut out, inner, false);
                    self.in_heading = false;
                    out.push(Event::Html(format!("</h{n}>\n").into()));
                    self.text.push_str(&title);
                    self.text.push('\n');
                    self.toc.push(TocEntry {
                        level: toc_level,
                        id: anchor,
                        title,
                    });
                }
                Event::Start(Tag::Paragraph) if depth == 0 => {
                    let inner = take_until_end(&mut iter);
                    let text = inline_text(&inner);
                    self.text.push_str(&text);
                    self.text.push('\n');
                    match numbering_level(&text) {
                        Some(level) => self.numbered_paragraph(&mut out, level, &text, inner),
                        None => {
                            if self.first_paragraph.is_none() && !text.trim().is_empty() {
                                self.first_paragraph = Some(text.trim().to_string());
                            }
                            out.push(Event::Start(Tag::Paragraph));
                            self.push_inline(&mut out, inner, false);
                            out.push(Event::End(TagEnd::Paragraph));
                        }
                    }
                }
                Event::Start(tag) => {
                    self.note_start(&tag);
                    if is_container(&tag) {
                        depth += 1;
                    }
                    if let Tag::HtmlBlock = tag {
                        self.has_raw_html = true;
                    }
                    out.push(Event::Start(sanitize_tag(tag)));
                }
                Event::End(end) => {
                    self.note_end(&end);
                    if is_container_end(&end) {
                        depth = depth.saturating_sub(1);
                    }
                    if is_block_end(&end) {
                        self.text.push('\n');
                    }
                    out.push(Event::End(end));
                }
                other => self.push_inline(&mut out, vec![other], true),
            }
        }
        out
    }

    /// Pushes inline events, sanitizing links and noting text and raw HTML.
    /// `collect` is false where the caller already took the text whole.
    fn push_inline<'a>(&mut self, out: &mut Vec<Event<'a>>, events: Vec<Event<'a>>, collect: bool) {
        for ev in events {
            match ev {
                Event::Start(tag) => {
                    self.note_start(&tag);
                    out.push(Event::Start(sanitize_tag(tag)));
                }
                Event::End(end) => {
                    self.note_end(&end);
                    out.push(Event::End(end));
                }
                Event::Html(_) | Event::InlineHtml(_) => {
                    self.has_raw_html = true;
                    out.push(ev);
                }
                Event::Text(t) => {
                    if collect {
                        self.text.push_str(&t);
                    }
                    self.push_text(out, t);
                }
                Event::Code(ref t) if collect => {
                    self.text.push_str(t);
                    out.push(ev);
                }
                other => out.push(other),
            }
        }
    }

    fn note_start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Link { .. } => self.link_depth += 1,
            Tag::CodeBlock(_) => self.in_code = true,
            _ => {}
        }
    }

    fn note_end(&mut self, end: &TagEnd) {
        match end {
            TagEnd::Link => self.link_depth = self.link_depth.saturating_sub(1),
            TagEnd::CodeBlock => self.in_code = false,
            _ => {}
        }
    }

    /// Text, with every 文号 in it wrapped in a citation placeholder that the
    /// site turns into a link to the policy (or back into text).
    fn push_text<'a>(&mut self, out: &mut Vec<Event<'a>>, text: CowStr<'a>) {
        if self.link_depth > 0 || self.in_code || self.in_heading {
            out.push(Event::Text(text));
            return;
        }
        let found = docnum::find_in_text(&text);
        if found.is_empty() {
            out.push(Event::Text(text));
            return;
        }
        let mut pos = 0;
        for (from, to) in found {
            if from > pos {
                out.push(Event::Text(CowStr::from(text[pos..from].to_string())));
            }
            let cited = &text[from..to];
            self.citations.push(cited.to_string());
            out.push(Event::Html(
                format!(
                    "<a class=\"docnum\" href=\"{CITATION_PREFIX}{}\">{}</a>",
                    escape_html(cited),
                    escape_html(cited)
                )
                .into(),
            ));
            pos = to;
        }
        if pos < text.len() {
            out.push(Event::Text(CowStr::from(text[pos..].to_string())));
        }
    }

    fn numbered_paragraph<'a>(
        &mut self,
        out: &mut Vec<Event<'a>>,
        level: u8,
        text: &str,
        mut inner: Vec<Event<'a>>,
    ) {
        let (head, has_rest) = run_in_head(text);
        let ends_sentence = text.trim_end().ends_with(['。', '；', '！', '？']);
        // `一、总体要求` alone is a heading; `1．遵纪守法，品行端正；` is an item.
        let standalone =
            !has_rest && !ends_sentence && !head.contains('，') && head.chars().count() <= 30;
        let title = toc_title(head);
        let id = self.unique_id(&slugify(&title));
        self.toc.push(TocEntry {
            level,
            id: id.clone(),
            title,
        });
        if standalone {
            // A number and a short title alone in a paragraph is a heading:
            // give it a real heading element so outlines and screen readers see it.
            let n = level + 1;
            out.push(Event::Html(
                format!("<h{n} id=\"{}\" class=\"doc-heading\">", escape_html(&id)).into(),
            ));
            self.in_heading = true;
            self.push_inline(out, inner, false);
            self.in_heading = false;
            out.push(Event::Html(format!("</h{n}>\n").into()));
            return;
        }
        out.push(Event::Html(
            format!(
                "<p id=\"{}\" class=\"numbered numbered-{level}\">",
                escape_html(&id)
            )
            .into(),
        ));
        // Bold the run-in heading when it lies inside the first text run.
        if let (true, Some(Event::Text(first))) = (has_rest, inner.first()) {
            if let Some(i) = first.find(['。', '；', '：', '！', '？']) {
                let end = i + first[i..].chars().next().map_or(0, char::len_utf8);
                let (h, rest) = (first[..end].to_string(), first[end..].to_string());
                inner.remove(0);
                out.push(Event::Html("<strong class=\"run-in\">".into()));
                out.push(Event::Text(CowStr::from(h)));
                out.push(Event::Html("</strong>".into()));
                if !rest.is_empty() {
                    out.push(Event::Text(CowStr::from(rest)));
                }
            }
        }
        self.push_inline(out, inner, false);
        out.push(Event::Html("</p>\n".into()));
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Collects the events up to the end of the element just opened (exclusive).
fn take_until_end<'a>(iter: &mut impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut depth = 0usize;
    let mut inner = Vec::new();
    for ev in iter.by_ref() {
        match &ev {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        inner.push(ev);
    }
    inner
}

fn inline_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for ev in events {
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn is_container(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::HtmlBlock
    )
}

fn is_container_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::HtmlBlock
    )
}

fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::TableRow
            | TagEnd::CodeBlock
            | TagEnd::BlockQuote(_)
    )
}
