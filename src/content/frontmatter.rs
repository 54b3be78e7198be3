//! Splits a file into YAML front matter and Markdown body, and reads typed
//! fields out of the YAML while remembering which line each field is on.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_yaml::{Mapping, Value};

use crate::content::model::AttachmentRef;
use crate::error::Diagnostic;

/// A file cut at its `---` fences. Line numbers are 1-based file lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: Option<&'a str>,
    /// File line of the first YAML line (the one after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// File line where the body starts.
    pub body_line: usize,
}

/// Cuts front matter off `text`. `Err` carries the line of the unclosed fence.
pub fn split(text: &str) -> Result<Split<'_>, usize> {
    let Some(after_open) = strip_fence(text) else {
        return Ok(Split {
            yaml: None,
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    };
    let yaml_start = text.len() - after_open.len();
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(after_open.split_inclusive('\n')) {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: Some(&text[yaml_start..offset]),
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(1)
}

fn strip_fence(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

/// Line (file-relative) of each top-level key in the YAML text.
fn key_lines(yaml: &str, first_line: usize) -> BTreeMap<String, usize> {
    let mut lines = BTreeMap::new();
    for (i, line) in yaml.lines().enumerate() {
        let starts_key = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-');
        if !starts_key {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']);
            lines.entry(key.to_string()).or_insert(first_line + i);
        }
    }
    lines
}

/// Typed access to front matter fields; every failed read becomes a diagnostic
/// and reading goes on, so one pass reports every bad field.
pub struct Fields<'d> {
    file: String,
    /// The front matter text and the file line it starts on.
    yaml: String,
    yaml_line: usize,
    map: Mapping,
    lines: BTreeMap<String, usize>,
    fence_line: usize,
    pub diags: &'d mut Vec<Diagnostic>,
}

impl<'d> Fields<'d> {
    /// Parses the YAML of a split file. A YAML syntax error is reported with its
    /// line and yields `None`.
    pub fn parse(
        file: &str,
        yaml: &str,
        yaml_line: usize,
        diags: &'d mut Vec<Diagnostic>,
    ) -> Option<Fields<'d>> {
        let map = if yaml.trim().is_empty() {
            Mapping::new()
        } else {
            match serde_yaml::from_str::<Value>(yaml) {
                Ok(Value::Mapping(m)) => m,
                Ok(Value::Null) => Mapping::new(),
                Ok(_) => {
                    diags.push(Diagnostic::error(
                        file,
                        Some(yaml_line),
                        "front matter must be a YAML mapping of `field: value` lines",
                    ));
                    return None;
                }
                Err(e) => {
                    let mut line = e.location().map(|l| yaml_line + l.line() - 1);
                    let full = e.to_string();
                    // serde_yaml appends " at line N column M"; we already say where.
                    let mut msg = full.split(" at line ").next().unwrap_or(&full).to_string();
                    // A quote never closed is found at the end of the front
                    // matter; the editor needs the line it opens on.
                    if let Some(rest) = full.split("while scanning a quoted scalar at line ").nth(1)
                    {
                        let opened: Option<usize> = rest
                            .split(|c: char| !c.is_ascii_digit())
                            .next()
                            .and_then(|n| n.parse().ok());
                        if let Some(n) = opened {
                            line = Some(yaml_line + n - 1);
                            msg = "a quoted value opened here is never closed".to_string();
                        }
                    }
                    diags.push(Diagnostic::error(
                        file,
                        line.or(Some(yaml_line)),
                        format!("invalid YAML in front matter: {msg}"),
                    ));
                    return None;
                }
            }
        };
        Some(Fields {
            file: file.to_string(),
            yaml: yaml.to_string(),
            yaml_line,
            lines: key_lines(yaml, yaml_line),
            map,
            fence_line: yaml_line.saturating_sub(1).max(1),
            diags,
        })
    }

    /// The first line at or after `key`'s that holds `needle` (a list
    /// item's line), else `key`'s line.
    pub fn line_of_item(&self, key: &str, needle: &str) -> Option<usize> {
        let from = self.line_of(key)?;
        let found = self
            .yaml
            .lines()
            .enumerate()
            .skip(from.saturating_sub(self.yaml_line))
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| self.yaml_line + i);
        found.or(Some(from))
    }

    /// `attachments:` — a list of paths, or of `{path, title}` mappings.
    pub fn attachments(&mut self, key: &str) -> Vec<AttachmentRef> {
        let items = match self.take(key) {
            None => return Vec::new(),
            Some(Value::Sequence(items)) => items,
            Some(Value::String(s)) => vec![Value::String(s)],
            Some(other) => {
                self.error(
                    key,
                    format!("expected a list of file paths, got {}", describe(&other)),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            let (path, title) = match &item {
                Value::String(s) => (s.trim().to_string(), None),
                Value::Mapping(m) => {
                    let text = |k: &str| {
                        m.get(k)
                            .and_then(Value::as_str)
                            .map(|s| s.trim().to_string())
                    };
                    match text("path") {
                        Some(p) => (p, text("title").filter(|t| !t.is_empty())),
                        None => {
                            self.error(key, "an attachment given as a mapping needs `path:`");
                            continue;
                        }
                    }
                }
                Value::Null => continue,
                other => {
                    self.error(
                        key,
                        format!("expected a file path, got {}", describe(other)),
                    );
                    continue;
                }
            };
            if path.is_empty() {
                continue;
            }
            let line = self.line_of_item(key, &path);
            out.push(AttachmentRef { path, title, line });
        }
        out
    }

    /// `quiz:` — a list of questions ([`crate::content::quiz`]). Every
    /// problem is reported at its question's line as `quiz[n].field`; a
    /// question with one is left out.
    pub fn quiz(&mut self, key: &str) -> Vec<crate::content::quiz::Question> {
        let items = match self.take(key) {
            None => return Vec::new(),
            Some(Value::Sequence(items)) => items,
            Some(other) => {
                self.error(
                    key,
                    format!("expected a list of questions, got {}", describe(&other)),
                );
                return Vec::new();
            }
        };
        let mut out: Vec<crate::content::quiz::Question> = Vec::new();
        // Every question's text with its line, valid or not, for repeats.
        let mut asked: Vec<(String, Option<usize>)> = Vec::new();
        // Questions are found in order: a repeated one is on a later line.
        let mut after = self.line_of(key).unwrap_or(self.yaml_line);
        for (n, item) in items.iter().enumerate() {
            let text = item.get("q").and_then(Value::as_str).unwrap_or("").trim();
            let line = self.line_after(after, if text.is_empty() { "q:" } else { text });
            after = line.unwrap_or(after) + 1;
            let field = |f: &str| format!("{key}[{}].{f}", n + 1);
            let first = asked
                .iter()
                .find(|(t, _)| !text.is_empty() && t == text)
                .map(|(_, l)| *l);
            asked.push((text.to_string(), line));
            if let Some(first) = first {
                let at = first.map_or(String::new(), |l| format!(" (first on line {l})"));
                self.diags.push(Diagnostic::field_error(
                    &self.file,
                    line,
                    &field("q"),
                    format!("the question '{text}' is asked twice{at}"),
                ));
            }
            match crate::content::quiz::parse_question(item) {
                Ok(_) if first.is_some() => {}
                Ok(mut q) => {
                    q.line = line;
                    q.number = n + 1;
                    out.push(q);
                }
                Err(problems) => {
                    for (f, message) in problems {
                        self.diags.push(Diagnostic::field_error(
                            &self.file,
                            line,
                            &field(f),
                            message,
                        ));
                    }
                }
            }
        }
        out
    }

    /// The first line at or after `from` that holds `needle`.
    fn line_after(&self, from: usize, needle: &str) -> Option<usize> {
        self.yaml
            .lines()
            .enumerate()
            .skip(from.saturating_sub(self.yaml_line))
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| self.yaml_line + i)
    }

    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.lines.get(key).copied()
    }

    pub fn lines(&self) -> &BTreeMap<String, usize> {
        &self.lines
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// True when the field holds a single text (where a list may be meant).
    pub fn is_text(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(Value::is_string)
    }

    pub fn error(&mut self, key: &str, message: impl Into<String>) {
        let line = self.line_of(key).or(Some(self.fence_line));
        self.diags
            .push(Diagnostic::field_error(&self.file, line, key, message));
    }

    fn missing(&mut self, key: &str) {
        let line = Some(self.fence_line);
        self.diags.push(Diagnostic::field_error(
            &self.file,
            line,
            key,
            "required field is missing",
        ));
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        match self.map.remove(key) {
            Some(Value::Null) | None => None,
            Some(v) => Some(v),
        }
    }

    pub fn string(&mut self, key: &str, required: bool) -> Option<String> {
        match self.take(key) {
            None => {
                if required {
                    self.missing(key);
                }
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() && required => {
                self.error(key, "must not be empty");
                None
            }
            Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            // Numbers and booleans are fine as text (`author: 2024`).
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(other) => {
                self.error(key, format!("expected text, got {}", describe(&other)));
                None
            }
        }
    }

    /// A string or a list of strings (both are natural for `issuer`, `supersedes`).
    pub fn string_list(&mut self, key: &str) -> Vec<String> {
        match self.take(key) {
            None => Vec::new(),
            Some(Value::String(s)) => vec![s.trim().to_string()],
            Some(Value::Sequence(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                        Value::Number(n) => out.push(n.to_string()),
                        // An empty `- ` line left from a template.
                        Value::Null => {}
                        Value::String(_) => {}
                        other => {
                            self.error(
                                key,
                                format!("expected a list of text, found {}", describe(&other)),
                            );
                            return Vec::new();
                        }
                    }
                }
                out
            }
            Some(other) => {
                self.error(
                    key,
                    format!("expected a list of text, got {}", describe(&other)),
                );
                Vec::new()
            }
        }
    }

    pub fn date(&mut self, key: &str, required: bool) -> Option<NaiveDate> {
        let value = match self.take(key) {
            None => {
                if required {
                    self.missing(key);
                }
                return None;
            }
            Some(v) => v,
        };
        let text = match &value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            other => {
                self.error(key, format!("expected YYYY-MM-DD, got {}", describe(other)));
                return None;
            }
        };
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(DateError::Shape) => {
                self.error(key, format!("expected YYYY-MM-DD, got \"{text}\""));
                None
            }
            Err(DateError::NoSuchDay) => {
                self.error(key, format!("\"{text}\" is not a calendar date"));
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        match self.take(key)? {
            Value::Bool(b) => Some(b),
            other => {
                self.error(
                    key,
                    format!("expected true or false, got {}", describe(&other)),
                );
                None
            }
        }
    }

    pub fn positive_int(&mut self, key: &str) -> Option<u32> {
        match self.take(key)? {
            Value::Number(n)
                if n.as_u64()
                    .is_some_and(|v| (1..=u32::MAX as u64).contains(&v)) =>
            {
                n.as_u64().map(|v| v as u32)
            }
            other => {
                self.error(
                    key,
                    format!(
                        "expected a whole number of at least 1, got {}",
                        describe(&other)
                    ),
                );
                None
            }
        }
    }

    /// Everything not read yet: unknown fields, kept for templates.
    pub fn into_extra(self) -> BTreeMap<String, serde_json::Value> {
        let mut extra = BTreeMap::new();
        for (k, v) in self.map {
            let key = match k {
                Value::String(s) => s,
                other => describe(&other),
            };
            if let Ok(json) = serde_json::to_value(&v) {
                extra.insert(key, json);
            }
        }
        extra
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum DateError {
    Shape,
    NoSuchDay,
}

/// Strict `YYYY-MM-DD`: `2005`, `2005-1-1` and `2005/01/01` are all refused.
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(DateError::Shape);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DateError::NoSuchDay)
}

/// How a value looks in an error message.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".to_string(),
        Value::Bool(b) => format!("\"{b}\""),
        Value::Number(n) => format!("\"{n}\""),
        Value::String(s) => format!("\"{s}\""),
        Value::Sequence(_) => "a list".to_string(),
        Value::Mapping(_) => "a mapping".to_string(),
        Value::Tagged(t) => format!("a tagged value !{}", t.tag),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_fences_and_lines() {
        let s = split("---\ntitle: 甲\ndate: 2024-01-01\n---\n正文\n").unwrap();
        assert_eq!(s.yaml, Some("title: 甲\ndate: 2024-01-01\n"));
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 5);
        assert_eq!(split("---\ntitle: x\n"), Err(1));
        assert_eq!(split("正文").unwrap().yaml, None);
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2024-03-01").is_ok());
        assert_eq!(parse_date("2005"), Err(DateError::Shape));
        assert_eq!(parse_date("2024-3-1"), Err(DateError::Shape));
        assert_eq!(parse_date("2023-02-30"), Err(DateError::NoSuchDay));
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        let mut diags = Vec::new();
        let yaml = "title: \"未闭合的引号\ndate: 2024-01-01\ntags: a\n";
        assert!(Fields::parse("content/a.md", yaml, 2, &mut diags).is_none());
        assert_eq!(
            diags[0].to_string(),
            "content/a.md:2: invalid YAML in front matter: a quoted value opened here is never closed"
        );
    }

    #[test]
    fn field_errors_carry_their_line() {
        let mut diags = Vec::new();
        let yaml = "title: 甲\ntags: [a]\ndate: 2005\n";
        let mut f = Fields::parse("content/a.md", yaml, 2, &mut diags).unwrap();
        assert_eq!(f.date("date", true), None);
        drop(f);
        assert_eq!(
            diags[0].to_string(),
            "content/a.md:4: field 'date': expected YYYY-MM-DD, got \"2005\""
        );
    }
}
