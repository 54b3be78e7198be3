//! Mutation fuzzing of the parsers, on the stable toolchain and in every
//! `cargo test`: each target starts from its corpus (tests/fuzz-corpus/)
//! and tries a bounded number of mutations from a fixed seed
//! (`ZHIKU_FUZZ_ITERATIONS`, default 2,000 a target; `ZHIKU_FUZZ_SEED`).
//! Every target must never panic, and each keeps its own promise: no
//! script out of Markdown, no path out of the site, no query past its
//! bounds.

use crate::common;

use std::path::PathBuf;

use zhiku::content::load::{Placement, SourceFile};

/// xorshift64*: a fixed seed gives the same inputs on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Byte strings each parser treats specially.
const TOKENS: &[&str] = &[
    "---\n",
    "\n",
    "\r\n",
    "\0",
    "[[",
    "]]",
    "|",
    "#",
    "](",
    "![",
    "`",
    "```\n",
    "<script>",
    "</script>",
    "javascript:",
    "<img src=x onerror=alert(1)>",
    "\"",
    "'",
    ":",
    ": ",
    "- ",
    "  ",
    "\t",
    "{{",
    "}}",
    "{%",
    "〔2004〕",
    "[2004]",
    "号",
    "一、",
    "（一）",
    "1．",
    "（1）",
    "%2e%2e",
    "%2f",
    "..",
    "/",
    "\\",
    "%00",
    "%ff",
    "&",
    "&#x3c;",
    "title:",
    "date: ",
    "steps:",
    "- page: ",
    "slug:",
    "type: policy",
    "\u{feff}",
    "\u{3000}",
    "黨",
    "党",
    "-",
    "“",
    "”",
    "*",
    "_",
    "~",
    ">",
    "^[",
    "[^1]:",
    "&amp;",
    "<",
    "\u{200b}",
    "\u{fffd}",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, t.iter().copied());
            }
            2 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(out.len())..end.max(at.min(out.len())));
            }
            3 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(64)).min(out.len());
                let piece: Vec<u8> = out[start..end].to_vec();
                out.splice(at..at, piece);
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let start = rng.below(other.len());
                    let end = (start + 1 + rng.below(128)).min(other.len());
                    out.splice(at..at, other[start..end].iter().copied());
                }
            }
            5 => out.truncate(at),
            _ => {
                let b = (rng.next() & 0xff) as u8;
                out.insert(at, b);
            }
        }
    }
    out.truncate(64 * 1024);
    out
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = common::repo_root().join("tests/fuzz-corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// Runs `check` on every seed and on the mutations; a failure names the
/// input (escaped) so it can be added to the corpus.
fn fuzz(target: &str, default_iterations: usize, check: impl Fn(&[u8])) {
    let iterations = std::env::var("ZHIKU_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_iterations);
    let seed = std::env::var("ZHIKU_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_2026_u64);
    let seeds = corpus(target);
    let mut rng = Rng(seed ^ target.len() as u64 ^ 0x9e37_79b9_7f4a_7c15);
    let mut inputs: Vec<Vec<u8>> = seeds.clone();
    for _ in 0..iterations {
        let base = &seeds[rng.below(seeds.len())];
        inputs.push(mutate(&mut rng, base, &seeds));
    }
    for input in inputs {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&input)));
        if outcome.is_err() {
            panic!(
                "{target}: failed on input {:?} (add it to tests/fuzz-corpus/{target}/)",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

/// The first tag of `html` that could run script: a script-like element,
/// an event handler attribute, or a `javascript:` URL. Text that merely
/// says so (escaped) is fine.
fn unsafe_markup(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let handler = tag
            .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .any(|a| a.starts_with("on") && a.contains('='));
        if matches!(
            name.as_str(),
            "script" | "iframe" | "object" | "embed" | "style"
        ) || handler
            || tag.contains("javascript:")
        {
            return Some(format!("<{tag}>"));
        }
    }
    None
}

fn text(input: &[u8]) -> String {
    String::from_utf8_lossy(input).into_owned()
}

#[test]
fn front_matter_and_documents() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    fuzz("front_matter", 2_000, |input| {
        let text = text(input);
        let src = SourceFile {
            rel_path: "content/policies/x.md".into(),
            placement: Placement::Document {
                section: "policies".into(),
                stem: "x".into(),
            },
            text: text.clone(),
            modified: None,
            committed: None,
        };
        let mut diags = Vec::new();
        let _ = zhiku::content::parse::parse_file(&src, today, &mut diags);
        let lines = text.lines().count() + 2;
        for d in &diags {
            if let Some(line) = d.line {
                assert!(line >= 1 && line <= lines, "line {line} of {lines}: {d}");
            }
        }
    });
}

#[test]
fn markdown_never_lets_script_through() {
    fuzz("markdown", 2_000, |input| {
        let rendered = zhiku::content::markdown::render(&text(input), "policies");
        if let Some(bad) = unsafe_markup(&rendered.html) {
            panic!("{bad} in {}", rendered.html);
        }
    });
}

#[test]
fn study_paths() {
    fuzz("study_paths", 2_000, |input| {
        let _ = zhiku::site::study_path::parse("content/_paths.yaml", &text(input));
    });
}

#[test]
fn queries_stay_within_bounds() {
    fuzz("query", 3_000, |input| {
        let q = text(input);
        let _ = zhiku::search::query::parse_query(&q);
        let params = zhiku::search::query::SearchParams {
            q: Some(q),
            ..Default::default()
        };
        if let Ok(req) = zhiku::search::query::SearchRequest::from_params(&params) {
            let parsed = zhiku::search::query::parse_query(&req.q);
            assert!(parsed.include.len() + parsed.exclude.len() <= 16);
            assert!(req.q.chars().count() <= 256);
        }
    });
}

#[test]
fn queries_run_against_a_real_index() {
    let site = common::SiteTest::bundled();
    site.built();
    let engine =
        zhiku::search::engine::SearchEngine::open(&site.root.join("search-index/tantivy")).unwrap();
    fuzz("query", 600, |input| {
        let params = zhiku::search::query::SearchParams {
            q: Some(text(input)),
            ..Default::default()
        };
        if let Ok(req) = zhiku::search::query::SearchRequest::from_params(&params) {
            let response = engine.search(&req).expect("a valid request never fails");
            assert!(response.hits.len() <= req.size);
        }
    });
}

#[test]
fn request_paths_never_leave_the_site() {
    fuzz("url_path", 4_000, |input| {
        let path = text(input);
        if let Some(rel) = zhiku::serve::safe_relative_path(path.trim_end()) {
            assert!(rel.is_relative(), "{rel:?}");
            for c in rel.components() {
                let std::path::Component::Normal(part) = c else {
                    panic!("{rel:?} has {c:?}");
                };
                let part = part.to_string_lossy();
                assert!(
                    !part.starts_with('.') && !part.contains(['\0', '\\']),
                    "{rel:?}"
                );
            }
        }
    });
}

#[test]
fn imported_text() {
    fuzz("text", 800, |input| {
        let ex = zhiku::extract::plain::read(input, false);
        for block in &ex.blocks {
            if let zhiku::extract::Block::Paragraph(p) = block {
                let t = p.text();
                let _ = zhiku::import::tidy::normalize_punctuation(&t);
                let _ = zhiku::import::tidy::split_numbered_run(&t);
                let _ = zhiku::import::tidy::strip_annotations(&t);
                let _ = zhiku::import::dates::find(&t);
                let _ = zhiku::import::chrome::classify(&t);
                let md = zhiku::import::write::escape(&t, true);
                // What the importer writes renders as that text, never markup.
                let html = zhiku::content::markdown::render(&md, "cases").html;
                assert_eq!(unsafe_markup(&html), None, "{md}");
            }
        }
    });
}
