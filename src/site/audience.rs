//! Public and internal documents: which audience each page is for, and what
//! a public build withholds. A public build assembles every document, so
//! that links, 文号 citations and supersedes chains are checked and bridged
//! the same way in both builds, then takes the internal pages out before
//! anything else (sections, series, the link graph, the index) sees them.

use foldhash::{HashMap, HashSet};

use super::links::{normalize_key, WITHHELD_LABEL};
use super::Page;
use crate::content::model::{Audience, Kind};
use crate::content::parse::{Document, IndexPage};
use crate::error::Diagnostic;

/// Which documents a build publishes besides the public, finished ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Include {
    /// `draft: true` documents (`--drafts`).
    pub drafts: bool,
    /// `audience: internal` documents (`--internal`, `internal: true`).
    pub internal: bool,
}

impl Include {
    /// The portal a build with these documents is.
    pub fn audience(self) -> Audience {
        if self.internal {
            Audience::Internal
        } else {
            Audience::Public
        }
    }
}

/// The internal documents a public build left out, as other pages may name
/// them: only so that those links become plain text. Nothing here is ever
/// written to the output.
#[derive(Debug, Clone, Default)]
pub struct Withheld {
    keys: HashSet<String>,
    titles: HashSet<String>,
    doc_numbers: HashSet<String>,
    urls: HashSet<String>,
}

impl Withheld {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// A content path (`policies/x`, `policies/x.md`, `/policies/x/`).
    pub fn has_key(&self, path: &str) -> bool {
        self.keys.contains(&normalize_key(path))
    }

    /// A `[[target]]`: a content path or a title, `#小节` optional.
    pub fn has_wiki(&self, target: &str) -> bool {
        let name = target.split('#').next().unwrap_or("").trim();
        let title = name.trim_start_matches('《').trim_end_matches('》');
        self.has_key(name) || self.titles.contains(title)
    }

    /// A 文号 as written in text (`依据中组发〔2004〕25号` included): where
    /// the withheld document's number starts in it.
    pub fn doc_number_in(&self, written: &str) -> Option<usize> {
        written
            .char_indices()
            .map(|(start, _)| start)
            .find(|&start| {
                crate::content::docnum::canonical(&written[start..])
                    .is_some_and(|c| self.doc_numbers.contains(&c))
            })
    }

    /// A site URL (`/policies/x/`), with or without the base path.
    pub fn has_url(&self, url: &str, base_path: &str) -> bool {
        let url = url.split(['#', '?']).next().unwrap_or("");
        let url = url.strip_prefix(base_path).unwrap_or(url);
        let url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        self.urls.contains(&url)
    }
}

/// The audience in force for each document: its own, else its section's,
/// else public. A document saying `public` in a section whose `_index.md`
/// says `internal` is an error: one of the two is a mistake, and guessing
/// wrong publishes it.
pub(super) fn audiences(
    docs: &[std::sync::Arc<Document>],
    sections: &HashMap<Kind, IndexPage>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Audience> {
    docs.iter()
        .map(|d| {
            let section = sections
                .get(&d.front.kind)
                .and_then(|s| s.audience.map(|a| (a, s)));
            match (d.front.audience, section) {
                (Some(Audience::Public), Some((Audience::Internal, s))) => {
                    diags.push(
                        Diagnostic::field_error(
                            &d.rel_path,
                            d.front.field_lines.get("audience").copied(),
                            "audience",
                            format!("says public, but {} makes its section internal", s.rel_path),
                        )
                        .with_hint(
                            "remove the line to keep it internal, or move the document out of the section",
                        ),
                    );
                    Audience::Internal
                }
                (Some(own), _) => own,
                (None, Some((section, _))) => section,
                (None, None) => Audience::Public,
            }
        })
        .collect()
}

/// Takes the internal pages out of a public build. A supersedes chain
/// through an internal version is bridged: the public versions on either
/// side of it supersede each other directly, so 版本沿革 still shows every
/// public version in order. Only `supersedes` and `superseded_by` are set
/// this early; everything else is computed on the pages kept.
pub(super) fn withhold(pages: Vec<Page>, include: Include) -> (Vec<Page>, Withheld) {
    let mut withheld = Withheld::default();
    if include.internal || pages.iter().all(|p| p.audience == Audience::Public) {
        return (pages, withheld);
    }
    let kept: Vec<Option<usize>> = pages
        .iter()
        .scan(0, |next, p| {
            Some((p.audience == Audience::Public).then(|| {
                *next += 1;
                *next - 1
            }))
        })
        .collect();
    // The public pages reached from `i` along `step`, through internal ones.
    let nearest_public = |i: usize, step: fn(&Page) -> &Vec<usize>| -> Vec<usize> {
        let mut found = Vec::new();
        let mut seen = vec![i];
        let mut queue: Vec<usize> = step(&pages[i]).clone();
        while let Some(j) = queue.pop() {
            if seen.contains(&j) {
                continue;
            }
            seen.push(j);
            match kept[j] {
                Some(new) => found.push(new),
                None => queue.extend(step(&pages[j])),
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    };
    let bridged: Vec<(Vec<usize>, Vec<usize>)> = (0..pages.len())
        .map(|i| {
            if kept[i].is_none() {
                return (Vec::new(), Vec::new());
            }
            (
                nearest_public(i, |p| &p.supersedes),
                nearest_public(i, |p| &p.superseded_by),
            )
        })
        .collect();
    let mut out = Vec::with_capacity(pages.len());
    for ((mut page, (supersedes, superseded_by)), new) in pages.into_iter().zip(bridged).zip(&kept)
    {
        if new.is_some() {
            page.supersedes = supersedes;
            page.superseded_by = superseded_by;
            out.push(page);
            continue;
        }
        let front = &page.doc.front;
        withheld.keys.insert(page.doc.content_key().to_string());
        withheld.titles.insert(front.title.clone());
        withheld.urls.insert(page.url.clone());
        if let Some(n) = front
            .policy
            .doc_number
            .as_deref()
            .and_then(crate::content::docnum::canonical)
        {
            withheld.doc_numbers.insert(n);
        }
    }
    (out, withheld)
}

/// The visible text of public pages (what the index, the static bundle and
/// summaries read) shows a `[[target]]` without text of its own as its
/// target: for a withheld target that would be an internal document's path
/// or title, so it reads [`WITHHELD_LABEL`] there, as on the page.
pub(super) fn relabel_withheld_links(pages: &mut [Page], withheld: &Withheld) {
    if withheld.is_empty() {
        return;
    }
    for page in pages {
        let bare: Vec<String> = page
            .doc
            .rendered
            .links
            .iter()
            .filter(|l| l.wiki && withheld.has_wiki(&l.dest))
            .filter(|l| page.doc.body[l.offset..].starts_with(&format!("[[{}]]", l.dest)))
            .map(|l| l.dest.clone())
            .collect();
        if bare.is_empty() {
            continue;
        }
        let doc = std::sync::Arc::make_mut(&mut page.doc);
        for target in &bare {
            let text = &mut doc.rendered;
            text.text = text.text.replace(target.as_str(), WITHHELD_LABEL);
            if let Some(first) = &mut text.first_paragraph {
                *first = first.replace(target.as_str(), WITHHELD_LABEL);
            }
        }
    }
}

/// The section `_index.md`s of a public build: a section made internal
/// keeps only its name, its own text being internal too.
pub(super) fn public_section_pages(sections: &mut HashMap<Kind, IndexPage>, include: Include) {
    if include.internal {
        return;
    }
    for page in sections.values_mut() {
        if page.audience == Some(Audience::Internal) {
            *page = IndexPage {
                rel_path: page.rel_path.clone(),
                audience: page.audience,
                ..IndexPage::default()
            };
        }
    }
}
