//! The nginx recipe of docs/deploy.md, as written there: the site under a
//! sub-path served by nginx with `gzip_static`, `/dangjian/api/` proxied to
//! `zhiku serve --prod`. Every internal URL is crawled through nginx.

use std::collections::{BTreeSet, VecDeque};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::http::{get, request, Server};
use crate::common::SiteTest;

/// The server block between the markers in docs/deploy.md.
fn documented_server_block() -> String {
    crate::common::documented_block("nginx", "nginx")
}

struct Nginx(Child);

impl Drop for Nginx {
    /// SIGTERM, not SIGKILL: the master then stops its workers, which would
    /// otherwise outlive it (holding the test's stderr open).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(addr: &str) {
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Site URLs in `href`/`src` attributes that lie under the base path.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let url = crate::common::unescape(&rest[..end]);
            let url = url.split('#').next().unwrap_or("").to_string();
            if url.starts_with("/dangjian/") {
                out.push(url);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// A raw path for the request line: non-ASCII percent-encoded, as browsers send it.
fn request_path(url: &str) -> String {
    percent_encoding::utf8_percent_encode(url, percent_encoding::CONTROLS).to_string()
}

#[test]
#[cfg_attr(
    not(has_nginx),
    ignore = "needs nginx (apt-get install nginx-light); .ci/run installs it"
)]
fn the_documented_nginx_recipe_serves_the_sub_path_site_and_its_search() {
    let site = SiteTest::bundled();
    let config = std::fs::read_to_string(site.root.join("zhiku.yaml"))
        .unwrap()
        .replace(
            "base_url: http://127.0.0.1:8080",
            "base_url: http://example.gov.cn/dangjian/",
        );
    site.write("zhiku.yaml", &config);
    zhiku::build(&zhiku::BuildOptions {
        precompress: true,
        ..site.options()
    })
    .unwrap();
    let out = site.out();
    let zhiku = Server::start_prod_as_built(site);

    let port = free_port();
    let server = documented_server_block()
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("/srv/zhiku/public/", &format!("{}/", out.display()))
        .replace("http://127.0.0.1:8080", &format!("http://{}", zhiku.addr));
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path();
    let conf = format!(
        "user root;\ndaemon off;\npid {p}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n{server}\n}}\n",
        p = prefix.display()
    );
    std::fs::write(prefix.join("nginx.conf"), conf).unwrap();
    let nginx = Nginx(
        Command::new("/usr/sbin/nginx")
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(prefix.join("nginx.conf"))
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start nginx"),
    );
    let addr = format!("127.0.0.1:{port}");
    wait_for(&addr);

    // Every internal URL, from the home page on, through nginx.
    let mut seen = BTreeSet::from(["/dangjian/".to_string()]);
    let mut queue = VecDeque::from(["/dangjian/".to_string()]);
    let mut broken = Vec::new();
    while let Some(url) = queue.pop_front() {
        let reply = get(&addr, &request_path(&url));
        if reply.status != 200 {
            broken.push(format!("{url}: {}", reply.status));
            continue;
        }
        if reply.head.contains("content-type: text/html") {
            for link in links(&reply.body) {
                if seen.insert(link.clone()) {
                    queue.push_back(link);
                }
            }
        }
    }
    // 28 documents, their lists, series, paths, tags, regions, feeds and assets.
    assert!(seen.len() > 60, "only {} URLs crawled", seen.len());
    assert!(broken.is_empty(), "broken through nginx: {broken:#?}");

    // gzip_static sends the precompressed copy; without Accept-Encoding, the file.
    let gz = request(
        &addr,
        "GET /dangjian/ HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(gz.status, 200);
    assert!(gz.head.contains("content-encoding: gzip"), "{}", gz.head);
    let plain = get(&addr, "/dangjian/");
    assert!(!plain.head.contains("content-encoding"), "{}", plain.head);
    assert!(plain.body.contains("<main"));
    assert_eq!(get(&addr, "/dangjian").status, 301);
    // The recipe's cache policy: pages revalidated, fingerprinted assets kept.
    assert!(
        plain.head.contains("cache-control: no-cache"),
        "{}",
        plain.head
    );
    let css = links(&plain.body)
        .into_iter()
        .find(|l| l.contains("/static/css/style.css?v="))
        .expect("a fingerprinted stylesheet");
    let asset = get(&addr, &css);
    assert_eq!(asset.status, 200);
    assert!(
        asset
            .head
            .contains("cache-control: public, max-age=31536000, immutable"),
        "{}",
        asset.head
    );

    // A search through the proxy.
    let search = get(
        &addr,
        "/dangjian/api/search?q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A",
    ); // 红色物业
    assert_eq!(search.status, 200, "{}", search.body);
    let answer: serde_json::Value = serde_json::from_str(&search.body).unwrap();
    assert!(answer["total"].as_u64().unwrap() > 0, "{answer}");
    drop(nginx);
}
