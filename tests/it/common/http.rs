//! A `zhiku serve` process and a minimal HTTP/1.1 client for tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::SiteTest;

pub struct Server {
    child: Child,
    pub addr: String,
    pub site: SiteTest,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Runs `zhiku serve --port 0` on the site and waits for its URL.
    pub fn start(site: SiteTest) -> Server {
        Server::start_with(site, false)
    }

    /// With `from_inside`, runs in the site folder with the default `--root .`.
    pub fn start_with(site: SiteTest, from_inside: bool) -> Server {
        Server::spawn(site, &[], from_inside)
    }

    /// `zhiku serve --prod` on an already built site: what a deployment runs.
    pub fn start_prod(site: SiteTest) -> Server {
        site.built();
        Server::spawn(site, &["--prod"], false)
    }

    /// `zhiku serve --prod` on the site as it was built (no build first).
    pub fn start_prod_as_built(site: SiteTest) -> Server {
        Server::spawn(site, &["--prod"], false)
    }

    /// `zhiku serve --prod` with more options.
    pub fn start_prod_with(site: SiteTest, extra: &[&str]) -> Server {
        site.built();
        let mut args = vec!["--prod"];
        args.extend_from_slice(extra);
        Server::spawn(site, &args, false)
    }

    /// `zhiku serve --prod` on the site as it is, nothing built first.
    pub fn start_prod_with_root(site: SiteTest, extra: &[&str]) -> Server {
        let mut args = vec!["--prod"];
        args.extend_from_slice(extra);
        Server::spawn(site, &args, false)
    }

    /// Sends SIGTERM (as systemd and `docker stop` do) and waits for the exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("still running 5 s after SIGTERM");
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory of the server process, in kB (Linux).
    pub fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    fn spawn(site: SiteTest, extra: &[&str], from_inside: bool) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zhiku"));
        cmd.args(["serve", "--port", "0"]).args(extra);
        if from_inside {
            cmd.current_dir(&site.root);
        } else {
            cmd.arg("--root").arg(&site.root);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("server printed its URL").unwrap();
            if let Some(i) = line.find("http://") {
                let rest = &line[i + "http://".len()..];
                break rest.split('/').next().unwrap().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr, site }
    }
}

pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

pub fn request(addr: &str, raw: &str) -> Reply {
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

pub fn get(addr: &str, path: &str) -> Reply {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    )
}
