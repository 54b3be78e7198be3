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

/// `text` with its Traditional characters made Simplified (fast2s), and
/// without the conversion's cost when it has none: most of a site is
/// Simplified, and converting every body took 8 % of indexing.
pub fn to_simplified(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(may_become_simplified) {
        std::borrow::Cow::Owned(fast2s::convert(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The characters fast2s changes only beside certain others (藉口, 看著,
/// 苧麻, ...): the keys of its context table, which alone may not change.
const CHANGED_IN_CONTEXT: [char; 7] = ['藉', '著', '苧', '闔', '鍾', '讎', '畫'];

/// Whether fast2s can change `c`. It converts only characters of three
/// UTF-8 bytes: those its table changes on their own, and
/// [`CHANGED_IN_CONTEXT`]. Asked of fast2s itself, once, for every such
/// character.
fn may_become_simplified(c: char) -> bool {
    static CHANGING: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let code = u32::from(c) as usize;
    if !(0x800..0x10000).contains(&code) {
        return false;
    }
    let bits = CHANGING.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        let mut buf = [0u8; 4];
        for c in (0x800..0x10000u32).filter_map(char::from_u32) {
            let alone = fast2s::convert(c.encode_utf8(&mut buf));
            if alone.chars().ne(std::iter::once(c)) || CHANGED_IN_CONTEXT.contains(&c) {
                let code = u32::from(c) as usize;
                bits[code / 64] |= 1 << (code % 64);
            }
        }
        bits
    });
    bits[code / 64] >> (code % 64) & 1 == 1
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
    let simplified = to_simplified(&han);
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
/// Every page's text passes through here (tera escapes each `{{ }}` with
/// it): the runs between those five ASCII bytes are copied whole, since a
/// byte of a multi-byte UTF-8 character is never one of them.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut copied = 0;
    for (i, byte) in s.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
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

#[cfg(test)]
mod tests {
    use super::{escape_html, to_simplified, unescape_html};

    #[test]
    fn escape_html_escapes_the_five_and_keeps_everything_else() {
        let cases = [
            ("", ""),
            ("社区党建", "社区党建"),
            ("<a href=\"x\">", "&lt;a href=&quot;x&quot;&gt;"),
            ("党建&治理's", "党建&amp;治理&#39;s"),
            ("&&", "&amp;&amp;"),
            ("末尾<", "末尾&lt;"),
            (
                "《关于加强社区工作的意见》——“两委”",
                "《关于加强社区工作的意见》——“两委”",
            ),
        ];
        for (text, escaped) in cases {
            assert_eq!(escape_html(text), escaped, "{text}");
            assert_eq!(unescape_html(&escape_html(text)), text);
        }
    }

    #[test]
    fn to_simplified_converts_as_fast2s_does_and_skips_simplified_text() {
        let texts = [
            "社區黨組織要進一步加強對居民議事會的領導",
            "社区党组织要进一步加强对居民议事会的领导",
            // Characters fast2s changes only beside certain others.
            "看著",
            "以此為藉口",
            "苧麻",
            "闔家",
            "錢鍾書",
            "校讎",
            "計畫",
            "Ｅ網通辦 2024年",
            "",
        ];
        for text in texts {
            assert_eq!(to_simplified(text), fast2s::convert(text), "{text}");
        }
        assert!(matches!(
            to_simplified("社区党组织，2024年"),
            std::borrow::Cow::Borrowed(_)
        ));
        // Every character fast2s changes on its own is converted.
        for c in ('\u{3400}'..='\u{9FFF}').chain('\u{F900}'..='\u{FAFF}') {
            let alone = c.to_string();
            assert_eq!(to_simplified(&alone), fast2s::convert(&alone), "{c}");
        }
    }
}
