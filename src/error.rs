//! Typed errors and the diagnostics editors read.
//!
//! A build never stops at the first bad file: parsing and site assembly collect
//! [`Diagnostic`]s so one run reports every problem, compiler style
//! (`content/policies/x.md:4: field 'date': expected YYYY-MM-DD, got "2005"`).

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Information that fails nothing, even with `--strict`.
    Note,
}

/// One problem in one input file, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators (`content/policies/x.md`).
    pub file: String,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    pub severity: Severity,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            field: None,
            message: message.into(),
            hint: None,
            severity: Severity::Error,
        }
    }

    pub fn field_error(
        file: impl Into<String>,
        line: Option<usize>,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            field: Some(field.to_string()),
            ..Diagnostic::error(file, line, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        match self.severity {
            Severity::Warning => write!(f, "warning: ")?,
            Severity::Note => write!(f, "note: ")?,
            Severity::Error => {}
        }
        if let Some(field) = &self.field {
            write!(f, "field '{field}': ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics the way a reader scans them: by file, then line.
pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.file.as_str(), a.line.unwrap_or(0), a.severity).cmp(&(
            b.file.as_str(),
            b.line.unwrap_or(0),
            b.severity,
        ))
    });
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("{}", format_diagnostics(.0))]
    Content(Vec<Diagnostic>),
    #[error("theme '{theme}': {message}")]
    Theme { theme: String, message: String },
    #[error("template '{template}': {message}")]
    Template { template: String, message: String },
    #[error("search index: {0}")]
    Index(String),
    /// A search ran out of time, or its client went away.
    #[error("search stopped: its time budget was spent or its client disconnected")]
    SearchBudget,
    /// A command was asked to do something it must refuse.
    #[error("{0}")]
    Refused(String),
    /// Another build holds the output.
    #[error(
        "another zhiku build ({holder}) is writing this site's output: wait for it to finish and build again (lock: {})",
        lock.display()
    )]
    Locked { lock: PathBuf, holder: String },
    /// The output folder holds the other portal (public or internal).
    #[error(
        "{} holds the {held} portal and this is the {building} build: build each portal into its own folders (--out and --index-dir, or a zhiku.yaml of its own), or delete the folder first",
        folder.display()
    )]
    OtherAudience {
        folder: PathBuf,
        held: String,
        building: String,
    },
    /// Work stopped because a newer change made its result stale.
    #[error("stopped: a newer change superseded it")]
    Superseded,
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

fn format_diagnostics(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut out = String::new();
    for d in diags {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    out.push_str(&format!("{errors} error(s) in content"));
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
