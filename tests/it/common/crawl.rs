//! Resolves every internal link of a built site against the files on disk.
#![allow(dead_code)]

use std::path::Path;

use super::links;

/// `page -> href` pairs whose target does not exist.
pub fn broken_links(out: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let page_dir = entry.path().parent().unwrap();
        for href in links(&html) {
            if href.starts_with("http://")
                || href.starts_with("https://")
                || href.starts_with("mailto:")
                || href.starts_with("tel:")
                || href.starts_with("//")
            {
                continue;
            }
            let (path, fragment) = match href.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (href.clone(), None),
            };
            let path = path.split('?').next().unwrap().to_string();
            let decoded = percent_encoding::percent_decode_str(&path)
                .decode_utf8()
                .unwrap()
                .to_string();
            let target = if decoded.is_empty() {
                entry.path().to_path_buf()
            } else if let Some(abs) = decoded.strip_prefix('/') {
                out.join(abs)
            } else {
                page_dir.join(&decoded)
            };
            let file = if target.is_dir() {
                target.join("index.html")
            } else {
                target
            };
            if !file.is_file() {
                broken.push(format!("{}: {href}", entry.path().display()));
                continue;
            }
            if let Some(id) = fragment.filter(|f| !f.is_empty()) {
                let id = percent_encoding::percent_decode_str(&id)
                    .decode_utf8()
                    .unwrap()
                    .to_string();
                let target_html = std::fs::read_to_string(&file).unwrap_or_default();
                if !target_html.contains(&format!("id=\"{id}\"")) {
                    broken.push(format!("{}: {href} (no anchor)", entry.path().display()));
                }
            }
        }
    }
    broken
}
