//! The imported document as zhiku Markdown: front matter that `zhiku check`
//! accepts, and a body in which every character of the source is text, never
//! markup (a `*` or `<` in an office file is escaped, so imported files
//! cannot inject anything the sanitizer would then have to catch).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::content::markdown::numbering::numbering_level;
use crate::extract::{Block, Footnote, Span};

/// Front matter values in the order editors read them.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: String,
    pub date: String,
    pub doc_number: Option<String>,
    pub issuers: Vec<String>,
    pub source: Option<String>,
    /// 单位 of an experience or case (from its signature).
    pub organization: Option<String>,
    /// Author of a training lesson (from its signature).
    pub author: Option<String>,
    pub comment: String,
}

impl FrontMatter {
    /// The fields as the report lists them.
    pub fn fields(&self) -> BTreeMap<String, serde_json::Value> {
        let mut f = BTreeMap::new();
        f.insert("title".into(), self.title.clone().into());
        f.insert("date".into(), self.date.clone().into());
        if let Some(n) = &self.doc_number {
            f.insert("doc_number".into(), n.clone().into());
        }
        match self.issuers.as_slice() {
            [] => {}
            [one] => {
                f.insert("issuer".into(), one.clone().into());
            }
            many => {
                f.insert("issuer".into(), many.to_vec().into());
            }
        }
        for (key, value) in self.optional() {
            f.insert(key.into(), value.into());
        }
        f
    }

    fn optional(&self) -> Vec<(&'static str, String)> {
        [
            ("organization", &self.organization),
            ("author", &self.author),
            ("source", &self.source),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect()
    }

    pub fn to_yaml(&self) -> String {
        // JSON strings are YAML double-quoted scalars: `：`, `#`, `[` stay text.
        let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        let mut out = String::from("---\n");
        for line in self.comment.lines() {
            out.push_str(&format!("# {line}\n"));
        }
        out.push_str(&format!("title: {}\n", q(&self.title)));
        out.push_str(&format!("date: {}\n", self.date));
        if let Some(n) = &self.doc_number {
            out.push_str(&format!("doc_number: {}\n", q(n)));
        }
        match self.issuers.as_slice() {
            [] => {}
            [one] => out.push_str(&format!("issuer: {}\n", q(one))),
            many => {
                out.push_str("issuer:\n");
                for i in many {
                    out.push_str(&format!("  - {}\n", q(i)));
                }
            }
        }
        for (key, value) in self.optional() {
            out.push_str(&format!("{key}: {}\n", q(&value)));
        }
        out.push_str("---\n");
        out
    }
}

/// Escapes text so Markdown reads it as text. `line_start`: the text opens
/// a paragraph, where `#`, `>`, `-`, `+` and `1.` would start a block.
pub fn escape(text: &str, line_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    if line_start {
        let first = out.chars().next();
        if matches!(first, Some('#' | '-' | '+' | '=')) {
            out.insert(0, '\\');
        }
        // `1.` / `1)` would open an ordered list.
        let digits = out.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && digits <= 9 {
            if let Some(sep) = out[digits..].chars().next() {
                if sep == '.' || sep == ')' {
                    out.insert(digits, '\\');
                }
            }
        }
        // Four leading spaces would make code.
        out = out.trim_start().to_string();
    }
    out
}

/// A span's Markdown: escaped text with its emphasis and link.
fn span_markdown(span: &Span, line_start: bool, notes: &mut NoteNumbers) -> String {
    if let Some(id) = &span.note {
        return format!("[^{}]", notes.number(id));
    }
    let text = &span.text;
    let core = text.trim();
    if core.is_empty() {
        return text.clone();
    }
    let mut md = escape(core, line_start && !text.starts_with(' '));
    if span.bold && span.italic {
        md = format!("***{md}***");
    } else if span.bold {
        md = format!("**{md}**");
    } else if span.italic {
        md = format!("*{md}*");
    }
    if let Some(url) = &span.link {
        md = format!("[{md}](<{}>)", url.replace(['<', '>', ' '], ""));
    }
    // Emphasis must touch its text; the spaces go outside.
    let lead = if text.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let tail = if text.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    format!("{lead}{md}{tail}")
}

/// Footnote ids as they appear, numbered 1, 2, … in reading order.
#[derive(Default)]
pub struct NoteNumbers {
    order: Vec<String>,
}

impl NoteNumbers {
    fn number(&mut self, id: &str) -> usize {
        match self.order.iter().position(|x| x == id) {
            Some(i) => i + 1,
            None => {
                self.order.push(id.to_string());
                self.order.len()
            }
        }
    }
}

/// The Markdown body. `image_urls[i]` is the site URL of media `i`.
pub fn body(blocks: &[Block], footnotes: &[Footnote], image_urls: &[Option<String>]) -> String {
    let mut out = String::new();
    let mut notes = NoteNumbers::default();
    let mut attachment_list = false;
    for block in blocks {
        let md = match block {
            Block::Paragraph(p) => {
                let text = p.text();
                let numbered = numbering_level(text.trim()).is_some();
                let mut line = String::new();
                // A heading is bold already, and the renderer makes a
                // numbered point's lead bold itself: no `**` of our own there.
                let mut lead = true;
                for (i, span) in p.spans.iter().enumerate() {
                    let mut span = span.clone();
                    if p.heading.is_some() || (numbered && lead) {
                        span.bold = false;
                    }
                    if i > 0 && !p.spans[i].bold && !p.spans[i].text.trim().is_empty() {
                        lead = false;
                    }
                    line.push_str(&span_markdown(&span, i == 0, &mut notes));
                }
                let line = line.trim().to_string();
                if line.is_empty() {
                    continue;
                }
                // 附件说明 continues over numbered lines: one paragraph, so
                // `2．…` does not become a heading.
                let t = text.trim();
                if attachment_list && t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                    out.truncate(out.trim_end().len());
                    out.push_str("\\\n");
                    out.push_str(&line);
                    out.push_str("\n\n");
                    continue;
                }
                attachment_list = t.starts_with("附件");
                match p.heading {
                    Some(level) if !numbered || level <= 2 => {
                        format!("{} {line}", "#".repeat(usize::from(level.clamp(1, 5)) + 1))
                    }
                    _ => line,
                }
            }
            Block::Table(rows) => {
                attachment_list = false;
                table(rows)
            }
            Block::Image { media, alt } => {
                attachment_list = false;
                match image_urls.get(*media).and_then(|u| u.as_deref()) {
                    Some(url) => format!("![{}]({url})", escape(alt, false)),
                    None => continue,
                }
            }
            Block::Rule => continue,
        };
        out.push_str(&md);
        out.push_str("\n\n");
    }
    let mut defined = Vec::new();
    for (n, id) in notes.order.iter().enumerate() {
        let text = footnotes
            .iter()
            .find(|f| &f.id == id)
            .map(|f| f.text.as_str())
            .unwrap_or("");
        defined.push(format!("[^{}]: {}", n + 1, escape(text, false)));
    }
    if !defined.is_empty() {
        out.push_str(&defined.join("\n"));
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let cell = |c: &str| escape(c, false).replace('\n', " ");
    let line = |row: &[String]| {
        let cells: Vec<String> = (0..width)
            .map(|i| row.get(i).map(|c| cell(c)).unwrap_or_default())
            .collect();
        format!("| {} |", cells.join(" | "))
    };
    let mut out = vec![line(&rows[0])];
    out.push(format!("|{}", " --- |".repeat(width)));
    for row in &rows[1..] {
        out.push(line(row));
    }
    out.join("\n")
}

fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

/// A file name from a title: the pinyin of its words (`关于`, `的` and
/// punctuation left out), the first five and the kind word, and the year.
pub fn slug_for(title: &str, year: Option<i32>) -> String {
    use pinyin::ToPinyin;
    // Pinyin from Simplified (the pinyin table knows it best); the issuing
    // agency before 关于 says nothing a site of one agency's documents needs.
    let simplified = fast2s::convert(title.trim());
    let title = match simplified.find("关于") {
        // `X关于Y`: X is the issuer.
        Some(at)
            if simplified[..at].chars().count() <= 30
                && !simplified[..at].contains(['，', '。', '、']) =>
        {
            &simplified[at + "关于".len()..]
        }
        _ => simplified.as_str(),
    };
    let mut words: Vec<String> = Vec::new();
    for token in jieba().cut(title, false) {
        let word = token.word;
        let mut w = String::new();
        for c in word.chars() {
            if let Some(p) = c.to_pinyin() {
                // ü is written v in URLs, as in typing (lvzhi).
                w.push_str(&p.plain().replace('ü', "v"));
            } else if c.is_ascii_alphanumeric() {
                w.push(c.to_ascii_lowercase());
            }
        }
        if !w.is_empty() && word != "的" && word != "和" && word != "与" {
            words.push(w);
        }
    }
    let mut chosen: Vec<String> = words.iter().take(5).cloned().collect();
    if words.len() > 5 {
        if let Some(last) = words.last() {
            chosen.push(last.clone());
        }
    }
    if let Some(y) = year {
        if !chosen.iter().any(|w| w == &y.to_string()) {
            chosen.push(y.to_string());
        }
    }
    let slug = chosen.join("-");
    let slug: String = slug.chars().take(80).collect();
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "imported".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Paragraph;

    #[test]
    fn markdown_characters_stay_text() {
        assert_eq!(
            escape("<script>alert(1)</script>", true),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(escape("1. 不是列表", true), "1\\. 不是列表");
        assert_eq!(escape("# 不是标题", true), "\\# 不是标题");
        assert_eq!(escape("江组发[2025]7号", false), "江组发\\[2025\\]7号");
    }

    #[test]
    fn slugs_read_as_pinyin() {
        assert_eq!(
            slug_for("关于加强红色物业建设的意见", Some(2019)),
            "jiaqiang-hongse-wuye-jianshe-yijian-2019"
        );
        // The agency before 关于 is left out; Traditional reads as Simplified.
        assert_eq!(
            slug_for("青川市江源区民政局关于加强红色物业建设的意见", None),
            "jiaqiang-hongse-wuye-jianshe-yijian"
        );
        assert_eq!(
            slug_for("關於加強紅色物業建設的意見", None),
            slug_for("关于加强红色物业建设的意见", None)
        );
        assert!(slug_for("社区党组织书记履职", None).contains("lvzhi"));
    }

    #[test]
    fn numbered_leads_lose_their_bold_and_tables_are_tables() {
        let mut p = Paragraph::plain("（一）健全小区党组织。");
        p.spans[0].bold = true;
        p.spans.push(Span {
            text: "按照应建尽建的原则。".into(),
            ..Span::default()
        });
        let md = body(
            &[
                Block::Paragraph(p),
                Block::Table(vec![
                    vec!["序号".into(), "任务".into()],
                    vec!["1".into(), "a|b".into()],
                ]),
            ],
            &[],
            &[],
        );
        assert_eq!(
            md,
            "（一）健全小区党组织。按照应建尽建的原则。\n\n| 序号 | 任务 |\n| --- | --- |\n| 1 | a\\|b |\n"
        );
    }
}
