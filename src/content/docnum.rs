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

const OPEN: &[char] = &['〔', '[', '(', '【', '﹝', '〖', '{'];
const CLOSE: &[char] = &['〕', ']', ')', '】', '﹞', '〗', '}'];

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
