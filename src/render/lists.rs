//! The list pages: home, sections with their pagination, taxonomies and
//! their terms.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use super::study::SeriesView;
use super::views::{nav, Crumb, Summary};
use super::Renderer;
use crate::error::Result;
use crate::site::{Section, Site, Taxonomy, Term};

#[derive(Serialize)]
pub(super) struct Paginator<'a> {
    pub(super) pages: Vec<&'a Summary>,
    pub(super) current: usize,
    pub(super) total_pages: usize,
    pub(super) total_items: usize,
    pub(super) prev_url: Option<String>,
    pub(super) next_url: Option<String>,
    pub(super) page_urls: Vec<PageNumber>,
}

/// How many pages a list of `items` takes, `per_page` to a page (an empty
/// list still has its first page).
fn total_pages(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// The URL of every pagination page after the first of every section and
/// term of `site`: the live preview removes those a change left beyond the
/// end of a shorter list.
pub fn pagination_urls(site: &Site) -> BTreeSet<String> {
    let sections = site
        .sections
        .iter()
        .map(|s| (s.url(), s.pages.len(), site.config.paginate));
    let terms = site.taxonomies.iter().flat_map(|t| {
        t.terms.iter().map(|term| {
            (
                term.url.clone(),
                term.pages.len(),
                site.config.paginate_terms,
            )
        })
    });
    let mut urls = BTreeSet::new();
    for (url, items, per_page) in sections.chain(terms) {
        urls.extend((2..=total_pages(items, per_page)).map(|n| page_url(&url, n)));
    }
    urls
}

/// Page `n` (from 1) of a list at `url`: `url` itself, then `url/page/n/`.
fn page_url(url: &str, n: usize) -> String {
    if n == 1 {
        url.to_string()
    } else {
        format!("{url}page/{n}/")
    }
}

impl Renderer<'_> {
    /// Page `n` of the pages `items` listed at `url`, `per_page` to a page.
    fn paginator(&self, url: &str, items: &[usize], per_page: usize, n: usize) -> Paginator<'_> {
        let total_pages = total_pages(items.len(), per_page);
        Paginator {
            pages: items
                .iter()
                .skip((n - 1) * per_page)
                .take(per_page)
                .map(|&i| self.summary(i))
                .collect(),
            current: n,
            total_pages,
            total_items: items.len(),
            prev_url: (n > 1).then(|| page_url(url, n - 1)),
            next_url: (n < total_pages).then(|| page_url(url, n + 1)),
            page_urls: shown_page_numbers(n, total_pages)
                .map(|number| PageNumber {
                    number,
                    url: page_url(url, number),
                })
                .collect(),
        }
    }
}

/// The page numbers a pagination bar names around page `current`: the
/// first, the last, and three either side (the outermost shown as a gap).
/// Every page of a section listing every page number made the pages' cost
/// grow with the square of the section: 3,000 numbers on each of 3,000
/// pages at 30,000 documents.
fn shown_page_numbers(current: usize, total: usize) -> impl Iterator<Item = usize> {
    let window = current.saturating_sub(3).max(1)..=(current + 3).min(total);
    let ends = [1, total];
    let mut numbers: Vec<usize> = window.chain(ends).collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers.into_iter()
}

#[derive(Serialize)]
pub(super) struct PageNumber {
    pub(super) number: usize,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct TermView<'a> {
    pub(super) name: &'a str,
    pub(super) url: &'a str,
    pub(super) count: usize,
}

impl Renderer<'_> {
    pub(super) fn home(&mut self) -> Result<()> {
        let site = self.site;
        let mut ctx = self.context("/", Vec::new());
        ctx.insert(
            "home",
            &serde_json::json!({
                "title": site.home.title.clone().unwrap_or_else(|| site.config.title.clone()),
                "content": site.resolve_citations(&site.resolve_internal_links(&site.home.rendered.html), "/"),
                "extra": site.home.extra,
            }),
        );
        let nav = nav(site);
        let latest: Vec<Value> = site
            .sections
            .iter()
            .zip(&nav)
            .map(|(s, entry)| {
                let pages: Vec<&Summary> =
                    s.pages.iter().take(5).map(|&i| self.summary(i)).collect();
                serde_json::json!({ "section": entry, "pages": pages })
            })
            .collect();
        ctx.insert("latest", &latest);
        let featured: Vec<SeriesView> = (0..site.series.len())
            .map(|i| self.series_view(i))
            .collect();
        ctx.insert("featured_series", &featured);
        self.emit("index.html", &ctx, "index.html".to_string())
    }

    /// All pagination pages of a section, or only page `only` (1-based).
    pub(super) fn section(&mut self, s: &Section, only: Option<usize>) -> Result<()> {
        let site = self.site;
        let per_page = site.config.paginate;
        {
            let url = s.url();
            let total_pages = total_pages(s.pages.len(), per_page);
            let page_url = |n: usize| page_url(&url, n);
            let section_view = serde_json::json!({
                "kind": s.kind,
                "section": s.kind.section(),
                "title": s.title,
                "description": s.description,
                "content": site.resolve_citations(&site.resolve_internal_links(&s.index.rendered.html), &url),
                "url": url,
                "extra": s.index.extra,
            });
            for n in 1..=total_pages {
                if only.is_some_and(|o| o != n) {
                    continue;
                }
                let paginator = self.paginator(&url, &s.pages, per_page, n);
                let mut crumbs = vec![Crumb {
                    title: s.title.clone(),
                    url: url.clone(),
                }];
                if n > 1 {
                    crumbs.push(Crumb {
                        title: format!("第 {n} 页"),
                        url: page_url(n),
                    });
                }
                let mut ctx = self.context(&page_url(n), crumbs);
                ctx.insert("section", &section_view);
                ctx.insert("paginator", &paginator);
                let path = format!("{}index.html", page_url(n).trim_start_matches('/'));
                self.emit("section.html", &ctx, path)?;
            }
        }
        Ok(())
    }

    pub(super) fn taxonomy_view(t: &Taxonomy) -> (Value, Crumb) {
        (
            serde_json::json!({ "name": t.name, "label": t.label, "url": t.url() }),
            Crumb {
                title: t.label.to_string(),
                url: t.url(),
            },
        )
    }

    pub(super) fn taxonomy_list(&mut self, t: &Taxonomy) -> Result<()> {
        let (tax_view, crumb) = Self::taxonomy_view(t);
        let terms: Vec<TermView> = t
            .terms
            .iter()
            .map(|term| TermView {
                name: &term.name,
                url: &term.url,
                count: term.pages.len(),
            })
            .collect();
        let mut ctx = self.context(&t.url(), vec![crumb]);
        ctx.insert("taxonomy", &tax_view);
        ctx.insert("terms", &terms);
        self.emit("taxonomy_list.html", &ctx, format!("{}/index.html", t.name))
    }

    pub(super) fn term(&mut self, t: &Taxonomy, term: &Term) -> Result<()> {
        let (tax_view, crumb) = Self::taxonomy_view(t);
        let term_view = TermView {
            name: &term.name,
            url: &term.url,
            count: term.pages.len(),
        };
        // Paginated: a tag on a fifth of 100,000 documents listed on one
        // page made a 35 MB page, rendered on one core after all others.
        let per_page = self.site.config.paginate_terms.max(1);
        let total_pages = total_pages(term.pages.len(), per_page);
        let page_url = |n: usize| page_url(&term.url, n);
        for n in 1..=total_pages {
            let paginator = self.paginator(&term.url, &term.pages, per_page, n);
            let mut crumbs = vec![
                crumb.clone(),
                Crumb {
                    title: term.name.clone(),
                    url: term.url.clone(),
                },
            ];
            if n > 1 {
                crumbs.push(Crumb {
                    title: format!("第 {n} 页"),
                    url: page_url(n),
                });
            }
            let mut ctx = self.context(&page_url(n), crumbs);
            ctx.insert("taxonomy", &tax_view);
            ctx.insert("term", &term_view);
            ctx.insert("pages", &paginator.pages);
            ctx.insert("paginator", &paginator);
            self.emit(
                "taxonomy_term.html",
                &ctx,
                format!("{}index.html", page_url(n).trim_start_matches('/')),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pagination_bar_names_the_ends_and_the_pages_around() {
        let shown = |c, t| super::shown_page_numbers(c, t).collect::<Vec<_>>();
        assert_eq!(shown(1, 1), [1]);
        assert_eq!(shown(1, 3000), [1, 2, 3, 4, 3000]);
        assert_eq!(
            shown(1500, 3000),
            [1, 1497, 1498, 1499, 1500, 1501, 1502, 1503, 3000]
        );
        assert_eq!(shown(3000, 3000), [1, 2997, 2998, 2999, 3000]);
    }
}
