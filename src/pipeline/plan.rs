//! The incremental planner: which outputs depend on the changed files.
//! Pure: it compares the site before and after the change and names the
//! targets to render again, the files to remove and the pages whose search
//! documents must be written again.

use std::collections::{BTreeSet, HashSet};

use crate::content::model::Kind;
use crate::render::Target;
use crate::site::{Page, Site};

/// What an incremental update must redo.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub targets: Vec<Target>,
    /// Indices into the new site's pages whose document changed.
    pub changed_pages: Vec<usize>,
    /// Indices into the new site's pages whose search document must be
    /// written again: the changed ones, and those whose place in
    /// `Site::pages` moved (the index and the static bundle address pages
    /// by that place).
    pub reindexed_pages: Vec<usize>,
    /// URLs no longer published (deleted, drafted, or moved by `slug`).
    pub removed_urls: Vec<String>,
    /// Output files of those URLs and of terms no page has any more.
    pub removed_files: Vec<String>,
}

/// Decides what depends on the files `changed` (paths as `content/x/y.md`).
/// `index_pages`: a section's `_index.md` changed.
pub fn plan(old: &Site, new: &Site, changed: &BTreeSet<String>, index_pages: bool) -> Plan {
    let mut planner = Planner {
        old,
        new,
        new_by_url: new.index_by_url(),
        old_versions: versions(old, changed),
        new_versions: versions(new, changed),
        targets: BTreeSet::from([Target::Home]),
        terms: BTreeSet::new(),
        urls: HashSet::new(),
        plan: Plan::default(),
    };
    if index_pages {
        planner
            .targets
            .extend(new.sections.iter().map(|s| Target::Section(s.kind)));
        planner.targets.insert(Target::Sitemap);
        // Section titles are among the browser's tables.
        planner.targets.insert(Target::ClientTables);
    }
    planner.lists_of_newest();
    planner.sitemap_and_graph();
    for (site, i) in planner.all_versions() {
        planner.neighbours_of(site, i);
    }
    planner.term_pages();
    planner.pages_linking_here();
    planner.removed_and_moved();
    let mut plan = planner.plan;
    // A list that got shorter leaves its last pagination pages behind.
    let kept = crate::render::pagination_urls(new);
    plan.removed_files.extend(
        crate::render::pagination_urls(old)
            .iter()
            .filter(|url| !kept.contains(*url))
            .map(|url| index_file(url)),
    );
    plan.removed_files.sort();
    plan.removed_files.dedup();
    plan.targets = planner.targets.into_iter().collect();
    plan
}

/// The pages of `site` made from one of the `changed` files.
pub(super) fn versions(site: &Site, changed: &BTreeSet<String>) -> Vec<usize> {
    site.pages
        .iter()
        .enumerate()
        .filter(|(_, p)| changed.contains(&p.doc.rel_path))
        .map(|(i, _)| i)
        .collect()
}

struct Planner<'a> {
    old: &'a Site,
    new: &'a Site,
    new_by_url: crate::site::UrlIndex<'a>,
    /// The changed documents' pages before and after the change.
    old_versions: Vec<usize>,
    new_versions: Vec<usize>,
    targets: BTreeSet<Target>,
    /// Taxonomy term pages that list a changed document.
    terms: BTreeSet<(&'static str, String)>,
    /// URLs of the changed documents, before and after.
    urls: HashSet<String>,
    plan: Plan,
}

impl<'a> Planner<'a> {
    fn all_versions(&self) -> Vec<(&'a Site, usize)> {
        let old = self.old_versions.iter().map(|&i| (self.old, i));
        old.chain(self.new_versions.iter().map(|&i| (self.new, i)))
            .collect()
    }

    fn page_target(&mut self, url: &str) {
        if let Some(&i) = self.new_by_url.get(url) {
            self.targets.insert(Target::Page(i));
        }
    }

    /// Feeds list the newest documents of the site and of each section.
    fn lists_of_newest(&mut self) {
        let limit = self.new.config.feed_limit;
        let in_feed = |site: &Site, i: usize| {
            i < limit
                || site
                    .section(site.pages[i].doc.front.kind)
                    .is_some_and(|s| s.pages.iter().take(limit).any(|&j| j == i))
        };
        if self.old_versions.iter().any(|&i| in_feed(self.old, i))
            || self.new_versions.iter().any(|&i| in_feed(self.new, i))
        {
            self.targets.insert(Target::Feeds);
        }
    }

    /// The sitemap lists every URL with its date; the graph every link.
    fn sitemap_and_graph(&mut self) {
        let stamp = |site: &Site, v: &[usize]| -> Vec<(String, chrono::NaiveDate)> {
            v.iter()
                .map(|&i| {
                    let p = &site.pages[i];
                    let f = &p.doc.front;
                    (p.url.clone(), f.updated.unwrap_or(f.date))
                })
                .collect()
        };
        if stamp(self.old, &self.old_versions) != stamp(self.new, &self.new_versions) {
            self.targets.insert(Target::Sitemap);
        }
        let edges = |site: &Site, v: &[usize]| -> Vec<(String, Vec<String>, String)> {
            v.iter()
                .map(|&i| {
                    let p = &site.pages[i];
                    let to = p.links_to.iter().chain(&p.supersedes);
                    let to = to.map(|&j| site.pages[j].url.clone()).collect();
                    (p.url.clone(), to, p.doc.front.title.clone())
                })
                .collect()
        };
        if edges(self.old, &self.old_versions) != edges(self.new, &self.new_versions) {
            self.targets.insert(Target::Graph);
        }
    }

    /// Everything that shows page `i` of `site` (one version of a changed
    /// document): its page, its section's list, its terms, the policies it
    /// replaces, the pages it links to (their 被引用 lists it), its series
    /// and study paths and the neighbours there that link to it.
    fn neighbours_of(&mut self, site: &'a Site, i: usize) {
        let p = &site.pages[i];
        self.urls.insert(p.url.clone());
        self.page_target(&p.url);
        section_targets(self.old, self.new, p, &mut self.targets);
        for tag in &p.doc.front.tags {
            self.terms.insert(("tags", Site::term_url("tags", tag)));
        }
        if let Some(r) = &p.doc.front.region {
            self.terms.insert(("regions", Site::term_url("regions", r)));
        }
        let related = p.supersedes.iter().chain(&p.superseded_by);
        for &j in related.chain(&p.links_to) {
            self.page_target(&site.pages[j].url);
        }
        // Pages citing it show its title (a bare wiki link, a 文号's
        // title), or plain text once it is no longer published.
        for b in &p.backlinks {
            self.page_target(&site.pages[b.from].url);
        }
        for &(k, n) in &p.path_steps {
            let path = &site.study_paths[k];
            self.targets.insert(Target::PathList);
            if let Some(nk) = self.new.study_paths.iter().position(|x| x.url == path.url) {
                self.targets.insert(Target::Path(nk));
            }
            for m in [n.checked_sub(1), Some(n + 1)].into_iter().flatten() {
                if let Some(step) = path.steps.get(m) {
                    self.page_target(&site.pages[step.page].url);
                }
            }
        }
        if let Some(s) = p.series {
            let series = &site.series[s];
            self.targets.insert(Target::SeriesList);
            if let Some(ns) = self.new.series.iter().position(|x| x.url == series.url) {
                self.targets.insert(Target::Series(ns));
            }
            if let Some(pos) = series.lessons.iter().position(|&j| j == i) {
                for k in [pos.checked_sub(1), Some(pos + 1)].into_iter().flatten() {
                    if let Some(&j) = series.lessons.get(k) {
                        self.page_target(&site.pages[j].url);
                    }
                }
            }
        }
    }

    /// Term pages to render again, or to remove when no page has the term.
    fn term_pages(&mut self) {
        for (tax, url) in std::mem::take(&mut self.terms) {
            self.targets.insert(Target::TaxonomyList(tax));
            let still_used = self
                .new
                .taxonomy(tax)
                .is_some_and(|t| t.terms.iter().any(|term| term.url == url));
            if still_used {
                self.targets.insert(Target::Term(tax, url));
            } else {
                self.plan.removed_files.push(index_file(&url));
            }
        }
    }

    /// Pages whose Markdown links to a changed document.
    fn pages_linking_here(&mut self) {
        let needles: Vec<String> = self
            .all_versions()
            .into_iter()
            .map(|(site, i)| &site.pages[i])
            .flat_map(|p: &Page| [p.url.clone(), format!("{}.md", p.doc.stem)])
            .collect();
        for (i, p) in self.new.pages.iter().enumerate() {
            let links_here = p.doc.rendered.links.iter().any(|l| {
                needles
                    .iter()
                    .any(|n| l.dest.contains(n.trim_end_matches('/')))
            });
            if links_here {
                self.targets.insert(Target::Page(i));
            }
        }
    }

    /// URLs gone from the site, and pages whose place in the site moved.
    fn removed_and_moved(&mut self) {
        for url in std::mem::take(&mut self.urls) {
            if !self.new_by_url.contains_key(url.as_str()) {
                self.plan.removed_files.push(index_file(&url));
                self.plan.removed_urls.push(url);
            }
        }
        self.plan.removed_urls.sort();
        self.plan.removed_files.sort();
        self.plan.changed_pages = self.new_versions.clone();
        let old_by_url = self.old.index_by_url();
        self.plan.reindexed_pages = (0..self.new.pages.len())
            .filter(|&i| {
                self.new_versions.contains(&i)
                    || old_by_url.get(self.new.pages[i].url.as_str()) != Some(&i)
            })
            .collect();
    }
}

fn index_file(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

/// The pagination page of a section that shows `page`, when it stays on the
/// same page of a list of the same length; else every page of the section.
fn section_targets(old: &Site, new: &Site, page: &Page, targets: &mut BTreeSet<Target>) {
    let kind: Kind = page.doc.front.kind;
    let per_page = new.config.paginate.max(1);
    let position = |site: &Site| {
        site.section(kind).and_then(|s| {
            s.pages
                .iter()
                .position(|&i| site.pages[i].url == page.url)
                .map(|p| (p, s.pages.len()))
        })
    };
    match (position(old), position(new)) {
        (Some((a, old_len)), Some((b, new_len))) if a == b && old_len == new_len => {
            targets.insert(Target::SectionPage(kind, a / per_page + 1));
        }
        _ => {
            targets.insert(Target::Section(kind));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::content::load::{Placement, SourceFile};
    use crate::content::parse;

    /// A site of documents given as (section, stem, front matter lines, body).
    fn site(docs: &[(&str, &str, &str, &str)]) -> Site {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let mut diags = Vec::new();
        let parsed = docs
            .iter()
            .filter_map(|(section, stem, front, body)| {
                let src = SourceFile {
                    rel_path: format!("content/{section}/{stem}.md"),
                    placement: Placement::Document {
                        section: section.to_string(),
                        stem: stem.to_string(),
                    },
                    text: format!("---\n{front}\n---\n{body}\n"),
                    modified: None,
                    committed: None,
                };
                parse::parse_file(&src, today, &mut diags)
            })
            .collect();
        let (site, more) =
            crate::site::assemble(Config::default(), parsed, &[], Default::default());
        diags.extend(more);
        assert!(
            diags
                .iter()
                .all(|d| d.severity != crate::error::Severity::Error),
            "{diags:?}"
        );
        site.expect("site assembles")
    }

    fn changed(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| format!("content/{p}.md")).collect()
    }

    const A: (&str, &str, &str, &str) = (
        "cases",
        "a",
        "title: 甲社区案例\ndate: 2024-05-01\ntags: [议事]",
        "正文。",
    );
    const B: (&str, &str, &str, &str) = (
        "experiences",
        "b",
        "title: 乙经验\ndate: 2023-01-01\ntags: [志愿服务]",
        "参见[甲社区](../cases/a.md)。",
    );
    const C: (&str, &str, &str, &str) = (
        "experiences",
        "c",
        "title: 丙经验\ndate: 2022-01-01",
        "与他处无关。",
    );

    #[test]
    fn a_text_edit_renders_the_page_its_lists_and_the_pages_linking_to_it() {
        let old = site(&[A, B, C]);
        let edited = ("cases", "a", A.2, "改过的正文。");
        let new = site(&[edited, B, C]);
        let plan = plan(&old, &new, &changed(&["cases/a"]), false);
        let a = new.index_by_url()["/cases/a/"];
        let b = new.index_by_url()["/experiences/b/"];
        let c = new.index_by_url()["/experiences/c/"];
        assert!(plan.targets.contains(&Target::Page(a)));
        assert!(plan.targets.contains(&Target::Page(b)), "b links to a");
        assert!(
            !plan.targets.contains(&Target::Page(c)),
            "{:?}",
            plan.targets
        );
        assert!(plan.targets.contains(&Target::SectionPage(Kind::Case, 1)));
        assert!(plan
            .targets
            .contains(&Target::Term("tags", Site::term_url("tags", "议事"))));
        assert!(!plan.targets.contains(&Target::Sitemap), "dates unchanged");
        assert_eq!(plan.changed_pages, vec![a]);
        assert_eq!(plan.reindexed_pages, vec![a], "no page moved");
        assert!(plan.removed_urls.is_empty() && plan.removed_files.is_empty());
    }

    #[test]
    fn a_new_newest_page_reindexes_every_page_that_moved() {
        let old = site(&[A, B, C]);
        let newest = ("cases", "n", "title: 新案例\ndate: 2026-01-01", "新。");
        let new = site(&[newest, A, B, C]);
        let plan = plan(&old, &new, &changed(&["cases/n"]), false);
        assert_eq!(plan.changed_pages, vec![0]);
        assert_eq!(plan.reindexed_pages, vec![0, 1, 2, 3]);
        assert!(plan.targets.contains(&Target::Sitemap));
        assert!(plan.targets.contains(&Target::Section(Kind::Case)));
    }

    #[test]
    fn a_page_made_internal_leaves_and_the_pages_citing_it_render_again() {
        let d = (
            "experiences",
            "d",
            "title: 丁经验\ndate: 2021-01-01",
            "学习[[cases/a]]的做法。",
        );
        let old = site(&[A, B, C, d]);
        let internal = (
            "cases",
            "a",
            "title: 甲社区案例\ndate: 2024-05-01\naudience: internal",
            A.3,
        );
        let new = site(&[internal, B, C, d]);
        assert!(new.withheld.has_key("cases/a"));
        let plan = plan(&old, &new, &changed(&["cases/a"]), false);
        assert_eq!(plan.removed_urls, vec!["/cases/a/".to_string()]);
        for url in ["/experiences/b/", "/experiences/d/"] {
            let i = new.index_by_url()[url];
            assert!(
                plan.targets.contains(&Target::Page(i)),
                "{url}: {:?}",
                plan.targets
            );
        }
        assert!(plan.targets.contains(&Target::Section(Kind::Case)));
    }

    #[test]
    fn a_deleted_page_removes_its_url_its_file_and_its_last_term() {
        let old = site(&[A, B, C]);
        let new = site(&[A, C]);
        let plan = plan(&old, &new, &changed(&["experiences/b"]), false);
        assert_eq!(plan.removed_urls, vec!["/experiences/b/".to_string()]);
        let term = Site::term_url("tags", "志愿服务");
        assert!(plan
            .removed_files
            .contains(&format!("{}index.html", term.trim_start_matches('/'))));
        assert!(plan
            .removed_files
            .contains(&"experiences/b/index.html".to_string()));
        let a = new.index_by_url()["/cases/a/"];
        assert!(
            plan.targets.contains(&Target::Page(a)),
            "a's 被引用 list loses b"
        );
        assert!(plan.changed_pages.is_empty());
    }
}
