//! Starts `zhiku serve` on the valid fixture and talks HTTP to it.

use crate::common;

use common::http::{get, request, Server};

#[test]
fn serves_the_built_site_read_only() {
    let srv = Server::start(common::SiteTest::fixture("valid"));
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
