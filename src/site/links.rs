//! The links between documents: `[[wiki]]` links, relative `.md` links and
//! 文号 citations resolved to pages, the link graph and 被引用 lists with the
//! sentence around each link, and the errors of links that name nothing.

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use super::{Backlink, Page, Site};
use crate::content::model::Kind;
use crate::content::parse::Document;
use crate::error::Diagnostic;

impl Site {
    fn resolve_wiki_links(&self, html: &str, needle: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(i) = rest.find(needle) {
            out.push_str(&rest[..i]);
            out.push_str("href=\"");
            rest = &rest[i + needle.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let target = percent_encoding::percent_decode_str(&rest[..end]).decode_utf8_lossy();
            let target = crate::content::text::unescape_html(&target);
            match self.resolve_wiki(&target) {
                Ok((j, section)) => {
                    let page = &self.pages[j];
                    out.push_str(&self.config.href(&page.url));
                    if let Some(s) = &section {
                        out.push('#');
                        out.push_str(&crate::content::text::escape_html(s));
                    }
                    // `[[policies/xyz]]` without its own text reads as the title.
                    let after = &rest[end..];
                    let shown = format!("\">{}</a>", crate::content::text::escape_html(&target));
                    if after.starts_with(&shown) {
                        let label = match target.split_once('#') {
                            Some((_, s)) => format!("{} · {}", page.doc.front.title, s.trim()),
                            None => page.doc.front.title.clone(),
                        };
                        out.push_str(&format!(
                            "\">{}</a>",
                            crate::content::text::escape_html(&label)
                        ));
                        rest = &after[shown.len()..];
                        continue;
                    }
                }
                Err(_) if self.withheld.has_wiki(&target) => {
                    out.push_str(WITHHELD_HREF);
                    let after = &rest[end..];
                    let shown = format!("\">{}</a>", crate::content::text::escape_html(&target));
                    if after.starts_with(&shown) {
                        out.push_str(&format!("\">{WITHHELD_LABEL}</a>"));
                        rest = &after[shown.len()..];
                        continue;
                    }
                }
                Err(_) => out.push('#'),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    /// The page a `[[target]]` names: a content path (`policies/xyz`) or a
    /// title (《》 optional), with an optional `#小节`. `Err` lists the
    /// candidates: none, or several with that title.
    pub fn resolve_wiki(&self, target: &str) -> Result<(usize, Option<String>), Vec<usize>> {
        let (name, section) = match target.split_once('#') {
            Some((n, s)) => (n.trim(), Some(crate::content::text::slugify(s))),
            None => (target.trim(), None),
        };
        if let Some(&i) = self.by_key.get(&normalize_key(name)) {
            return Ok((i, section));
        }
        let title = name.trim_start_matches('《').trim_end_matches('》');
        let by_title = self.by_title.get_or_init(|| {
            let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, p) in self.pages.iter().enumerate() {
                by_title
                    .entry(p.doc.front.title.clone())
                    .or_default()
                    .push(i);
            }
            by_title
        });
        match by_title.get(title).map(Vec::as_slice) {
            Some([i]) => Ok((*i, section)),
            Some(several) => Err(several.to_vec()),
            None => Err(Vec::new()),
        }
    }

    /// The policy a 文号 written in text names, and the byte offset where its
    /// agency starts (`依据中组发〔2004〕25号` -> 中组发…, offset of 中).
    pub fn cited_policy(&self, written: &str) -> Option<(usize, &Page)> {
        for (start, _) in written.char_indices() {
            let rest = &written[start..];
            if let Some(&i) =
                crate::content::docnum::canonical(rest).and_then(|c| self.by_doc_number.get(&c))
            {
                return Some((start, &self.pages[i]));
            }
        }
        None
    }

    /// Resolves the citation placeholders of [`crate::content::markdown::CITATION_PREFIX`]:
    /// a link to the cited policy, or plain text when the site has none (or
    /// when a policy cites itself).
    pub fn resolve_citations<'h>(
        &self,
        html: &'h str,
        current_url: &str,
    ) -> std::borrow::Cow<'h, str> {
        const OPEN: &str = "<a class=\"docnum\" href=\"@num/";
        if !html.contains(OPEN) {
            return std::borrow::Cow::Borrowed(html);
        }
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(i) = rest.find(OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + OPEN.len()..];
            let (Some(q), Some(close)) = (after.find("\">"), after.find("</a>")) else {
                out.push_str(&rest[i..]);
                return std::borrow::Cow::Owned(out);
            };
            let text = &after[q + 2..close];
            match self.cited_policy(text) {
                Some((start, page)) if page.url != current_url => {
                    out.push_str(&text[..start]);
                    out.push_str(&format!(
                        "<a class=\"docnum\" href=\"{}\" title=\"{}\">{}</a>",
                        self.config.href(&page.url),
                        crate::content::text::escape_html(&page.doc.front.title),
                        &text[start..]
                    ));
                }
                _ => out.push_str(text),
            }
            rest = &after[close + "</a>".len()..];
        }
        out.push_str(rest);
        std::borrow::Cow::Owned(out)
    }

    /// Turns `href="@/cases/x.md#a"` (relative Markdown links, see
    /// [`crate::content::markdown::INTERNAL_LINK_PREFIX`]) into page URLs. A link to a
    /// file that is not a published page becomes `#` (`zhiku check` names it).
    /// Links to an internal document a public build left out become their
    /// text, without a link.
    pub fn resolve_internal_links<'h>(&self, html: &'h str) -> std::borrow::Cow<'h, str> {
        self.unlink_withheld(self.resolve_links_to_pages(html))
    }

    fn resolve_links_to_pages<'h>(&self, html: &'h str) -> std::borrow::Cow<'h, str> {
        const NEEDLE: &str = "href=\"@/";
        const WIKI: &str = "href=\"@wiki/";
        const FILE: &str = "href=\"@file/";
        let html = self.under_base_path(html);
        // A document's own files: published at their path under content/.
        let html: std::borrow::Cow<'h, str> = if html.contains(FILE) {
            std::borrow::Cow::Owned(
                html.replace(FILE, &format!("href=\"{}/", self.config.base_path())),
            )
        } else {
            html
        };
        let html: std::borrow::Cow<'h, str> = if html.contains(WIKI) {
            std::borrow::Cow::Owned(self.resolve_wiki_links(&html, WIKI))
        } else {
            html
        };
        if !html.contains(NEEDLE) {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        let mut rest: &str = &html;
        while let Some(i) = rest.find(NEEDLE) {
            out.push_str(&rest[..i]);
            out.push_str("href=\"");
            rest = &rest[i + NEEDLE.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let target = &rest[..end];
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (target, None),
            };
            let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            match self.page_by_key(&path) {
                Some(page) => {
                    out.push_str(&self.config.href(&page.url));
                    if let Some(f) = fragment {
                        out.push('#');
                        out.push_str(f);
                    }
                }
                None if self.withheld.has_key(&path) => out.push_str(WITHHELD_HREF),
                None => out.push('#'),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        std::borrow::Cow::Owned(out)
    }

    /// Every `<a>` whose target is withheld (marked [`WITHHELD_HREF`] by
    /// the resolvers above, or a withheld page's URL as an editor wrote it)
    /// replaced by its text.
    fn unlink_withheld<'h>(&self, html: std::borrow::Cow<'h, str>) -> std::borrow::Cow<'h, str> {
        if self.withheld.is_empty() || !html.contains("<a ") {
            return html;
        }
        let withheld = |tag: &str| {
            let href = tag
                .split_once(" href=\"")
                .and_then(|(_, h)| h.split_once('"'))
                .map(|(h, _)| crate::content::text::unescape_html(h));
            href.is_some_and(|h| {
                h == WITHHELD_HREF || self.withheld.has_url(&h, self.config.base_path())
            })
        };
        let mut out = String::with_capacity(html.len());
        let mut rest: &str = &html;
        while let Some(i) = rest.find("<a ") {
            let Some(tag_len) = rest[i..].find('>').map(|e| e + 1) else {
                break;
            };
            let inner = i + tag_len;
            if !withheld(&rest[i..inner]) {
                out.push_str(&rest[..inner]);
                rest = &rest[inner..];
                continue;
            }
            out.push_str(&rest[..i]);
            let close = rest[inner..].find("</a>").map_or(rest.len(), |c| inner + c);
            out.push_str(&rest[inner..close]);
            rest = &rest[(close + "</a>".len()).min(rest.len())..];
        }
        out.push_str(rest);
        std::borrow::Cow::Owned(out)
    }
}

/// The href the resolvers give a link to a withheld document, for
/// [`Site::unlink_withheld`] to take the link away.
const WITHHELD_HREF: &str = "@withheld";

impl Site {
    /// Site-absolute links and images an editor wrote (`/cases/x/`) moved
    /// under the base path of a site published in a sub-path; the site's own
    /// links are made with [`Config::href`](crate::config::Config::href).
    fn under_base_path<'h>(&self, html: &'h str) -> std::borrow::Cow<'h, str> {
        let base = self.config.base_path();
        if base.is_empty() || !(html.contains("href=\"/") || html.contains("src=\"/")) {
            return std::borrow::Cow::Borrowed(html);
        }
        let mut out = String::with_capacity(html.len() + 64);
        let mut rest = html;
        loop {
            let next = ["href=\"/", "src=\"/"]
                .iter()
                .filter_map(|n| rest.find(n).map(|i| (i, n.len())))
                .min();
            let Some((i, len)) = next else { break };
            out.push_str(&rest[..i + len - 1]);
            rest = &rest[i + len - 1..];
            if !rest.starts_with("//") {
                out.push_str(base);
            }
        }
        out.push_str(rest);
        std::borrow::Cow::Owned(out)
    }
}

/// Who links to whom: Markdown links to other documents (by file or URL) and
/// 文号 citations, each with the sentence it stands in.
pub(super) fn link_graph(site: &mut Site, diags: &mut Vec<Diagnostic>) {
    let by_url = site.index_by_url();
    let mut edges: Vec<(usize, usize, String)> = Vec::new();
    let wiki_label = |target: &str| -> Option<String> {
        match site.resolve_wiki(target) {
            Ok((j, _)) => Some(site.pages[j].doc.front.title.clone()),
            Err(_) if site.withheld.has_wiki(target) => Some(WITHHELD_LABEL.to_string()),
            Err(_) => None,
        }
    };
    // A public page naming a withheld internal document: the public portal
    // shows plain text there. (The members' portal links it: no warning.)
    let mut internal_links: Vec<Diagnostic> = Vec::new();
    let mut note_internal = |page: &Page, offset: usize, written: &str| {
        internal_links.push(internal_link_warning(page, offset, written));
    };
    let sentence_around =
        |body: &str, offset: usize| sentence_with_wiki_labels(body, offset, &wiki_label);
    for (i, page) in site.pages.iter().enumerate() {
        let body = &page.doc.body;
        for link in page.doc.rendered.links.iter().filter(|l| !l.image) {
            if link.wiki {
                match site.resolve_wiki(&link.dest) {
                    Ok((j, Some(section)))
                        if site.pages[j].doc.rendered.heading(&section).is_none() =>
                    {
                        diags.push(wiki_section_error(site, page, j, &link.dest, link.offset));
                    }
                    Ok((j, _)) if j != i => edges.push((i, j, sentence_around(body, link.offset))),
                    Ok(_) => {}
                    Err(candidates)
                        if candidates.is_empty() && site.withheld.has_wiki(&link.dest) =>
                    {
                        note_internal(page, link.offset, &link.dest)
                    }
                    Err(candidates) => {
                        diags.push(wiki_error(site, page, &link.dest, link.offset, &candidates))
                    }
                }
                continue;
            }
            let target = match crate::content::markdown::internal_link(
                page.doc.front.kind.section(),
                &link.dest,
            ) {
                Some(local) => {
                    let path = local[crate::content::markdown::INTERNAL_LINK_PREFIX.len()..]
                        .split('#')
                        .next()
                        .unwrap_or("");
                    if site.withheld.has_key(path) {
                        note_internal(page, link.offset, &link.dest);
                    }
                    site.by_key.get(&normalize_key(path)).copied()
                }
                None if link.dest.starts_with('/') => {
                    let path = link.dest.split(['#', '?']).next().unwrap_or("");
                    let path = if path.ends_with('/') {
                        path.to_string()
                    } else {
                        format!("{path}/")
                    };
                    if site.withheld.has_url(&path, "") {
                        note_internal(page, link.offset, &link.dest);
                    }
                    by_url.get(path.as_str()).copied()
                }
                None => None,
            };
            if let Some(j) = target.filter(|&j| j != i) {
                edges.push((i, j, sentence_around(body, link.offset)));
            }
        }
        for cited in &page.doc.rendered.citations {
            let offset = page.doc.body.find(cited.as_str()).unwrap_or(0);
            match site.cited_policy(cited) {
                Some((_, target)) => {
                    if let Some(&j) = by_url.get(target.url.as_str()).filter(|&&j| j != i) {
                        edges.push((i, j, sentence_around(body, offset)));
                    }
                }
                None => {
                    if let Some(start) = site.withheld.doc_number_in(cited) {
                        note_internal(page, offset + start, &cited[start..]);
                    }
                }
            }
        }
    }
    diags.extend(internal_links);
    for (from, to, context) in edges {
        if !site.pages[from].links_to.contains(&to) {
            site.pages[from].links_to.push(to);
        }
        if !site.pages[to].backlinks.iter().any(|b| b.from == from) {
            site.pages[to].backlinks.push(Backlink { from, context });
        }
    }
}

/// A question's `source: [[path#小节]]` must name a document (and a heading
/// of it); `#小节` of the page itself was checked when it was parsed.
pub(super) fn check_quiz_sources(site: &Site, diags: &mut Vec<Diagnostic>) {
    for page in &site.pages {
        for q in &page.doc.front.quiz {
            let Some(target) = q.source.as_deref().and_then(quiz_wiki_target) else {
                continue;
            };
            let field = format!("quiz[{}].source", q.number);
            let written_section = target.split_once('#').map_or("", |(_, s)| s.trim());
            let (problem, hint) = match site.resolve_wiki(target) {
                Ok((j, Some(section)))
                    if site.pages[j].doc.rendered.heading(&section).is_none() =>
                {
                    let to = &site.pages[j].doc;
                    let headings = to.heading_titles();
                    (
                        Some(format!(
                            "{} has no heading '{written_section}'",
                            to.rel_path
                        )),
                        (!headings.is_empty())
                            .then(|| format!("headings there: {}", headings.join(", "))),
                    )
                }
                Ok(_) => (None, None),
                Err(_) if site.withheld.has_wiki(target) => {
                    let mut d = Diagnostic::field_error(
                        &page.doc.rel_path,
                        q.line,
                        &field,
                        format!("[[{target}]] names an internal document: the public portal shows this question without its source link"),
                    )
                    .with_hint("point to a public passage, or keep it if members-only is meant");
                    d.severity = crate::error::Severity::Warning;
                    diags.push(d);
                    (None, None)
                }
                Err(c) if c.is_empty() => {
                    (Some("no document has this path or title".to_string()), None)
                }
                Err(c) => (
                    Some(format!(
                        "{} documents have this title: name one by its path",
                        c.len()
                    )),
                    None,
                ),
            };
            if let Some(problem) = problem {
                let d = Diagnostic::field_error(
                    &page.doc.rel_path,
                    q.line,
                    &field,
                    format!("[[{target}]]: {problem}"),
                );
                diags.push(match hint {
                    Some(h) => d.with_hint(h),
                    None => d,
                });
            }
        }
    }
}

/// `[[path#小节]]` -> `path#小节`.
pub fn quiz_wiki_target(source: &str) -> Option<&str> {
    source.strip_prefix("[[")?.strip_suffix("]]").map(str::trim)
}

/// What a public page shows for a link to an internal document that has no
/// text of its own (`[[policies/x]]`): never the document's title or path.
pub const WITHHELD_LABEL: &str = "（内部资料）";

/// A public page linking or citing an internal document.
fn internal_link_warning(page: &Page, offset: usize, written: &str) -> Diagnostic {
    let mut d = Diagnostic::error(
        &page.doc.rel_path,
        Some(crate::content::parse::body_line_of(&page.doc, offset)),
        format!(
            "'{written}' names an internal document: the public portal shows this as plain text, without a link"
        ),
    )
    .with_hint("keep it if members-only is meant; else make the target public (audience: public), or reword the sentence");
    d.severity = crate::error::Severity::Warning;
    d
}

/// A `[[target#小节]]` whose document has no such heading.
fn wiki_section_error(
    site: &Site,
    page: &Page,
    j: usize,
    target: &str,
    offset: usize,
) -> Diagnostic {
    let line = Some(crate::content::parse::body_line_of(&page.doc, offset));
    let to = &site.pages[j].doc;
    let section = target.split_once('#').map_or("", |(_, s)| s.trim());
    let headings: Vec<&str> = to
        .rendered
        .toc
        .iter()
        .take(8)
        .map(|t| t.title.as_str())
        .collect();
    let d = Diagnostic::error(
        &page.doc.rel_path,
        line,
        format!(
            "wiki link [[{target}]]: {} has no heading '{section}'",
            to.rel_path
        ),
    );
    if headings.is_empty() {
        d.with_hint("that document has no headings: link to the document itself")
    } else {
        d.with_hint(format!("headings there: {}", headings.join(", ")))
    }
}

/// A `[[target]]` that names no document, or several.
fn wiki_error(
    site: &Site,
    page: &Page,
    target: &str,
    offset: usize,
    candidates: &[usize],
) -> Diagnostic {
    let line = Some(crate::content::parse::body_line_of(&page.doc, offset));
    if candidates.is_empty() {
        return Diagnostic::error(
            &page.doc.rel_path,
            line,
            format!("wiki link [[{target}]]: no document has this path or title"),
        )
        .with_hint("write [[section/slug]] or a document's exact title");
    }
    let files: Vec<&str> = candidates
        .iter()
        .map(|&j| site.pages[j].doc.rel_path.as_str())
        .collect();
    let keys: Vec<&str> = candidates
        .iter()
        .map(|&j| site.pages[j].doc.content_key())
        .collect();
    Diagnostic::error(
        &page.doc.rel_path,
        line,
        format!(
            "wiki link [[{target}]]: {} documents have this title: {}",
            candidates.len(),
            files.join(", ")
        ),
    )
    .with_hint(format!(
        "name one by its path: [[{}]]",
        keys.join("]] or [[")
    ))
}

/// The sentence of Markdown `text` around byte `offset`, with link targets
/// and emphasis marks removed: what a reader of the citing page saw.
pub fn sentence_around(text: &str, offset: usize) -> String {
    sentence_with_wiki_labels(text, offset, &|_| None)
}

/// [`sentence_around`], showing a `[[target]]` without text as `label(target)`
/// (the site gives the document's title).
pub fn sentence_with_wiki_labels(
    text: &str,
    offset: usize,
    label: &dyn Fn(&str) -> Option<String>,
) -> String {
    let offset = (0..=offset.min(text.len()))
        .rev()
        .find(|&o| text.is_char_boundary(o))
        .unwrap_or(0);
    let ends = ['。', '！', '？', '\n'];
    let start = text[..offset].rfind(ends).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let end = text[offset..].find(ends).map_or(text.len(), |i| {
        offset + i + text[offset + i..].chars().next().map_or(0, char::len_utf8)
    });
    let raw = &text[start..end];
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `[[target|text]]` reads as its text, `[[target]]` as the target.
            '[' if chars.peek() == Some(&'[') => {
                chars.next();
                let mut inner = String::new();
                while let Some(d) = chars.next() {
                    if d == ']' && chars.peek() == Some(&']') {
                        chars.next();
                        break;
                    }
                    inner.push(d);
                }
                match inner.split_once('|') {
                    Some((_, text)) => out.push_str(text.trim()),
                    None => match label(&inner) {
                        Some(l) => out.push_str(&l),
                        None => out.push_str(inner.trim()),
                    },
                }
            }
            // A footnote mark `[^1]` (or a definition's `[^1]:`) is no text.
            '[' if chars.peek() == Some(&'^') => {
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                }
                if chars.peek() == Some(&':') {
                    chars.next();
                }
            }
            // `](target)` of a link: keep the text, drop the target.
            ']' if chars.peek() == Some(&'(') => {
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                }
            }
            '[' | ']' | '*' | '`' | '#' | '>' => {}
            c => out.push(c),
        }
    }
    let out = out.trim().to_string();
    if out.chars().count() > 120 {
        format!("{}…", out.chars().take(120).collect::<String>())
    } else {
        out
    }
}

/// `supersedes` / `superseded_by` must name existing policies (drafts count:
/// the link is simply not shown while the target is unpublished).
pub(super) fn check_references(docs: &[Arc<Document>], diags: &mut Vec<Diagnostic>) {
    let keys: HashMap<&str, &Document> =
        docs.iter().map(|d| (d.content_key(), d.as_ref())).collect();
    for d in docs {
        let p = &d.front.policy;
        for (field, targets) in [
            ("supersedes", &p.supersedes),
            ("superseded_by", &p.superseded_by),
        ] {
            for target in targets {
                let key = normalize_key(target);
                let line = d.front.field_lines.get(field).copied();
                match keys.get(key.as_str()) {
                    None => diags.push(
                        Diagnostic::field_error(
                            &d.rel_path,
                            line,
                            field,
                            format!("no document content/{key}.md"),
                        )
                        .with_hint("write the path of another policy, like policies/slug"),
                    ),
                    Some(t) if t.front.kind != Kind::Policy => diags.push(Diagnostic::field_error(
                        &d.rel_path,
                        line,
                        field,
                        format!("content/{key}.md is not a policy"),
                    )),
                    Some(_) if key == d.content_key() => diags.push(Diagnostic::field_error(
                        &d.rel_path,
                        line,
                        field,
                        "a policy cannot refer to itself",
                    )),
                    Some(_) => {}
                }
            }
        }
    }
}

/// Accepts `policies/x`, `/policies/x/`, `policies/x.md` and `content/policies/x.md`.
pub fn normalize_key(target: &str) -> String {
    let t = target.trim().trim_matches('/');
    let t = t.strip_prefix("content/").unwrap_or(t);
    t.strip_suffix(".md").unwrap_or(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::sentence_around;

    #[test]
    fn link_context_reads_as_text() {
        let body = "见[[policies/a|意见]]第三条[^1]。\n[^2]: 依据[文件](../policies/b.md)办理。";
        assert_eq!(sentence_around(body, 5), "见意见第三条。");
        let at = body.find("依据").unwrap();
        assert_eq!(sentence_around(body, at), "依据文件办理。");
    }
}
