//! Study paths (学习路径): `content/_paths.yaml` lists ordered steps that mix
//! document kinds (a policy, then two cases, then a lesson). This module reads
//! the file and remembers the line of every path and step; the site resolves
//! each step to a page the way it resolves a wiki link.

use crate::site::{PathStep, Site, StudyPath};
use serde_yaml::{Mapping, Value};

use crate::error::Diagnostic;

pub const PATHS_FILE: &str = "_paths.yaml";

/// One path as written, before its steps are resolved to pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSpec {
    /// URL segment: `/paths/<slug>/`.
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub steps: Vec<StepSpec>,
    /// Line of the path's `- slug:` entry.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSpec {
    /// A document path (`policies/xyz`) or exact title, as in `[[...]]`.
    pub target: String,
    /// What the learner should look for in this step.
    pub note: Option<String>,
    pub line: usize,
}

const PATH_KEYS: &[&str] = &["slug", "title", "description", "steps"];
const STEP_KEYS: &[&str] = &["page", "note"];

/// Reads the paths file. Every problem is reported, each with its line and
/// field; paths with problems are left out.
pub fn parse(rel_path: &str, text: &str) -> (Vec<PathSpec>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let value: Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map(|l| l.line());
            diags.push(
                Diagnostic::error(rel_path, line, format!("invalid YAML: {e}"))
                    .with_hint("the file is a list of paths: `- slug: ...`"),
            );
            return (Vec::new(), diags);
        }
    };
    let items = match value {
        Value::Null => return (Vec::new(), diags),
        Value::Sequence(items) => items,
        _ => {
            diags.push(
                Diagnostic::error(rel_path, Some(1), "expected a list of study paths")
                    .with_hint("start each path with `- slug: ...`"),
            );
            return (Vec::new(), diags);
        }
    };
    let lines = LineMap::new(text);
    let mut paths: Vec<PathSpec> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let block = lines.item(i);
        let before = diags.len();
        let path = read_path(rel_path, item, &block, &mut diags);
        if let Some(path) = path.filter(|_| diags.len() == before) {
            if let Some(first) = paths.iter().find(|p| p.slug == path.slug) {
                diags.push(Diagnostic::field_error(
                    rel_path,
                    Some(block.line_of("slug")),
                    "slug",
                    format!(
                        "'{}' is already used by the path on line {}",
                        path.slug, first.line
                    ),
                ));
                continue;
            }
            paths.push(path);
        }
    }
    (paths, diags)
}

fn read_path(
    rel_path: &str,
    item: &Value,
    block: &Block,
    diags: &mut Vec<Diagnostic>,
) -> Option<PathSpec> {
    let Some(map) = item.as_mapping() else {
        diags.push(Diagnostic::error(
            rel_path,
            Some(block.start),
            "each study path is a mapping with slug, title, description and steps",
        ));
        return None;
    };
    unknown_keys(rel_path, map, PATH_KEYS, "", |k| block.line_of(k), diags);
    let text = |key: &str, required: bool, diags: &mut Vec<Diagnostic>| -> Option<String> {
        match map.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            None | Some(Value::Null) if !required => None,
            Some(Value::Number(n)) => Some(n.to_string()),
            None | Some(Value::Null) => {
                diags.push(Diagnostic::field_error(
                    rel_path,
                    Some(block.line_of(key)),
                    key,
                    "required field is missing",
                ));
                None
            }
            _ => {
                diags.push(Diagnostic::field_error(
                    rel_path,
                    Some(block.line_of(key)),
                    key,
                    "expected text",
                ));
                None
            }
        }
    };
    let slug = text("slug", true, diags);
    if let Some(s) = &slug {
        let valid = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid || s.starts_with('-') {
            diags.push(
                Diagnostic::field_error(
                    rel_path,
                    Some(block.line_of("slug")),
                    "slug",
                    format!("'{s}' is not a URL segment"),
                )
                .with_hint("use lowercase letters, digits and hyphens, e.g. hongse-wuye"),
            );
        }
    }
    let title = text("title", true, diags);
    let description = text("description", false, diags);
    let steps = match map.get("steps") {
        Some(Value::Sequence(steps)) if !steps.is_empty() => steps
            .iter()
            .enumerate()
            .filter_map(|(j, step)| read_step(rel_path, step, j, block, diags))
            .collect(),
        _ => {
            diags.push(
                Diagnostic::field_error(
                    rel_path,
                    Some(block.line_of("steps")),
                    "steps",
                    "expected a list of at least one step",
                )
                .with_hint("each step is `- page: policies/xyz` (a path or a title)"),
            );
            Vec::new()
        }
    };
    Some(PathSpec {
        slug: slug?,
        title: title?,
        description,
        steps,
        line: block.start,
    })
}

fn read_step(
    rel_path: &str,
    step: &Value,
    j: usize,
    block: &Block,
    diags: &mut Vec<Diagnostic>,
) -> Option<StepSpec> {
    let line = block.step_line(j);
    let field = format!("steps[{}]", j + 1);
    match step {
        Value::String(target) if !target.trim().is_empty() => Some(StepSpec {
            target: target.trim().to_string(),
            note: None,
            line,
        }),
        Value::Mapping(map) => {
            unknown_keys(
                rel_path,
                map,
                STEP_KEYS,
                &format!("{field}."),
                |_| line,
                diags,
            );
            let target = match map.get("page") {
                Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                _ => {
                    diags.push(
                        Diagnostic::field_error(
                            rel_path,
                            Some(line),
                            &format!("{field}.page"),
                            "expected a document path or title",
                        )
                        .with_hint("e.g. `page: policies/hongse-wuye-jianshe-yijian-2019`"),
                    );
                    return None;
                }
            };
            let note = match map.get("note") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
                Some(_) => {
                    diags.push(Diagnostic::field_error(
                        rel_path,
                        Some(line),
                        &format!("{field}.note"),
                        "expected text",
                    ));
                    None
                }
            };
            Some(StepSpec { target, note, line })
        }
        _ => {
            diags.push(
                Diagnostic::field_error(
                    rel_path,
                    Some(line),
                    &field,
                    "expected a document path or title",
                )
                .with_hint("write `- page: policies/xyz` or `- 文档标题`"),
            );
            None
        }
    }
}

fn unknown_keys(
    rel_path: &str,
    map: &Mapping,
    known: &[&str],
    prefix: &str,
    line_of: impl Fn(&str) -> usize,
    diags: &mut Vec<Diagnostic>,
) {
    for key in map.keys() {
        let name = key.as_str().unwrap_or("?");
        if !known.contains(&name) {
            diags.push(
                Diagnostic::field_error(
                    rel_path,
                    Some(line_of(name)),
                    &format!("{prefix}{name}"),
                    "unknown field",
                )
                .with_hint(format!("known fields: {}", known.join(", "))),
            );
        }
    }
}

/// Where things are in the file. serde_yaml keeps no positions, so lines are
/// found from the layout the format prescribes: a top-level `- ` starts a
/// path, keys sit in its block and steps are the `- ` items under `steps:`.
struct LineMap<'t> {
    lines: Vec<&'t str>,
    /// 0-based indices of lines starting a top-level item.
    starts: Vec<usize>,
}

struct Block<'t> {
    /// 1-based line of the item's first line.
    start: usize,
    lines: &'t [&'t str],
}

impl<'t> LineMap<'t> {
    fn new(text: &'t str) -> LineMap<'t> {
        let lines: Vec<&str> = text.lines().collect();
        let starts = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with('-') && !l.starts_with("---"))
            .map(|(i, _)| i)
            .collect();
        LineMap { lines, starts }
    }

    fn item(&self, i: usize) -> Block<'_> {
        let Some(&from) = self.starts.get(i) else {
            return Block {
                start: 1,
                lines: &[],
            };
        };
        let to = self.starts.get(i + 1).copied().unwrap_or(self.lines.len());
        Block {
            start: from + 1,
            lines: &self.lines[from..to],
        }
    }
}

impl Block<'_> {
    fn line_of(&self, key: &str) -> usize {
        let prefix = format!("{key}:");
        self.lines
            .iter()
            .position(|l| l.trim_start_matches(['-', ' ']).starts_with(&prefix))
            .map_or(self.start, |i| self.start + i)
    }

    /// Line of step `j` (0-based): the `j`-th list item below `steps:`.
    fn step_line(&self, j: usize) -> usize {
        let steps_at = self.line_of("steps") - self.start;
        let mut seen = 0;
        let mut item_indent = None;
        for (i, l) in self.lines.iter().enumerate().skip(steps_at + 1) {
            let trimmed = l.trim_start();
            if !trimmed.starts_with('-') {
                continue;
            }
            let indent = l.len() - trimmed.len();
            // Only the items of the steps list, not nested lists.
            if *item_indent.get_or_insert(indent) != indent {
                continue;
            }
            if seen == j {
                return self.start + i;
            }
            seen += 1;
        }
        self.line_of("steps")
    }
}

/// Turns each path's steps into pages, like wiki links: by path or exact
/// title. A step naming no page, or several, or a page twice, is an error.
pub(super) fn resolve_paths(site: &mut Site, specs: &[PathSpec], diags: &mut Vec<Diagnostic>) {
    let file = format!(
        "{}/{}",
        crate::content::load::CONTENT_DIR,
        crate::site::study_path::PATHS_FILE
    );
    for spec in specs {
        let mut steps: Vec<PathStep> = Vec::new();
        for (n, step) in spec.steps.iter().enumerate() {
            let field = format!("steps[{}].page", n + 1);
            match site.resolve_wiki(&step.target) {
                Ok((page, _)) if steps.iter().any(|s| s.page == page) => {
                    diags.push(Diagnostic::field_error(
                        &file,
                        Some(step.line),
                        &field,
                        format!(
                            "'{}' is already a step of path '{}'",
                            step.target, spec.slug
                        ),
                    ));
                }
                Ok((page, _)) => steps.push(PathStep {
                    page,
                    note: step.note.clone(),
                }),
                // An internal document: a public build's path goes without it.
                Err(_) if site.withheld.has_wiki(&step.target) => {
                    let mut d = Diagnostic::field_error(
                        &file,
                        Some(step.line),
                        &field,
                        format!(
                            "'{}' is an internal document: the public portal's path '{}' leaves this step out",
                            step.target, spec.slug
                        ),
                    );
                    d.severity = crate::error::Severity::Warning;
                    diags.push(d);
                }
                Err(candidates) if candidates.is_empty() => diags.push(
                    Diagnostic::field_error(
                        &file,
                        Some(step.line),
                        &field,
                        format!("'{}': no document has this path or title", step.target),
                    )
                    .with_hint("write section/slug (policies/xyz) or a document's exact title"),
                ),
                Err(candidates) => {
                    let keys: Vec<&str> = candidates
                        .iter()
                        .map(|&j| site.pages[j].doc.content_key())
                        .collect();
                    diags.push(
                        Diagnostic::field_error(
                            &file,
                            Some(step.line),
                            &field,
                            format!(
                                "'{}': {} documents have this title",
                                step.target,
                                candidates.len()
                            ),
                        )
                        .with_hint(format!("name one by its path: {}", keys.join(" or "))),
                    );
                }
            }
        }
        // A path of internal documents only is itself internal.
        if steps.is_empty()
            && !spec.steps.is_empty()
            && spec.steps.iter().all(|s| site.withheld.has_wiki(&s.target))
        {
            continue;
        }
        let p = site.study_paths.len();
        for (n, step) in steps.iter().enumerate() {
            site.pages[step.page].path_steps.push((p, n));
        }
        site.study_paths.push(StudyPath {
            slug: spec.slug.clone(),
            title: spec.title.clone(),
            description: spec.description.clone(),
            url: format!("/paths/{}/", spec.slug),
            steps,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "content/_paths.yaml";

    #[test]
    fn reads_paths_with_their_lines() {
        let text = "# 学习路径\n- slug: hongse-wuye\n  title: 红色物业\n  description: 从政策到小区\n  steps:\n    - page: policies/a\n      note: 先读政策\n    - cases/b\n- slug: two\n  title: 第二条\n  steps: [training/c]\n";
        let (paths, diags) = parse(FILE, text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(paths.len(), 2);
        assert_eq!(paths[0].line, 2);
        assert_eq!(paths[0].description.as_deref(), Some("从政策到小区"));
        assert_eq!(
            paths[0].steps,
            vec![
                StepSpec {
                    target: "policies/a".into(),
                    note: Some("先读政策".into()),
                    line: 6
                },
                StepSpec {
                    target: "cases/b".into(),
                    note: None,
                    line: 8
                },
            ]
        );
        assert_eq!(paths[1].line, 9);
        assert_eq!(paths[1].steps[0].target, "training/c");
    }

    #[test]
    fn every_problem_names_line_and_field() {
        let text = "- slug: Bad Slug\n  title: x\n  steps:\n    - page: a\n    - pgae: b\n- slug: ok\n  steps: []\n  colour: red\n";
        let (paths, diags) = parse(FILE, text);
        assert!(paths.is_empty());
        let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        let has = |s: &str| shown.iter().any(|d| d.contains(s));
        assert!(
            has("content/_paths.yaml:1: field 'slug': 'Bad Slug' is not a URL segment"),
            "{shown:#?}"
        );
        assert!(
            has("content/_paths.yaml:5: field 'steps[2].pgae': unknown field"),
            "{shown:#?}"
        );
        assert!(
            has("content/_paths.yaml:5: field 'steps[2].page': expected"),
            "{shown:#?}"
        );
        assert!(
            has("content/_paths.yaml:6: field 'title': required field is missing"),
            "{shown:#?}"
        );
        assert!(
            has("content/_paths.yaml:7: field 'steps': expected a list"),
            "{shown:#?}"
        );
        assert!(
            has("content/_paths.yaml:8: field 'colour': unknown field"),
            "{shown:#?}"
        );
    }

    #[test]
    fn duplicate_slugs_and_bad_yaml_are_errors() {
        let text = "- slug: a\n  title: x\n  steps: [p]\n- slug: a\n  title: y\n  steps: [q]\n";
        let (paths, diags) = parse(FILE, text);
        assert_eq!(paths.len(), 1);
        assert!(diags[0]
            .to_string()
            .contains(":4: field 'slug': 'a' is already used by the path on line 1"));
        let (_, diags) = parse(FILE, "- slug: a\n  title: [unclosed\n");
        assert!(diags[0].to_string().contains("invalid YAML"), "{diags:?}");
    }
}
