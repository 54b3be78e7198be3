//! The parts of a 公文 (GB/T 9704) and of a web article that become front
//! matter instead of body text: from the head, the 发文机关标志 (issuers),
//! the 文号, the title (over several lines); from the foot, the signature
//! (issuers) and the 成文日期; the 印发 line goes. Everything between stays
//! body, 主送 first and 附件 lines kept.
//!
//! Decisions use the layout the reader kept (centred, large, red, bold)
//! where the format has it, and the wording where it does not (copied text).

use chrono::NaiveDate;

use super::dates;
use crate::content::docnum;
use crate::content::markdown::numbering::numbering_level;
use crate::extract::{Align, Block, Paragraph, Removed};

/// What the head and foot gave.
#[derive(Debug, Default)]
pub struct Found {
    pub title: Option<String>,
    pub doc_number: Option<String>,
    pub header_issuers: Vec<String>,
    pub signature_issuers: Vec<String>,
    pub date: Option<NaiveDate>,
    pub removed: Vec<Removed>,
}

/// Words a document title ends with.
const TITLE_ENDS: &[&str] = &[
    "意见",
    "通知",
    "办法",
    "方案",
    "决定",
    "规定",
    "报告",
    "总结",
    "纲要",
    "规划",
    "细则",
    "条例",
    "准则",
    "规则",
    "公告",
    "通报",
    "批复",
    "讲话",
    "发言",
    "汇报",
    "要点",
    "计划",
    "指引",
    "清单",
    "标准",
    "守则",
    "制度",
    "决议",
    "指南",
    "实施方案",
    "工作方案",
    "的函",
    "纪要",
];

/// Endings of an agency's name.
const AGENCY_ENDS: &[&str] = &[
    "委员会",
    "委",
    "部",
    "局",
    "厅",
    "办公室",
    "办公厅",
    "办",
    "政府",
    "街道",
    "社区",
    "党组",
    "党委",
    "党工委",
    "中心",
    "院",
    "会",
    "处",
    "科",
    "站",
    "所",
    "团委",
    "妇联",
    "总工会",
    "室",
    "署",
    "馆",
    "支部",
    "总支",
];

pub fn looks_like_title(text: &str) -> bool {
    let t = text.trim();
    let n = t.chars().count();
    (4..=150).contains(&n)
        && !t.ends_with(['。', '；', '，', '：', ':'])
        && (t.starts_with("关于") || TITLE_ENDS.iter().any(|e| t.ends_with(e)))
}

/// An agency name (`中共青川市江源区委组织部`, with a header's `文件`).
pub fn looks_like_agency(text: &str) -> bool {
    let t = strip_wenjian(text.trim());
    let n = t.chars().count();
    (3..=40).contains(&n)
        && !t.contains(['。', '，', '：', '、', '；', '（', '('])
        && !t.starts_with("关于")
        && AGENCY_ENDS.iter().any(|e| t.ends_with(e))
}

fn strip_wenjian(text: &str) -> &str {
    text.strip_suffix("文件").map(str::trim).unwrap_or(text)
}

/// One header or signature line may carry several agencies side by side.
fn agencies(text: &str) -> Vec<String> {
    let t = strip_wenjian(text.trim());
    let parts: Vec<&str> = t.split_whitespace().collect();
    if parts.len() > 1 && parts.iter().all(|p| looks_like_agency(p)) {
        parts.iter().map(|p| p.to_string()).collect()
    } else {
        vec![t.split_whitespace().collect::<String>()]
    }
}

/// The 文号 a line is (a `签发人：` beside it allowed), canonical.
fn doc_number_line(text: &str) -> Option<String> {
    let t = text.split("签发人").next().unwrap_or(text);
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.chars().count() > 30 {
        return None;
    }
    docnum::canonical(&compact)
}

/// 份号, 密级 and 紧急程度 of the 版头.
fn is_version_mark(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (t.len() >= 3 && t.len() <= 8 && t.chars().all(|c| c.is_ascii_digit()))
        || ["绝密", "机密", "秘密", "特急", "加急", "平急", "特提"]
            .iter()
            .any(|m| t.starts_with(m) && t.chars().count() <= 12)
}

/// Where the body starts: 主送, a numbered point, or a sentence.
fn is_body_start(p: &Paragraph) -> bool {
    let t = p.text();
    let t = t.trim();
    let n = t.chars().count();
    (t.ends_with(['：', ':']) && n <= 120)
        || numbering_level(t).is_some()
        || (n > 60 && t.contains('。'))
        || t.ends_with('。')
}

fn text_of(block: &Block) -> Option<String> {
    match block {
        Block::Paragraph(p) => Some(p.text().trim().to_string()),
        _ => None,
    }
}

/// Typical body text size, weighted by characters.
fn body_size(blocks: &[Block]) -> Option<f32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for b in blocks {
        if let Block::Paragraph(p) = b {
            if let Some(s) = p.size {
                let key = (s * 2.0).round() as i32;
                let n = p.text().chars().count();
                match counts.iter_mut().find(|(k, _)| *k == key) {
                    Some(c) => c.1 += n,
                    None => counts.push((key, n)),
                }
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|c| c.1)
        .map(|(k, _)| k as f32 / 2.0)
}

/// A paragraph set apart as a title is: centred, or larger, or all bold,
/// or declared a heading.
fn displayed(p: &Paragraph, body: Option<f32>) -> bool {
    let larger = matches!((p.size, body), (Some(s), Some(b)) if s >= b + 2.0);
    p.align == Align::Center || larger || p.all_bold() || matches!(p.heading, Some(1 | 2))
}

fn remove(found: &mut Found, text: &str, reason: &str) {
    found.removed.push(Removed {
        text: text.to_string(),
        reason: reason.to_string(),
    });
}

/// Reads the head: marks, issuers, 文号 and title; removes them from `blocks`.
pub fn head(blocks: &mut Vec<Block>, found: &mut Found) {
    header_table_as_lines(blocks);
    above_declared_title(blocks, found);
    let body = body_size(blocks);
    let layout_known = blocks.iter().any(|b| {
        matches!(b, Block::Paragraph(p) if p.align != Align::Unknown || p.size.is_some() || p.heading.is_some())
    });
    let mut drop = Vec::new();
    let mut title_at: Vec<usize> = Vec::new();
    let mut seen_text = 0;
    for (i, block) in blocks.iter().enumerate() {
        if seen_text >= 14 {
            break;
        }
        let Block::Paragraph(p) = block else {
            if matches!(block, Block::Rule) {
                continue;
            }
            break;
        };
        seen_text += 1;
        let text = p.text().trim().to_string();
        if title_at.is_empty() && found.doc_number.is_none() && is_version_mark(&text) {
            remove(found, &text, "份号、密级或紧急程度 (版头)");
            drop.push(i);
            continue;
        }
        if found.doc_number.is_none() {
            if let Some(num) = doc_number_line(&text) {
                found.doc_number = Some(num);
                remove(found, &text, "-> front matter doc_number (文号)");
                drop.push(i);
                continue;
            }
        }
        // A declared heading is the title when it comes first.
        if title_at.is_empty() && matches!(p.heading, Some(1)) {
            title_at.push(i);
            continue;
        }
        if !title_at.is_empty() {
            if title_continues(blocks, &title_at, i, layout_known, body) {
                title_at.push(i);
                continue;
            }
            // After the title: a subtitle or a line of the body.
            break;
        }
        if is_body_start(p) {
            break;
        }
        let agency = looks_like_agency(&text) && !looks_like_title(&text);
        let header_look = !layout_known || p.red || displayed(p, body);
        if agency && header_look && found.doc_number.is_none() {
            found.header_issuers.extend(agencies(&text));
            remove(found, &text, "-> front matter issuer (发文机关标志)");
            drop.push(i);
            continue;
        }
        let title_look = if layout_known {
            displayed(p, body) || looks_like_title(&text)
        } else {
            true
        };
        if title_look && text.chars().count() <= 150 && !text.ends_with(['。', '；', '，']) {
            title_at.push(i);
            continue;
        }
        break;
    }
    if !title_at.is_empty() {
        let title: String = title_at
            .iter()
            .filter_map(|j| text_of(&blocks[*j]))
            .collect::<Vec<_>>()
            .join("");
        found.title = Some(title);
        drop.extend(title_at);
    }
    drop.sort_unstable();
    for i in drop.into_iter().rev() {
        blocks.remove(i);
    }
}

/// A joint document's 发文机关标志 is often a borderless table (agencies in
/// one column, a tall 文件 beside them): read it as the header lines it is.
fn header_table_as_lines(blocks: &mut Vec<Block>) {
    let Some(at) = blocks
        .iter()
        .take(4)
        .position(|b| matches!(b, Block::Table(_)))
    else {
        return;
    };
    let Block::Table(rows) = &blocks[at] else {
        return;
    };
    let cells: Vec<String> = rows
        .iter()
        .flatten()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let header = rows.len() <= 6
        && cells.iter().all(|c| c.chars().count() <= 40)
        && cells
            .iter()
            .any(|c| looks_like_agency(c) || doc_number_line(c).is_some());
    if !header {
        return;
    }
    let lines: Vec<Block> = cells
        .into_iter()
        .filter(|c| c != "文件")
        .map(|c| {
            Block::Paragraph(Paragraph {
                align: Align::Center,
                red: true,
                ..Paragraph::plain(c)
            })
        })
        .collect();
    blocks.splice(at..=at, lines);
}

/// Whether paragraph `i` carries on the title begun at `title_at`: it looks
/// the same (alignment, size), or the title is not finished (no 意见, 通知…
/// at its end yet) and this line, with up to two more, finishes it.
fn title_continues(
    blocks: &[Block],
    title_at: &[usize],
    i: usize,
    layout_known: bool,
    body: Option<f32>,
) -> bool {
    let last = *title_at.last().expect("a title line");
    let (Block::Paragraph(prev), Block::Paragraph(p)) = (&blocks[last], &blocks[i]) else {
        return false;
    };
    let text = p.text();
    let text = text.trim();
    if i != last + 1
        || title_at.len() >= 4
        || is_body_start(p)
        || text.starts_with(['—', '－', '-'])
        || doc_number_line(text).is_some()
        || prev.heading != p.heading && prev.heading.is_some() && p.heading.is_some()
    {
        return false;
    }
    let joined: String = title_at
        .iter()
        .filter_map(|j| text_of(&blocks[*j]))
        .collect();
    if finished_title(&joined) {
        return false;
    }
    let mut more = joined;
    for next in blocks.iter().skip(i).take(3) {
        let Block::Paragraph(q) = next else { break };
        if is_body_start(q) {
            break;
        }
        more.push_str(q.text().trim());
        if finished_title(&more) {
            return true;
        }
    }
    layout_known
        && prev.align == p.align
        && prev.heading == p.heading
        && displayed(p, body)
        && (prev.size.unwrap_or(0.0) - p.size.unwrap_or(0.0)).abs() < 1.0
}

/// A title that has reached its end: `…的意见`, `…的通知`.
fn finished_title(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['）', ')']);
    TITLE_ENDS.iter().any(|e| t.ends_with(e)) || t.ends_with("（试行") || t.ends_with("(试行")
}

/// A web page's `<h1>` is its title: short lines above it are the site's
/// banner and slogans, not the article.
fn above_declared_title(blocks: &mut Vec<Block>, found: &mut Found) {
    let Some(h1) = blocks
        .iter()
        .take(20)
        .position(|b| matches!(b, Block::Paragraph(p) if p.heading == Some(1)))
    else {
        return;
    };
    // A 公文 with a Title-styled title has its 版头 above it: not furniture.
    let furniture = blocks[..h1].iter().all(|b| match b {
        Block::Paragraph(p) => {
            let t = p.text();
            let t = t.trim();
            t.chars().count() <= 40
                && !is_body_start(p)
                && doc_number_line(t).is_none()
                && !looks_like_agency(t)
                && !is_version_mark(t)
        }
        Block::Rule => true,
        _ => false,
    });
    if !furniture {
        return;
    }
    for b in blocks.drain(..h1) {
        if let Some(text) = text_of(&b) {
            remove(found, &text, "above the article's title (site banner)");
        }
    }
}

/// Reads the foot: the 印发 line goes; the 成文日期 and the signature above
/// it become front matter; 抄送 and 附注 stay.
pub fn foot(blocks: &mut Vec<Block>, found: &mut Found) {
    let mut drop = Vec::new();
    let mut date_at = None;
    let mut looked = 0;
    for i in (0..blocks.len()).rev() {
        let Block::Paragraph(p) = &blocks[i] else {
            if matches!(blocks[i], Block::Rule) {
                continue;
            }
            break;
        };
        looked += 1;
        if looked > 8 {
            break;
        }
        let text = p.text().trim().to_string();
        if text.ends_with("印发") && dates::find(&text).is_some() {
            remove(found, &text, "印发 line (版记)");
            drop.push(i);
            continue;
        }
        if text.starts_with("抄送") || text.starts_with("主题词") || is_note(&text) {
            continue;
        }
        if let Some(d) = dates::parse(&text) {
            found.date = Some(d);
            remove(found, &text, "-> front matter date (成文日期)");
            drop.push(i);
            date_at = Some(i);
            break;
        }
        // `机关名称  2025年3月18日` on one line.
        if let Some((d, s, e)) = dates::find(&text) {
            let (before, after) = (text[..s].trim(), text[e..].trim());
            if after.is_empty() && looks_like_agency(before) {
                found.date = Some(d);
                found.signature_issuers.extend(agencies(before));
                remove(
                    found,
                    &text,
                    "-> front matter date and issuer or organization (署名, 成文日期)",
                );
                drop.push(i);
                date_at = None;
                break;
            }
        }
        break;
    }
    if let Some(at) = date_at {
        let mut signature = Vec::new();
        for j in (0..at).rev().take(4) {
            let Some(text) = text_of(&blocks[j]) else {
                break;
            };
            if looks_like_agency(&text) {
                signature.push(j);
            } else {
                break;
            }
        }
        for j in signature.iter().rev() {
            let text = text_of(&blocks[*j]).unwrap_or_default();
            found.signature_issuers.extend(agencies(&text));
            remove(
                found,
                &text,
                "-> front matter issuer or organization (署名)",
            );
            drop.push(*j);
        }
    }
    drop.sort_unstable();
    drop.dedup();
    for i in drop.into_iter().rev() {
        blocks.remove(i);
    }
}

/// A 公文 that forwards another (印发…的通知) signs and dates before the
/// attachment it carries: when the foot held no date, the first signature
/// block (agency lines, then a date alone) after the body's start is it.
pub fn signature_inside(blocks: &mut Vec<Block>, found: &mut Found) {
    if found.date.is_some() {
        return;
    }
    let at = (1..blocks.len()).find(|&i| {
        let Block::Paragraph(p) = &blocks[i] else {
            return false;
        };
        dates::parse(p.text().trim()).is_some()
            && text_of(&blocks[i - 1]).is_some_and(|t| looks_like_agency(&t))
    });
    let Some(at) = at else { return };
    let Some(date) = text_of(&blocks[at]).and_then(|t| dates::parse(&t)) else {
        return;
    };
    found.date = Some(date);
    let mut drop = vec![at];
    remove(
        found,
        &text_of(&blocks[at]).unwrap_or_default(),
        "-> front matter date (成文日期)",
    );
    for j in (0..at).rev().take(4) {
        match text_of(&blocks[j]) {
            Some(t) if looks_like_agency(&t) => {
                found.signature_issuers.insert(0, t.clone());
                remove(found, &t, "-> front matter issuer or organization (署名)");
                drop.push(j);
            }
            _ => break,
        }
    }
    drop.sort_unstable();
    for i in drop.into_iter().rev() {
        blocks.remove(i);
    }
}

/// 附注: `（此件公开发布）`, `（联系人：…）`.
fn is_note(text: &str) -> bool {
    (text.starts_with('（') && text.ends_with('）') || text.starts_with('(') && text.ends_with(')'))
        && text.chars().count() <= 60
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(lines: &[&str]) -> Vec<Block> {
        lines
            .iter()
            .map(|l| Block::Paragraph(Paragraph::plain(*l)))
            .collect()
    }

    #[test]
    fn copied_notice_head_and_foot() {
        let mut b = blocks(&[
            "关于做好2024年度社区党组织书记培训工作的通知",
            "江组通(2024)3号",
            "各街道党工委，区直机关工委：",
            "为进一步提升能力，决定开展培训。",
            "中共青川市江源区委组织部",
            "2024年3月4日",
        ]);
        let mut f = Found::default();
        head(&mut b, &mut f);
        foot(&mut b, &mut f);
        assert_eq!(
            f.title.as_deref(),
            Some("关于做好2024年度社区党组织书记培训工作的通知")
        );
        assert_eq!(f.doc_number.as_deref(), Some("江组通〔2024〕3号"));
        assert_eq!(f.signature_issuers, ["中共青川市江源区委组织部"]);
        assert_eq!(f.date, NaiveDate::from_ymd_opt(2024, 3, 4));
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn plain_title_without_title_words() {
        let mut b = blocks(&[
            "织密小区服务网 架起党群连心桥",
            "——江源区东桥街道在全区基层党建工作经验交流会上的发言",
            "东桥街道共有社区9个。",
        ]);
        let mut f = Found::default();
        head(&mut b, &mut f);
        assert_eq!(f.title.as_deref(), Some("织密小区服务网 架起党群连心桥"));
        assert_eq!(b.len(), 2, "the subtitle stays in the body");
    }

    #[test]
    fn agencies_and_titles() {
        assert!(looks_like_agency("中共青川市江源区委组织部"));
        assert!(looks_like_agency("青川市江源区民政局文件"));
        assert!(!looks_like_agency("关于加强社区工作者队伍建设的意见"));
        assert!(looks_like_title(
            "关于推进小区党支部建设进一步加强红色物业工作的意见"
        ));
        assert_eq!(
            agencies("中共青川市江源区委组织部  青川市江源区民政局"),
            ["中共青川市江源区委组织部", "青川市江源区民政局"]
        );
    }
}
