//! Markdown to safe HTML, the Chinese way.
//!
//! The one place that owns the pulldown-cmark options. Beyond CommonMark it
//! drops soft line breaks between CJK characters (a hard-wrapped Chinese
//! paragraph must not gain spaces), understands official-document numbering
//! (一、 （一） 1． （1）) in headings and in run-in paragraphs to build a real
//! table of contents, and never lets editor Markdown inject script.
//! It does no I/O.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

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

/// Byte ranges of 文号 in `text` (any common bracket spelling); the agency
/// part may start too early (`依据中组发〔2004〕25号`): the site trims it to
/// the agency it knows.
pub fn find_doc_numbers(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut found = Vec::new();
    // A citation's agency never reaches back into the previous citation.
    let mut prev_end = 0;
    for (k, &(end_byte, c)) in chars.iter().enumerate() {
        if c != '号' {
            continue;
        }
        let mut i = k;
        let n_digits = chars[..i]
            .iter()
            .rev()
            .take_while(|(_, c)| digit(*c))
            .count();
        if n_digits == 0 {
            continue;
        }
        i -= n_digits;
        if i > 0 && chars[i - 1].1 == '第' {
            i -= 1;
        }
        // `〔2004〕` (any bracket) or `2004年`
        let Some(&(_, close)) = chars.get(i.wrapping_sub(1)) else {
            continue;
        };
        if i == 0 {
            continue;
        }
        let bracketed = "〕])】﹞〗}］）".contains(close);
        if !bracketed && close != '年' {
            continue;
        }
        i -= 1;
        if i < 4 || !chars[i - 4..i].iter().all(|(_, c)| digit(*c)) {
            continue;
        }
        i -= 4;
        if bracketed {
            if i == 0 || !"〔[(【﹝〖{［（".contains(chars[i - 1].1) {
                continue;
            }
            i -= 1;
        }
        let agency = chars[prev_end.min(i)..i]
            .iter()
            .rev()
            .take_while(|(_, c)| c.is_alphabetic())
            .count()
            .min(12);
        if agency < 2 {
            continue;
        }
        let start = chars[i - agency].0;
        found.push((start, end_byte + '号'.len_utf8()));
        prev_end = k + 1;
    }
    found
}

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
                } else {
                    internal_link(folder, &dest_url).map_or(dest_url, CowStr::from)
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
    let mut pass = Pass::default();
    let out = pass.run(events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    if pass.has_raw_html {
        html = sanitizer().clean(&html).to_string();
    }
    let chars = pass.text.chars().filter(|c| !c.is_whitespace()).count();
    Rendered {
        html,
        toc: pass.toc,
        text: pass.text,
        first_paragraph: pass.first_paragraph,
        chars,
        links,
        citations: pass.citations,
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

/// True for Han characters, kana and full-width punctuation: the scripts
/// written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'   // radicals
        | '\u{3000}'..='\u{303F}' // CJK symbols and punctuation: 、。〔〕《》
        | '\u{3040}'..='\u{30FF}' // kana
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}' // vertical forms
        | '\u{FF00}'..='\u{FFEF}' // full-width forms: ，（）：；！？
        | '\u{20000}'..='\u{3FFFF}'
        | '\u{2018}'..='\u{201F}' // “” ‘’ as used in Chinese text
        | '\u{2014}' | '\u{2026}' // —— ……
        | '\u{00B7}' // ·
    )
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

/// The level an official-document number at the start of `text` gives:
/// 一、 = 1, （一） = 2, 1． = 3, （1） = 4.
pub fn numbering_level(text: &str) -> Option<u8> {
    let t = text.trim_start();
    let mut chars = t.chars().peekable();
    let first = *chars.peek()?;
    if is_cn_numeral(first) {
        let n = t.chars().take_while(|c| is_cn_numeral(*c)).count();
        return (t.chars().nth(n) == Some('、')).then_some(1);
    }
    if first == '（' || first == '(' {
        let inner: String = t
            .chars()
            .skip(1)
            .take_while(|c| *c != '）' && *c != ')')
            .collect();
        let closed = t.chars().nth(1 + inner.chars().count()).is_some();
        if !closed || inner.is_empty() || inner.chars().count() > 4 {
            return None;
        }
        if inner.chars().all(is_cn_numeral) {
            return Some(2);
        }
        if inner.chars().all(is_digit) {
            return Some(4);
        }
        return None;
    }
    if is_digit(first) {
        let digits = t.chars().take_while(|c| is_digit(*c)).count();
        if digits > 3 {
            return None;
        }
        let mut rest = t.chars().skip(digits);
        let sep = rest.next()?;
        let next = rest.next()?;
        if matches!(sep, '.' | '．' | '、') && !is_digit(next) {
            return Some(3);
        }
    }
    None
}

fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十百零〇两".contains(c)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// The BCP 47 tag of text written in Traditional characters (`zh-Hant`),
/// or `None` for Simplified (the site's own `zh-CN`). Judged on the first
/// 2,000 Han characters: Traditional when at least one in twenty changes in
/// the Traditional -> Simplified table (shared characters change in neither).
pub fn traditional_lang(text: &str) -> Option<&'static str> {
    let han: String = text
        .chars()
        .filter(|c| matches!(c, '\u{4E00}'..='\u{9FFF}'))
        .take(2000)
        .collect();
    let total = han.chars().count();
    if total < 10 {
        return None;
    }
    let simplified = fast2s::convert(&han);
    let changed = han
        .chars()
        .zip(simplified.chars())
        .filter(|(a, b)| a != b)
        .count();
    (changed * 20 >= total).then_some("zh-Hant")
}

/// Anchor for a heading: keeps Chinese and other letters and digits, turns
/// spaces into `-`, drops punctuation (`一、总体要求` -> `一总体要求`).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "section".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Splits a run-in heading paragraph: the heading is the text before the first
/// sentence-ending mark. Returns the heading and whether text follows it.
fn run_in_head(text: &str) -> (&str, bool) {
    let text = text.trim();
    match text.find(['。', '；', '：', '！', '？']) {
        Some(i) => {
            let end = i + text[i..].chars().next().map_or(0, char::len_utf8);
            (&text[..i], !text[end..].trim().is_empty())
        }
        None => (text, false),
    }
}

/// A long numbered item is listed in the TOC by its first clause.
fn toc_title(head: &str) -> String {
    let head = head.trim();
    if head.chars().count() <= 20 {
        return head.to_string();
    }
    let clause = head.split('，').next().unwrap_or(head);
    if clause.chars().count() <= 40 {
        clause.to_string()
    } else {
        format!("{}…", clause.chars().take(40).collect::<String>())
    }
}

/// Cuts text to at most `max` characters at a sentence end when one is near,
/// so summaries read as whole sentences.
pub fn summarize(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    if let Some(i) = cut.rfind(['。', '！', '？', '!', '?', '；']) {
        let end = i + cut[i..].chars().next().map_or(0, char::len_utf8);
        if cut[..end].chars().count() >= max / 4 {
            return cut[..end].to_string();
        }
    }
    format!("{cut}……")
}

/// Escapes the five characters HTML text and attribute values need.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Reverses [`escape_html`].
pub fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Only web and mail links survive; `javascript:`, `data:` and the like become `#`.
pub fn safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        Some(colon) if !cleaned[..colon].contains(['/', '?', '#']) => {
            matches!(&cleaned[..colon], "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["section", "input", "figure", "figcaption"])
            .add_generic_attributes(["id", "class", "title", "lang"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("ol", ["start"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .link_rel(None)
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                // Table alignment is the only inline style we keep.
                ("th" | "td", "style") => {
                    let v = value.replace(' ', "");
                    matches!(
                        v.as_str(),
                        "text-align:left" | "text-align:center" | "text-align:right"
                    )
                    .then(|| value.into())
                }
                ("input", "type") => (value == "checkbox").then(|| value.into()),
                _ => Some(value.into()),
            });
        b
    })
}

#[derive(Default)]
struct Pass {
    /// Inside a link or a code block, or in a heading: no 文号 links there.
    link_depth: usize,
    in_code: bool,
    in_heading: bool,
    toc: Vec<TocEntry>,
    ids: HashSet<String>,
    /// The next `-n` to try for an anchor already taken: without it, N equal
    /// headings cost N² probes (10,000 took seconds).
    next_suffix: std::collections::HashMap<String, usize>,
    text: String,
    first_paragraph: Option<String>,
    has_raw_html: bool,
    citations: Vec<String>,
}

impl Pass {
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

    fn run<'a>(&mut self, events: Vec<Event<'a>>) -> Vec<Event<'a>> {
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
        let found = find_doc_numbers(&text);
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

fn sanitize_tag(tag: Tag<'_>) -> Tag<'_> {
    match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } if !safe_url(&dest_url) => Tag::Link {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        },
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } if !safe_url(&dest_url) => Tag::Image {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        },
        other => other,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
