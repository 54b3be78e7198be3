//! `SiteTest`: a site in a temp folder built with the real theme, in the
//! spirit of mdBook's `BookTest`.
#![allow(dead_code)]

pub mod crawl;
pub mod http;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zhiku::pipeline::{build, BuildOptions, BuildReport};

/// The code block of language `lang` between `<!-- zhiku:NAME-begin -->` and
/// `<!-- zhiku:NAME-end -->` in docs/deploy.md: the recipes tests run as written.
pub fn documented_block(name: &str, lang: &str) -> String {
    let doc = std::fs::read_to_string(repo_root().join("docs/deploy.md")).unwrap();
    let start = doc
        .find(&format!("<!-- zhiku:{name}-begin -->"))
        .expect("begin marker");
    let end = doc
        .find(&format!("<!-- zhiku:{name}-end -->"))
        .expect("end marker");
    let block = &doc[start..end];
    let fence = format!("```{lang}\n");
    let code_start = block.find(&fence).expect("code block") + fence.len();
    let code_end = block[code_start..].find("```").unwrap() + code_start;
    block[code_start..code_end].to_string()
}

/// Runs a `tests/browser` script under Node with `args`; it must succeed.
/// Returns what it printed, one JSON value a line.
pub fn node_json_lines(script: &str, args: &[&std::ffi::OsStr]) -> Vec<serde_json::Value> {
    let run = Command::new("node")
        .arg(repo_root().join("tests/browser").join(script))
        .args(args)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{script}: {e}: {l}")))
        .collect()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct SiteTest {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl SiteTest {
    /// An empty site using the repository's themes.
    pub fn empty() -> SiteTest {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::os::unix::fs::symlink(repo_root().join("themes"), root.join("themes")).unwrap();
        std::fs::write(
            root.join("zhiku.yaml"),
            "title: 测试站\nbase_url: https://dangjian.example.org\n",
        )
        .unwrap();
        SiteTest { _dir: dir, root }
    }

    /// A copy of `tests/fixtures/<name>` using the repository's themes.
    pub fn fixture(name: &str) -> SiteTest {
        let site = SiteTest::empty();
        copy_dir(&repo_root().join("tests/fixtures").join(name), &site.root);
        site
    }

    /// A copy of the repository's own site (bundled content and config).
    pub fn bundled() -> SiteTest {
        let site = SiteTest::empty();
        copy_dir(&repo_root().join("content"), &site.root.join("content"));
        std::fs::copy(repo_root().join("zhiku.yaml"), site.root.join("zhiku.yaml")).unwrap();
        site
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
            ..Default::default()
        }
    }

    pub fn build(&self) -> zhiku::Result<BuildReport> {
        build(&self.options())
    }

    pub fn built(&self) -> &Self {
        if let Err(e) = self.build() {
            panic!("build failed:\n{e}");
        }
        self
    }

    pub fn out(&self) -> PathBuf {
        self.root.join("public")
    }

    /// A generated file as text.
    pub fn read(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The `<main>` element of a page, where the content lives.
    pub fn main(&self, rel: &str) -> String {
        let html = self.read(rel);
        let start = html.find("<main").expect("page has <main>");
        let end = html.rfind("</main>").expect("page has </main>");
        html[start..end].to_string()
    }

    /// `zhiku search Q --json` on the built site: what `/api/search` answers.
    pub fn search_json(&self, q: &str) -> serde_json::Value {
        let out = self.zhiku(&["search", q, "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    pub fn zhiku(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_zhiku"))
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .output()
            .expect("run zhiku")
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every `href="…"` and `src="…"` value in an HTML document.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(unescape(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

pub fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Every file of a built output, by path, but the manifest that names its
/// index generation (a new name every build).
pub fn output_files(out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(rel, _)| rel != zhiku::output::INDEX_MANIFEST)
        .collect()
}

/// The files that differ between two built outputs (or are in one only),
/// the manifest naming the index generation aside.
pub fn differing_files(have: &Path, want: &Path) -> std::collections::BTreeSet<String> {
    let (have, want) = (output_files(have), output_files(want));
    want.keys()
        .chain(have.keys())
        .filter(|k| have.get(*k) != want.get(*k))
        .cloned()
        .collect()
}
