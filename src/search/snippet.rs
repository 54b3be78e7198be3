//! Highlighted snippets. Matching runs on normalized text (so a Simplified
//! query marks Traditional characters and `ＸＸ` marks `xx`), the marks are
//! placed on the original text, and everything else is HTML-escaped.

use super::analyzer::{is_gram_char, normalize, Normalized};
use crate::content::text::escape_html;

/// The strings to mark for a query's positive terms: each normalized run of
/// letters, digits or Han characters (`中组发[2004]25号` -> 中组发, 2004, 25号).
pub fn highlight_terms(terms: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in terms {
        let norm = normalize(t).text;
        for run in norm.split(|c: char| !(c.is_alphanumeric() || is_gram_char(c))) {
            if !run.is_empty() && !out.iter().any(|o| o == run) {
                out.push(run.to_string());
            }
        }
    }
    // Longest first, so a longer match wins over a shorter one at the same place.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

/// Byte ranges (in normalized text) where any term occurs, merged.
fn matches(norm: &Normalized, terms: &[String]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    for t in terms {
        let mut from = 0;
        while let Some(i) = norm.text[from..].find(t.as_str()) {
            let start = from + i;
            ranges.push((start, start + t.len()));
            from = start + t.len();
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// `text` escaped, with every match wrapped in `<mark>`.
pub fn highlight(text: &str, terms: &[String]) -> String {
    let norm = normalize(text);
    render(text, &norm, &matches(&norm, terms), 0, text.len())
}

/// A window of about `max_chars` characters of `text` around the densest
/// cluster of matches, escaped and marked; the start of the text when
/// nothing matches. `…` shows where text was cut.
pub fn snippet(text: &str, terms: &[String], max_chars: usize) -> String {
    let text = text.trim();
    let norm = normalize(text);
    let found = matches(&norm, terms);
    let total_chars = norm.spans.len();
    // Choose the window start (in chars) that covers the most matches.
    let char_of = |byte: usize| norm.char_bytes.partition_point(|&b| b < byte);
    let mut best_start = 0;
    let mut best_count = 0;
    for &(s, _) in &found {
        let start_char = char_of(s).saturating_sub(max_chars / 5);
        let end_char = start_char + max_chars;
        let count = found
            .iter()
            .filter(|&&(a, b)| char_of(a) >= start_char && char_of(b) <= end_char)
            .count();
        if count > best_count {
            best_count = count;
            best_start = start_char;
        }
    }
    if total_chars <= max_chars {
        best_start = 0;
    } else {
        best_start = best_start.min(total_chars - max_chars);
    }
    if total_chars == 0 {
        return String::new();
    }
    let chars: Vec<char> = norm.text.chars().collect();
    let first_match = found
        .iter()
        .map(|&(a, _)| char_of(a))
        .find(|&c| c >= best_start);
    let best_start = readable_start(&chars, best_start, first_match);
    let end_char = readable_end(&chars, (best_start + max_chars).min(total_chars));
    let from = norm.spans[best_start].0;
    let to = norm.spans[end_char - 1].1;
    let mut out = String::new();
    if best_start > 0 {
        out.push('…');
    }
    out.push_str(&render(text, &norm, &found, from, to));
    if end_char < total_chars {
        out.push('…');
    }
    // A snippet is one line: line breaks between blocks read as spaces.
    collapse_whitespace(&out)
}

/// Where a cut may not fall: inside a number or a Latin word (`30多个` cut
/// to `…0多个`).
fn joined(a: char, b: char) -> bool {
    a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()
}

/// What ends a sentence or a block, as normalized text writes it.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ';' | '\n')
}

/// How far a cut may move to stay out of a number or word.
const MAX_CUT_SHIFT: usize = 20;

/// A window start at the beginning of the sentence the first match is in,
/// when that sentence starts inside the window's lead-in; else not inside a
/// number or word.
fn readable_start(chars: &[char], start: usize, first_match: Option<usize>) -> usize {
    if start == 0 {
        return 0;
    }
    if let Some(m) = first_match {
        if let Some(end) = (start..m).rev().find(|&i| ends_sentence(chars[i])) {
            return end + 1;
        }
    }
    let mut s = start;
    while s > 0 && start - s < MAX_CUT_SHIFT && joined(chars[s - 1], chars[s]) {
        s -= 1;
    }
    s
}

/// A window end not inside a number or word.
fn readable_end(chars: &[char], end: usize) -> usize {
    let mut e = end;
    while e < chars.len() && e - end < MAX_CUT_SHIFT && joined(chars[e - 1], chars[e]) {
        e += 1;
    }
    e
}

fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() && !out.ends_with('…') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.trim_end().to_string()
}

/// Escapes `text[from..to]` (original bytes), marking the normalized ranges.
fn render(
    text: &str,
    norm: &Normalized,
    found: &[(usize, usize)],
    from: usize,
    to: usize,
) -> String {
    let mut out = String::with_capacity((to - from) * 2);
    let mut pos = from;
    for &(s, e) in found {
        let (os, oe) = norm.original_range(s, e);
        if oe <= pos || os >= to {
            continue;
        }
        let os = os.max(pos);
        let oe = oe.min(to);
        out.push_str(&escape_html(&text[pos..os]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[os..oe]));
        out.push_str("</mark>");
        pos = oe;
    }
    out.push_str(&escape_html(&text[pos..to]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_original_traditional_characters() {
        let terms = highlight_terms(&["志愿服务".to_string()]);
        assert_eq!(
            highlight("石橋社區的志願服務隊", &terms),
            "石橋社區的<mark>志願服務</mark>隊"
        );
    }

    #[test]
    fn escapes_everything_but_marks() {
        let terms = highlight_terms(&["党建".to_string()]);
        assert_eq!(
            highlight("<b>党建</b>&", &terms),
            "&lt;b&gt;<mark>党建</mark>&lt;/b&gt;&amp;"
        );
    }

    #[test]
    fn snippet_windows_around_matches() {
        let text = format!("{}红色物业{}", "甲".repeat(200), "乙".repeat(200));
        let s = snippet(&text, &highlight_terms(&["红色物业".to_string()]), 60);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>红色物业</mark>"), "{s}");
        assert!(s.chars().count() < 80);
        let plain = snippet("短文本", &[], 60);
        assert_eq!(plain, "短文本");
    }

    #[test]
    fn cuts_fall_at_sentences_and_never_inside_numbers() {
        let terms = highlight_terms(&["社区".to_string()]);
        // The match's sentence starts in the lead-in: the snippet starts there.
        let text = format!("{}。上年度社区共办结{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&text, &terms, 40);
        assert!(s.starts_with("…上年度<mark>社区</mark>"), "{s}");
        // No sentence end near: the cut moves out of the number.
        let text = format!(
            "{}增长了12345多个百分点社区{}",
            "甲".repeat(100),
            "乙".repeat(100)
        );
        let s = snippet(&text, &terms, 20);
        assert!(!s.starts_with("…2345") && !s.starts_with("…345"), "{s}");
        let text = format!("社区{}共有1234567户", "甲".repeat(14));
        let s = snippet(&text, &terms, 20);
        assert!(s.contains("共有1234567"), "the number whole: {s}");
    }

    #[test]
    fn overlapping_terms_make_one_mark() {
        let terms = highlight_terms(&["社区党".to_string(), "党建".to_string()]);
        assert_eq!(highlight("社区党建", &terms), "<mark>社区党建</mark>");
    }
}
