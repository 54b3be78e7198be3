//! Site configuration (`zhiku.yaml`), parsed from a string apart from reading the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const CONFIG_FILE: &str = "zhiku.yaml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL the site is published under; canonical links and feeds use it.
    pub base_url: String,
    pub language: String,
    pub author: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Items per page on section lists.
    pub paginate: usize,
    /// Items per page on a tag's or region's list.
    pub paginate_terms: usize,
    /// Output folder, relative to the site root.
    pub output_dir: String,
    /// Where the tantivy index is written, relative to the site root.
    pub search_index_dir: String,
    /// Attachments larger than this many megabytes get a warning.
    pub attachment_max_mb: u64,
    /// Entries in each Atom feed.
    pub feed_limit: usize,
    /// The members' portal: publish `audience: internal` documents too.
    pub internal: bool,
    /// The static search bundle gets phrase postings and the positions of
    /// its longest phrases, so that the browser finds a term of three
    /// characters or more in the same documents as the server
    /// (docs/static-search.md). Off by default: at 10,000 documents it
    /// made the bundle four times larger and the cold build about 2.7
    /// times slower.
    pub exact_phrases: bool,
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "知库".to_string(),
            description: String::new(),
            base_url: "http://127.0.0.1:8080".to_string(),
            language: "zh-CN".to_string(),
            author: String::new(),
            theme: "default".to_string(),
            paginate: 10,
            paginate_terms: 50,
            output_dir: "public".to_string(),
            search_index_dir: "search-index".to_string(),
            feed_limit: 20,
            attachment_max_mb: 50,
            internal: false,
            exact_phrases: false,
            extra: BTreeMap::new(),
        }
    }
}

impl Config {
    /// The path part of `base_url` without its trailing slash: `/dangjian`
    /// for a site published at `http://example.gov.cn/dangjian/`, empty at
    /// a domain's root. Every URL the build writes starts with it.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.find("://").map_or(0, |i| i + 3);
        match self.base_url[after_scheme..].find('/') {
            Some(i) => self.base_url[after_scheme + i..].trim_end_matches('/'),
            None => "",
        }
    }

    /// A site URL (`/policies/x/`) as the published site links it.
    pub fn href(&self, url: &str) -> String {
        if is_site_path(url) {
            format!("{}{url}", self.base_path())
        } else {
            url.to_string()
        }
    }

    /// Parses and validates config text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let config: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            serde_yaml::from_str(text).map_err(|e| Error::Config {
                path: path.to_path_buf(),
                message: match e.location() {
                    Some(loc) => format!("line {}: {e}", loc.line()),
                    None => e.to_string(),
                },
            })?
        };
        config.validate(path)
    }

    fn validate(mut self, path: &Path) -> Result<Config> {
        let bad = |message: String| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(bad(format!(
                "field 'base_url': expected an absolute http(s) URL, got \"{}\"",
                self.base_url
            )));
        }
        while self.base_url.ends_with('/') {
            self.base_url.pop();
        }
        if self.paginate == 0 {
            return Err(bad("field 'paginate': must be at least 1".to_string()));
        }
        if self.theme.is_empty() || self.theme.contains(['/', '\\']) || self.theme.starts_with('.')
        {
            return Err(bad(format!(
                "field 'theme': expected a folder name under themes/, got \"{}\"",
                self.theme
            )));
        }
        Ok(self)
    }

    /// Reads `zhiku.yaml` from a site root; a missing file is an error so that
    /// `--root` pointing at the wrong folder is caught at once.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        Config::parse(&text, &path)
    }

    pub fn output_path(&self, root: &Path) -> PathBuf {
        root.join(&self.output_dir)
    }

    pub fn search_index_path(&self, root: &Path) -> PathBuf {
        root.join(&self.search_index_dir)
    }
}

/// Whether `url` is a path on this site (`/policies/x/`), which gets the
/// base path; `//host/…`, absolute URLs and fragments do not.
pub fn is_site_path(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_missing_fields_and_trailing_slash_is_dropped() {
        let c = Config::parse(
            "title: 测试\nbase_url: https://example.org/\n",
            Path::new("z.yaml"),
        )
        .unwrap();
        assert_eq!(c.title, "测试");
        assert_eq!(c.base_url, "https://example.org");
        assert_eq!(c.base_path(), "");
        let sub = Config::parse(
            "base_url: http://example.gov.cn/dangjian/\n",
            Path::new("z.yaml"),
        )
        .unwrap();
        assert_eq!(sub.base_path(), "/dangjian");
        assert_eq!(sub.href("/policies/x/"), "/dangjian/policies/x/");
        assert_eq!(sub.href("#top"), "#top");
        assert_eq!(sub.href("https://other.org/"), "https://other.org/");
        assert_eq!(c.paginate, 10);
    }

    #[test]
    fn unknown_field_and_bad_url_are_errors() {
        let e = Config::parse("titel: x\n", Path::new("z.yaml")).unwrap_err();
        assert!(e.to_string().contains("titel"), "{e}");
        let e = Config::parse("base_url: example.org\n", Path::new("z.yaml")).unwrap_err();
        assert!(e.to_string().contains("base_url"), "{e}");
    }
}
