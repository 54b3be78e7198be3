//! A read-only HTTP server for the built site.
//!
//! GET and HEAD only, no directory listings, no path that escapes the output
//! folder, bounded request size and concurrency. It must never write.

mod files;
pub mod ops;
pub mod preview;
pub mod watch;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::Semaphore;

pub use files::{content_type, safe_relative_path, CompressedCache};

use crate::search::engine::Budget;
use crate::search::query::{SearchParams, SearchRequest};
use crate::serve::preview::SharedEngine;
use crate::serve::watch::LiveEvent;
use axum::response::sse::{Event, KeepAlive, Sse};
use tokio::sync::broadcast;

/// Longest request path we accept.
pub const MAX_URI_LEN: usize = 2048;
/// Longest search query string: 256 characters, percent-encoded, plus filters.
pub const MAX_API_QUERY_LEN: usize = 8192;
/// Requests handled at once; more get 503 rather than queueing without bound.
pub const MAX_IN_FLIGHT: usize = 256;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                   object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'";

/// How long a search may wait for a worker before the client gets a 503.
pub const SEARCH_QUEUE_WAIT: Duration = Duration::from_secs(2);
/// How long one search may run.
pub const SEARCH_TIME_BUDGET: Duration = Duration::from_secs(3);

/// Bounds on `/api/search`: searches are CPU work, so a few run at once
/// (`workers`), a bounded number wait (`queue`), the rest get 503 with
/// `Retry-After` at once. Memory and CPU stay bounded whatever the load.
#[derive(Debug, Clone, Copy)]
pub struct SearchLimits {
    pub workers: usize,
    pub queue: usize,
}

impl Default for SearchLimits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        SearchLimits {
            workers: cores * 2,
            queue: 64,
        }
    }
}

#[derive(Clone)]
pub struct ServeState {
    pub root: Arc<PathBuf>,
    permits: Arc<Semaphore>,
    search_limits: SearchLimits,
    /// Responses `serve` compressed itself, kept for the next request.
    pub compressed: Arc<CompressedCache>,
}

impl ServeState {
    /// Serves the folder at `root`. The path is resolved on every request,
    /// not once: when `root` is a symbolic link that a deployment switches
    /// to a new build, the new build is what is served.
    pub fn new(root: PathBuf) -> Self {
        let root = std::path::absolute(&root).unwrap_or(root);
        ServeState {
            root: Arc::new(root),
            permits: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            search_limits: SearchLimits::default(),
            compressed: Arc::new(CompressedCache::default()),
        }
    }

    pub fn with_search_limits(mut self, limits: SearchLimits) -> Self {
        self.search_limits = limits;
        self
    }
}

/// What `/api/search` needs: the engine (swapped on rebuilds) and its bounds.
#[derive(Clone)]
struct Api {
    engine: SharedEngine,
    workers: Arc<Semaphore>,
    worker_count: usize,
    waiting: Arc<AtomicUsize>,
    queue: usize,
}

impl Api {
    /// The engine in use; `None` for a site built without an index.
    fn current_engine(&self) -> Option<Arc<crate::search::engine::SearchEngine>> {
        self.engine
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// What the search API answers on a site built without an index.
fn no_index() -> Response {
    json_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "search",
        "本站未建立全文索引",
    )
}

/// Leaves the queue when the request does (answered, refused or dropped).
struct InQueue(Arc<AtomicUsize>);

impl Drop for InQueue {
    fn drop(&mut self) {
        self.0.fetch_sub(1, AtomicOrdering::SeqCst);
    }
}

/// Stops the search when its request goes away (the client disconnected:
/// axum drops the handler's future).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, AtomicOrdering::Relaxed);
    }
}

/// The router for a built site: the search API in front of the static files,
/// and in preview mode the live-reload script and event stream.
pub fn router(
    state: ServeState,
    search: SharedEngine,
    live: Option<broadcast::Sender<LiveEvent>>,
) -> Router {
    let limits = state.search_limits;
    let health = ops::health_routes(state.root.clone(), search.clone());
    let api = Router::new()
        .route("/api/search", axum::routing::get(api_search))
        .route("/api/suggest", axum::routing::get(api_suggest))
        .with_state(Api {
            engine: search,
            workers: Arc::new(Semaphore::new(limits.workers.max(1))),
            worker_count: limits.workers.max(1),
            waiting: Arc::new(AtomicUsize::new(0)),
            queue: limits.queue,
        });
    let mut app = Router::new()
        .fallback(files::static_file)
        .with_state(state)
        .merge(api)
        .merge(health);
    if let Some(tx) = live {
        let live = Router::new()
            .route("/__zhiku/live.js", axum::routing::get(live_script))
            .route("/__zhiku/events", axum::routing::get(live_events))
            .with_state(tx);
        app = app.merge(live);
    }
    // Every response the router makes carries them: redirects, 405s and
    // the extractors' own rejections included.
    app.layer(axum::middleware::map_response(with_security_headers))
}

/// Serves `app` under the site's base path (`/dangjian` for a site
/// published at `http://example.gov.cn/dangjian/`): requests outside it get
/// 404, `/` is redirected to it, and the header that tells the search page
/// where the API is names it under the base path.
pub fn under_base_path(app: Router, base_path: &str) -> Router {
    if base_path.is_empty() {
        return app;
    }
    let home = format!("{base_path}/");
    let api = HeaderValue::from_str(&format!("{base_path}/api/search")).ok();
    let app = app.layer(axum::middleware::map_response(
        move |mut response: Response| {
            let api = api.clone();
            async move {
                let h = response.headers_mut();
                if let (true, Some(api)) = (h.contains_key("x-zhiku-search"), api) {
                    h.insert("x-zhiku-search", api);
                }
                response
            }
        },
    ));
    Router::new()
        .route(
            "/",
            axum::routing::get(move || {
                let home = home.clone();
                async move { redirect(&home) }
            }),
        )
        .nest_service(base_path, app)
        .fallback(|| async { plain(StatusCode::NOT_FOUND, "not found") })
        .layer(axum::middleware::map_response(with_security_headers))
}

async fn with_security_headers(mut response: Response) -> Response {
    security_headers(response.headers_mut());
    response
}

/// Reloads the page after a rebuild, shows build errors over it.
const LIVE_JS: &str = include_str!("live.js");

async fn live_script() -> Response {
    let mut r = LIVE_JS.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn live_events(
    State(tx): State<broadcast::Sender<LiveEvent>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>> {
    let rx = tx.subscribe();
    let hello =
        futures_util::stream::once(async { Ok(Event::default().event("hello").data("{}")) });
    let updates = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(ev) => return Some((Ok(Event::default().event(ev.event).data(ev.data)), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(futures_util::StreamExt::chain(hello, updates)).keep_alive(KeepAlive::default())
}

/// `GET /api/search`: JSON results, or a JSON 400 naming the bad parameter.
async fn api_search(State(api): State<Api>, uri: Uri) -> Response {
    let Some(engine) = api.current_engine() else {
        return no_index();
    };
    if uri.query().map_or(0, str::len) > MAX_API_QUERY_LEN {
        return json_error(StatusCode::URI_TOO_LONG, "q", "请求过长");
    }
    let params = match Query::<SearchParams>::try_from_uri(&uri) {
        Ok(Query(p)) => p,
        Err(e) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "query",
                &format!("无法解析查询参数：{e}"),
            )
        }
    };
    let request = match SearchRequest::from_params(&params) {
        Ok(r) => r,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, e.param, &e.error),
    };
    // `waiting` counts searches running and waiting: beyond the workers and
    // the queue, refuse at once.
    if api.waiting.fetch_add(1, AtomicOrdering::SeqCst) >= api.queue + api.worker_count {
        api.waiting.fetch_sub(1, AtomicOrdering::SeqCst);
        return search_busy();
    }
    let in_queue = InQueue(api.waiting.clone());
    let worker =
        match tokio::time::timeout(SEARCH_QUEUE_WAIT, api.workers.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            _ => return search_busy(),
        };
    let budget = Budget::within(SEARCH_TIME_BUDGET);
    let _cancel = CancelOnDrop(budget.cancel_flag());
    let result = tokio::task::spawn_blocking(move || {
        let _worker = worker;
        engine.search_within(&request, &budget)
    })
    .await;
    drop(in_queue);
    match result {
        Ok(Ok(response)) => {
            let mut r = axum::Json(response).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Ok(Err(crate::Error::SearchBudget)) => search_busy(),
        _ => json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "search",
            "检索出错，请稍后再试",
        ),
    }
}

#[derive(serde::Deserialize)]
struct SuggestParams {
    q: Option<String>,
}

/// `GET /api/suggest?q=PREFIX`: completions as JSON. A scan of the
/// completion table in memory (microseconds), so it runs in place.
async fn api_suggest(State(api): State<Api>, uri: Uri) -> Response {
    use crate::search::assist::MAX_PREFIX_CHARS;
    let Some(engine) = api.current_engine() else {
        return no_index();
    };
    let Ok(Query(params)) = Query::<SuggestParams>::try_from_uri(&uri) else {
        return json_error(StatusCode::BAD_REQUEST, "q", "无法解析查询参数");
    };
    let prefix = params.q.unwrap_or_default();
    if prefix.chars().count() > MAX_PREFIX_CHARS {
        return json_error(
            StatusCode::BAD_REQUEST,
            "q",
            &format!("补全的前缀不能超过 {MAX_PREFIX_CHARS} 个字符"),
        );
    }
    let suggestions = engine.index().assist().complete(&prefix);
    let mut r = axum::Json(serde_json::json!({ "suggestions": suggestions })).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn search_busy() -> Response {
    let mut r = json_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "search",
        "检索繁忙，请稍后再试",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

fn json_error(status: StatusCode, param: &str, message: &str) -> Response {
    let mut r = (
        status,
        axum::Json(serde_json::json!({ "error": message, "param": param })),
    )
        .into_response();
    security_headers(r.headers_mut());
    r
}

/// Keeps `engine` on the index that goes with the output a build last
/// swapped in at `out_dir` (the generation its manifest names): a `zhiku
/// build` into the folders a `serve --prod` serves is picked up without a
/// restart. Searches already running finish on the engine they started
/// with (they hold it), so every answer comes from one build.
pub async fn follow_rebuilds(out_dir: PathBuf, alias: PathBuf, engine: SharedEngine) {
    let current = || crate::output::live_index_dir(&out_dir, &alias);
    let mut seen = index_signature(&current());
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let dir = current();
        let now = index_signature(&dir);
        if now == seen || now.is_none() {
            continue;
        }
        let opened = tokio::task::spawn_blocking(move || {
            crate::search::engine::SearchEngine::open_read_only(&dir)
        })
        .await;
        // An unreadable index: keep serving the old one, try again later.
        if let Ok(Ok(new)) = opened {
            *engine.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(new));
            seen = now;
        }
    }
}

/// Identifies one build's index: its folder and its commit file.
fn index_signature(dir: &Path) -> Option<(PathBuf, u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    let real = std::fs::canonicalize(dir).ok()?;
    let meta = std::fs::metadata(real.join("meta.json")).ok()?;
    Some((real, meta.ino(), meta.modified().ok()?))
}

/// How long a client may take to send a request's headers, and how long a
/// kept-alive connection may sit idle before its next request: sockets are
/// never held open for ever.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` until Ctrl+C or SIGTERM. Our own accept loop over hyper, because the
/// header-read timeout (which also closes idle kept-alive connections) is
/// hyper's and `axum::serve` does not set it.
pub async fn run(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;
    // Ctrl+C, and SIGTERM from systemd, docker stop or Kubernetes.
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let shutdown = async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    };
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, peer)) = accepted else {
            // Out of file descriptors and the like: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let service =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ops::Peer(peer));
                    req.map(Body::new)
                });
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                .await;
        });
    }
}

pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

fn security_headers(h: &mut HeaderMap) {
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
}

pub fn plain(status: StatusCode, msg: &'static str) -> Response {
    let mut r = (status, msg).into_response();
    security_headers(r.headers_mut());
    r
}

/// 503 with the time to wait before trying again.
pub fn busy() -> Response {
    let mut r = plain(StatusCode::SERVICE_UNAVAILABLE, "busy, try again");
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

fn redirect(location: &str) -> Response {
    let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}
