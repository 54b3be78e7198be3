//! 版本沿革: the versions of a policy linked by supersedes and superseded_by.

use foldhash::HashMap;

use super::links::normalize_key;
use super::{Page, Site};
use crate::error::{Diagnostic, Severity};

/// Indices of every version linked to page `i` by supersedes/superseded_by
/// (both ways, transitively), oldest first; empty when there is none.
pub fn lineage(site: &Site, i: usize) -> Vec<usize> {
    let page = &site.pages[i];
    if page.supersedes.is_empty() && page.superseded_by.is_empty() {
        return Vec::new();
    }
    let mut seen = vec![i];
    let mut queue = vec![i];
    while let Some(j) = queue.pop() {
        let q = &site.pages[j];
        for &k in q.supersedes.iter().chain(&q.superseded_by) {
            if !seen.contains(&k) {
                seen.push(k);
                queue.push(k);
            }
        }
    }
    seen.sort_by_key(|&j| {
        (
            site.pages[j].doc.front.date,
            site.pages[j].doc.front.title.clone(),
        )
    });
    seen
}

/// Resolves policy references to page indices and fills in the reverse side,
/// warning where the two documents disagree.
pub(super) fn link_policies(pages: &mut [Page], diags: &mut Vec<Diagnostic>) {
    let index: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.doc.content_key(), i))
        .collect();
    let mut edges = Vec::new(); // (newer, older)
    for (i, p) in pages.iter().enumerate() {
        for t in &p.doc.front.policy.supersedes {
            if let Some(&j) = index.get(normalize_key(t).as_str()) {
                edges.push((i, j));
            }
        }
        for t in &p.doc.front.policy.superseded_by {
            if let Some(&j) = index.get(normalize_key(t).as_str()) {
                edges.push((j, i));
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    for &(newer, older) in &edges {
        let declared_by_newer = pages[newer]
            .doc
            .front
            .policy
            .supersedes
            .iter()
            .any(|t| normalize_key(t) == pages[older].doc.content_key());
        let declared_by_older = pages[older]
            .doc
            .front
            .policy
            .superseded_by
            .iter()
            .any(|t| normalize_key(t) == pages[newer].doc.content_key());
        if !(declared_by_newer && declared_by_older) {
            let (file, other, field, relation) = if declared_by_newer {
                (
                    &pages[older].doc,
                    &pages[newer].doc,
                    "superseded_by",
                    "supersedes this policy",
                )
            } else {
                (
                    &pages[newer].doc,
                    &pages[older].doc,
                    "supersedes",
                    "names this policy in superseded_by",
                )
            };
            let mut d = Diagnostic::field_error(
                &file.rel_path,
                file.front.field_lines.get(field).copied().or(Some(1)),
                field,
                format!(
                    "{} {relation}, but this file does not say so",
                    other.rel_path
                ),
            )
            .with_hint(format!("add {field}: {}", other.content_key()));
            d.severity = Severity::Warning;
            diags.push(d);
        }
        pages[newer].supersedes.push(older);
        pages[older].superseded_by.push(newer);
    }
}
