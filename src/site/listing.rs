//! The list pages' contents: sections (a kind's documents, newest first)
//! and taxonomies (tags and regions with their pages).

use foldhash::{HashMap, HashMapExt};

use super::{Page, Section, Site, Taxonomy, Term};
use crate::content::model::Kind;
use crate::content::parse::IndexPage;

pub(super) fn build_sections(
    pages: &[Page],
    mut index_pages: HashMap<Kind, IndexPage>,
) -> Vec<Section> {
    let mut sections: Vec<Section> = Kind::ALL
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let index = index_pages.remove(&kind).unwrap_or_default();
            Section {
                kind,
                title: index
                    .title
                    .clone()
                    .unwrap_or_else(|| kind.label().to_string()),
                description: index.description.clone().unwrap_or_default(),
                weight: index.weight.unwrap_or(i as u32 + 1),
                pages: pages
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.doc.front.kind == kind)
                    .map(|(i, _)| i)
                    .collect(),
                index,
            }
        })
        .collect();
    sections.sort_by_key(|s| (s.weight, s.kind));
    sections
}

pub(super) fn build_taxonomy<'p>(
    name: &'static str,
    label: &'static str,
    pages: &'p [Page],
    terms_of: impl Fn(&'p Page) -> &'p [String],
) -> Taxonomy {
    // Terms whose URL segment is the same are one term (`Party Building` and
    // `party-building`), named after the first spelling seen.
    let mut slot_of: HashMap<&str, usize> = HashMap::new();
    let mut slots: Vec<Term> = Vec::new();
    let mut slot_by_url: HashMap<String, usize> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        for term in terms_of(p) {
            let slot = match slot_of.get(term.as_str()) {
                Some(&slot) => slot,
                None => {
                    let url = Site::term_url(name, term);
                    let slot = *slot_by_url.entry(url.clone()).or_insert_with(|| {
                        slots.push(Term {
                            name: term.clone(),
                            url,
                            pages: Vec::new(),
                        });
                        slots.len() - 1
                    });
                    slot_of.insert(term, slot);
                    slot
                }
            };
            let entry = &mut slots[slot];
            if entry.pages.last() != Some(&i) {
                entry.pages.push(i);
            }
        }
    }
    let mut terms = slots;
    terms.sort_by(|a, b| {
        b.pages
            .len()
            .cmp(&a.pages.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    Taxonomy { name, label, terms }
}
