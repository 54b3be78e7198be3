//! Faults an unlucky operator meets: two builds at once, a full disk, odd
//! files in content/, queries with nothing to search, and the server's
//! answers at its edges.

use crate::common;

use std::process::{Command, Output};

use common::http::{get, request, Server};
use common::SiteTest;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn a_second_build_fails_at_once_naming_the_holder() {
    let site = SiteTest::fixture("valid");
    site.built();
    let before = site.read("index.html");
    let held = zhiku::output::OutputLock::acquire(&[&site.out()]).unwrap();
    let out = site.zhiku(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("another zhiku build (pid {})", std::process::id())),
        "{err}"
    );
    assert_eq!(site.read("index.html"), before, "the output is untouched");
    drop(held);
    let again = site.zhiku(&["build"]);
    assert!(again.status.success(), "{}", stderr(&again));
}

#[test]
fn concurrent_builds_never_leave_a_half_written_result() {
    let site = SiteTest::bundled();
    site.built();
    for round in 0..3 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_zhiku"))
                .args(["build", "--root"])
                .arg(&site.root)
                .output()
                .expect("run zhiku")
        };
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(spawn);
            let b = s.spawn(spawn);
            (a.join().unwrap(), b.join().unwrap())
        });
        for out in [&a, &b] {
            if !out.status.success() {
                assert!(
                    stderr(out).contains("another zhiku build"),
                    "round {round}: a failure that is not the lock: {}",
                    stderr(out)
                );
            }
        }
        assert!(
            a.status.success() || b.status.success(),
            "round {round}: neither built"
        );
        // Whatever exited 0 left a whole site and a whole index.
        let search = site.zhiku(&["search", "红色物业", "--json"]);
        assert!(search.status.success(), "{}", stderr(&search));
        let hits: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
        assert!(
            hits["total"].as_u64().unwrap() > 0,
            "round {round}: an empty index"
        );
        assert!(site.out().join("index.html").is_file());
        assert!(site.out().join("search/meta.json").is_file());
    }
}

#[test]
#[cfg_attr(
    not(can_mount_tmpfs),
    ignore = "mounting a tmpfs needs root; CI runs as root"
)]
fn a_full_disk_fails_the_build_keeps_the_old_output_and_cleans_up() {
    let site = SiteTest::empty();
    site.write(
        "content/cases/a.md",
        "---\ntitle: 小案例\ndate: 2024-01-02\n---\n\n一段话。\n",
    );
    let disk = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1200k", "tmpfs"])
        .arg(disk.path())
        .status()
        .is_ok_and(|s| s.success());
    assert!(mounted, "mount -t tmpfs failed although running as root");
    struct Unmount<'a>(&'a std::path::Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(disk.path());
    let out_dir = disk.path().join("public");
    let build =
        |site: &SiteTest| site.zhiku(&["build", "--no-index", "--out", out_dir.to_str().unwrap()]);
    let first = build(&site);
    assert!(
        first.status.success(),
        "a small site fits: {}",
        stderr(&first)
    );
    let home = std::fs::read_to_string(out_dir.join("index.html")).unwrap();

    // Two hundred long documents do not fit in 1.2 MB.
    let para = "社区党组织把服务送到居民家门口，楼栋长每周走访一次。".repeat(60);
    for i in 0..200 {
        site.write(
            &format!("content/cases/big-{i}.md"),
            &format!("---\ntitle: 大案例{i}\ndate: 2024-01-02\n---\n\n{para}\n"),
        );
    }
    let full = build(&site);
    assert_eq!(full.status.code(), Some(1));
    assert!(stderr(&full).contains("No space left"), "{}", stderr(&full));
    assert_eq!(
        std::fs::read_to_string(out_dir.join("index.html")).unwrap(),
        home
    );
    let leftovers: Vec<String> = std::fs::read_dir(disk.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");

    // The disk is not left full: the small site builds again.
    for i in 0..200 {
        std::fs::remove_file(site.root.join(format!("content/cases/big-{i}.md"))).unwrap();
    }
    site.write(
        "content/cases/b.md",
        "---\ntitle: 第二个小案例\ndate: 2024-01-03\n---\n\n又一段话。\n",
    );
    let after = build(&site);
    assert!(after.status.success(), "{}", stderr(&after));
    assert!(std::fs::read_to_string(out_dir.join("index.html"))
        .unwrap()
        .contains("第二个小案例"));
}

#[test]
fn queries_with_nothing_searchable_match_nothing() {
    let site = SiteTest::bundled();
    site.built();
    for q in ["😀", "-", "——", "、。"] {
        let out = site.zhiku(&["search", q, "--json"]);
        assert!(out.status.success(), "{q}: {}", stderr(&out));
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(r["total"], 0, "{q} matched documents");
    }
    // Filters alone still browse.
    let out = site.zhiku(&["search", "", "--kind", "policy", "--json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["total"].as_u64().unwrap() > 0);
}

#[test]
fn odd_files_in_content_are_named_not_published_silently() {
    let site = SiteTest::fixture("valid");
    // A file name that is no URL segment.
    site.write(
        "content/cases/a b.md",
        "---\ntitle: 空格\ndate: 2024-01-02\n---\n\n正文。\n",
    );
    // A NUL byte pasted into a document.
    site.write(
        "content/cases/nul.md",
        "---\ntitle: 零字节\ndate: 2024-01-02\n---\n\n前\0后。\n",
    );
    // A symbolic link to a file outside the site.
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        outside.path(),
        "---\ntitle: 外面\ndate: 2024-01-02\n---\n\n外部文件。\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root.join("content/cases/link.md")).unwrap();
    // A dictionary `build` cannot read.
    std::fs::write(
        site.root.join("content/_dictionary.txt"),
        b"\xff\xfe\xfa bad",
    )
    .unwrap();

    let check = site.zhiku(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    let err = stderr(&check);
    assert!(
        err.contains("content/cases/a b.md: file name 'a b' is not a safe URL segment"),
        "{err}"
    );
    assert!(
        err.contains("content/cases/nul.md: warning: NUL bytes removed"),
        "{err}"
    );
    assert!(
        err.contains("content/cases/link.md: warning: symbolic link skipped"),
        "{err}"
    );
    assert!(
        err.contains("content/_dictionary.txt: cannot be read"),
        "{err}"
    );

    // Fixed name and dictionary: the build publishes the NUL file without NUL.
    std::fs::remove_file(site.root.join("content/cases/a b.md")).unwrap();
    std::fs::remove_file(site.root.join("content/_dictionary.txt")).unwrap();
    site.built();
    let page = site.read("cases/nul/index.html");
    assert!(page.contains("前后。") && !page.contains('\0'));
    assert!(!site.out().join("cases/link/index.html").exists());
}

#[test]
fn the_server_answers_its_edges_safely() {
    let srv = Server::start_prod(SiteTest::fixture("valid"));
    let a = &srv.addr;
    // `//static` must not redirect to the host `static`.
    let r = get(a, "//static");
    assert_eq!(r.status, 301);
    assert!(r.head.contains("location: /static/\r\n"), "{}", r.head);
    assert!(
        r.head.contains("x-content-type-options: nosniff"),
        "{}",
        r.head
    );
    let r = request(
        a,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 405);
    assert!(r.head.contains("content-security-policy"), "{}", r.head);
    let r = get(a, "/api/search?q=%F0%9F%98%80");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("\"total\":0"), "{}", r.body);
}

#[test]
fn a_burst_of_searches_is_bounded_and_the_server_keeps_answering() {
    let srv = Server::start_prod_with(
        SiteTest::bundled(),
        &["--search-workers", "1", "--search-queue", "2"],
    );
    let a = srv.addr.clone();
    // A 128-word query (255 characters) is refused outright, with the reason.
    let long = vec!["%E5%85%9A"; 128].join("+");
    let r = get(&a, &format!("/api/search?q={long}"));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("不能超过 16 个"), "{}", r.body);

    // Forty clients, each sending the heaviest allowed query in a loop.
    let heavy = "%E7%A4%BE%E5%8C%BA+%E5%85%9A%E5%BB%BA+%E6%9C%8D%E5%8A%A1+%E5%B1%85%E6%B0%91+%E5%B7%A5%E4%BD%9C+%E7%BB%84%E7%BB%87+%E5%BB%BA%E8%AE%BE+%E7%A4%BE%E5%8C%BA";
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut peak_rss = 0;
    let statuses = std::thread::scope(|s| {
        let workers: Vec<_> = (0..40)
            .map(|_| {
                s.spawn(|| {
                    let mut seen = Vec::new();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let r = get(&a, &format!("/api/search?q={heavy}&size=50"));
                        if r.status == 503 {
                            assert!(r.head.contains("retry-after: 1"), "{}", r.head);
                        }
                        seen.push(r.status);
                    }
                    seen
                })
            })
            .collect();
        // Meanwhile pages and ordinary queries get answers, never a hang.
        for _ in 0..20 {
            assert_eq!(get(&a, "/").status, 200);
            let r = get(&a, "/api/search?q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A");
            assert!(matches!(r.status, 200 | 503), "{}", r.status);
            peak_rss = peak_rss.max(srv.rss_kb());
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect::<Vec<u16>>()
    });
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 503)),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&503),
        "the queue never filled: {} requests",
        statuses.len()
    );
    assert!(statuses.contains(&200));
    assert!(peak_rss < 300 * 1024, "server grew to {peak_rss} kB");
    // After the burst, an ordinary query is answered in full.
    let r = get(&a, "/api/search?q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A");
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("\"total\":0"), "{}", r.body);
}

#[test]
fn a_rebuild_under_serve_prod_is_served_without_a_restart_or_a_failed_request() {
    let site = SiteTest::bundled();
    let gone = "content/cases/wuhan-wutianxiang-xiaozu.md";
    assert!(site.root.join(gone).is_file());
    let srv = Server::start_prod(site);
    let a = srv.addr.clone();
    let search_total = |q: &str| -> u64 {
        let r = get(&a, &format!("/api/search?q={q}"));
        assert_eq!(r.status, 200, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        v["total"].as_u64().unwrap()
    };
    // 鹭栖湾 (a word no bundled document has), percent-encoded.
    let new_word = "%E9%B9%AD%E6%A0%96%E6%B9%BE";
    assert_eq!(search_total(new_word), 0);
    assert_eq!(get(&a, "/cases/wuhan-wutianxiang-xiaozu/").status, 200);

    srv.site.write(
        "content/cases/luqiwan-shequ.md",
        "---\ntitle: 鹭栖湾社区的楼栋议事会\ndate: 2024-05-06\n---\n\n鹭栖湾社区把议事会开到楼栋里。\n",
    );
    std::fs::remove_file(srv.site.root.join(gone)).unwrap();

    let stop = std::sync::atomic::AtomicBool::new(false);
    let failures = std::thread::scope(|s| {
        let load = s.spawn(|| {
            let mut failures = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for path in ["/", "/api/search?q=%E5%85%9A%E5%BB%BA", "/search/meta.json"] {
                    let r = get(&a, path);
                    if r.status != 200 {
                        failures.push(format!("{path}: {}", r.status));
                    }
                }
            }
            failures
        });
        let build = srv.site.zhiku(&["build"]);
        assert!(build.status.success(), "{}", stderr(&build));
        // The new index is opened within seconds.
        let mut found = false;
        for _ in 0..100 {
            if search_total(new_word) == 1 {
                found = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(found, "the rebuilt index was not picked up");
        load.join().unwrap()
    });
    assert!(
        failures.is_empty(),
        "requests failed during the swap: {failures:?}"
    );
    assert_eq!(get(&a, "/cases/wuhan-wutianxiang-xiaozu/").status, 404);
    // 吴天祥小组 is only in the deleted case's title.
    assert_eq!(
        search_total("%E5%90%B4%E5%A4%A9%E7%A5%A5%E5%B0%8F%E7%BB%84"),
        0
    );
}

/// A word only the second build's content has, and whether `zhiku search`
/// (which reads the index through the output's manifest) finds it.
fn finds(site: &SiteTest, word: &str) -> u64 {
    let out = site.zhiku(&["search", word, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    r["total"].as_u64().unwrap()
}

#[test]
fn pages_and_index_switch_together_or_not_at_all() {
    let site = SiteTest::fixture("valid");
    site.built();
    let home = site.read("index.html");
    site.write(
        "content/cases/luqiwan.md",
        "---\ntitle: 鹭栖湾社区议事会\ndate: 2024-05-06\n---\n\n鹭栖湾社区把议事会开到楼栋里。\n",
    );
    // A failure at each step of the switch: the index's, the output's.
    for failpoint in ["commit:tantivy", "commit:public"] {
        let out = Command::new(env!("CARGO_BIN_EXE_zhiku"))
            .args(["build", "--root"])
            .arg(&site.root)
            .env("ZHIKU_FAILPOINT", failpoint)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{failpoint}");
        assert!(
            stderr(&out).contains("injected failure"),
            "{}",
            stderr(&out)
        );
        // The old pages and the old index, together.
        assert_eq!(site.read("index.html"), home, "{failpoint}: pages changed");
        assert_eq!(finds(&site, "鹭栖湾"), 0, "{failpoint}: the index changed");
        assert!(!site.out().join("cases/luqiwan/index.html").exists());
    }
    // Nothing of the failed builds is left to be mistaken for a build.
    let generations: Vec<String> = std::fs::read_dir(site.root.join("search-index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("tantivy-") || n.contains("staging"))
        .collect();
    assert_eq!(generations.len(), 1, "{generations:?}");
    // A `.public.old` that is a file, not a folder, does not stop a build.
    std::fs::remove_dir_all(site.root.join(".public.old")).ok();
    std::fs::write(site.root.join(".public.old"), "x").unwrap();
    site.built();
    assert_eq!(finds(&site, "鹭栖湾"), 1);
    assert!(site.out().join("cases/luqiwan/index.html").is_file());
    // `search-index/tantivy` points at the live generation, for tools.
    let link = std::fs::read_link(site.root.join("search-index/tantivy")).unwrap();
    let manifest = std::fs::read_to_string(site.out().join(".zhiku-index")).unwrap();
    assert_eq!(link.to_string_lossy(), manifest.trim());
}

#[test]
fn an_output_folder_that_is_a_link_is_written_through() {
    let site = SiteTest::fixture("valid");
    let real = tempfile::tempdir().unwrap();
    let target = real.path().join("site");
    std::fs::create_dir_all(&target).unwrap();
    std::os::unix::fs::symlink(&target, site.root.join("public")).unwrap();
    site.built();
    site.built();
    let link = site.root.join("public");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        link.join("index.html").is_file(),
        "pages reach the link's target"
    );
    assert!(target.join("index.html").is_file());
}

#[test]
fn idle_and_slow_connections_are_closed() {
    use std::io::{Read, Write};
    let srv = Server::start_prod(SiteTest::fixture("valid"));
    let limit = zhiku::serve::HEADER_READ_TIMEOUT + std::time::Duration::from_secs(10);
    // One that sends nothing, one that dribbles a header and stops.
    let mut idle = std::net::TcpStream::connect(&srv.addr).unwrap();
    let mut slow = std::net::TcpStream::connect(&srv.addr).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    for stream in [&mut idle, &mut slow] {
        stream.set_read_timeout(Some(limit)).unwrap();
        let mut buf = [0u8; 512];
        // Closed by the server (0 bytes, or a reset), not by our timeout.
        match stream.read(&mut buf) {
            Ok(n) => assert!(n == 0 || buf.starts_with(b"HTTP/1.1 408"), "{n} bytes"),
            Err(e) => assert!(
                !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
                "still open after {limit:?}"
            ),
        }
    }
    // The server still answers.
    assert_eq!(get(&srv.addr, "/").status, 200);
}

#[test]
#[cfg_attr(
    not(can_mount_tmpfs),
    ignore = "mounting a tmpfs needs root; CI runs as root"
)]
fn a_mount_point_as_output_is_refused_with_what_to_do() {
    let site = SiteTest::fixture("valid");
    let out = site.root.join("public");
    std::fs::create_dir_all(&out).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
        .arg(&out)
        .status()
        .is_ok_and(|s| s.success());
    assert!(mounted, "mount -t tmpfs failed although running as root");
    std::fs::write(out.join("index.html"), "served before").unwrap();
    let build = site.zhiku(&["build"]);
    let kept = std::fs::read_to_string(out.join("index.html")).unwrap_or_default();
    let _ = Command::new("umount").arg(&out).status();
    assert_eq!(kept, "served before", "the mounted output was changed");
    assert_eq!(build.status.code(), Some(1));
    let err = stderr(&build);
    assert!(
        err.contains("is a mount point") && err.contains("/site"),
        "{err}"
    );
}
