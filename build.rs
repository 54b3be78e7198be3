//! Tells the tests which optional external programs this machine has, so a
//! test that needs one is compiled as `#[ignore]` (reported as ignored, never
//! as passed) where it is missing. CI installs them all.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_soffice)");
    println!("cargo::rustc-check-cfg=cfg(can_mount_tmpfs)");
    println!("cargo::rustc-check-cfg=cfg(has_browser_tools)");
    println!("cargo::rustc-check-cfg=cfg(has_nginx)");
    println!("cargo::rustc-check-cfg=cfg(has_systemd_analyze)");
    // npm ci (or removing node_modules) changes this folder.
    println!("cargo::rerun-if-changed=tests/browser");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=ZHIKU_SOFFICE");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::var_os("ZHIKU_SOFFICE").is_some()
        || std::env::split_paths(&path)
            .any(|dir| dir.join("soffice").is_file() || dir.join("libreoffice").is_file());
    if found {
        println!("cargo::rustc-cfg=has_soffice");
    }
    // The browser tests: Debian's Chromium, Node.js and playwright-core.
    let node = std::env::split_paths(&path).any(|dir| dir.join("node").is_file());
    let browser = std::path::Path::new("/usr/bin/chromium").exists()
        && std::path::Path::new("tests/browser/node_modules/playwright-core").exists()
        && node;
    if browser {
        println!("cargo::rustc-cfg=has_browser_tools");
    }
    // The deployment recipe of docs/deploy.md: Debian's nginx.
    if std::path::Path::new("/usr/sbin/nginx").exists() {
        println!("cargo::rustc-cfg=has_nginx");
    }
    // Checking the documented systemd unit (docs/deploy/zhiku.service).
    if std::env::split_paths(&path).any(|dir| dir.join("systemd-analyze").is_file()) {
        println!("cargo::rustc-cfg=has_systemd_analyze");
    }
    // Mounting a small tmpfs (to fill a disk on purpose) takes root.
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if root && std::path::Path::new("/proc/filesystems").exists() {
        println!("cargo::rustc-cfg=can_mount_tmpfs");
    }
}
