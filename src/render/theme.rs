//! Reads a theme (`themes/<name>/templates`, `themes/<name>/static`) and the
//! site's own overrides (`templates/`, `static/` at the site root) into memory.
//! A site template with the same name as a theme template replaces it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::content::load::relative_display;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    /// Template name (path under `templates/`, `/` separated) -> source.
    pub templates: BTreeMap<String, String>,
    /// Output path (relative, `/` separated) -> file to copy; site files win.
    pub static_files: BTreeMap<String, PathBuf>,
    /// Archetypes (`zhiku new`): kind name -> template text.
    pub archetypes: BTreeMap<String, String>,
}

/// Which static files get a content fingerprint in the URLs the templates
/// write (`style.css?v=…`): the stylesheets and scripts every page loads, so
/// a server may let browsers keep them for a year (`immutable`) and a new
/// build still reaches them at once. Generated files (the client tables)
/// change with the content, not the theme, and are revalidated instead.
pub const FINGERPRINTED: &[&str] = &["css", "js"];

/// Site URL of a static file (`/static/css/style.css`) -> the first eight
/// hex digits of the CRC-32 of its bytes.
pub type Fingerprints = BTreeMap<String, String>;

impl Theme {
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let dir = root.join("themes").join(name);
        if !dir.join("templates").is_dir() {
            return Err(Error::Theme {
                theme: name.to_string(),
                message: format!("no folder {}", dir.join("templates").display()),
            });
        }
        let mut theme = Theme {
            name: name.to_string(),
            templates: BTreeMap::new(),
            static_files: BTreeMap::new(),
            archetypes: BTreeMap::new(),
        };
        for base in [dir.clone(), root.to_path_buf()] {
            read_text_files(&base.join("templates"), &mut theme.templates)?;
            read_text_files(&base.join("archetypes"), &mut theme.archetypes)?;
            list_files(&base.join("static"), &mut theme.static_files)?;
        }
        theme.archetypes = theme
            .archetypes
            .into_iter()
            .map(|(k, v)| (k.trim_end_matches(".md").to_string(), v))
            .collect();
        Ok(theme)
    }
}

impl Theme {
    /// The fingerprints of the files in [`FINGERPRINTED`] formats.
    pub fn fingerprints(&self) -> Result<Fingerprints> {
        let mut prints = Fingerprints::new();
        for (name, path) in &self.static_files {
            let ext = Path::new(name).extension().and_then(|e| e.to_str());
            if !ext.is_some_and(|e| FINGERPRINTED.contains(&e)) {
                continue;
            }
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            prints.insert(
                format!("/{name}"),
                format!("{:08x}", crc32fast::hash(&bytes)),
            );
        }
        Ok(prints)
    }
}

fn walk(dir: &Path) -> impl Iterator<Item = Result<(String, PathBuf)>> + '_ {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(move |entry| match entry {
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_default();
                Some(Err(Error::io(path, e.into())))
            }
            Ok(e) if e.file_type().is_file() => Some(Ok((
                relative_display(dir, e.path()),
                e.path().to_path_buf(),
            ))),
            Ok(_) => None,
        })
}

fn read_text_files(dir: &Path, into: &mut BTreeMap<String, String>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for item in walk(dir) {
        let (name, path) = item?;
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        into.insert(name, text);
    }
    Ok(())
}

fn list_files(dir: &Path, into: &mut BTreeMap<String, PathBuf>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for item in walk(dir) {
        let (name, path) = item?;
        into.insert(name, path);
    }
    Ok(())
}
