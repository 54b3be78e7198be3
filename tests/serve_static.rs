//! Starts `zhiku serve` on the valid fixture and talks HTTP to it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::SiteTest;

struct Server {
    child: Child,
    addr: String,
    _site: SiteTest,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let site = SiteTest::fixture("valid");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhiku"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&site.root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server printed its URL").unwrap();
        if let Some(i) = line.find("http://") {
            break line[i + 7..]
                .trim_end_matches(|c| c != '/' && !char::is_ascii_digit(&c))
                .trim_end_matches('/')
                .split('/')
                .next()
                .unwrap()
                .to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        addr,
        _site: site,
    }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

fn request(addr: &str, raw: &str) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).unwrap_or("0").parse().unwrap();
    Reply {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn get(addr: &str, path: &str) -> Reply {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn serves_the_built_site_read_only() {
    let srv = start();
    let a = &srv.addr;

    let home = get(a, "/");
    assert_eq!(home.status, 200);
    assert!(home.head.contains("content-type: text/html"));
    assert!(home.body.contains("<html lang=\"zh-CN\""));
    // Canonical links point at the server itself.
    assert!(
        home.body.contains(&format!("http://{a}/")),
        "base_url follows the server"
    );

    assert_eq!(get(a, "/policies/new/").status, 200);
    let tag = get(a, "/tags/%E7%BB%84%E7%BB%87%E5%BB%BA%E8%AE%BE/");
    assert_eq!(tag.status, 200, "percent-encoded Chinese paths");
    let redirect = get(a, "/policies/new");
    assert_eq!(redirect.status, 301);
    assert!(redirect.head.contains("location: /policies/new/"));
    assert_eq!(get(a, "/static/css/style.css").status, 200);

    let missing = get(a, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html"), "the theme's 404 page");
    assert_eq!(get(a, "/static/").status, 404, "no directory listing");

    for bad in [
        "/../zhiku.yaml",
        "/%2e%2e/zhiku.yaml",
        "/static/..%2f..%2fzhiku.yaml",
        "/.%2e/.%2e/etc/passwd",
    ] {
        let r = get(a, bad);
        assert!(r.status == 400 || r.status == 404, "{bad}: {}", r.status);
        assert!(!r.body.contains("base_url"), "{bad} leaked a file");
    }
    let post = request(
        a,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
    );
    assert_eq!(post.status, 405);
    assert!(post.head.contains("allow: get, head"));
    let head = request(
        a,
        "HEAD /policies/new/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let long = get(a, &format!("/{}", "a".repeat(5000)));
    assert_eq!(long.status, 414);
    assert!(home.head.contains("x-content-type-options: nosniff"));
}
