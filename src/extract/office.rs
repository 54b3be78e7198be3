//! The older office formats (.doc, .wps, .rtf, .odt) through LibreOffice:
//! `soffice --headless --convert-to docx`, in a private profile (so a
//! LibreOffice the editor has open does not block it) and a temporary
//! folder, with a time limit (a damaged file can make it hang).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{ExtractError, Result};

/// How long one conversion may take.
const TIME_LIMIT: Duration = Duration::from_secs(180);

/// The LibreOffice program: `$ZHIKU_SOFFICE`, else `soffice` or
/// `libreoffice` on PATH (and the usual install places).
pub fn find_soffice() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ZHIKU_SOFFICE") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).chain([
        PathBuf::from("/usr/lib/libreoffice/program"),
        PathBuf::from("/opt/libreoffice/program"),
        PathBuf::from("/Applications/LibreOffice.app/Contents/MacOS"),
    ]);
    for dir in dirs {
        for name in ["soffice", "libreoffice", "soffice.exe"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The bytes of a .docx LibreOffice made from `path`.
pub fn convert_to_docx(path: &Path) -> Result<Vec<u8>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let soffice = find_soffice().ok_or(ExtractError::NoLibreOffice { ext })?;
    let work = tempfile::tempdir()?;
    let profile = work.path().join("profile");
    let out_dir = work.path().join("out");
    std::fs::create_dir_all(&out_dir)?;
    // LibreOffice names its output after the input's stem; copy the input to
    // a plain name so odd characters in the original cannot confuse it.
    let input = work.path().join(format!(
        "input.{}",
        path.extension().and_then(|e| e.to_str()).unwrap_or("doc")
    ));
    std::fs::copy(path, &input)?;
    let mut child = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx",
            "--outdir",
        ])
        .arg(&out_dir)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            ExtractError::Conversion(format!("cannot start {}: {e}", soffice.display()))
        })?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ExtractError::Conversion(format!(
                "no result after {} s",
                TIME_LIMIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let converted = out_dir.join("input.docx");
    match std::fs::read(&converted) {
        Ok(bytes) if status.success() => Ok(bytes),
        _ => {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut stderr);
            }
            Err(ExtractError::Conversion(format!(
                "{} ({})",
                status,
                stderr.trim().lines().last().unwrap_or("no output file")
            )))
        }
    }
}
