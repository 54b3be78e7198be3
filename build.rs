//! Tells the tests which optional external programs this machine has, so a
//! test that needs one is compiled as `#[ignore]` (reported as ignored, never
//! as passed) where it is missing. CI installs them all.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_soffice)");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=ZHIKU_SOFFICE");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::var_os("ZHIKU_SOFFICE").is_some()
        || std::env::split_paths(&path)
            .any(|dir| dir.join("soffice").is_file() || dir.join("libreoffice").is_file());
    if found {
        println!("cargo::rustc-cfg=has_soffice");
    }
}
