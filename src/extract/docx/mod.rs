//! Word .docx (Office Open XML): a zip of XML parts. We read
//! `word/document.xml` with the parts it points at (styles for heading levels
//! and default sizes, numbering for Word's automatic 一、/（一） numbers,
//! relationships for pictures and links, footnotes).
//!
//! A 公文 in Word rarely uses heading styles: its 一、 lines are plain
//! paragraphs with a bold or 黑体 run. So the reader keeps what the layout
//! says (alignment, size, colour, bold per run) and leaves the meaning to the
//! importer.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use roxmltree::{Document, Node};

use super::{
    collapse_space, Align, Block, ExtractError, Extracted, Footnote, Media, Paragraph, Result, Span,
};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const V: &str = "urn:schemas-microsoft-com:vml";

/// Largest XML part we inflate: a bound on memory for hostile archives.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

mod numbering;

pub use numbering::chinese_numeral;
use numbering::Numbering;

pub fn read(bytes: &[u8]) -> Result<Extracted> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    if zip.by_name("EncryptionInfo").is_ok() || zip.by_name("EncryptedPackage").is_ok() {
        return Err(ExtractError::Encrypted);
    }
    let document = part(&mut zip, "word/document.xml")?
        .ok_or_else(|| corrupt("no word/document.xml".into()))?;
    let rels = part(&mut zip, "word/_rels/document.xml.rels")?
        .map(|x| relationships(&x))
        .transpose()?
        .unwrap_or_default();
    let styles = part(&mut zip, "word/styles.xml")?
        .map(|x| Styles::parse(&x))
        .transpose()?
        .unwrap_or_default();
    let numbering = part(&mut zip, "word/numbering.xml")?
        .map(|x| Numbering::parse(&x))
        .transpose()?
        .unwrap_or_default();
    let mut reader = Reader {
        rels: &rels,
        styles: &styles,
        numbering,
        out: Extracted::default(),
        media_by_target: HashMap::new(),
    };
    if let Some(notes) = part(&mut zip, "word/footnotes.xml")? {
        reader.footnotes(&notes)?;
    }
    let doc = Document::parse(&document).map_err(|e| corrupt(e.to_string()))?;
    let body = doc
        .descendants()
        .find(|n| is(n, "body"))
        .ok_or_else(|| corrupt("no w:body".into()))?;
    reader.container(body, &mut zip)?;
    if let Some(core) = part(&mut zip, "docProps/core.xml")? {
        if let Ok(core) = Document::parse(&core) {
            reader.out.title_hint = core
                .descendants()
                .find(|n| n.tag_name().name() == "title")
                .and_then(|n| n.text())
                .map(collapse_space)
                .filter(|t| !t.is_empty());
        }
    }
    Ok(reader.out)
}

fn corrupt(detail: String) -> ExtractError {
    ExtractError::Corrupt {
        format: "Word .docx",
        detail,
    }
}

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// One part of the package as text, `None` when absent.
fn part(zip: &mut Zip<'_>, name: &str) -> Result<Option<String>> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(corrupt(format!("{name}: {e}"))),
    };
    let mut text = String::new();
    file.take(MAX_PART_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| corrupt(format!("{name}: {e}")))?;
    Ok(Some(text))
}

fn bytes_of(zip: &mut Zip<'_>, name: &str) -> Option<Vec<u8>> {
    let file = zip.by_name(name).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

fn is(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(W)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| is(n, name))
}

fn wattr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

/// `<w:b/>`, `<w:b w:val="true"/>` on; `w:val="0"`/`"false"` off.
fn toggle(node: Option<Node<'_, '_>>) -> Option<bool> {
    let n = node?;
    Some(!matches!(
        wattr(n, "val"),
        Some("0" | "false" | "off" | "none")
    ))
}

/// Relationship id -> (target, external).
fn relationships(xml: &str) -> Result<HashMap<String, (String, bool)>> {
    let doc = Document::parse(xml).map_err(|e| corrupt(e.to_string()))?;
    Ok(doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Relationship")
        .filter_map(|n| {
            let external = n.attribute("TargetMode") == Some("External");
            Some((
                n.attribute("Id")?.to_string(),
                (n.attribute("Target")?.to_string(), external),
            ))
        })
        .collect())
}

/// Run properties that matter to structure.
#[derive(Debug, Clone, Copy, Default)]
struct RunProps {
    bold: Option<bool>,
    italic: Option<bool>,
    /// Half-points.
    size: Option<u32>,
    red: Option<bool>,
}

impl RunProps {
    fn read(rpr: Option<Node<'_, '_>>) -> RunProps {
        let Some(rpr) = rpr else {
            return RunProps::default();
        };
        RunProps {
            bold: toggle(child(rpr, "b")),
            italic: toggle(child(rpr, "i")),
            size: child(rpr, "sz")
                .and_then(|n| wattr(n, "val"))
                .and_then(|v| v.parse().ok()),
            red: child(rpr, "color")
                .and_then(|n| wattr(n, "val"))
                .map(is_red),
        }
    }

    /// `self` where set, else `base`.
    fn over(self, base: RunProps) -> RunProps {
        RunProps {
            bold: self.bold.or(base.bold),
            italic: self.italic.or(base.italic),
            size: self.size.or(base.size),
            red: self.red.or(base.red),
        }
    }
}

fn is_red(hex: &str) -> bool {
    if hex.len() != 6 {
        return false;
    }
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    let (r, g, b) = (c(0), c(2), c(4));
    r >= 0xB0 && g <= 0x60 && b <= 0x60
}

#[derive(Debug, Clone, Default)]
struct Style {
    based_on: Option<String>,
    heading: Option<u8>,
    run: RunProps,
    align: Option<Align>,
    /// Numbering linked to the style (how heading numbers are usually set).
    num: Option<(String, u8)>,
}

#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    default_run: RunProps,
    default_paragraph: Option<String>,
}

impl Styles {
    fn parse(xml: &str) -> Result<Styles> {
        let doc = Document::parse(xml).map_err(|e| corrupt(e.to_string()))?;
        let mut styles = Styles::default();
        if let Some(defaults) = doc.descendants().find(|n| is(n, "rPrDefault")) {
            styles.default_run = RunProps::read(child(defaults, "rPr"));
        }
        for s in doc.descendants().filter(|n| is(n, "style")) {
            let Some(id) = wattr(s, "styleId") else {
                continue;
            };
            if wattr(s, "type") == Some("paragraph") && wattr(s, "default") == Some("1") {
                styles.default_paragraph = Some(id.to_string());
            }
            let name = child(s, "name")
                .and_then(|n| wattr(n, "val"))
                .unwrap_or("")
                .to_lowercase();
            let ppr = child(s, "pPr");
            let outline = ppr
                .and_then(|p| child(p, "outlineLvl"))
                .and_then(|n| wattr(n, "val"))
                .and_then(|v| v.parse::<u8>().ok())
                .filter(|l| *l < 6)
                .map(|l| l + 1);
            let named = ["heading ", "标题 ", "heading"]
                .iter()
                .find_map(|p| name.strip_prefix(p))
                .and_then(|n| n.trim().parse::<u8>().ok())
                .filter(|l| (1..=6).contains(l));
            let heading = if name == "title" || name == "标题" {
                Some(1)
            } else {
                named.or(outline)
            };
            styles.by_id.insert(
                id.to_string(),
                Style {
                    based_on: child(s, "basedOn")
                        .and_then(|n| wattr(n, "val"))
                        .map(str::to_string),
                    heading,
                    run: RunProps::read(child(s, "rPr")),
                    align: ppr.and_then(|p| child(p, "jc")).map(align_of),
                    num: ppr.and_then(|p| child(p, "numPr")).and_then(num_pr),
                },
            );
        }
        Ok(styles)
    }

    /// A style with what it inherits folded in (bounded: cycles happen).
    fn resolved(&self, id: Option<&str>) -> Style {
        let mut out = Style::default();
        let mut next = id
            .map(str::to_string)
            .or_else(|| self.default_paragraph.clone());
        for _ in 0..16 {
            let Some(s) = next.as_deref().and_then(|id| self.by_id.get(id)) else {
                break;
            };
            out.heading = out.heading.or(s.heading);
            out.run = out.run.over(s.run);
            out.align = out.align.or(s.align);
            out.num = out.num.or_else(|| s.num.clone());
            next = s.based_on.clone();
        }
        out.run = out.run.over(self.default_run);
        out
    }
}

/// `<w:numPr>`: the list and level a paragraph (or style) is numbered in.
fn num_pr(np: Node<'_, '_>) -> Option<(String, u8)> {
    let id = child(np, "numId").and_then(|x| wattr(x, "val"))?;
    let lvl = child(np, "ilvl")
        .and_then(|x| wattr(x, "val"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((id.to_string(), lvl))
}

fn align_of(jc: Node<'_, '_>) -> Align {
    match wattr(jc, "val") {
        Some("center") => Align::Center,
        Some("right" | "end") => Align::Right,
        Some("both" | "distribute") => Align::Justify,
        Some("left" | "start") => Align::Left,
        _ => Align::Unknown,
    }
}

struct Reader<'a> {
    rels: &'a HashMap<String, (String, bool)>,
    styles: &'a Styles,
    numbering: Numbering,
    out: Extracted,
    media_by_target: HashMap<String, usize>,
}

impl Reader<'_> {
    fn footnotes(&mut self, xml: &str) -> Result<()> {
        let doc = Document::parse(xml).map_err(|e| corrupt(e.to_string()))?;
        for note in doc.descendants().filter(|n| is(n, "footnote")) {
            // Separators (-1, 0) are Word's own, not the author's.
            if matches!(
                wattr(note, "type"),
                Some("separator" | "continuationSeparator")
            ) {
                continue;
            }
            let Some(id) = wattr(note, "id") else {
                continue;
            };
            let text: Vec<String> = note
                .descendants()
                .filter(|n| is(n, "p"))
                .map(|p| collapse_space(&plain_text(p)))
                .filter(|t| !t.is_empty())
                .collect();
            self.out.footnotes.push(Footnote {
                id: id.to_string(),
                text: text.join(" "),
            });
        }
        Ok(())
    }

    /// The block-level children of the body, a cell or a content control.
    fn container(&mut self, node: Node<'_, '_>, zip: &mut Zip<'_>) -> Result<()> {
        for n in node.children().filter(Node::is_element) {
            match n.tag_name().name() {
                "p" if is(&n, "p") => self.paragraph(n, zip),
                "tbl" if is(&n, "tbl") => {
                    let table = self.table(n);
                    if !table.is_empty() {
                        self.out.blocks.push(Block::Table(table));
                    }
                }
                // Content controls and tracked insertions hold ordinary blocks.
                "sdt" | "customXml" | "ins" => {
                    let inner = child(n, "sdtContent").unwrap_or(n);
                    self.container(inner, zip)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn paragraph(&mut self, p: Node<'_, '_>, zip: &mut Zip<'_>) {
        let ppr = child(p, "pPr");
        let style_id = ppr
            .and_then(|x| child(x, "pStyle"))
            .and_then(|x| wattr(x, "val"));
        let style = self.styles.resolved(style_id);
        let mut para = Paragraph {
            align: ppr
                .and_then(|x| child(x, "jc"))
                .map(align_of)
                .or(style.align)
                .unwrap_or(Align::Left),
            heading: ppr
                .and_then(|x| child(x, "outlineLvl"))
                .and_then(|x| wattr(x, "val"))
                .and_then(|v| v.parse::<u8>().ok())
                .filter(|l| *l < 6)
                .map(|l| l + 1)
                .or(style.heading),
            ..Paragraph::default()
        };
        let rule = ppr
            .and_then(|x| child(x, "pBdr"))
            .is_some_and(|b| child(b, "bottom").is_some() || child(b, "top").is_some());
        // The paragraph's own numbering, else its style's; numId 0 is "none".
        let num = match ppr.and_then(|x| child(x, "numPr")) {
            Some(np) => num_pr(np).map(|(id, lvl)| match (child(np, "ilvl"), &style.num) {
                (None, Some((_, style_lvl))) => (id, *style_lvl),
                _ => (id, lvl),
            }),
            None => style.num.clone(),
        };
        if let Some(label) = num
            .filter(|(id, _)| id != "0")
            .and_then(|(id, lvl)| self.numbering.label(&id, lvl))
        {
            para.spans.push(Span {
                text: label,
                ..Span::default()
            });
        }
        let mut sizes = Vec::new();
        let mut reds = (0usize, 0usize);
        let mut images = Vec::new();
        let mut pieces = Vec::new();
        self.runs(p, style.run, None, &mut pieces, &mut images, zip);
        for piece in pieces {
            match piece {
                Piece::Text(span, props) => {
                    let n = span.text.chars().filter(|c| !c.is_whitespace()).count();
                    if n > 0 {
                        if let Some(sz) = props.size {
                            sizes.push(sz);
                        }
                        if props.red == Some(true) {
                            reds.0 += n;
                        }
                        reds.1 += n;
                    }
                    push_span(&mut para.spans, span);
                }
                Piece::Break => {
                    // A line break inside a paragraph: Word users press
                    // Shift+Enter where they mean a new line of a title or a
                    // new paragraph; both read well as separate paragraphs.
                    self.finish(&mut para, &sizes, reds);
                    let next = Paragraph {
                        align: para.align,
                        heading: para.heading,
                        ..Paragraph::default()
                    };
                    self.out
                        .blocks
                        .push(Block::Paragraph(std::mem::replace(&mut para, next)));
                }
            }
        }
        self.finish(&mut para, &sizes, reds);
        if !para.text().trim().is_empty() || para.spans.iter().any(|s| s.note.is_some()) {
            self.out.blocks.push(Block::Paragraph(para));
        } else if rule && images.is_empty() {
            self.out.blocks.push(Block::Rule);
        }
        for (media, alt) in images {
            self.out.blocks.push(Block::Image { media, alt });
        }
    }

    fn finish(&self, para: &mut Paragraph, sizes: &[u32], reds: (usize, usize)) {
        para.size = sizes.iter().max().map(|hp| *hp as f32 / 2.0);
        para.red = reds.1 > 0 && reds.0 * 2 > reds.1;
    }

    /// Collects the text runs under `node` in order (through hyperlinks,
    /// smart tags, fields, insertions), skipping deleted text and field codes.
    fn runs(
        &mut self,
        node: Node<'_, '_>,
        base: RunProps,
        link: Option<&str>,
        out: &mut Vec<Piece>,
        images: &mut Vec<(usize, String)>,
        zip: &mut Zip<'_>,
    ) {
        for n in node.children().filter(Node::is_element) {
            let name = n.tag_name().name();
            match name {
                "r" if is(&n, "r") => {
                    let props = RunProps::read(child(n, "rPr")).over(base);
                    for c in n.children().filter(Node::is_element) {
                        match c.tag_name().name() {
                            "t" => out.push(Piece::Text(
                                Span {
                                    text: c.text().unwrap_or("").to_string(),
                                    bold: props.bold == Some(true),
                                    italic: props.italic == Some(true),
                                    note: None,
                                    link: link.map(str::to_string),
                                },
                                props,
                            )),
                            "tab" => out.push(Piece::Text(
                                Span {
                                    text: " ".into(),
                                    ..Span::default()
                                },
                                props,
                            )),
                            "br" | "cr" if wattr(c, "type").is_none_or(|t| t == "textWrapping") => {
                                out.push(Piece::Break);
                            }
                            "footnoteReference" | "endnoteReference" => {
                                if let Some(id) = wattr(c, "id") {
                                    out.push(Piece::Text(
                                        Span {
                                            note: Some(id.to_string()),
                                            ..Span::default()
                                        },
                                        props,
                                    ));
                                }
                            }
                            "drawing" | "pict" | "object" => self.images(c, images, zip),
                            _ => {}
                        }
                    }
                }
                "hyperlink" => {
                    let target = n
                        .attribute((R, "id"))
                        .and_then(|id| self.rels.get(id))
                        .filter(|(t, external)| {
                            *external && (t.starts_with("http://") || t.starts_with("https://"))
                        })
                        .map(|(t, _)| t.clone());
                    self.runs(n, base, target.as_deref().or(link), out, images, zip);
                }
                "del" | "moveFrom" | "instrText" | "delText" => {}
                "pPr" | "rPr" => {}
                _ => self.runs(n, base, link, out, images, zip),
            }
        }
    }

    fn images(&mut self, node: Node<'_, '_>, images: &mut Vec<(usize, String)>, zip: &mut Zip<'_>) {
        let alt = node
            .descendants()
            .find(|n| n.tag_name().name() == "docPr")
            .and_then(|n| n.attribute("descr").or_else(|| n.attribute("title")))
            .unwrap_or("")
            .to_string();
        let ids = node.descendants().filter_map(|n| {
            if n.tag_name().name() == "blip" && n.tag_name().namespace() == Some(A) {
                n.attribute((R, "embed"))
            } else if n.tag_name().name() == "imagedata" && n.tag_name().namespace() == Some(V) {
                n.attribute((R, "id"))
            } else {
                None
            }
        });
        for id in ids {
            let Some((target, false)) = self.rels.get(id) else {
                continue;
            };
            let path = resolve_target(target);
            let index = match self.media_by_target.get(&path) {
                Some(i) => *i,
                None => {
                    let Some(bytes) = bytes_of(zip, &path) else {
                        self.out
                            .warnings
                            .push(format!("picture {path} is missing from the .docx"));
                        continue;
                    };
                    let name = path.rsplit('/').next().unwrap_or("image").to_string();
                    self.out.media.push(Media { name, bytes });
                    self.media_by_target.insert(path, self.out.media.len() - 1);
                    self.out.media.len() - 1
                }
            };
            images.push((index, alt.clone()));
        }
    }

    fn table(&mut self, tbl: Node<'_, '_>) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for tr in tbl.children().filter(|n| is(n, "tr")) {
            let mut row = Vec::new();
            for tc in tr.children().filter(|n| is(n, "tc")) {
                let paragraphs: Vec<String> = tc
                    .descendants()
                    .filter(|n| is(n, "p"))
                    .map(|p| collapse_space(&plain_text(p)))
                    .filter(|t| !t.is_empty())
                    .collect();
                let span = tc
                    .children()
                    .find(|n| is(n, "tcPr"))
                    .and_then(|p| child(p, "gridSpan"))
                    .and_then(|g| wattr(g, "val"))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                row.push(paragraphs.join(" "));
                row.extend(std::iter::repeat_n(String::new(), span - 1));
            }
            if row.iter().any(|c| !c.is_empty()) {
                rows.push(row);
            }
        }
        rows
    }
}

enum Piece {
    Text(Span, RunProps),
    Break,
}

/// Appends a span, merging it into the previous one when they look alike.
fn push_span(spans: &mut Vec<Span>, span: Span) {
    if let Some(last) = spans.last_mut() {
        let same = last.bold == span.bold
            && last.italic == span.italic
            && last.link == span.link
            && last.note.is_none()
            && span.note.is_none();
        if same {
            last.text.push_str(&span.text);
            return;
        }
    }
    spans.push(span);
}

/// The text of a paragraph, deleted text and field codes left out.
fn plain_text(p: Node<'_, '_>) -> String {
    let mut out = String::new();
    for n in p.descendants() {
        if !n.is_element() {
            continue;
        }
        if is(&n, "t") && !n.ancestors().any(|a| is(&a, "del")) {
            out.push_str(n.text().unwrap_or(""));
        } else if is(&n, "tab") {
            out.push(' ');
        }
    }
    out
}

/// A relationship target (`media/image1.png`, `../media/x.png`,
/// `/word/media/x.png`) as a path inside the package.
fn resolve_target(target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = vec!["word"];
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_inside_the_package() {
        assert_eq!(resolve_target("media/image1.png"), "word/media/image1.png");
        assert_eq!(resolve_target("../media/a.png"), "media/a.png");
        assert_eq!(resolve_target("/word/media/b.png"), "word/media/b.png");
    }

    #[test]
    fn red_is_red() {
        assert!(is_red("FF0000"));
        assert!(is_red("C00000"));
        assert!(!is_red("000000"));
        assert!(!is_red("auto"));
    }
}
