//! Saved web pages. The article is what is left when the page furniture is
//! gone: navigation, headers and footers outside the article, sidebars,
//! comment forms, share bars, related-article and hot-tag lists. Furniture is
//! recognised by element (`nav`, `aside`, `form`) and by the class and id
//! words CMSs give it (`breadcrumb`, `related`, `comment`, `copyright`…),
//! never when the element holds most of the page's text (ASP.NET wraps whole
//! pages in a `<form>`). What is dropped is listed in `removed`.
//!
//! Old government sites lay pages out with nested tables: a table with
//! tables or paragraphs inside its cells is layout and is read as blocks; a
//! plain grid of short cells is data and becomes a table.

use std::path::Path;

use base64::Engine as _;
use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};

use super::{collapse_space, plain, Align, Block, Extracted, Media, Paragraph, Removed, Span};

/// Class or id words that mark page furniture, with the reason reported.
const CHROME_WORDS: &[(&str, &str)] = &[
    ("nav", "navigation"),
    ("navbar", "navigation"),
    ("menu", "navigation"),
    ("topbar", "navigation"),
    ("breadcrumb", "breadcrumb"),
    ("breadcrumbs", "breadcrumb"),
    ("crumb", "breadcrumb"),
    ("crumbs", "breadcrumb"),
    ("position", "breadcrumb"),
    ("location", "breadcrumb"),
    ("footer", "page footer"),
    ("foot", "page footer"),
    ("copyright", "copyright"),
    ("related", "related articles"),
    ("relate", "related articles"),
    ("recommend", "related articles"),
    ("guess", "related articles"),
    ("comment", "comments"),
    ("comments", "comments"),
    ("reply", "comments"),
    ("share", "share buttons"),
    ("sharing", "share buttons"),
    ("bdshare", "share buttons"),
    ("hot", "hot lists"),
    ("hotwords", "hot lists"),
    ("hottags", "hot lists"),
    ("tags", "hot lists"),
    ("sidebar", "sidebar"),
    ("aside", "sidebar"),
    ("banner", "banner"),
    ("ad", "advertisement"),
    ("ads", "advertisement"),
    ("advert", "advertisement"),
    ("login", "login box"),
    ("search", "search box"),
    ("toolbar", "toolbar"),
    ("tools", "toolbar"),
    ("print", "toolbar"),
    ("uploader", "upload banner"),
    ("upload", "upload banner"),
    ("download", "upload banner"),
    ("report", "upload banner"),
    ("pager", "page markers"),
    ("pagination", "page markers"),
    ("prevnext", "page markers"),
];

/// Elements that never hold article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "button", "select",
    "input", "textarea", "object", "embed", "video", "audio", "head", "link", "meta",
];

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "dl",
    "dt",
    "dd",
    "header",
    "footer",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "address",
    "center",
    "form",
    "hr",
    "body",
    "caption",
];

pub fn read(bytes: &[u8], path: &Path) -> super::Result<Extracted> {
    let text = decode(bytes);
    let html = Html::parse_document(&text);
    let mut reader = Reader {
        base_dir: path.parent().map(Path::to_path_buf),
        out: Extracted::default(),
        para: Paragraph::default(),
        page_chars: 0,
    };
    reader.out.title_hint = html
        .select(&selector("meta[property='og:title']"))
        .find_map(|m| m.value().attr("content").map(collapse_space))
        .or_else(|| {
            html.select(&selector("title"))
                .next()
                .map(|t| collapse_space(&t.text().collect::<String>()))
        })
        .filter(|t| !t.is_empty());
    let body = html
        .select(&selector("body"))
        .next()
        .unwrap_or_else(|| html.root_element());
    reader.page_chars = text_len(body);
    reader.walk(*body, Style::default());
    reader.flush();
    Ok(reader.out)
}

fn selector(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).expect("static selector")
}

/// The page's declared charset (`<meta charset>` or `http-equiv`), else the
/// text decoder's detection.
fn decode(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(4096)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    if let Some(i) = lower.find("charset=") {
        let rest = &lower[i + 8..];
        let label: String = rest
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) {
            let enc = if enc == encoding_rs::GBK {
                encoding_rs::GB18030
            } else {
                enc
            };
            return enc.decode(bytes).0.into_owned();
        }
    }
    plain::decode(bytes).0
}

fn text_len(el: ElementRef<'_>) -> usize {
    el.text().map(|t| t.trim().chars().count()).sum()
}

#[derive(Debug, Clone, Default)]
struct Style {
    bold: bool,
    italic: bool,
    link: Option<String>,
    /// Inside `<article>` or `<main>`: headers and footers there belong to it.
    in_article: bool,
    pre: bool,
    /// `align="center"` or `text-align: center` on the nearest block.
    align: Align,
}

struct Reader {
    base_dir: Option<std::path::PathBuf>,
    out: Extracted,
    para: Paragraph,
    page_chars: usize,
}

impl Reader {
    fn flush(&mut self) {
        let mut para = std::mem::take(&mut self.para);
        for s in &mut para.spans {
            s.text = collapse_space(&s.text);
        }
        // Spaces between spans: keep one where Latin text meets.
        para.spans
            .retain(|s| !s.text.is_empty() || s.note.is_some());
        if !para.text().trim().is_empty() {
            self.out.blocks.push(Block::Paragraph(para));
        }
    }

    fn push_text(&mut self, text: &str, style: &Style) {
        if text.is_empty() {
            return;
        }
        if self.para.spans.is_empty() {
            self.para.align = style.align;
        }
        let span = Span {
            text: text.to_string(),
            bold: style.bold,
            italic: style.italic,
            note: None,
            link: style.link.clone(),
        };
        if let Some(last) = self.para.spans.last_mut() {
            if last.bold == span.bold && last.italic == span.italic && last.link == span.link {
                last.text.push_str(&span.text);
                return;
            }
            // A space at a span's edge would be lost to trimming.
            if span.text.starts_with(char::is_whitespace) && !last.text.ends_with(' ') {
                last.text.push(' ');
            }
        }
        self.para.spans.push(span);
    }

    fn chrome(&self, el: ElementRef<'_>, style: &Style) -> Option<&'static str> {
        let name = el.value().name();
        let by_tag = match name {
            "nav" => Some("navigation"),
            "aside" => Some("sidebar"),
            "form" => Some("form (comments, search)"),
            "header" if !style.in_article => Some("page header"),
            "footer" if !style.in_article => Some("page footer"),
            _ => None,
        };
        let by_words = || {
            let mut words = el
                .value()
                .attr("class")
                .into_iter()
                .chain(el.value().attr("id"))
                .flat_map(|v| v.split(|c: char| !c.is_ascii_alphanumeric()))
                .map(str::to_ascii_lowercase);
            words.find_map(|w| {
                CHROME_WORDS
                    .iter()
                    .find(|(word, _)| *word == w)
                    .map(|(_, why)| *why)
            })
        };
        let reason = by_tag.or_else(by_words)?;
        // Never the element that holds the article.
        let share = text_len(el) * 10;
        if name != "nav" && share > self.page_chars * 4 {
            return None;
        }
        Some(reason)
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, style: Style) {
        for child in node.children() {
            match child.value() {
                Node::Text(t) => {
                    let text: &str = t;
                    if style.pre {
                        for (i, line) in text.split('\n').enumerate() {
                            if i > 0 {
                                self.flush();
                            }
                            self.push_text(line, &style);
                        }
                    } else {
                        self.push_text(text, &style);
                    }
                }
                Node::Element(_) => {
                    let Some(el) = ElementRef::wrap(child) else {
                        continue;
                    };
                    self.element(el, &style);
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, el: ElementRef<'_>, style: &Style) {
        let name = el.value().name();
        if SKIPPED.contains(&name) {
            return;
        }
        if let Some(reason) = self.chrome(el, style) {
            self.flush();
            let text = collapse_space(&el.text().collect::<Vec<_>>().join(" "));
            if !text.is_empty() {
                self.out.removed.push(Removed {
                    text,
                    reason: reason.into(),
                });
            }
            return;
        }
        let block = BLOCKS.contains(&name);
        if block {
            self.flush();
        }
        let mut inner = style.clone();
        match name {
            "br" => {
                self.flush();
                return;
            }
            "hr" => {
                self.out.blocks.push(Block::Rule);
                return;
            }
            "img" => {
                self.image(el);
                return;
            }
            "table" if is_link_table(el) => {
                self.out.removed.push(Removed {
                    text: collapse_space(&el.text().collect::<Vec<_>>().join(" ")),
                    reason: "navigation".into(),
                });
                return;
            }
            "table" if is_data_table(el) => {
                self.out.blocks.push(Block::Table(table_rows(el)));
                return;
            }
            "b" | "strong" => inner.bold = true,
            "i" | "em" => inner.italic = true,
            "a" => {
                inner.link = el
                    .value()
                    .attr("href")
                    .filter(|h| h.starts_with("http://") || h.starts_with("https://"))
                    .map(str::to_string);
            }
            "article" | "main" => inner.in_article = true,
            "pre" => inner.pre = true,
            // Old pages set their titles in `<font size=5>`.
            "font"
                if el
                    .value()
                    .attr("size")
                    .and_then(|v| v.trim().parse::<i32>().ok())
                    .is_some_and(|n| n >= 5) =>
            {
                inner.bold = true
            }
            _ => {}
        }
        if block {
            if let Some(align) = declared_align(el) {
                inner.align = align;
            }
        }
        if let Some(level) = heading_level(name) {
            self.para.heading = Some(level);
        }
        self.walk(*el, inner);
        if block {
            self.flush();
        }
    }

    fn image(&mut self, el: ElementRef<'_>) {
        let alt = el.value().attr("alt").unwrap_or("").trim().to_string();
        let Some(src) = el.value().attr("src").map(str::trim) else {
            return;
        };
        // Tracking pixels and spacer GIFs are not pictures.
        let tiny = ["width", "height"].iter().any(|a| {
            el.value()
                .attr(a)
                .and_then(|v| v.trim_end_matches("px").parse::<u32>().ok())
                .is_some_and(|v| v <= 2)
        });
        if tiny {
            return;
        }
        let (name, bytes) = if let Some(data) = src.strip_prefix("data:") {
            let Some((meta, payload)) = data.split_once(',') else {
                return;
            };
            let ext = meta
                .strip_prefix("image/")
                .and_then(|m| m.split(';').next())
                .unwrap_or("png")
                .replace("jpeg", "jpg")
                .replace("svg+xml", "svg");
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(payload.trim()) else {
                return;
            };
            (format!("image.{ext}"), bytes)
        } else if src.starts_with("http://") || src.starts_with("https://") || src.starts_with("//")
        {
            self.out.warnings.push(format!(
                "picture {src} is on the web, not saved with the page: save the page \
                 completely (with its _files folder) to import the picture"
            ));
            return;
        } else {
            let decoded =
                percent_encoding::percent_decode_str(src.split(['?', '#']).next().unwrap_or(""))
                    .decode_utf8_lossy()
                    .to_string();
            let local = self.base_dir.as_ref().map(|d| d.join(&decoded));
            match local.as_ref().and_then(|p| std::fs::read(p).ok()) {
                Some(bytes) => (
                    decoded.rsplit('/').next().unwrap_or("image").to_string(),
                    bytes,
                ),
                None => {
                    self.out
                        .warnings
                        .push(format!("picture {decoded} was not found beside the page"));
                    return;
                }
            }
        };
        self.flush();
        self.out.media.push(Media { name, bytes });
        self.out.blocks.push(Block::Image {
            media: self.out.media.len() - 1,
            alt,
        });
    }
}

/// The alignment a block declares (`align="center"`, `style="text-align:
/// center"`).
fn declared_align(el: ElementRef<'_>) -> Option<Align> {
    let style = el
        .value()
        .attr("style")
        .map(|s| s.to_ascii_lowercase().replace(' ', ""))
        .unwrap_or_default();
    let value = el
        .value()
        .attr("align")
        .map(|a| a.trim().to_ascii_lowercase())
        .or_else(|| {
            style
                .split(';')
                .find_map(|d| d.strip_prefix("text-align:"))
                .map(str::to_string)
        })?;
    match value.as_str() {
        "center" => Some(Align::Center),
        "right" => Some(Align::Right),
        "left" => Some(Align::Left),
        "justify" => Some(Align::Justify),
        _ => None,
    }
}

/// A table whose every filled cell is a link: a menu laid out as a table.
fn is_link_table(table: ElementRef<'_>) -> bool {
    let cells: Vec<ElementRef<'_>> = table
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| matches!(e.value().name(), "td" | "th"))
        .filter(|c| {
            !c.descendants()
                .filter_map(ElementRef::wrap)
                .any(|d| d.value().name() == "table")
        })
        .filter(|c| !c.text().collect::<String>().trim().is_empty())
        .collect();
    let linked = cells
        .iter()
        .filter(|c| {
            let all: usize = c.text().map(|t| t.trim().chars().count()).sum();
            let in_links: usize = c
                .descendants()
                .filter_map(ElementRef::wrap)
                .filter(|e| e.value().name() == "a")
                .map(|a| a.text().map(|t| t.trim().chars().count()).sum::<usize>())
                .sum();
            in_links * 10 >= all * 8
        })
        .count();
    cells.len() >= 3 && linked + 1 >= cells.len() && cells.len() - linked <= 1
}

fn heading_level(name: &str) -> Option<u8> {
    let rest = name.strip_prefix('h')?;
    let n: u8 = rest.parse().ok()?;
    (1..=6).contains(&n).then_some(n)
}

/// A grid of short cells, not a page laid out with a table.
fn is_data_table(table: ElementRef<'_>) -> bool {
    let nested = table
        .descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .any(|e| {
            matches!(
                e.value().name(),
                "table" | "p" | "div" | "ul" | "ol" | "h1" | "h2" | "h3" | "img"
            )
        });
    let rows = table_rows(table);
    !nested && rows.len() >= 2 && rows.iter().flatten().all(|c| c.chars().count() <= 200)
}

fn table_rows(table: ElementRef<'_>) -> Vec<Vec<String>> {
    table
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "tr")
        .map(|tr| {
            tr.children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|c| collapse_space(&c.text().collect::<Vec<_>>().join(" ")))
                .collect::<Vec<_>>()
        })
        .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
        .collect()
}
