//! Writes a build aside and swaps it in, so a failed build (bad content, a
//! template error, a full disk) leaves the previous output untouched.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::render::OutputFile;

/// A folder being filled next to its final place; dropped without
/// [`Staging::commit`] it removes itself.
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates `.<name>.staging` beside `target` (same filesystem, so the
    /// final rename is atomic per directory entry).
    pub fn new(target: &Path) -> Result<Staging> {
        let dir = sibling(target, "staging");
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub fn write_files(&self, files: &[OutputFile]) -> Result<()> {
        for f in files {
            let path = self.dir.join(&f.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            fs::write(&path, &f.contents).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// Copies static files (`relative output path -> source`), skipping any
    /// path a generated file already took.
    pub fn copy_files<'a>(
        &self,
        files: impl IntoIterator<Item = (&'a String, &'a PathBuf)>,
    ) -> Result<()> {
        for (rel, src) in files {
            let dest = self.dir.join(rel);
            if dest.exists() {
                continue;
            }
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            fs::copy(src, &dest).map_err(|e| Error::io(src, e))?;
        }
        Ok(())
    }

    /// Replaces the target with the staged folder.
    pub fn commit(mut self) -> Result<()> {
        let old = sibling(&self.target, "old");
        if old.exists() {
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        let had_target = self.target.exists();
        if had_target {
            fs::rename(&self.target, &old).map_err(|e| Error::io(&self.target, e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_target {
                // Put the previous output back rather than leave nothing.
                let _ = fs::rename(&old, &self.target);
            }
            return Err(Error::io(&self.target, e));
        }
        self.committed = true;
        if had_target {
            fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn sibling(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    target.with_file_name(format!(".{name}.{what}"))
}
