//! `zhiku new KIND SLUG`: a new document from its kind's archetype (the
//! theme's `archetypes/<kind>.md`, or the site's own `archetypes/`), with the
//! required fields filled in. Never overwrites a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::Config;
use crate::content::load::CONTENT_DIR;
use crate::content::model::Kind;
use crate::content::parse::is_safe_slug;
use crate::error::{Error, Result};
use crate::render::theme::Theme;

/// Used when there is no `--title`: obviously a placeholder, and still valid.
pub const TITLE_PLACEHOLDER: &str = "请在此填写标题";

/// Fills an archetype: `{{title}}`, `{{date}}`, `{{slug}}`, `{{kind}}`.
pub fn fill(archetype: &str, kind: Kind, slug: &str, title: &str, date: NaiveDate) -> String {
    // A title is a YAML scalar: quote it so `：`, `#` or `[` in it stay text.
    let quoted = serde_json::to_string(title).unwrap_or_else(|_| format!("\"{slug}\""));
    archetype
        .replace("{{title}}", &quoted)
        .replace("{{date}}", &date.to_string())
        .replace("{{slug}}", slug)
        .replace("{{kind}}", kind.name())
}

/// Creates `content/<section>/<slug>.md` and returns its path.
pub fn new_document(
    root: &Path,
    kind: Kind,
    slug: &str,
    title: Option<&str>,
    today: NaiveDate,
) -> Result<PathBuf> {
    if !is_safe_slug(slug) || slug.len() > 120 {
        return Err(Error::Refused(format!(
            "'{slug}' is not a safe file name: use letters, digits, - and _ (for example hubin-jiedao-2024)"
        )));
    }
    let config = Config::load(root)?;
    let theme = Theme::load(root, &config.theme)?;
    let archetype = theme
        .archetypes
        .get(kind.name())
        .ok_or_else(|| Error::Theme {
            theme: config.theme.clone(),
            message: format!("no archetype archetypes/{}.md", kind.name()),
        })?;
    let text = fill(
        archetype,
        kind,
        slug,
        title.unwrap_or(TITLE_PLACEHOLDER),
        today,
    );
    let dir = root.join(CONTENT_DIR).join(kind.section());
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(format!("{slug}.md"));
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Refused(format!(
                "{} already exists; choose another slug (nothing was changed)",
                path.display()
            )));
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(&path, e))?;
    Ok(path)
}
