//! PDF with a text layer. A PDF knows glyphs and where they stand, not lines
//! or paragraphs; we take every glyph's position and size from pdf-extract,
//! rebuild lines, drop running heads, feet and page numbers (what repeats at
//! the page edge), and join lines into paragraphs the way a 公文 is laid
//! out: a paragraph starts indented, or after a short line, or where the
//! alignment or size changes; a line broken by the page width continues.
//! Lines join without a space between Chinese characters.

use std::collections::HashMap;

use super::{Align, Block, ExtractError, Extracted, Paragraph, Removed, Result, Span};
use crate::content::text::is_cjk;

pub fn read(bytes: &[u8]) -> Result<Extracted> {
    let collector = collect(bytes)?;
    let pages = collector.pages.max(1);
    let visible = collector
        .glyphs
        .iter()
        .filter(|g| g.text.chars().any(|c| !c.is_whitespace()))
        .count();
    if visible < 8 * pages as usize {
        return Err(ExtractError::NoTextLayer);
    }
    Ok(layout(collector))
}

/// Each page's text, its glyphs top to bottom and left to right, without
/// spaces: enough to find on which page something was printed (`zhiku
/// print` numbers its table of contents so).
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>> {
    let mut collector = collect(bytes)?;
    collector.glyphs.sort_by(|a, b| {
        (a.page, a.y, a.x)
            .partial_cmp(&(b.page, b.y, b.x))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut pages = vec![String::new(); collector.pages as usize];
    for g in &collector.glyphs {
        if let Some(page) = (g.page as usize)
            .checked_sub(1)
            .and_then(|i| pages.get_mut(i))
        {
            page.extend(g.text.chars().filter(|c| !c.is_whitespace()));
        }
    }
    Ok(pages)
}

/// Some CJK fonts map ideographs to the look-alike Kangxi radicals
/// (⼒ U+2F12 for 力, ⼿ for 手): Chromium's PDFs do. Those become the
/// ideographs; nothing else is normalized (NFKC would also turn ，into ,).
fn unify_radicals(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.chars()
        .flat_map(|c| {
            let radical = matches!(c, '\u{2E80}'..='\u{2EFF}' | '\u{2F00}'..='\u{2FDF}');
            let one = std::iter::once(c);
            if radical {
                one.nfkc().collect::<Vec<char>>()
            } else {
                one.collect()
            }
        })
        .collect()
}

/// Every glyph of the document with its page and place.
fn collect(bytes: &[u8]) -> Result<Collector> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) => ExtractError::Encrypted,
        e => ExtractError::Corrupt {
            format: "PDF",
            detail: e.to_string(),
        },
    })?;
    if doc.is_encrypted() {
        return Err(ExtractError::Encrypted);
    }
    let mut collector = Collector::default();
    // pdf-extract panics on some malformed fonts: one bad file must not
    // take the whole import down.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pdf_extract::output_doc(&doc, &mut collector)
    }));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Err(ExtractError::Corrupt {
                format: "PDF",
                detail: e.to_string(),
            })
        }
        Err(_) => {
            return Err(ExtractError::Corrupt {
                format: "PDF",
                detail: "its text could not be decoded".into(),
            })
        }
    }
    Ok(collector)
}

#[derive(Debug, Clone)]
struct Glyph {
    page: u32,
    x: f64,
    /// Baseline, from the top of the page.
    y: f64,
    size: f64,
    width: f64,
    text: String,
}

#[derive(Default)]
struct Collector {
    glyphs: Vec<Glyph>,
    pages: u32,
    page: u32,
    page_height: f64,
    page_width: f64,
}

impl pdf_extract::OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> std::result::Result<(), pdf_extract::OutputError> {
        self.page = page_num;
        self.pages = self.pages.max(page_num);
        self.page_height = media_box.ury - media_box.lly;
        self.page_width = media_box.urx - media_box.llx;
        Ok(())
    }

    fn end_page(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> std::result::Result<(), pdf_extract::OutputError> {
        // The text rendering matrix scales the font size. Its determinant
        // ignores shear, so a synthetic italic keeps its upright size.
        let det = trm.m11 * trm.m22 - trm.m12 * trm.m21;
        let size = font_size * det.abs().sqrt();
        self.glyphs.push(Glyph {
            page: self.page,
            x: trm.m31,
            y: self.page_height - trm.m32,
            size,
            width: width * size,
            text: unify_radicals(char),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Line {
    page: u32,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

/// Lines by where glyphs stand, not the order they were drawn in: a PDF may
/// draw the punctuation of a line (set in another font) after the rest.
fn lines_of(glyphs: &[Glyph]) -> Vec<Line> {
    let mut by_page: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs.iter().filter(|g| !g.text.is_empty() && g.size > 0.0) {
        match by_page.last_mut() {
            Some(page) if page[0].page == g.page => page.push(g),
            _ => by_page.push(vec![g]),
        }
    }
    let mut lines = Vec::new();
    for mut page in by_page {
        page.sort_by(|a, b| a.y.total_cmp(&b.y));
        let mut rows: Vec<Vec<&Glyph>> = Vec::new();
        for g in page {
            match rows.last_mut() {
                Some(row)
                    if (g.y - row[0].y).abs()
                        < 0.5 * row.iter().map(|r| r.size).fold(g.size, f64::max) =>
                {
                    row.push(g)
                }
                _ => rows.push(vec![g]),
            }
        }
        for mut row in rows {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            lines.push(line_of(&row));
        }
    }
    lines.retain(|l| !l.text.is_empty());
    lines
}

/// One row of glyphs, left to right, as text: a space where a gap says so
/// (wider between Chinese characters, which have none of their own).
fn line_of(row: &[&Glyph]) -> Line {
    let first = row[0];
    let mut line = Line {
        page: first.page,
        x0: first.x,
        x1: first.x + first.width,
        y: first.y,
        size: 0.0,
        text: String::new(),
    };
    let mut last: Option<&Glyph> = None;
    for g in row {
        // A glyph drawn twice in place (simulated bold) is one character.
        if last.is_some_and(|l| l.text == g.text && (g.x - l.x).abs() < 0.2 * g.size) {
            continue;
        }
        if !line.text.is_empty() && !g.text.starts_with(' ') && !line.text.ends_with(' ') {
            let prev = line.text.chars().next_back().unwrap_or(' ');
            let next = g.text.chars().next().unwrap_or(' ');
            let threshold = if is_cjk(prev) || is_cjk(next) {
                0.9
            } else {
                0.2
            };
            if g.x - line.x1 > threshold * g.size {
                line.text.push(' ');
            }
        }
        line.text.push_str(&g.text);
        line.x1 = line.x1.max(g.x + g.width);
        last = Some(g);
    }
    // The size most of the line is set in: a quote mark from a fallback
    // font must not make the line look larger than its neighbours.
    line.size = mode(row.iter().map(|g| (g.size * 2.0).round() as i64)) as f64 / 2.0;
    line.text = line.text.trim().to_string();
    line
}

/// A page number as printed at a page's foot: `— 3 —`, `- 3 -`, `3`,
/// `第3页 共8页`, `第 3 页`, `3/8`.
pub fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(|c: char| matches!(c, '—' | '–' | '-' | '－' | '一' | '·'));
    if !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(rest) = t.strip_prefix('第') {
        if let Some((n, tail)) = rest.split_once('页') {
            let tail = tail.trim_start_matches([',', '，', '/', '、']);
            return digits(n)
                && (tail.is_empty()
                    || tail
                        .strip_prefix('共')
                        .and_then(|x| x.strip_suffix('页'))
                        .is_some_and(digits));
        }
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b) && a.len() <= 4 && b.len() <= 4;
    }
    false
}

/// Digits folded away, so `第3页` and `第4页` compare equal.
fn running_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

fn layout(collector: Collector) -> Extracted {
    let mut out = Extracted::default();
    let page_height = collector.page_height.max(1.0);
    let page_width = collector.page_width.max(1.0);
    let mut lines = lines_of(&collector.glyphs);
    let pages = collector.pages.max(1);
    drop_running_lines(&mut lines, pages, page_height, &mut out.removed);
    if lines.is_empty() {
        return out;
    }
    let block = TextBlock::of(&lines, page_width);
    out.blocks = paragraphs(lines, &block);
    out
}

/// Leaves out page numbers and running heads and feet: the same text (page
/// numbers folded) at the same height on at least half the pages, in the
/// top or bottom fifth.
fn drop_running_lines(
    lines: &mut Vec<Line>,
    pages: u32,
    page_height: f64,
    removed: &mut Vec<Removed>,
) {
    let edge = |l: &Line| l.y < page_height * 0.2 || l.y > page_height * 0.8;
    let place = |l: &Line| (running_key(&l.text), (l.y / 4.0).round() as i64);
    let mut repeats: HashMap<(String, i64), std::collections::HashSet<u32>> = HashMap::new();
    for l in lines.iter().filter(|l| edge(l)) {
        repeats.entry(place(l)).or_default().insert(l.page);
    }
    let running = |l: &Line| {
        pages > 1
            && edge(l)
            && repeats
                .get(&place(l))
                .is_some_and(|p| p.len() >= 2 && p.len() * 2 >= pages as usize)
    };
    lines.retain(|l| {
        let reason = if is_page_number(&l.text) {
            Some("page number")
        } else if running(l) {
            Some("running head or foot")
        } else {
            None
        };
        if let Some(reason) = reason {
            removed.push(Removed {
                text: l.text.clone(),
                reason: reason.into(),
            });
        }
        reason.is_none()
    });
}

/// The text block: where most lines start and end, and the size most of
/// the text is set in.
struct TextBlock {
    body_size: f64,
    left: f64,
    right: f64,
    width: f64,
}

impl TextBlock {
    fn of(lines: &[Line], page_width: f64) -> TextBlock {
        let body_size = mode(lines.iter().map(|l| (l.size * 2.0).round() as i64)) as f64 / 2.0;
        let left = percentile(lines.iter().map(|l| l.x0), 0.1);
        let right = percentile(lines.iter().map(|l| l.x1), 0.9).min(page_width);
        TextBlock {
            body_size,
            left,
            right,
            width: (right - left).max(body_size),
        }
    }

    fn align_of(&self, l: &Line) -> Align {
        let lg = l.x0 - self.left;
        let rg = self.right - l.x1;
        let s = l.size.max(self.body_size);
        if lg < 2.5 * s && rg < 1.2 * s {
            Align::Justify
        } else if lg > 2.0 * s && (lg - rg).abs() < 1.5 * s {
            Align::Center
        } else if lg > 0.3 * self.width && rg < lg / 2.0 {
            Align::Right
        } else {
            Align::Left
        }
    }

    /// Whether `line` continues the paragraph `para` whose last line is
    /// `prev`: a full line's paragraph goes on unless the next line is
    /// indented, resized, set apart or aligned otherwise; a large centred
    /// title goes on over several lines.
    fn joins(
        &self,
        para: &Paragraph,
        prev: &Line,
        line: &Line,
        align: Align,
        indented: bool,
    ) -> bool {
        // Chinese line breaking keeps `（` and `“` off a line's end and
        // `，` off a start, so a full line may stop two characters short.
        let prev_full = self.right - prev.x1 < 3.0 * prev.size;
        let same_size = (prev.size - line.size).abs() < 1.0;
        let same_page_gap = line.page == prev.page
            && line.y > prev.y
            && line.y - prev.y < 2.2 * line.size.max(prev.size);
        let next_page = line.page == prev.page + 1;
        let centred_run = para.align == Align::Center
            && align == Align::Center
            && same_size
            && same_page_gap
            && prev.size > self.body_size + 1.0;
        centred_run
            || (prev_full
                && !indented
                && same_size
                && (same_page_gap || next_page)
                && !matches!(align, Align::Center | Align::Right))
    }
}

/// The lines joined into paragraphs.
fn paragraphs(lines: Vec<Line>, block: &TextBlock) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(Paragraph, Line)> = None;
    for line in lines {
        let align = block.align_of(&line);
        let indented =
            line.x0 - block.left > 1.2 * line.size && matches!(align, Align::Justify | Align::Left);
        let joins = current
            .as_ref()
            .is_some_and(|(para, prev)| block.joins(para, prev, &line, align, indented));
        match &mut current {
            Some((para, prev)) if joins => {
                append_line(&mut para.spans[0].text, &line.text, para.align);
                *prev = line;
            }
            _ => {
                if let Some((para, _)) = current.take() {
                    blocks.push(Block::Paragraph(para));
                }
                let para = Paragraph {
                    spans: vec![Span {
                        text: line.text.clone(),
                        ..Span::default()
                    }],
                    align: if align == Align::Justify {
                        Align::Left
                    } else {
                        align
                    },
                    size: Some(line.size as f32),
                    indented,
                    ..Paragraph::default()
                };
                current = Some((para, line));
            }
        }
    }
    if let Some((para, _)) = current {
        blocks.push(Block::Paragraph(para));
    }
    blocks
}

/// Appends the next line of a paragraph: no space between Chinese
/// characters, a word hyphenated at the line end joined again.
fn append_line(text: &mut String, line: &str, align: Align) {
    let a = text.chars().next_back().unwrap_or(' ');
    let b = line.chars().next().unwrap_or(' ');
    // A number broken by the line end (`1` / `28`) is one number.
    let digits = a.is_ascii_digit() && b.is_ascii_digit();
    if digits || (is_cjk(a) && is_cjk(b)) {
    } else if align == Align::Center {
        text.push(' ');
    } else if !(is_cjk(a) || is_cjk(b)) {
        if a == '-' && b.is_alphabetic() {
            text.pop();
        } else {
            text.push(' ');
        }
    }
    text.push_str(line);
}

fn mode(values: impl Iterator<Item = i64>) -> i64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(v, n)| (*n, -*v))
        .map(|(v, _)| v)
        .unwrap_or(24)
}

fn percentile(values: impl Iterator<Item = f64>, p: f64) -> f64 {
    let mut v: Vec<f64> = values.collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_in_their_usual_forms() {
        for t in [
            "— 3 —",
            "- 12 -",
            "3",
            "第3页 共8页",
            "第 3 页",
            "第3页，共8页",
            "3/8",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["一、总体要求", "2025年3月18日", "第三章", "共产党员"] {
            assert!(!is_page_number(t), "{t}");
        }
    }
}

#[cfg(test)]
mod radical_tests {
    #[test]
    fn kangxi_radicals_read_as_the_ideographs() {
        assert_eq!(super::unify_radicals("能⼒⼿册，"), "能力手册，");
    }
}
