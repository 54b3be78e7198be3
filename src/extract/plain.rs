//! Text copied from anywhere: UTF-8 (with or without BOM), UTF-16 with BOM,
//! or the GB18030/GBK that Chinese Windows still writes, detected.
//!
//! Copied text has one paragraph a line, except where it was hard-wrapped:
//! then paragraphs are separated by blank lines and the lines inside one are
//! joined (without a space between Chinese characters).

use super::{collapse_space, Block, Extracted, Paragraph};
use crate::content::text::is_cjk;

/// Decodes text bytes: a BOM decides; else valid UTF-8 is UTF-8; else
/// UTF-16 without a BOM is recognised by its zero bytes; else the detector
/// picks between the Chinese encodings (GB18030 for anything GBK-like, Big5
/// when it says so). Control characters other than tab and line ends go.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let (text, name) = decode_raw(bytes);
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    (clean, name)
}

fn decode_raw(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), enc.name());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), "UTF-8");
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return (text.into_owned(), enc.name());
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, true);
    // Chinese files that are not UTF-8 are GBK/GB18030 far more often than
    // anything else the detector may see in a short text.
    let enc = if guess == encoding_rs::BIG5 {
        encoding_rs::BIG5
    } else {
        encoding_rs::GB18030
    };
    let (text, _, _) = enc.decode(bytes);
    (text.into_owned(), enc.name())
}

/// UTF-16 with no BOM: decoded either way round, real text is (almost)
/// all Chinese characters, ASCII and Chinese punctuation; GBK bytes read as
/// UTF-16 land all over the code space.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let plausible = |c: char| {
        matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '\u{2010}'..='\u{2027}')
            || (c.is_ascii() && (!c.is_ascii_control() || c.is_ascii_whitespace()))
    };
    [encoding_rs::UTF_16LE, encoding_rs::UTF_16BE]
        .into_iter()
        .find(|enc| {
            let (text, _) = enc.decode_without_bom_handling(sample);
            let total = text.chars().count().max(1);
            text.chars().filter(|c| plausible(*c)).count() * 100 >= total * 95
        })
}

/// Reads copied text. `markdown`: lines starting with `#` are headings.
pub fn read(bytes: &[u8], markdown: bool) -> Extracted {
    let (text, encoding) = decode(bytes);
    let mut out = Extracted::default();
    if encoding != "UTF-8" {
        out.warnings
            .push(format!("the text was decoded from {encoding}"));
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = if markdown {
        strip_front_matter(&text)
    } else {
        &text
    };
    let lines: Vec<&str> = text.lines().collect();
    let wrap = wrap_width(&lines);
    let measure = wrap.map_or(display_width as Measure, |(_, m)| m);
    let wrap = wrap.map(|(w, _)| w);
    let mut para: Option<String> = None;
    let mut prev_width = 0;
    let flush = |para: &mut Option<String>, out: &mut Extracted| {
        if let Some(p) = para.take() {
            let p = collapse_space(&p);
            if !p.is_empty() {
                out.blocks.push(Block::Paragraph(Paragraph::plain(p)));
            }
        }
    };
    for line in lines {
        let trimmed = line.trim();
        if markdown {
            let hashes = trimmed.chars().take_while(|c| *c == '#').count();
            if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
                flush(&mut para, &mut out);
                let mut p = Paragraph::plain(collapse_space(&trimmed[hashes..]));
                p.heading = Some(hashes as u8);
                out.blocks.push(Block::Paragraph(p));
                continue;
            }
        }
        if trimmed.is_empty() {
            flush(&mut para, &mut out);
            prev_width = 0;
            continue;
        }
        let indented = line.starts_with([' ', '\u{3000}', '\t']);
        // A hard-wrapped line continues its paragraph unless the line before
        // stopped short or this one is indented (a paragraph's first line).
        let continues = wrap.is_some_and(|full| prev_width >= full) && !indented;
        match (&mut para, continues) {
            (Some(p), true) => {
                let a = p.chars().next_back().unwrap_or(' ');
                let b = trimmed.chars().next().unwrap_or(' ');
                if !(is_cjk(a) || is_cjk(b) || a.is_ascii_digit() && b.is_ascii_digit()) {
                    p.push(' ');
                }
                p.push_str(trimmed);
            }
            _ => {
                flush(&mut para, &mut out);
                para = Some(trimmed.to_string());
            }
        }
        prev_width = measure(line.trim_end());
    }
    flush(&mut para, &mut out);
    out
}

/// Columns a line takes on a terminal: two for CJK, one for the rest.
fn display_width(line: &str) -> usize {
    line.chars()
        .map(|c| if is_cjk(c) || c == '\u{3000}' { 2 } else { 1 })
        .sum()
}

fn char_width(line: &str) -> usize {
    line.chars().count()
}

/// The width text was hard-wrapped at, if it was, and how it was counted:
/// most lines end near one width, in columns (an editor's wrap) or in
/// characters (a program's).
/// How a line's width is counted.
type Measure = fn(&str) -> usize;

fn wrap_width(lines: &[&str]) -> Option<(usize, Measure)> {
    let measures: [(Measure, usize); 2] = [(display_width, 4), (char_width, 2)];
    measures
        .into_iter()
        .filter_map(|(measure, slack)| {
            let widths: Vec<usize> = lines
                .iter()
                .map(|l| measure(l.trim_end()))
                .filter(|w| *w > 0)
                .collect();
            if widths.len() < 4 {
                return None;
            }
            let mut sorted = widths.clone();
            sorted.sort_unstable();
            let typical = sorted[sorted.len() * 3 / 4];
            let near = widths
                .iter()
                .filter(|w| w.abs_diff(typical) <= slack)
                .count();
            let enough = typical >= 20 * slack / 2 && near * 5 >= widths.len() * 2;
            enough.then_some((near, typical - slack, measure))
        })
        .max_by_key(|(near, _, _)| *near)
        .map(|(_, full, measure)| (full, measure))
}

fn strip_front_matter(text: &str) -> &str {
    if let Ok(split) = crate::content::frontmatter::split(text) {
        if split.yaml.is_some() {
            return split.body;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big5_and_utf16_without_bom_are_detected() {
        let text = "社區黨組織書記培訓班在東橋街道舉行，學員一百二十人參加。";
        let (big5, _, _) = encoding_rs::BIG5.encode(text);
        assert_eq!(decode(&big5), (text.to_string(), "Big5"));
        let utf16: Vec<u8> = "议事会 2024年\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&utf16).0, "议事会 2024年\n");
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) = encoding_rs::GBK.encode("社区党组织书记培训班在东桥街道举行");
        let (text, enc) = decode(&bytes);
        assert_eq!(text, "社区党组织书记培训班在东桥街道举行");
        assert_eq!(enc, "gb18030");
    }

    #[test]
    fn hard_wrapped_paragraphs_join_without_spaces() {
        let text = "第一段的文字很长很长很长很长很长很长很长很长很长很长\n接着写下去很长很长很长很长很长很长很长很长很长很长\n结束。\n\n第二段的文字很长很长很长很长很长很长很长很长很长很长\n接着写下去很长很长很长很长很长很长很长很长很长很长\n结束。\n";
        let ex = read(text.as_bytes(), false);
        assert_eq!(ex.blocks.len(), 2);
        let Block::Paragraph(p) = &ex.blocks[0] else {
            panic!()
        };
        assert!(p.text().contains("很长接着写下去"), "{}", p.text());
    }
}
