//! 文号 (document numbers, GB/T 9704): `机关代字〔年份〕序号号`.
//!
//! Editors and searchers write the brackets every which way (`[2004]`,
//! `(2004)`, full-width `（2004）`, `2004年`), pad the number (`012号`) or add
//! `第`. All of those name the same document, so they share one canonical form.

use unicode_normalization::UnicodeNormalization;

/// The parts of a 文号.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocNumber {
    pub agency: String,
    pub year: u16,
    pub number: u32,
}

impl DocNumber {
    /// The GB/T 9704 form: `中组发〔2004〕25号`.
    pub fn canonical(&self) -> String {
        format!("{}〔{}〕{}号", self.agency, self.year, self.number)
    }
}

/// The brackets written around a 文号's year (after NFKC); the browser's
/// search reads them from the generated tables.
pub const OPEN: &[char] = &['〔', '[', '(', '【', '﹝', '〖', '{'];
pub const CLOSE: &[char] = &['〕', ']', ')', '】', '﹞', '〗', '}'];

/// Parses any common spelling of a 文号; `None` when `text` is not one.
pub fn parse(text: &str) -> Option<DocNumber> {
    let folded: String = text.trim().nfkc().filter(|c| !c.is_whitespace()).collect();
    let year_start = folded.find(|c: char| c.is_ascii_digit() || OPEN.contains(&c))?;
    let agency = folded[..year_start].to_string();
    if agency.is_empty() || !agency.chars().all(|c| c.is_alphabetic()) {
        return None;
    }
    let mut rest = &folded[year_start..];
    let bracketed = rest.starts_with(OPEN);
    if bracketed {
        rest = &rest[rest.chars().next()?.len_utf8()..];
    }
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    let year: u16 = rest[..4].parse().ok()?;
    rest = &rest[4..];
    if bracketed {
        rest = rest.strip_prefix(CLOSE)?;
    } else {
        rest = rest.strip_prefix('年')?;
    }
    rest = rest.strip_prefix('第').unwrap_or(rest);
    let n_digits = rest.chars().take_while(char::is_ascii_digit).count();
    if n_digits == 0 {
        return None;
    }
    let number: u32 = rest[..n_digits].parse().ok()?;
    if rest[n_digits..] != *"号" || number == 0 {
        return None;
    }
    Some(DocNumber {
        agency,
        year,
        number,
    })
}

/// The canonical key a 文号 is indexed and looked up by.
pub fn canonical(text: &str) -> Option<String> {
    parse(text).map(|d| d.canonical())
}

/// Byte ranges of 文号 in `text` (any common bracket spelling); the agency
/// part may start too early (`依据中组发〔2004〕25号`): the site trims it to
/// the agency it knows.
pub fn find_in_text(text: &str) -> Vec<(usize, usize)> {
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
        let bracketed = CLOSE.contains(&narrow(close));
        if !bracketed && close != '年' {
            continue;
        }
        i -= 1;
        if i < 4 || !chars[i - 4..i].iter().all(|(_, c)| digit(*c)) {
            continue;
        }
        i -= 4;
        if bracketed {
            if i == 0 || !OPEN.contains(&narrow(chars[i - 1].1)) {
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

/// Full-width brackets as their ASCII forms, as NFKC folds them in [`parse`].
fn narrow(c: char) -> char {
    match c {
        '［' => '[',
        '］' => ']',
        '（' => '(',
        '）' => ')',
        '｛' => '{',
        '｝' => '}',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_share_one_canonical_form() {
        for v in [
            "中组发〔2004〕25号",
            "中组发[2004]25号",
            "中组发(2004)25号",
            "中组发（2004）25号",
            "中组发［2004］25号",
            "中组发【2004】25号",
            "中组发〔2004〕025号",
            "中组发2004年25号",
            "中组发〔2004〕第25号",
            " 中组发 〔2004〕 25号 ",
        ] {
            assert_eq!(canonical(v).as_deref(), Some("中组发〔2004〕25号"), "{v}");
        }
        for not in [
            "中组发",
            "2004",
            "党建工作",
            "中组发〔04〕25号",
            "〔2004〕25号",
            "中组发〔2004〕号",
        ] {
            assert_eq!(canonical(not), None, "{not}");
        }
    }
}
