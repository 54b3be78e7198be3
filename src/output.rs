//! Writes a build aside and swaps it in, so a failed build (bad content, a
//! template error, a full disk) leaves the previous output untouched; and
//! edits a served output in place for the live preview. Nothing else in
//! the crate writes to or deletes from an output folder.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::compression;
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
    /// The folder started with files (a previous output, or what an
    /// interrupted build left): they are compared and pruned. A recycling
    /// build without them, the first one, only writes: walking its ten
    /// thousand folders to prune nothing cost 0.27 s at 10,000 documents.
    inherited: bool,
    /// Paths written by this build (recycling only), from any thread, with
    /// what the next build needs to trust them unchanged.
    written: Mutex<HashMap<PathBuf, Option<Stamp>>>,
    count: AtomicUsize,
    /// Files the recycled folder held, from the list its build left
    /// (`.<name>.files`); `None` when unknown, and the folder is walked.
    previous: Option<HashMap<PathBuf, Option<Stamp>>>,
}

/// A file as a build left it: the hash and length of its contents and its
/// modification time. A file whose length and time are still those, and
/// whose new contents hash the same, need not be read to be kept: reading
/// the whole previous output back cost a second of a 10,000-page build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    hash: u64,
    len: u64,
    modified: u128,
}

impl Stamp {
    /// `path\thash\tlen\tmodified`, the line of the file list.
    fn line(rel: &str, stamp: Option<Stamp>) -> String {
        match stamp {
            Some(s) => format!("{rel}\t{:016x}\t{}\t{}", s.hash, s.len, s.modified),
            None => rel.to_string(),
        }
    }

    /// A line of the file list; a line with a bare path (an older list, or a
    /// file whose time could not be read) has no stamp.
    fn parse(line: &str) -> (&str, Option<Stamp>) {
        let mut parts = line.split('\t');
        let rel = parts.next().unwrap_or_default();
        let stamp = (|| {
            Some(Stamp {
                hash: u64::from_str_radix(parts.next()?, 16).ok()?,
                len: parts.next()?.parse().ok()?,
                modified: parts.next()?.parse().ok()?,
            })
        })();
        (rel, stamp)
    }

    /// The stamp of a file now on disk with contents hashing to `hash`.
    fn of(path: &Path, hash: u64) -> Option<Stamp> {
        let meta = fs::metadata(path).ok()?;
        Some(Stamp {
            hash,
            len: meta.len(),
            modified: nanos(meta.modified().ok()?),
        })
    }
}

fn nanos(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_nanos()
}

/// Same bytes, same hash, in every build of this version (a fixed seed).
fn content_hash(contents: &[u8]) -> u64 {
    foldhash::quality::FixedState::with_seed(0x007a_6869_6b75).hash_one(contents)
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
        let mut inherited = dir.exists();
        if !inherited && old.is_dir() {
            inherited = true;
            previous = fs::read_to_string(&old_list).ok().map(|list| {
                list.lines()
                    .map(|line| {
                        let (rel, stamp) = Stamp::parse(line);
                        (dir.join(rel), stamp)
                    })
                    .collect::<HashMap<_, _>>()
            });
            fs::rename(&old, &dir).map_err(|e| Error::io(&old, e))?;
        }
        // The list describes the folder as it was: once it is being changed,
        // only this build's own list is right.
        let _ = fs::remove_file(&old_list);
        let mut staging = Staging::open(target, dir, true, previous)?;
        staging.inherited = inherited;
        Ok(staging)
    }

    fn open(
        target: &Path,
        dir: PathBuf,
        recycled: bool,
        previous: Option<HashMap<PathBuf, Option<Stamp>>>,
    ) -> Result<Staging> {
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            committed: false,
            recycled,
            inherited: false,
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
            let stamp = self.put(&path, &f.contents)?;
            paths.push((path, stamp));
        }
        self.count.fetch_add(paths.len(), Ordering::Relaxed);
        if self.recycled {
            self.lock_written().extend(paths);
        }
        Ok(())
    }

    /// Writes `contents` to `path` unless a recycled file there already
    /// holds them; returns the file's stamp (recycling only).
    fn put(&self, path: &Path, contents: &[u8]) -> Result<Option<Stamp>> {
        if !self.recycled {
            fs::write(path, contents).map_err(|e| Error::io(path, e))?;
            return Ok(None);
        }
        let hash = content_hash(contents);
        if !self.inherited {
            fs::write(path, contents).map_err(|e| Error::io(path, e))?;
            return Ok(Stamp::of(path, hash));
        }
        let known = self.previous.as_ref().and_then(|p| p.get(path).copied());
        let kept = match known {
            // Listed with a stamp: unchanged if it still has the length and
            // time it was left with and the new contents hash the same.
            Some(Some(old)) => {
                let now = Stamp::of(path, hash);
                (old.hash == hash && old.len == contents.len() as u64 && now == Some(old))
                    .then_some(old)
            }
            // No stamp to go by: compare the bytes.
            _ => same_contents(path, contents)
                .then(|| Stamp::of(path, hash))
                .flatten(),
        };
        if kept.is_some() {
            return Ok(kept);
        }
        if path.is_dir() {
            // The recycled output had a folder where this build writes a file.
            fs::remove_dir_all(path).map_err(|e| Error::io(path, e))?;
        }
        fs::write(path, contents).map_err(|e| Error::io(path, e))?;
        Ok(Stamp::of(path, hash))
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

    fn lock_written(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<Stamp>>> {
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
            if written.contains_key(&dest) || (!self.recycled && dest.exists()) {
                continue;
            }
            if let Some(parent) = dest.parent() {
                self.make_dir(parent)?;
            }
            let contents = fs::read(src).map_err(|e| Error::io(src, e))?;
            let stamp = self.put(&dest, &contents)?;
            self.count.fetch_add(1, Ordering::Relaxed);
            if self.recycled {
                written.insert(dest, stamp);
            }
        }
        Ok(())
    }

    /// Writes `.gz` and `.br` beside every text file of at least
    /// [`compression::MIN_BYTES`], for web servers that serve them as they
    /// are (`gzip_static`) and for `serve --prod`. A compressed file left by
    /// the recycled output is kept when it is newer than its original (which
    /// a changed original never is: it was just written). Returns the
    /// number of compressed files written.
    pub fn precompress(&self) -> Result<usize> {
        let originals: Vec<PathBuf> = walkdir::WalkDir::new(&self.dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .filter(|e| {
                e.metadata()
                    .is_ok_and(|m| compression::worth_compressing(e.path(), m.len()))
            })
            .map(|e| e.into_path())
            .collect();
        let parts =
            crate::parallel::map_chunks(&originals, 32, |part| -> Result<(Vec<PathBuf>, usize)> {
                let mut made = Vec::with_capacity(part.len() * 2);
                let mut written = 0;
                for original in part {
                    for encoding in &compression::ENCODINGS {
                        let mut name = original.as_os_str().to_owned();
                        name.push(encoding.suffix);
                        let packed = PathBuf::from(name);
                        if !is_newer(&packed, original) {
                            let bytes = fs::read(original).map_err(|e| Error::io(original, e))?;
                            let out = encoding
                                .precompress(&bytes)
                                .map_err(|e| Error::io(&packed, e))?;
                            fs::write(&packed, out).map_err(|e| Error::io(&packed, e))?;
                            written += 1;
                        }
                        made.push(packed);
                    }
                }
                Ok((made, written))
            });
        let mut total = 0;
        let mut registered = self.lock_written();
        for part in parts {
            let (made, written) = part?;
            total += written;
            if self.recycled {
                registered.extend(made.into_iter().map(|p| (p, None)));
            }
        }
        Ok(total)
    }

    /// Removes what the recycled output had and this build did not write.
    fn prune(&self) -> Result<()> {
        let written = self.lock_written();
        if let Some(previous) = &self.previous {
            // Known contents: no need to read ten thousand folders.
            for path in previous.keys().filter(|p| !written.contains_key(*p)) {
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
            } else if !written.contains_key(path) {
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
        failpoint("commit", &self.target)?;
        if self.inherited {
            self.prune()?;
        }
        let old = sibling(&self.target, "old");
        if fs::symlink_metadata(&old).is_ok() {
            remove_any(&old)?;
        }
        let had_target = self.target.exists();
        if had_target && exchange(&self.dir, &self.target).is_ok() {
            // One atomic step: the new output is in place and the staging
            // path holds the previous one, which becomes `.<name>.old`.
            self.committed = true;
            let _ = fs::rename(&self.dir, &old);
        } else {
            if had_target {
                fs::rename(&self.target, &old).map_err(|e| match e.kind() {
                    // A mount point cannot be renamed: say what to do instead.
                    std::io::ErrorKind::ResourceBusy | std::io::ErrorKind::CrossesDevices => {
                        Error::Refused(format!(
                            "{} is a mount point: zhiku swaps its output folder in by renaming it, \
                             which a mount point does not allow; build into a folder inside it \
                             (--out {}/site) and serve that (the previous output is unchanged)",
                            self.target.display(),
                            self.target.display()
                        ))
                    }
                    _ => Error::io(&self.target, e),
                })?;
            }
            if let Err(e) = fs::rename(&self.dir, &self.target) {
                if had_target {
                    // Put the previous output back rather than leave nothing.
                    let _ = fs::rename(&old, &self.target);
                }
                return Err(Error::io(&self.target, e));
            }
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
            let mut lines: Vec<String> = written
                .iter()
                .filter_map(|(p, stamp)| {
                    let rel = p.strip_prefix(&self.dir).ok()?;
                    Some(Stamp::line(&rel.to_string_lossy(), *stamp))
                })
                .collect();
            lines.sort_unstable();
            let _ = fs::write(&list, lines.join("\n"));
        }
        Ok(())
    }
}

/// Swaps two directory entries in one step (Linux `renameat2` with
/// `RENAME_EXCHANGE`); an error where the system or filesystem has no such
/// call, and the caller falls back to two renames.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    rustix::fs::renameat_with(
        rustix::fs::CWD,
        a,
        rustix::fs::CWD,
        b,
        rustix::fs::RenameFlags::EXCHANGE,
    )
    .map_err(std::io::Error::from)
}

/// Removes a folder, a file or a link standing at `path`.
fn remove_any(path: &Path) -> Result<()> {
    let is_dir = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    let removed = if is_dir {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    removed.map_err(|e| Error::io(path, e))
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
        // A failed build takes its half-written output with it, recycled or
        // not: left behind, a staging folder that filled the disk would make
        // every later build fail too.
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Held for a whole build (and a live preview's session): a second build of
/// the same output fails at once, naming the holder, instead of deleting the
/// first one's staging folders and swapping in half an index. The lock is
/// the operating system's (`flock`): it goes when the process does, even
/// killed.
#[derive(Debug)]
pub struct OutputLock {
    _files: Vec<fs::File>,
}

impl OutputLock {
    /// Locks `.<name>.lock` beside each target (once per distinct file).
    pub fn acquire(targets: &[&Path]) -> Result<OutputLock> {
        use std::io::{Read, Seek, Write};
        let mut paths: Vec<PathBuf> = targets.iter().map(|t| sibling(t, "lock")).collect();
        paths.sort();
        paths.dedup();
        let mut files = Vec::new();
        for path in paths {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    return Err(Error::Locked {
                        lock: path,
                        holder: holder.trim().to_string(),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            // Who holds it, for the message the next build prints.
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = write!(file, "pid {}", std::process::id());
            files.push(file);
        }
        Ok(OutputLock { _files: files })
    }
}

/// Writes files of a live preview into its served output, skipping those
/// whose bytes are unchanged so browsers and file watchers see no change.
pub fn write_in_place(out: &Path, files: &[OutputFile]) -> Result<()> {
    for f in files {
        let path = out.join(&f.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        if fs::read(&path).is_ok_and(|old| old == f.contents) {
            continue;
        }
        fs::write(&path, &f.contents).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// Removes files of a live preview's output that no page makes any more
/// (and their folder once empty); returns those that were there.
pub fn remove_in_place(out: &Path, files: &[String]) -> Vec<String> {
    let mut removed = Vec::new();
    for rel in files {
        let path = out.join(rel);
        if path.is_file() && fs::remove_file(&path).is_ok() {
            removed.push(rel.clone());
            // The folders it leaves empty (`page/3/`, then `page/`).
            for dir in path.ancestors().skip(1).take_while(|d| *d != out) {
                if fs::remove_dir(dir).is_err() {
                    break;
                }
            }
        }
    }
    removed
}

fn is_newer(packed: &Path, original: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(packed), modified(original)), (Some(a), Some(b)) if a >= b)
}

/// The file in an output folder that names the index generation built with
/// it. The output folder is swapped in by one rename, so the pages and the
/// index they go with switch together: whoever reads the index through the
/// output's manifest never sees new pages with an old index or the reverse.
pub const INDEX_MANIFEST: &str = ".zhiku-index";

/// A fresh name for the index a build is about to write.
pub fn new_index_generation() -> String {
    format!(
        "{}-{:x}-{}",
        crate::search::index::TANTIVY_DIR,
        nanos(SystemTime::now()),
        std::process::id()
    )
}

/// The generation an output folder's manifest names, if any.
pub fn index_generation_of(out_dir: &Path) -> Option<String> {
    let name = fs::read_to_string(out_dir.join(INDEX_MANIFEST)).ok()?;
    let name = name.trim();
    let valid = name.starts_with(crate::search::index::TANTIVY_DIR)
        && !name.contains(['/', '\\'])
        && !name.starts_with('.');
    valid.then(|| name.to_string())
}

/// The index that goes with the output at `out_dir`: the generation its
/// manifest names (beside `alias`), else `alias` itself (an output built
/// before generations, or without an index).
pub fn live_index_dir(out_dir: &Path, alias: &Path) -> PathBuf {
    match (index_generation_of(out_dir), alias.parent()) {
        (Some(name), Some(base)) if base.join(&name).is_dir() => base.join(name),
        _ => alias.to_path_buf(),
    }
}

/// After the output switch: points `alias` (`search-index/tantivy`, a
/// symbolic link, for tools that look there) at the live generation and
/// deletes every generation but `keep` (the live one and the one the kept
/// previous output names, which a server may still be reading).
pub fn settle_index_generations(alias: &Path, keep: &[&str]) -> Result<()> {
    let Some(base) = alias.parent() else {
        return Ok(());
    };
    let Some(live) = keep.first() else {
        return Ok(());
    };
    let alias_name = alias
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // An index folder from before generations stands where the link goes.
    if fs::symlink_metadata(alias).is_ok_and(|m| m.is_dir()) {
        let trash = sibling(alias, "trash");
        let _ = fs::remove_dir_all(&trash);
        fs::rename(alias, &trash).map_err(|e| Error::io(alias, e))?;
        std::thread::spawn(move || {
            let _ = fs::remove_dir_all(&trash);
        });
    }
    let link_tmp = sibling(alias, "link");
    let _ = fs::remove_file(&link_tmp);
    std::os::unix::fs::symlink(live, &link_tmp).map_err(|e| Error::io(&link_tmp, e))?;
    fs::rename(&link_tmp, alias).map_err(|e| Error::io(alias, e))?;
    let prefix = format!("{alias_name}-");
    let staging_prefix = format!(".{alias_name}-");
    for entry in fs::read_dir(base).map_err(|e| Error::io(base, e))? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale_generation = name.starts_with(&prefix) && !keep.contains(&name.as_str());
        // Left by a build that was killed (we hold the lock: none is running).
        let stale_staging = name.starts_with(&staging_prefix) && name.ends_with(".staging");
        let legacy_old = name == format!(".{alias_name}.old");
        if stale_generation || stale_staging || legacy_old {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// Fault injection for the tests of the swap: `ZHIKU_FAILPOINT=commit`
/// fails the commit of every staging folder, `commit:<name>` of the one
/// whose target is named so.
fn failpoint(at: &str, target: &Path) -> Result<()> {
    let Some(want) = std::env::var_os("ZHIKU_FAILPOINT") else {
        return Ok(());
    };
    let want = want.to_string_lossy();
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hit = want == at
        || want
            .strip_prefix(&format!("{at}:"))
            .is_some_and(|n| name.starts_with(n));
    if hit {
        return Err(Error::io(
            target,
            std::io::Error::other(format!("injected failure ({want})")),
        ));
    }
    Ok(())
}

/// Refuses to write one portal (`public`, `internal`) over an output or
/// index folder holding the other: an internal build over the public
/// portal would publish it, a public build over the internal one would
/// recycle its files and keep its index generations and attachment cache.
/// The build that wrote a folder notes its audience beside it
/// ([`note_audience`]); a folder without a note was written before there
/// were internal builds, so it holds a public portal.
pub fn check_audience(target: &Path, audience: &str) -> Result<()> {
    let note = sibling(target, "audience");
    if !target.exists() {
        let _ = fs::remove_file(&note);
        return Ok(());
    }
    let held = fs::read_to_string(&note)
        .unwrap_or_else(|_| crate::content::model::Audience::Public.name().to_string());
    if held.trim() == audience {
        return Ok(());
    }
    Err(Error::OtherAudience {
        folder: target.to_path_buf(),
        held: held.trim().to_string(),
        building: audience.to_string(),
    })
}

/// Notes which portal `target` now holds, for [`check_audience`].
pub fn note_audience(target: &Path, audience: &str) -> Result<()> {
    let note = sibling(target, "audience");
    fs::write(&note, format!("{audience}\n")).map_err(|e| Error::io(&note, e))
}

fn sibling(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_string());
    target.with_file_name(format!(".{name}.{what}"))
}
