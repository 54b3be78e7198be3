//! Training series: the lessons of one series in their order.

use std::collections::BTreeMap;

use super::{Page, Series};
use crate::content::text::slugify;
use crate::error::Diagnostic;

pub(super) fn build_series(pages: &mut [Page], diags: &mut Vec<Diagnostic>) -> Vec<Series> {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(name) = &p.doc.front.training.series {
            by_name.entry(name.clone()).or_default().push(i);
        }
    }
    let mut series = Vec::new();
    for (name, mut lessons) in by_name {
        lessons.sort_by_key(|&i| {
            (
                pages[i].doc.front.training.order,
                pages[i].doc.rel_path.clone(),
            )
        });
        for pair in lessons.windows(2) {
            let (a, b) = (&pages[pair[0]].doc, &pages[pair[1]].doc);
            if a.front.training.order == b.front.training.order {
                diags.push(Diagnostic::field_error(
                    &b.rel_path,
                    b.front.field_lines.get("order").copied(),
                    "order",
                    format!(
                        "order {} in series '{name}' is also used by {}",
                        b.front.training.order.unwrap_or(0),
                        a.rel_path
                    ),
                ));
            }
        }
        let idx = series.len();
        for &i in &lessons {
            pages[i].series = Some(idx);
        }
        series.push(Series {
            url: format!("/series/{}/", slugify(&name)),
            name,
            lessons,
        });
    }
    series
}
