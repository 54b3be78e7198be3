//! Writes a build aside and swaps it in, so a failed build (bad content, a
//! template error, a full disk) leaves the previous output untouched.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::render::OutputFile;

/// A folder being filled next to its final place; dropped without
/// [`Staging::commit`] it removes itself.
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
    /// Filled from the previous output: files are rewritten in place (or left
    /// alone when unchanged) and the ones not written again pruned.
    recycled: bool,
    /// Paths written by this build (recycling only), from any thread.
    written: Mutex<HashSet<PathBuf>>,
    count: AtomicUsize,
    /// Files the recycled folder held, from the list its build left
    /// (`.<name>.files`); `None` when unknown, and the folder is walked.
    previous: Option<Vec<PathBuf>>,
}

impl Staging {
    /// Creates an empty `.<name>.staging` beside `target` (same filesystem,
    /// so the final rename is atomic per directory entry).
    ///
    /// The output before last (`.<name>.old`) is deleted on a background
    /// thread while the build goes on: deleting a few hundred megabytes
    /// takes seconds on some filesystems (online discard).
    pub fn new(target: &Path) -> Result<Staging> {
        let dir = sibling(target, "staging");
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let old = sibling(target, "old");
        let trash = sibling(target, "trash");
        if old.exists() && !trash.exists() {
            fs::rename(&old, &trash).map_err(|e| Error::io(&old, e))?;
        }
        if trash.exists() {
            // Not joined: a build that ends first leaves the rest to the next.
            std::thread::spawn(move || {
                let _ = fs::remove_dir_all(&trash);
            });
        }
        Staging::open(target, dir, false, None)
    }

    /// Like [`Staging::new`], but starts from the output before last
    /// (`.<name>.old`, kept by the previous build's commit). Deleting tens of
    /// thousands of files and creating them again costs more than the whole
    /// render; rewriting them where they are, or not at all when their bytes
    /// did not change, costs little.
    pub fn recycling(target: &Path) -> Result<Staging> {
        let dir = sibling(target, "staging");
        let old = sibling(target, "old");
        let old_list = sibling(target, "old.files");
        let mut previous = None;
        if !dir.exists() && old.is_dir() {
            previous = fs::read_to_string(&old_list)
                .ok()
                .map(|list| list.lines().map(|rel| dir.join(rel)).collect::<Vec<_>>());
            fs::rename(&old, &dir).map_err(|e| Error::io(&old, e))?;
        }
        // The list describes the folder as it was: once it is being changed,
        // only this build's own list is right.
        let _ = fs::remove_file(&old_list);
        Staging::open(target, dir, true, previous)
    }

    fn open(
        target: &Path,
        dir: PathBuf,
        recycled: bool,
        previous: Option<Vec<PathBuf>>,
    ) -> Result<Staging> {
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            committed: false,
            recycled,
            written: Default::default(),
            count: AtomicUsize::new(0),
            previous,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Files written (or found already written) so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// Writes files into the staging folder; callable from several threads.
    pub fn write_files(&self, files: &[OutputFile]) -> Result<()> {
        let mut paths = Vec::with_capacity(files.len());
        let mut made_dirs: HashSet<PathBuf> = HashSet::new();
        for f in files {
            let path = self.dir.join(&f.path);
            if let Some(parent) = path.parent() {
                if !made_dirs.contains(parent) {
                    self.make_dir(parent)?;
                    made_dirs.insert(parent.to_path_buf());
                }
            }
            if !(self.recycled && same_contents(&path, &f.contents)) {
                if self.recycled && path.is_dir() {
                    // The recycled output had a folder where this build writes a file.
                    fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
                }
                fs::write(&path, &f.contents).map_err(|e| Error::io(&path, e))?;
            }
            paths.push(path);
        }
        self.count.fetch_add(paths.len(), Ordering::Relaxed);
        if self.recycled {
            self.lock_written().extend(paths);
        }
        Ok(())
    }

    /// `create_dir_all`, except that in a recycled output a file standing
    /// where this build needs a folder is removed first.
    fn make_dir(&self, dir: &Path) -> Result<()> {
        if fs::create_dir_all(dir).is_ok() {
            return Ok(());
        }
        if self.recycled {
            for ancestor in dir.ancestors().take_while(|a| a.starts_with(&self.dir)) {
                if ancestor.is_file() {
                    fs::remove_file(ancestor).map_err(|e| Error::io(ancestor, e))?;
                }
            }
        }
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
    }

    fn lock_written(&self) -> std::sync::MutexGuard<'_, HashSet<PathBuf>> {
        self.written.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Copies static files (`relative output path -> source`), skipping any
    /// path a generated file already took.
    pub fn copy_files<'a>(
        &self,
        files: impl IntoIterator<Item = (&'a String, &'a PathBuf)>,
    ) -> Result<()> {
        let mut written = self.lock_written();
        for (rel, src) in files {
            let dest = self.dir.join(rel);
            if written.contains(&dest) || (!self.recycled && dest.exists()) {
                continue;
            }
            if let Some(parent) = dest.parent() {
                self.make_dir(parent)?;
            }
            let contents = fs::read(src).map_err(|e| Error::io(src, e))?;
            if !(self.recycled && same_contents(&dest, &contents)) {
                if self.recycled && dest.is_dir() {
                    fs::remove_dir_all(&dest).map_err(|e| Error::io(&dest, e))?;
                }
                fs::write(&dest, &contents).map_err(|e| Error::io(&dest, e))?;
            }
            self.count.fetch_add(1, Ordering::Relaxed);
            if self.recycled {
                written.insert(dest);
            }
        }
        Ok(())
    }

    /// Removes what the recycled output had and this build did not write.
    fn prune(&self) -> Result<()> {
        let written = self.lock_written();
        if let Some(previous) = &self.previous {
            // Known contents: no need to read ten thousand folders.
            for path in previous.iter().filter(|p| !written.contains(*p)) {
                match fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(Error::io(path, e)),
                }
                for dir in path.ancestors().skip(1).take_while(|d| *d != self.dir) {
                    if fs::remove_dir(dir).is_err() {
                        break;
                    }
                }
            }
            return Ok(());
        }
        let mut dirs = Vec::new();
        for entry in walkdir::WalkDir::new(&self.dir).min_depth(1) {
            let entry = entry.map_err(|e| Error::io(&self.dir, e.into()))?;
            let path = entry.path();
            if entry.file_type().is_dir() {
                dirs.push(path.to_path_buf());
            } else if !written.contains(path) {
                fs::remove_file(path).map_err(|e| Error::io(path, e))?;
            }
        }
        // Deepest first; a folder still holding files stays.
        for dir in dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        Ok(())
    }

    /// Replaces the target with the staged folder, keeping the replaced
    /// output as `.<name>.old` for the next build.
    pub fn commit(mut self) -> Result<()> {
        if self.recycled {
            self.prune()?;
        }
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
        // The replaced output stays as `.<name>.old`: recycled by the next
        // build, or deleted by it in the background.
        self.committed = true;
        if self.recycled {
            // What the new output holds, for the build that recycles it.
            let list = sibling(&self.target, "files");
            if had_target {
                let _ = fs::rename(&list, sibling(&self.target, "old.files"));
            }
            let written = self.lock_written();
            let mut rels: Vec<String> = written
                .iter()
                .filter_map(|p| p.strip_prefix(&self.dir).ok())
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            rels.sort_unstable();
            let _ = fs::write(&list, rels.join("\n"));
        }
        Ok(())
    }
}

/// Whether `path` already holds exactly `contents` (reading is much cheaper
/// than writing: no block allocation, no journal, no discard).
fn same_contents(path: &Path, contents: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == contents.len() as u64 => {
            fs::read(path).is_ok_and(|existing| existing == contents)
        }
        _ => false,
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A recycling staging is left for the next build to fill again.
        if !self.committed && !self.recycled {
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
