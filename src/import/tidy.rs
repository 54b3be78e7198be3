//! Text repairs an import makes, and only these: pinyin annotations some
//! sites print after every character are removed; half-width `,:;?!()`
//! between Chinese characters become full-width; full-width letters and
//! digits become ASCII (the 文号 rules); numbered points run into one line
//! are split again. Nothing else is rewritten: the script (Simplified or
//! Traditional) and the wording stay as written.

use crate::content::markdown::numbering::numbering_level;
use crate::content::text::is_cjk;

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ";

/// One pinyin syllable as annotations write it: lowercase letters with tone
/// marks, or with a tone digit, 1 to 7 letters, holding a vowel.
fn is_pinyin_syllable(s: &str) -> bool {
    let s = s.trim();
    let body = s.trim_end_matches(|c: char| ('1'..='5').contains(&c));
    let n = body.chars().count();
    (1..=7).contains(&n)
        && s.len() - body.len() <= 1
        && body
            .chars()
            .all(|c| c.is_ascii_lowercase() || TONED.contains(c))
        && body
            .chars()
            .any(|c| "aeiouvü".contains(c) || TONED.contains(c))
}

/// Byte ranges of `(jìn)` annotations that follow a Han character.
fn annotation_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if (c == '(' || c == '（') && prev.is_some_and(is_han) {
            let rest = &text[i + c.len_utf8()..];
            if let Some(end) = rest.find([')', '）']) {
                let inner = &rest[..end];
                if inner.chars().count() <= 8 && is_pinyin_syllable(inner) {
                    let close = rest[end..].chars().next().map_or(1, char::len_utf8);
                    let stop = i + c.len_utf8() + end + close;
                    out.push((i, stop));
                    while iter.peek().is_some_and(|(j, _)| *j < stop) {
                        iter.next();
                    }
                    // The annotated character stays the one before.
                    continue;
                }
            }
        }
        prev = Some(c);
    }
    out
}

/// How many pinyin annotations a text holds: a document with a few is
/// annotated throughout; one with a single `(a)` after a character is not.
pub fn count_annotations(text: &str) -> usize {
    annotation_ranges(text).len()
}

/// Removes the annotations, returning the text and what was removed.
pub fn strip_annotations(text: &str) -> (String, Vec<String>) {
    let ranges = annotation_ranges(text);
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    let mut at = 0;
    for (s, e) in ranges {
        out.push_str(&text[at..s]);
        removed.push(text[s..e].to_string());
        at = e;
    }
    out.push_str(&text[at..]);
    (out, removed)
}

/// Full-width forms of the half-width marks we repair.
fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

fn chinese(c: Option<char>) -> bool {
    c.is_some_and(|c| is_han(c) || (is_cjk(c) && !c.is_ascii()))
}

/// Half-width punctuation between Chinese characters becomes full-width;
/// full-width letters and digits become ASCII. Brackets go first, so that a
/// comma after a bracket just made full-width (`）,区`) is seen as Chinese.
pub fn normalize_punctuation(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().map(ascii_alnum).collect();
    let before = |chars: &[char], i: usize| chars[..i].iter().rev().find(|c| **c != ' ').copied();
    let after = |chars: &[char], i: usize| chars[i + 1..].iter().find(|c| **c != ' ').copied();
    for i in 0..chars.len() {
        if chars[i] != '(' {
            continue;
        }
        let Some(close) = chars[i + 1..]
            .iter()
            .take(80)
            .position(|c| *c == ')' || *c == '(')
            .map(|p| i + 1 + p)
            .filter(|p| chars[*p] == ')')
        else {
            continue;
        };
        let inner_chinese = chars[i + 1..close].iter().any(|c| is_han(*c));
        let outside = chinese(before(&chars, i)) || chinese(after(&chars, close));
        if inner_chinese && outside {
            chars[i] = '（';
            chars[close] = '）';
        }
    }
    let mut drop_space = vec![false; chars.len()];
    for i in 0..chars.len() {
        let c = chars[i];
        if !matches!(c, ',' | ':' | ';' | '?' | '!') {
            continue;
        }
        let (b, a) = (before(&chars, i), after(&chars, i));
        let ends = a.is_none() && matches!(c, '?' | '!');
        // After Chinese, before Chinese (or, for a comma, a number:
        // `服务,2023年`). `10:30` and `1,000` stay: a digit comes first.
        let next_ok = chinese(a) || ends || (c == ',' && a.is_some_and(|a| a.is_ascii_digit()));
        if chinese(b) && next_ok {
            chars[i] = full_width(c).expect("listed above");
            mark_spaces(&chars, i, &mut drop_space);
        }
    }
    chars
        .iter()
        .zip(drop_space)
        .filter_map(|(c, d)| (!d).then_some(*c))
        .collect()
}

/// Spaces typed around a mark that became full-width go with it.
fn mark_spaces(chars: &[char], i: usize, drop: &mut [bool]) {
    let mut j = i;
    while j > 0 && chars[j - 1] == ' ' {
        j -= 1;
        drop[j] = true;
    }
    let mut k = i + 1;
    while k < chars.len() && chars[k] == ' ' {
        drop[k] = true;
        k += 1;
    }
}

fn ascii_alnum(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

/// The value of an official-document number at the start of `text`:
/// (level, n) for 一、 (1), （二） (2), 3． (3), （4） (4).
fn numbering_value(text: &str) -> Option<(u8, u32)> {
    let level = numbering_level(text)?;
    let digits: String = text
        .trim_start()
        .trim_start_matches(['（', '('])
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十百零〇两".contains(*c))
        .collect();
    let n = if let Ok(n) = digits.parse() {
        n
    } else {
        chinese_value(&digits)?
    };
    Some((level, n))
}

fn chinese_value(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".find(c).map(|i| (i / 3) as u32);
    let mut total = 0;
    let mut current = 0;
    for c in s.chars() {
        match c {
            '十' => {
                total += current.max(1) * 10;
                current = 0;
            }
            '百' => {
                total += current.max(1) * 100;
                current = 0;
            }
            '〇' => current = 0,
            '两' => current = 2,
            c => current = digit(c)?,
        }
    }
    Some(total + current)
}

/// Splits a paragraph where a web copy ran numbered points together:
/// `一、……。二、……。三、……。` becomes three paragraphs. A point starts
/// after 。！？；： and must continue the numbering (the next value of the
/// same level, or a first point after a colon), so `做到一、二、三` stays.
pub fn split_numbered_run(text: &str) -> Vec<String> {
    // Every place a point could start: after 。！？；： (or at the start).
    let mut candidates: Vec<(usize, u8, u32, Option<char>)> = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if i == 0 || prev.is_some_and(|p| "。！？；：".contains(p)) {
            if let Some((level, n)) = numbering_value(&text[i..]) {
                if text[i..].chars().count() > 3 {
                    candidates.push((i, level, n, prev));
                }
            }
        }
        prev = Some(c);
    }
    let mut cuts = Vec::new();
    let mut last: [Option<u32>; 5] = [None; 5];
    for (k, &(i, level, n, before)) in candidates.iter().enumerate() {
        let level = level as usize;
        let continues = last[level].map(|m| m + 1) == Some(n);
        // A first point opens a run after a colon, or after a full stop when
        // its second point follows.
        let opens = n == 1
            && (before == Some('：')
                || candidates[k + 1..]
                    .iter()
                    .any(|&(_, l, m, _)| l as usize == level && m == 2));
        if i == 0 {
            last[level] = Some(n);
            continue;
        }
        if continues || opens {
            cuts.push(i);
            last[level] = Some(n);
            for deeper in last.iter_mut().skip(level + 1) {
                *deeper = None;
            }
        }
    }
    let mut parts = Vec::new();
    let mut at = 0;
    for cut in cuts {
        parts.push(text[at..cut].trim().to_string());
        at = cut;
    }
    parts.push(text[at..].trim().to_string());
    parts.retain(|p| !p.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_removed_and_the_script_kept() {
        let (text, removed) =
            strip_annotations("進(jìn)一步加強(qiáng)什麼(me)票，見(APP)說明(2024)");
        assert_eq!(text, "進一步加強什麼票，見(APP)說明(2024)");
        assert_eq!(removed, ["(jìn)", "(qiáng)", "(me)"]);
        assert_eq!(strip_annotations("学习(xue2)").0, "学习");
    }

    #[test]
    fn punctuation_between_chinese_becomes_full_width() {
        for (from, to) in [
            ("社区,街道", "社区，街道"),
            ("很简单: 居民", "很简单：居民"),
            ("当天办;难事", "当天办；难事"),
            ("会上门吗?答案是肯定的!", "会上门吗？答案是肯定的！"),
            (
                "认领(一般不超过24小时)并反馈",
                "认领（一般不超过24小时）并反馈",
            ),
            ("２０２４年上线ＡＰＰ", "2024年上线APP"),
            ("提供服务,2023年底前", "提供服务，2023年底前"),
            ("内容(具体办法另定),区委", "内容（具体办法另定），区委"),
        ] {
            assert_eq!(normalize_punctuation(from), to, "{from}");
        }
        for same in [
            "江组通(2024)3号",
            "10:30开会",
            "共1,000人",
            "see (a) and (b)",
            "Hello, world",
        ] {
            assert_eq!(normalize_punctuation(same), same);
        }
    }

    #[test]
    fn numbered_points_run_together_are_split() {
        assert_eq!(
            split_numbered_run(
                "一、按楼栋划分。社区划出42个区。二、公开承诺。张贴联系卡。三、定期走访。"
            ),
            [
                "一、按楼栋划分。社区划出42个区。",
                "二、公开承诺。张贴联系卡。",
                "三、定期走访。"
            ]
        );
        assert_eq!(
            split_numbered_run("主要措施：（一）建组织。（二）强服务。"),
            ["主要措施：", "（一）建组织。", "（二）强服务。"]
        );
        assert_eq!(
            split_numbered_run("要从三方面着手。一、建组织。二、强服务。"),
            ["要从三方面着手。", "一、建组织。", "二、强服务。"]
        );
        // Not a sequence: stays whole.
        for whole in ["做到一、二、三条要求。", "他说：三、四个人就够了。"] {
            assert_eq!(split_numbered_run(whole), [whole]);
        }
    }

    #[test]
    fn chinese_values() {
        assert_eq!(chinese_value("十二"), Some(12));
        assert_eq!(chinese_value("二十"), Some(20));
        assert_eq!(chinese_value("三"), Some(3));
    }
}
