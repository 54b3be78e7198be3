//! What operators of a deployment need from `serve --prod`: a health check
//! for load balancers and monitoring, and an access log in the common log
//! format that log tools already read.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::HttpBody;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;

use super::preview::SharedEngine;

/// The client's address, put on each request by the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

#[derive(Clone)]
struct Health {
    root: Arc<PathBuf>,
    engine: SharedEngine,
}

/// `GET /healthz`: 200 with the build's time, its number of documents and
/// whether the search index is open; 503 when the output has no home page.
pub fn health_routes(root: Arc<PathBuf>, engine: SharedEngine) -> Router {
    Router::new()
        .route("/healthz", axum::routing::get(healthz))
        .with_state(Health { root, engine })
}

async fn healthz(State(h): State<Health>) -> Response {
    let built = std::fs::metadata(h.root.join("index.html"))
        .and_then(|m| m.modified())
        .ok()
        .map(|t| chrono::DateTime::<chrono::Local>::from(t).to_rfc3339());
    let engine = h.engine.read().unwrap_or_else(|e| e.into_inner()).clone();
    let documents = engine.as_ref().map(|e| e.searcher().num_docs());
    let ok = built.is_some();
    let body = serde_json::json!({
        "status": if ok { "ok" } else { "no site" },
        "built": built,
        "documents": documents,
        "index": engine.is_some(),
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Where access log lines go: a file (appended to) or standard output.
pub type LogSink = Arc<Mutex<Box<dyn Write + Send>>>;

/// Opens `-` (standard output) or a file for appending.
pub fn open_access_log(target: &str) -> std::io::Result<LogSink> {
    let sink: Box<dyn Write + Send> = if target == "-" {
        Box::new(std::io::stdout())
    } else {
        Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(target)?,
        )
    };
    Ok(Arc::new(Mutex::new(sink)))
}

/// Logs every request `app` answers, one line each in the common log format:
/// `client - - [time] "METHOD target HTTP/1.1" status bytes`.
pub fn with_access_log(app: Router, sink: LogSink) -> Router {
    app.layer(axum::middleware::from_fn(
        move |req: Request, next: Next| {
            let sink = sink.clone();
            async move {
                let client = req
                    .extensions()
                    .get::<Peer>()
                    .map_or_else(|| "-".to_string(), |p| p.0.ip().to_string());
                let line_start = format!(
                    "{client} - - [{}] \"{} {} {:?}\"",
                    chrono::Local::now().format("%d/%b/%Y:%H:%M:%S %z"),
                    req.method(),
                    req.uri(),
                    req.version()
                );
                let response = next.run(req).await;
                let bytes = response
                    .body()
                    .size_hint()
                    .exact()
                    .map_or_else(|| "-".to_string(), |n| n.to_string());
                let line = format!("{line_start} {} {bytes}\n", response.status().as_u16());
                if let Ok(mut out) = sink.lock() {
                    // A full disk must not take the site down: the line is lost.
                    let _ = out.write_all(line.as_bytes());
                    let _ = out.flush();
                }
                response
            }
        },
    ))
}
