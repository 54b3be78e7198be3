//! Dates as offices write them: `2025年3月18日`, `二〇二五年三月十八日`,
//! `2025-03-18`, `2025/3/18`, `2025.3.18`.

use chrono::NaiveDate;

fn digit_of(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '〇' | '○' | '零' | 'Ｏ' | 'O' => Some(0),
        '一' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// A month or day: `3`, `03`, `十八`, `二十一`, `三十`.
fn small_number(s: &str) -> Option<u32> {
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok().filter(|_| !s.is_empty() && s.len() <= 2);
    }
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit_of(*d).filter(|d| *d > 0),
        ['十', d] => Some(10 + digit_of(*d)?),
        [t, '十'] => Some(digit_of(*t)? * 10),
        [t, '十', d] => Some(digit_of(*t)? * 10 + digit_of(*d)?),
        _ => None,
    }
}

/// Parses a date written alone (surrounding spaces and brackets allowed).
pub fn parse(text: &str) -> Option<NaiveDate> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_matches(['（', '）', '(', ')'])
        .to_string();
    let t = t.replace(['－', '／', '．'], "-").replace(['/', '.'], "-");
    if let Some((y, rest)) = t.split_once('年') {
        let (m, rest) = rest.split_once('月')?;
        let d = rest
            .strip_suffix('日')
            .or_else(|| rest.strip_suffix('号'))?;
        let year: String = y
            .chars()
            .map(digit_of)
            .collect::<Option<Vec<_>>>()?
            .iter()
            .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
            .collect();
        if year.len() != 4 {
            return None;
        }
        return NaiveDate::from_ymd_opt(year.parse().ok()?, small_number(m)?, small_number(d)?);
    }
    let parts: Vec<&str> = t.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) {
            return NaiveDate::from_ymd_opt(y.parse().ok()?, small_number(m)?, small_number(d)?);
        }
    }
    None
}

/// The first date inside a longer line (`发布时间：2024-06-12 10:30`), with
/// its byte range.
pub fn find(text: &str) -> Option<(NaiveDate, usize, usize)> {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|(i, c)| {
            digit_of(*c).is_some()
                && text[..*i]
                    .chars()
                    .next_back()
                    .is_none_or(|p| digit_of(p).is_none())
        })
        .map(|(i, _)| i)
        .collect();
    for s in starts {
        // Try the longest span that parses, up to 14 characters.
        let ends: Vec<usize> = text[s..]
            .char_indices()
            .map(|(j, c)| s + j + c.len_utf8())
            .take(14)
            .collect();
        for &e in ends.iter().rev() {
            if let Some(d) = parse(&text[s..e]) {
                return Some((d, s, e));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_office_spelling() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 18);
        for t in [
            "2025年3月18日",
            "二〇二五年三月十八日",
            "二○二五年三月十八日",
            "2025-03-18",
            "2025/3/18",
            "2025.3.18",
            " 2025 年 3 月 18 日 ",
            "（2025年3月18日）",
        ] {
            assert_eq!(parse(t), d, "{t}");
        }
        assert_eq!(
            parse("二〇二三年十一月二日"),
            NaiveDate::from_ymd_opt(2023, 11, 2)
        );
        assert_eq!(
            parse("二〇二三年十二月三十一日"),
            NaiveDate::from_ymd_opt(2023, 12, 31)
        );
        for t in ["2025年", "三月十八日", "2025年13月1日", "共3页"] {
            assert_eq!(parse(t), None, "{t}");
        }
    }

    #[test]
    fn dates_inside_lines() {
        let (d, _, _) =
            find("来源：江源区委组织部 发布时间：2024-06-12 10:30 浏览次数：1234").unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2024, 6, 12).unwrap());
        let (d, _, _) = find("中共青川市江源区委组织部办公室 2025年3月19日印发").unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2025, 3, 19).unwrap());
    }
}
