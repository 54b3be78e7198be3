//! The small relation map on each page (关系图): who cites this page on the
//! left, what it cites on the right, drawn as SVG at build time so it needs
//! no script. Colours come from the theme's CSS classes (`nb-*`), so high
//! contrast mode and print restyle it like the rest of the page.

use std::fmt::Write;

use crate::content::model::Kind;
use crate::content::text::escape_html;
use crate::site::Site;

/// Nodes drawn per side; the rest are counted in a "另有 N 篇" line.
const MAX_PER_SIDE: usize = 6;
const WIDTH: usize = 600;
const NODE_W: usize = 180;
const NODE_H: usize = 48;
const ROW: usize = 56;
const TOP: usize = 30;
/// A title's two lines, in CJK characters (Latin letters count about half):
/// the first shares its line with the kind.
const FIRST_LINE: f32 = 9.5;
const SECOND_LINE: f32 = 12.0;
/// Baseline to baseline, and from the node's top to the first baseline.
const LINE_GAP: usize = 17;
const FIRST_BASELINE: usize = 19;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edge {
    Cites,
    Supersedes,
}

/// The SVG for page `i`, or `None` when nothing links to or from it.
pub fn svg(site: &Site, i: usize) -> Option<String> {
    let page = &site.pages[i];
    let mut incoming: Vec<(usize, Edge)> = Vec::new();
    for b in &page.backlinks {
        incoming.push((b.from, Edge::Cites));
    }
    for &j in &page.superseded_by {
        if !incoming.iter().any(|(k, _)| *k == j) {
            incoming.push((j, Edge::Supersedes));
        }
    }
    let mut outgoing: Vec<(usize, Edge)> = Vec::new();
    for &j in &page.links_to {
        outgoing.push((j, Edge::Cites));
    }
    for &j in &page.supersedes {
        if !outgoing.iter().any(|(k, _)| *k == j) {
            outgoing.push((j, Edge::Supersedes));
        }
    }
    if incoming.is_empty() && outgoing.is_empty() {
        return None;
    }
    let rows = |n: usize| n.min(MAX_PER_SIDE) + usize::from(n > MAX_PER_SIDE);
    let height = TOP + rows(incoming.len()).max(rows(outgoing.len())).max(1) * ROW + 6;
    let center_y = TOP + (height - TOP) / 2 - NODE_H / 2;
    let center_x = (WIDTH - NODE_W) / 2;
    let right_x = WIDTH - NODE_W - 2;

    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        r#"<svg class="nb" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="group" aria-label="关系图：{} 篇文档引用本文，本文引用 {} 篇" xmlns="http://www.w3.org/2000/svg">"#,
        incoming.len(),
        outgoing.len()
    );
    s.push_str(r#"<defs><marker id="nb-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" class="nb-arrowhead"/></marker></defs>"#);
    if !incoming.is_empty() {
        heading(&mut s, 2, "引用本文");
    }
    if !outgoing.is_empty() {
        heading(&mut s, right_x, "本文引用");
    }
    let side = |s: &mut String, list: &[(usize, Edge)], x: usize, into_center: bool| {
        for (row, &(j, edge)) in list.iter().take(MAX_PER_SIDE).enumerate() {
            let y = TOP + row * ROW;
            let (x1, y1, x2, y2) = if into_center {
                (x + NODE_W, y + NODE_H / 2, center_x, center_y + NODE_H / 2)
            } else {
                (center_x + NODE_W, center_y + NODE_H / 2, x, y + NODE_H / 2)
            };
            let mid = (x1 + x2) / 2;
            let class = match edge {
                Edge::Cites => "nb-edge",
                Edge::Supersedes => "nb-edge nb-supersedes",
            };
            let _ = write!(
                s,
                r#"<path class="{class}" d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" marker-end="url(#nb-arrow)"/>"#
            );
            node(s, site, j, x, y, false);
        }
        if list.len() > MAX_PER_SIDE {
            let y = TOP + MAX_PER_SIDE * ROW + NODE_H / 2;
            let _ = write!(
                s,
                r#"<text class="nb-more" x="{}" y="{y}">另有 {} 篇</text>"#,
                x + 8,
                list.len() - MAX_PER_SIDE
            );
        }
    };
    side(&mut s, &incoming, 2, true);
    side(&mut s, &outgoing, right_x, false);
    node(&mut s, site, i, center_x, center_y, true);
    s.push_str("</svg>");
    Some(s)
}

fn heading(s: &mut String, x: usize, text: &str) {
    let _ = write!(
        s,
        r#"<text class="nb-heading" x="{x}" y="16">{text}</text>"#
    );
}

fn node(s: &mut String, site: &Site, j: usize, x: usize, y: usize, this: bool) {
    let page = &site.pages[j];
    let title = &page.doc.front.title;
    let kind = page.doc.front.kind;
    let (first, second) = two_lines(title, FIRST_LINE, SECOND_LINE);
    let class = format!(
        "nb-node nb-{}{}",
        kind.name(),
        if this { " nb-this" } else { "" }
    );
    let rect = format!(
        r#"<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="4"/><text x="{tx}" y="{ty}"><tspan class="nb-kind">{}</tspan> {}<tspan x="{tx}" dy="{LINE_GAP}">{}</tspan></text>"#,
        short_label(kind),
        escape_html(&first),
        escape_html(&second),
        tx = x + 8,
        ty = y + FIRST_BASELINE,
    );
    if this {
        let _ = write!(
            s,
            r#"<g class="{class}"><title>本文：{}</title>{rect}</g>"#,
            escape_html(title)
        );
    } else {
        let _ = write!(
            s,
            r#"<a class="{class}" href="{}"><title>{}：{}</title>{rect}</a>"#,
            escape_html(&site.config.href(&page.url)),
            kind.label(),
            escape_html(title)
        );
    }
}

fn short_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Policy => "政策",
        Kind::Experience => "经验",
        Kind::Case => "案例",
        Kind::Training => "培训",
    }
}

fn char_width(c: char) -> f32 {
    if c.is_ascii() {
        0.55
    } else {
        1.0
    }
}

/// `text` on two lines of about `first` and `second` CJK characters, the
/// second cut with an ellipsis when the title is longer.
fn two_lines(text: &str, first: f32, second: f32) -> (String, String) {
    let mut used = 0.0;
    let mut split = text.len();
    for (i, c) in text.char_indices() {
        if used + char_width(c) > first {
            split = i;
            break;
        }
        used += char_width(c);
    }
    let (line1, rest) = text.split_at(split);
    let mut line2 = String::new();
    let mut used = 0.0;
    for c in rest.chars() {
        if used + char_width(c) > second {
            line2.push('…');
            break;
        }
        used += char_width(c);
        line2.push(c);
    }
    (line1.to_string(), line2)
}

#[cfg(test)]
mod tests {
    use super::two_lines;

    #[test]
    fn titles_take_two_lines_cut_by_display_width() {
        assert_eq!(
            two_lines("关于推进红色物业建设加强住宅小区党建工作的意见", 9.5, 12.0),
            (
                "关于推进红色物业建".to_string(),
                "设加强住宅小区党建工作的…".to_string()
            )
        );
        assert_eq!(
            two_lines("短标题", 9.5, 12.0),
            ("短标题".to_string(), String::new())
        );
        assert_eq!(
            two_lines("2023 annual report of things", 6.0, 6.0),
            ("2023 annua".to_string(), "l report o…".to_string())
        );
    }
}
