//! Markdown to safe HTML, the Chinese way.
//!
//! The one place that owns the pulldown-cmark options. Beyond CommonMark it
//! drops soft line breaks between CJK characters (a hard-wrapped Chinese
//! paragraph must not gain spaces), understands official-document numbering
//! (一、 （一） 1． （1）) in headings and in run-in paragraphs to build a real
//! table of contents, and never lets editor Markdown inject script.
//! It does no I/O.

mod annotate;
pub mod numbering;
pub mod sanitize;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::content::text::is_cjk;
use annotate::Annotator;
use sanitize::sanitizer;

/// Characters a minute for reading-time estimates (Chinese reading speed).
pub const CHARS_PER_MINUTE: usize = 400;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 (一、) to 4 (（1）).
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Sanitized HTML.
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The visible text, blocks separated by newlines (for search and length).
    pub text: String,
    /// Plain text of the first ordinary paragraph, the summary fallback.
    pub first_paragraph: Option<String>,
    /// Non-whitespace characters of visible text.
    pub chars: usize,
    /// Every link and image in the source, in order.
    pub links: Vec<LinkRef>,
    /// 文号 written in running text, as written.
    pub citations: Vec<String>,
}

impl Rendered {
    /// The heading whose anchor is `id`.
    pub fn heading(&self, id: &str) -> Option<&TocEntry> {
        self.toc.iter().find(|t| t.id == id)
    }

    pub fn reading_minutes(&self) -> usize {
        self.chars.div_ceil(CHARS_PER_MINUTE).max(1)
    }
}

pub fn cmark_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// A link or image destination as written in the Markdown source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    /// Byte offset of the link in the Markdown text.
    pub offset: usize,
    pub image: bool,
    /// `[[target]]`: resolved by path or title by the site.
    pub wiki: bool,
}

/// `[[target]]` links are written as `@wiki/target` and resolved by the site
/// (by `section/slug` or by title, `#小节` to the heading's anchor).
pub const WIKI_LINK_PREFIX: &str = "@wiki/";

/// 文号 in running text are written as `<a class="docnum" href="@num/…">…</a>`
/// and resolved by the site: a link to the policy with that number, or
/// plain text when the site has none.
pub const CITATION_PREFIX: &str = "@num/";

/// Links to other Markdown files are written to the HTML as
/// `@/<section>/<file>.md#fragment` and turned into page URLs once the site
/// knows every page's URL (a `slug:` can change it).
pub const INTERNAL_LINK_PREFIX: &str = "@/";

/// Renders a document body. `folder` is the file's folder under `content/`
/// (`policies`), against which relative `.md` links are resolved.
pub fn render(markdown: &str, folder: &str) -> Rendered {
    let mut links = Vec::new();
    let events: Vec<Event> = Parser::new_ext(markdown, cmark_options())
        .into_offset_iter()
        .map(|(ev, range)| match ev {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let wiki = matches!(link_type, pulldown_cmark::LinkType::WikiLink { .. });
                links.push(LinkRef {
                    dest: dest_url.to_string(),
                    offset: range.start,
                    image: false,
                    wiki,
                });
                let dest_url = if wiki {
                    CowStr::from(format!("{WIKI_LINK_PREFIX}{dest_url}"))
                } else if let Some(internal) = internal_link(folder, &dest_url) {
                    CowStr::from(internal)
                } else {
                    attachment_link(folder, &dest_url).map_or(dest_url, CowStr::from)
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                links.push(LinkRef {
                    dest: dest_url.to_string(),
                    offset: range.start,
                    image: true,
                    wiki: false,
                });
                ev
            }
            ev => ev,
        })
        .collect();
    let events = merge_text(drop_cjk_soft_breaks(events));
    let mut annotator = Annotator::default();
    let out = annotator.run(events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    if annotator.has_raw_html {
        html = sanitizer().clean(&html).to_string();
    }
    let chars = annotator
        .text
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    Rendered {
        html,
        toc: annotator.toc,
        text: annotator.text,
        first_paragraph: annotator.first_paragraph,
        chars,
        links,
        citations: annotator.citations,
    }
}

/// `../cases/x.md#a` written in `policies/` -> `@/cases/x.md#a`; `None` for
/// anything that is not a relative link to a Markdown file.
pub fn internal_link(folder: &str, dest: &str) -> Option<String> {
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    if !path.ends_with(".md") || path.starts_with('/') || path.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("{INTERNAL_LINK_PREFIX}{}", parts.join("/"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// Links to a document's own files are written `@file/<path under content>`
/// and turned into the URL the file is published at by the site
/// ([`crate::content::attachment`]): a page's URL has one level more than
/// its file, so the browser would resolve them wrongly as written.
pub const FILE_LINK_PREFIX: &str = "@file/";

/// `附件1.docx` written in `policies/` -> `@file/policies/附件1.docx`; `None`
/// for anything that is not a relative link to an attachment.
pub fn attachment_link(folder: &str, dest: &str) -> Option<String> {
    if dest.starts_with('/') || !crate::content::attachment::is_attachment_link(dest) {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let joined = crate::content::attachment::join_inside(folder, path)?;
    Some(format!("{FILE_LINK_PREFIX}{joined}"))
}

/// A soft break between two CJK characters is an artefact of hard wrapping:
/// remove it; elsewhere it stays (and renders as a space).
fn drop_cjk_soft_breaks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut drop = vec![false; events.len()];
    for (i, ev) in events.iter().enumerate() {
        if !matches!(ev, Event::SoftBreak) {
            continue;
        }
        let before = events[..i].iter().rev().find_map(edge_char(true));
        let after = events[i + 1..].iter().find_map(edge_char(false));
        if let (Some(Some(a)), Some(Some(b))) = (before, after) {
            drop[i] = is_cjk(a) && is_cjk(b);
        }
    }
    events
        .into_iter()
        .zip(drop)
        .filter_map(|(e, d)| (!d).then_some(e))
        .collect()
}

/// Joins neighbouring text events: pulldown-cmark splits text at `[` and
/// where soft breaks were dropped, and a 文号 like `江组发[2019]12号` or a
/// run-in heading must be seen whole.
fn merge_text(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    for ev in events {
        match (out.last_mut(), ev) {
            (Some(Event::Text(prev)), Event::Text(next)) => {
                let mut joined = prev.to_string();
                joined.push_str(&next);
                *prev = CowStr::from(joined);
            }
            (_, ev) => out.push(ev),
        }
    }
    out
}

/// For a scan away from a soft break: `Some(Some(c))` is the neighbouring
/// character, `Some(None)` stops the scan (a block boundary), `None` skips
/// over inline markup.
fn edge_char(last: bool) -> impl Fn(&Event<'_>) -> Option<Option<char>> {
    move |ev| match ev {
        Event::Text(t) | Event::Code(t) => {
            let c = if last {
                t.chars().next_back()
            } else {
                t.chars().next()
            };
            c.map(Some)
        }
        Event::Start(tag) if is_inline(tag) => None,
        Event::End(end) if is_inline_end(end) => None,
        _ => Some(None),
    }
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }
    )
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::numbering::numbering_level;
    use super::*;
    use crate::content::docnum::find_in_text as find_doc_numbers;
    use crate::content::text::{slugify, summarize, traditional_lang};

    fn render_doc(md: &str) -> Rendered {
        render(md, "policies")
    }

    #[test]
    fn traditional_text_is_told_from_simplified() {
        assert_eq!(
            traditional_lang("社區黨組織要進一步加強對居民議事會的領導，發揮帶頭作用。"),
            Some("zh-Hant")
        );
        assert_eq!(
            traditional_lang("社区党组织要进一步加强对居民议事会的领导，发挥带头作用。"),
            None
        );
        assert_eq!(traditional_lang("短"), None);
    }

    #[test]
    fn equal_headings_get_numbered_anchors_in_linear_time() {
        let r = render_doc("## 要求\n\n## 要求-1\n\n## 要求\n\n## 要求\n");
        let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["要求", "要求-1", "要求-2", "要求-3"]);
        // Ten thousand equal headings (quadratic before: 5 s).
        let many = "## 小结\n\n".repeat(10_000);
        let r = render_doc(&many);
        let unique: HashSet<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(unique.len(), 10_000);
    }

    #[test]
    fn relative_markdown_links_become_internal_links() {
        let r = render_doc(
            "[甲](../cases/a.md#一总体要求) [乙](b.md) [丙](/cases/c/) ![图](/img/x.png)",
        );
        // (pulldown-cmark percent-encodes URLs; browsers decode them.)
        assert!(
            r.html
                .contains("href=\"@/cases/a.md#%E4%B8%80%E6%80%BB%E4%BD%93%E8%A6%81%E6%B1%82\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"@/policies/b.md\""), "{}", r.html);
        assert!(r.html.contains("href=\"/cases/c/\""), "{}", r.html);
        let dests: Vec<&str> = r.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(
            dests,
            [
                "../cases/a.md#一总体要求",
                "b.md",
                "/cases/c/",
                "/img/x.png"
            ]
        );
        assert!(r.links[3].image);
        assert_eq!(internal_link("policies", "../../x.md"), None);
    }

    #[test]
    fn doc_numbers_in_running_text_become_citations_but_not_in_code_links_or_headings() {
        let r = render_doc("依据《意见》（中组发〔2004〕25号）和江组发[2019]12号，`中组发〔2004〕25号`，[链接 中组发〔2004〕25号](/x/)\n\n## 中组发〔2004〕25号\n\n```\n中组发〔2004〕25号\n```\n");
        assert!(
            r.html.contains(
                "（<a class=\"docnum\" href=\"@num/中组发〔2004〕25号\">中组发〔2004〕25号</a>）"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(
                "）<a class=\"docnum\" href=\"@num/和江组发[2019]12号\">和江组发[2019]12号</a>，"
            ),
            "the site trims the agency: {}",
            r.html
        );
        assert_eq!(
            r.html.matches("class=\"docnum\"").count(),
            2,
            "none in code, links or headings: {}",
            r.html
        );
        assert_eq!(r.citations.len(), 2);
        assert_eq!(find_doc_numbers("2004年3月"), vec![]);
        assert_eq!(find_doc_numbers("中组发2004年25号").len(), 1);
        let t = "依据江组发[2019]12号和京组发〔2001〕3号开展";
        let cited: Vec<&str> = find_doc_numbers(t)
            .into_iter()
            .map(|(a, b)| &t[a..b])
            .collect();
        assert_eq!(cited, ["依据江组发[2019]12号", "和京组发〔2001〕3号"]);
    }

    #[test]
    fn soft_break_between_cjk_disappears_but_latin_keeps_a_space() {
        let r = render_doc("社区党组织要\n发挥作用，\n“三会一课”\n制度。party\nbuilding 工作");
        assert!(
            r.html
                .contains("社区党组织要发挥作用，“三会一课”制度。party\nbuilding"),
            "{}",
            r.html
        );
        let r = render_doc("加强**组织**\n建设");
        assert!(r.html.contains("<strong>组织</strong>建设"), "{}", r.html);
    }

    #[test]
    fn numbering_levels() {
        assert_eq!(numbering_level("一、总体要求"), Some(1));
        assert_eq!(numbering_level("十二、附则"), Some(1));
        assert_eq!(numbering_level("（一）完善组织设置。"), Some(2));
        assert_eq!(numbering_level("(三)加强"), Some(2));
        assert_eq!(numbering_level("1．建立台账"), Some(3));
        assert_eq!(numbering_level("12、建立台账"), Some(3));
        assert_eq!(numbering_level("（1）按月"), Some(4));
        assert_eq!(numbering_level("2024年3月"), None);
        assert_eq!(numbering_level("3.5万名党员"), None);
        assert_eq!(numbering_level("一些社区"), None);
        assert_eq!(numbering_level("（注：略）"), None);
    }

    #[test]
    fn official_numbering_makes_a_toc_from_plain_paragraphs() {
        let md = "前言。\n\n一、总体要求\n\n（一）牢固树立新观念。思想是行动的先导。\n\n1．建立台账。每月更新。\n\n（1）按月报送\n\n## 二、主要措施\n\n### 二、主要措施\n";
        let r = render_doc(&format!(
            "{md}\n2．遵守纪律，品行端正，热心社区工作，服从组织安排；\n"
        ));
        let toc: Vec<(u8, &str, &str)> = r
            .toc
            .iter()
            .map(|t| (t.level, t.id.as_str(), t.title.as_str()))
            .collect();
        assert_eq!(
            toc,
            vec![
                (1, "一总体要求", "一、总体要求"),
                (2, "一牢固树立新观念", "（一）牢固树立新观念"),
                (3, "1建立台账", "1．建立台账"),
                (4, "1按月报送", "（1）按月报送"),
                (1, "二主要措施", "二、主要措施"),
                (1, "二主要措施-1", "二、主要措施"),
                (3, "2遵守纪律", "2．遵守纪律"),
            ]
        );
        assert!(
            r.html
                .contains("<h2 id=\"一总体要求\" class=\"doc-heading\">一、总体要求</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<p id=\"一牢固树立新观念\" class=\"numbered numbered-2\"><strong class=\"run-in\">（一）牢固树立新观念。</strong>思想是行动的先导。</p>"), "{}", r.html);
        assert!(
            r.html
                .contains("<p id=\"2遵守纪律\" class=\"numbered numbered-3\">2．遵守纪律，"),
            "{}",
            r.html
        );
        assert_eq!(r.first_paragraph.as_deref(), Some("前言。"));
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let r = render_doc("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[点我](javascript:alert(1)) <a href=\"javascript:alert(2)\">x</a>\n\n## 标题 {#t onclick=alert(1)}\n");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onerror"), "{}", r.html);
        assert!(!r.html.contains("onclick"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    #[test]
    fn tables_footnotes_and_task_lists_render() {
        let r = render_doc("| 年份 | 党员 |\n|:--|--:|\n| 2023 | 120 |\n\n正文[^1]\n\n[^1]: 数据来源。\n\n- [x] 完成\n");
        assert!(r.html.contains("<table>"), "{}", r.html);
        assert!(r.html.contains("footnote-reference"), "{}", r.html);
        assert!(r.html.contains("type=\"checkbox\""), "{}", r.html);
    }

    #[test]
    fn reading_time_counts_characters() {
        let r = render_doc(&"字".repeat(801));
        assert_eq!(r.chars, 801);
        assert_eq!(r.reading_minutes(), 3);
    }

    #[test]
    fn summaries_end_at_a_sentence() {
        let text = format!("{}。{}", "甲".repeat(30), "乙".repeat(100));
        assert_eq!(summarize(&text, 50), format!("{}。", "甲".repeat(30)));
        assert_eq!(summarize("短句。", 50), "短句。");
    }

    #[test]
    fn slugs_keep_chinese() {
        assert_eq!(slugify("一、总体要求"), "一总体要求");
        assert_eq!(slugify("Party Building 2024"), "party-building-2024");
        assert_eq!(slugify("？！"), "section");
    }
}
