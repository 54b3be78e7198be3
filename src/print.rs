//! `zhiku print`: a built handbook (学习手册) as a PDF, through headless
//! Chromium. Chromium cannot number a table of contents (CSS
//! `target-counter()` is not implemented), so the handbook is printed twice:
//! the first PDF says on which page each part starts, the second is printed
//! with those numbers in its contents (`?pages=step-1:3,…`, filled in by
//! `study.js`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::render::handbook::HANDBOOK_DIR;

/// How long one Chromium run may take.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// Names Chromium goes by, looked up on `PATH` (`ZHIKU_CHROMIUM` first).
const CHROMIUM_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// What was printed.
#[derive(Debug)]
pub struct Printed {
    pub pages: usize,
    /// Each part of the contents (`step-1` … `answer-key`) and its page.
    pub contents: Vec<(String, usize)>,
}

/// Chromium, if installed.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ZHIKU_CHROMIUM") {
        // Named but missing: not found, and the command says how to set it.
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .flat_map(|d| CHROMIUM_NAMES.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// The site URL of the handbook `target` names in the built output
/// `out_dir`: a study path or series by slug (`xinren`, `paths/xinren`,
/// `/series/…/`) or by a series' name.
pub fn find_handbook(out_dir: &Path, target: &str) -> Result<String> {
    let t = target.trim().trim_matches('/');
    let t = t
        .strip_suffix(HANDBOOK_DIR.trim_end_matches('/'))
        .unwrap_or(t);
    let t = t.trim_matches('/');
    let slug = crate::content::text::slugify(t);
    let candidates = if t.contains('/') {
        vec![format!("/{t}/")]
    } else {
        vec![
            format!("/paths/{t}/"),
            format!("/series/{t}/"),
            format!("/series/{slug}/"),
        ]
    };
    for url in candidates {
        let handbook = format!("{url}{HANDBOOK_DIR}");
        if out_dir
            .join(handbook.trim_start_matches('/'))
            .join("index.html")
            .is_file()
        {
            return Ok(handbook);
        }
    }
    let mut known = Vec::new();
    for folder in ["paths", "series"] {
        let Ok(entries) = std::fs::read_dir(out_dir.join(folder)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().join(HANDBOOK_DIR).join("index.html").is_file() {
                known.push(format!("{folder}/{}", e.file_name().to_string_lossy()));
            }
        }
    }
    known.sort();
    Err(Error::Refused(if known.is_empty() {
        format!(
            "no handbook '{target}' in {}: build the site first (zhiku build); handbooks are made for study paths and training series",
            out_dir.display()
        )
    } else {
        format!(
            "no handbook '{target}' in {}; there are: {}",
            out_dir.display(),
            known.join(", ")
        )
    }))
}

/// Prints the handbook at site URL `handbook` of the built output
/// `out_dir` (published under `base_path`) to `pdf`.
pub fn print_handbook(
    chromium: &Path,
    out_dir: &Path,
    base_path: &str,
    handbook: &str,
    pdf: &Path,
) -> Result<Printed> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| Error::io(out_dir, e))?;
    let listener = runtime
        .block_on(crate::serve::bind(([127, 0, 0, 1], 0).into()))
        .map_err(|e| Error::io(out_dir, e))?;
    let addr = listener.local_addr().map_err(|e| Error::io(out_dir, e))?;
    let app = crate::serve::router(
        crate::serve::ServeState::new(out_dir.to_path_buf()),
        Arc::new(RwLock::new(None)),
        None,
    );
    let app = crate::serve::under_base_path(app, base_path);
    runtime.spawn(crate::serve::run(listener, app));
    let url = format!("http://{addr}{base_path}{handbook}");

    let first = pdf.with_extension("numbering.pdf");
    let printed = run_chromium(chromium, &url, &first).and_then(|()| {
        let bytes = std::fs::read(&first).map_err(|e| Error::io(&first, e))?;
        parts_and_pages(&bytes)
    });
    let _ = std::fs::remove_file(&first);
    let (contents, _) = printed?;
    let numbers: Vec<String> = contents.iter().map(|(id, p)| format!("{id}:{p}")).collect();
    run_chromium(chromium, &format!("{url}?pages={}", numbers.join(",")), pdf)?;
    let bytes = std::fs::read(pdf).map_err(|e| Error::io(pdf, e))?;
    let (_, pages) = parts_and_pages(&bytes)?;
    runtime.shutdown_background();
    Ok(Printed { pages, contents })
}

fn run_chromium(chromium: &Path, url: &str, pdf: &Path) -> Result<()> {
    let _ = std::fs::remove_file(pdf);
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::io(chromium, e))?;
    let started = Instant::now();
    loop {
        match child.try_wait().map_err(|e| Error::io(chromium, e))? {
            Some(_) => break,
            None if started.elapsed() > CHROMIUM_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Refused(format!(
                    "Chromium did not finish printing {url} in {} s",
                    CHROMIUM_TIMEOUT.as_secs()
                )));
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    if !pdf.is_file() {
        return Err(Error::Refused(format!(
            "Chromium wrote no PDF for {url} ({})",
            chromium.display()
        )));
    }
    Ok(())
}

/// Where each part of a printed handbook starts (from the mark each part
/// prints above its title, `第 N 部分`, and the answer key's heading after
/// the last part), and the page count.
fn parts_and_pages(pdf: &[u8]) -> Result<(Vec<(String, usize)>, usize)> {
    let pages = crate::extract::pdf::page_texts(pdf)
        .map_err(|e| Error::Refused(format!("the printed handbook cannot be read: {e}")))?;
    let mut contents = Vec::new();
    let mut from = 0;
    for n in 1.. {
        let mark = format!("第{n}部分");
        let Some(at) = (from..pages.len()).find(|&p| pages[p].contains(&mark)) else {
            break;
        };
        contents.push((format!("step-{n}"), at + 1));
        from = at;
    }
    if let Some(at) = (from + 1..pages.len()).find(|&p| pages[p].contains("参考答案")) {
        contents.push(("answer-key".to_string(), at + 1));
    }
    Ok((contents, pages.len()))
}
