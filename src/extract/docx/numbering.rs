//! Word's automatic numbering (`word/numbering.xml`): the `一、`, `（一）`
//! a 公文's points carry without their text holding them, worked out the
//! way Word counts.

use std::collections::HashMap;

use roxmltree::Document;

use super::{child, corrupt, is, wattr};
use crate::extract::Result;

/// Word's automatic numbering: `numId` -> levels (format, text pattern,
/// start), and counters as paragraphs use them.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    /// numId -> abstractNumId
    nums: HashMap<String, String>,
    /// abstractNumId -> levels by ilvl
    levels: HashMap<String, HashMap<u8, Level>>,
    counters: HashMap<String, [u32; 9]>,
}

#[derive(Debug, Clone)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

impl Numbering {
    pub(super) fn parse(xml: &str) -> Result<Numbering> {
        let doc = Document::parse(xml).map_err(|e| corrupt(e.to_string()))?;
        let mut n = Numbering::default();
        for a in doc.descendants().filter(|x| is(x, "abstractNum")) {
            let Some(id) = wattr(a, "abstractNumId") else {
                continue;
            };
            let mut levels = HashMap::new();
            for l in a.children().filter(|x| is(x, "lvl")) {
                let Some(ilvl) = wattr(l, "ilvl").and_then(|v| v.parse().ok()) else {
                    continue;
                };
                let val = |name: &str| child(l, name).and_then(|x| wattr(x, "val"));
                levels.insert(
                    ilvl,
                    Level {
                        format: val("numFmt").unwrap_or("decimal").to_string(),
                        text: val("lvlText").unwrap_or("").to_string(),
                        start: val("start").and_then(|v| v.parse().ok()).unwrap_or(1),
                    },
                );
            }
            n.levels.insert(id.to_string(), levels);
        }
        for num in doc.descendants().filter(|x| is(x, "num")) {
            if let (Some(id), Some(abs)) = (
                wattr(num, "numId"),
                child(num, "abstractNumId").and_then(|x| wattr(x, "val")),
            ) {
                n.nums.insert(id.to_string(), abs.to_string());
            }
        }
        Ok(n)
    }

    /// The label Word would show before this paragraph (`一、`, `（二）`).
    pub(super) fn label(&mut self, num_id: &str, ilvl: u8) -> Option<String> {
        let abs = self.nums.get(num_id)?;
        let levels = self.levels.get(abs)?;
        let level = levels.get(&ilvl)?;
        if level.format == "none" || level.format == "bullet" {
            return None;
        }
        let counters = self.counters.entry(abs.clone()).or_insert([0; 9]);
        let i = usize::from(ilvl.min(8));
        counters[i] = if counters[i] == 0 {
            level.start
        } else {
            counters[i] + 1
        };
        for c in counters.iter_mut().skip(i + 1) {
            *c = 0;
        }
        let mut text = level.text.clone();
        for (l, value) in counters.iter().enumerate().take(i + 1) {
            let fmt = levels
                .get(&(l as u8))
                .map(|x| x.format.as_str())
                .unwrap_or("decimal");
            let value = if *value == 0 {
                levels.get(&(l as u8)).map(|x| x.start).unwrap_or(1)
            } else {
                *value
            };
            text = text.replace(&format!("%{}", l + 1), &format_number(value, fmt));
        }
        Some(text)
    }
}

/// A counter in one of Word's number formats.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "chineseLegalSimplified"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting"
        | "koreanCounting" => chinese_numeral(n),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => n
            .to_string()
            .chars()
            .map(|c| {
                "〇一二三四五六七八九"
                    .chars()
                    .nth(c as usize - '0' as usize)
                    .unwrap_or(c)
            })
            .collect(),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "lowerLetter" => letter(n).to_lowercase(),
        "upperLetter" => letter(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        _ => n.to_string(),
    }
}

fn letter(n: u32) -> String {
    let n = n.max(1) - 1;
    let c = char::from(b'A' + (n % 26) as u8);
    c.to_string().repeat((n / 26 + 1) as usize)
}

/// 1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五.
pub fn chinese_numeral(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n < 10 {
        return D[n as usize].to_string();
    }
    if n < 20 {
        return format!("十{}", if n == 10 { "" } else { D[(n % 10) as usize] });
    }
    if n < 100 {
        let ones = if n.is_multiple_of(10) {
            ""
        } else {
            D[(n % 10) as usize]
        };
        return format!("{}十{ones}", D[(n / 10) as usize]);
    }
    if n < 1000 {
        let rest = n % 100;
        let tail = match rest {
            0 => String::new(),
            1..=9 => format!("零{}", D[rest as usize]),
            10..=19 => format!("一{}", chinese_numeral(rest)),
            _ => chinese_numeral(rest),
        };
        return format!("{}百{tail}", D[(n / 100) as usize]);
    }
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::docx::W;

    #[test]
    fn chinese_numerals_as_word_counts() {
        for (n, s) in [
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (31, "三十一"),
            (100, "一百"),
            (105, "一百零五"),
            (112, "一百一十二"),
        ] {
            assert_eq!(chinese_numeral(n), s);
        }
    }

    #[test]
    fn word_automatic_numbers_are_written_out() {
        let xml = format!(
            r#"<w:numbering xmlns:w="{W}">
              <w:abstractNum w:abstractNumId="0">
                <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
                <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
                <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3．"/></w:lvl>
              </w:abstractNum>
              <w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>
            </w:numbering>"#
        );
        let mut n = Numbering::parse(&xml).unwrap();
        let labels: Vec<String> = [(0, 0), (0, 1), (0, 1), (0, 2), (0, 0), (0, 1)]
            .iter()
            .map(|(_, l)| n.label("5", *l).unwrap())
            .collect();
        assert_eq!(
            labels,
            ["一、", "（一）", "（二）", "1．", "二、", "（一）"]
        );
        assert_eq!(n.label("9", 0), None, "an unknown list has no label");
    }
}
