//! Starting a build's index from the previous build's: the previous
//! generation's segment files are linked into the new one, and only the
//! documents that changed are written again (`SearchIndex::update_site`).
//!
//! Safe because tantivy never changes a file once written: a commit writes
//! new segment and delete files and replaces `meta.json` by renaming a new
//! file over it, so a hard link shares bytes that stay as they are, and the
//! previous generation (which a server may still be reading) is untouched.

use std::fs;
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::Path;

use super::index::Related;
use crate::error::{Error, Result};

/// Beside the tantivy files: what wrote them (see [`build_id`]).
pub const BUILD_ID_FILE: &str = "zhiku-build-id";
/// Beside the tantivy files: the related documents found in them, with the
/// digest of the documents they were found in (see
/// `SearchIndex::documents_digest`), for a rebuild whose documents are all
/// the same. The live preview changes an index and not this file: the
/// digest tells.
const RELATED_FILE: &str = "zhiku-related.json";

/// What an index's documents and tokens depend on besides the pages: the
/// zhiku binary (schema, analyzers, tokenizers), by a hash of its bytes
/// (a CI job that downloads the same release every run still reuses), and
/// the site dictionary.
pub fn build_id(dictionary: &str) -> String {
    let mut hasher = foldhash::quality::FixedState::with_seed(0x7a68_696b_7562).build_hasher();
    binary_hash().hash(&mut hasher);
    dictionary.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// A hash of the running binary, read once per process (tens of
/// milliseconds for a release binary's 25 MB: a build starts it early, on a
/// thread of its own).
pub fn binary_hash() -> u64 {
    static HASH: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| {
        let mut hasher = foldhash::quality::FixedState::with_seed(0x6269_6e61_7279).build_hasher();
        match std::env::current_exe().and_then(fs::read) {
            Ok(bytes) => hasher.write(&bytes),
            // Nothing to tell this binary from another: never reuse.
            Err(_) => std::time::SystemTime::now().hash(&mut hasher),
        }
        hasher.finish()
    })
}

/// Links the files of the index in `previous` into the empty folder `stage`
/// when the same build wrote it (its [`BUILD_ID_FILE`] reads `build_id`).
/// Returns whether it did; on `false`, `stage` is left empty.
pub fn link_previous(previous: &Path, stage: &Path, build_id: &str) -> Result<bool> {
    let written_by = fs::read_to_string(previous.join(BUILD_ID_FILE)).unwrap_or_default();
    if written_by.trim() != build_id || !previous.join("meta.json").is_file() {
        return Ok(false);
    }
    let entries = fs::read_dir(previous).map_err(|e| Error::io(previous, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(previous, e))?;
        let name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        // Locks belong to the writer that held them; what zhiku writes
        // itself is written anew, in place, so it must not be a link.
        if !is_file
            || name.to_string_lossy().ends_with(".lock")
            || name == BUILD_ID_FILE
            || name == RELATED_FILE
        {
            continue;
        }
        let (from, to) = (entry.path(), stage.join(&name));
        if fs::hard_link(&from, &to).is_err() {
            fs::copy(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
    }
    Ok(true)
}

/// Notes in `dir` which build wrote the index there.
pub fn note_build_id(dir: &Path, build_id: &str) -> Result<()> {
    let path = dir.join(BUILD_ID_FILE);
    fs::write(&path, format!("{build_id}\n")).map_err(|e| Error::io(&path, e))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct KeptRelated {
    /// Hexadecimal: JSON numbers do not keep 64 bits.
    digest: String,
    related: Related,
}

/// The related documents kept in the index folder `dir`, if they were found
/// among the documents of `digest`.
pub fn read_related(dir: &Path, digest: u64) -> Option<Related> {
    let bytes = fs::read(dir.join(RELATED_FILE)).ok()?;
    let kept: KeptRelated = serde_json::from_slice(&bytes).ok()?;
    (kept.digest == format!("{digest:016x}")).then_some(kept.related)
}

/// Keeps `related`, found among the documents of `digest`, in the index
/// folder `dir` for the next build.
pub fn write_related(dir: &Path, digest: u64, related: Related) -> Result<Related> {
    let path = dir.join(RELATED_FILE);
    let kept = KeptRelated {
        digest: format!("{digest:016x}"),
        related,
    };
    let json = serde_json::to_vec(&kept).map_err(|e| Error::Index(e.to_string()))?;
    fs::write(&path, json).map_err(|e| Error::io(&path, e))?;
    Ok(kept.related)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_index_of_the_same_build_is_linked_and_never_written_through() {
        let previous = tempfile::tempdir().unwrap();
        let p = previous.path();
        for (name, text) in [
            ("meta.json", "{}"),
            ("abc.idx", "segment"),
            (".tantivy-writer.lock", ""),
            (RELATED_FILE, "{}"),
        ] {
            fs::write(p.join(name), text).unwrap();
        }
        note_build_id(p, "one").unwrap();

        let other = tempfile::tempdir().unwrap();
        assert!(!link_previous(p, other.path(), "two").unwrap());
        assert_eq!(fs::read_dir(other.path()).unwrap().count(), 0);

        let stage = tempfile::tempdir().unwrap();
        let s = stage.path();
        assert!(link_previous(p, s, "one").unwrap());
        assert_eq!(fs::read_to_string(s.join("abc.idx")).unwrap(), "segment");
        for left in [".tantivy-writer.lock", RELATED_FILE, BUILD_ID_FILE] {
            assert!(!s.join(left).exists(), "{left} linked");
        }
        // What zhiku writes in the new folder stays there.
        note_build_id(s, "three").unwrap();
        write_related(s, 7, Related::new()).unwrap();
        assert_eq!(fs::read_to_string(p.join(BUILD_ID_FILE)).unwrap(), "one\n");
        assert_eq!(fs::read_to_string(p.join(RELATED_FILE)).unwrap(), "{}");
        assert!(read_related(s, 7).is_some());
        assert!(read_related(s, 8).is_none(), "another digest");
    }
}
