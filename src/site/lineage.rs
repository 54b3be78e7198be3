//! 版本沿革: the versions of a policy linked by supersedes and superseded_by.

use crate::site::Site;

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
