//! Official-document numbering (一、 （一） 1． （1）): the level a number
//! gives and the run-in heading a numbered paragraph starts with.

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

/// Splits a run-in heading paragraph: the heading is the text before the first
/// sentence-ending mark. Returns the heading and whether text follows it.
pub(super) fn run_in_head(text: &str) -> (&str, bool) {
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
pub(super) fn toc_title(head: &str) -> String {
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
