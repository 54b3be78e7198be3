//! Answers a GET or HEAD for a file of the built site: the path checked, a
//! precompressed copy or one compressed now (and kept) when the client
//! takes it, validators (`ETag`, `Last-Modified`) with `304 Not Modified`,
//! and the cache policy: pages and data are revalidated, fingerprinted
//! stylesheets and scripts are kept for a year.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use super::{busy, plain, redirect, security_headers, ServeState, MAX_URI_LEN};
use crate::compression::{self, Encoding, ENCODINGS};

/// Largest file `serve` compresses on request; larger ones go as they are
/// (a build with `--precompress` covers them).
pub const COMPRESS_ON_REQUEST_MAX_BYTES: u64 = 8 << 20;

/// Memory the compressed responses may hold, all files together.
pub const COMPRESSED_CACHE_BYTES: usize = 64 << 20;

/// `Cache-Control` of a fingerprinted asset (`style.css?v=…`, see
/// `render::theme::Fingerprints`): its URL changes with its content.
const CACHE_FINGERPRINTED: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else: kept, but revalidated (a 304 when
/// unchanged) before each use, so a new build shows at once.
const CACHE_REVALIDATE: &str = "no-cache";

/// Responses compressed on request, by file version and encoding, least
/// recently used dropped first once they hold [`COMPRESSED_CACHE_BYTES`].
pub struct CompressedCache {
    inner: Mutex<Cached>,
}

struct Cached {
    entries: lru::LruCache<CacheKey, Bytes>,
    bytes: usize,
}

/// One version of one file in one encoding: a rebuilt file has a new
/// length or modification time, so it is never answered from an old entry.
#[derive(Hash, PartialEq, Eq, Clone)]
struct CacheKey {
    path: PathBuf,
    len: u64,
    modified: SystemTime,
    encoding: &'static str,
}

// The bound is in bytes, not entries: `unbounded` plus the loop in `put`.
impl Default for CompressedCache {
    fn default() -> Self {
        CompressedCache {
            inner: Mutex::new(Cached {
                entries: lru::LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }
}

impl CompressedCache {
    fn get(&self, key: &CacheKey) -> Option<Bytes> {
        let mut cached = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        cached.entries.get(key).cloned()
    }

    fn put(&self, key: CacheKey, bytes: Bytes) {
        let mut cached = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        cached.bytes += bytes.len();
        if let Some(old) = cached.entries.put(key, bytes) {
            cached.bytes -= old.len();
        }
        while cached.bytes > COMPRESSED_CACHE_BYTES {
            match cached.entries.pop_lru() {
                Some((_, old)) => cached.bytes -= old.len(),
                None => break,
            }
        }
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }
}

/// What a file response sends: the bytes in one encoding and the
/// validators of that representation.
struct Representation {
    bytes: Bytes,
    encoding: Option<&'static str>,
    etag: String,
    modified: SystemTime,
}

pub(super) async fn static_file(
    State(state): State<ServeState>,
    method: Method,
    uri: Uri,
    axum::extract::OriginalUri(original): axum::extract::OriginalUri,
    headers: HeaderMap,
) -> Response {
    let Ok(_permit) = state.permits.try_acquire() else {
        return busy();
    };
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "read-only server: GET and HEAD only",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    if uri.path().len() > MAX_URI_LEN {
        return plain(StatusCode::URI_TOO_LONG, "request path too long");
    }
    let has_body = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v != "0")
        || headers.contains_key(header::TRANSFER_ENCODING);
    if has_body {
        return plain(StatusCode::PAYLOAD_TOO_LARGE, "requests carry no body here");
    }
    let Some(rel) = safe_relative_path(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "bad path");
    };
    // This request's build: the folder `root` names now.
    let Ok(root) = tokio::fs::canonicalize(state.root.as_path()).await else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "no site");
    };
    let full = root.join(&rel);
    let file = match tokio::fs::metadata(&full).await {
        Ok(m) if m.is_dir() => {
            if !uri.path().ends_with('/') {
                // One leading slash: `//static` must not become a
                // protocol-relative redirect to the host `static`. The
                // path as requested, base path included (see `under_base_path`).
                let mut location = format!("/{}/", original.path().trim_start_matches('/'));
                if let Some(q) = uri.query() {
                    location.push('?');
                    location.push_str(q);
                }
                return redirect(&location);
            }
            full.join("index.html")
        }
        Ok(_) => full,
        Err(_) => return not_found(&root).await,
    };
    // A symlink inside the output must not lead outside it.
    match tokio::fs::canonicalize(&file).await {
        Ok(real) if real.starts_with(&root) => {}
        _ => return not_found(&root).await,
    }
    let Some(found) = representation(&state, &file, &headers).await else {
        return not_found(&root).await;
    };
    let cache_control = if is_fingerprinted(&file, &uri) {
        CACHE_FINGERPRINTED
    } else {
        CACHE_REVALIDATE
    };
    let unchanged = not_modified(&headers, &found);
    let mut r = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        file_response(StatusCode::OK, &file, Body::from(found.bytes))
    };
    let h = r.headers_mut();
    security_headers(h);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(tag) = HeaderValue::from_str(&found.etag) {
        h.insert(header::ETAG, tag);
    }
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(found.modified)) {
        h.insert(header::LAST_MODIFIED, date);
    }
    if let (Some(encoding), false) = (found.encoding, unchanged) {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    r
}

/// The best representation of `file` the client accepts: a precompressed
/// copy (`zhiku build --precompress`), else one compressed now (kept in
/// the cache), else the file as it is.
async fn representation(
    state: &ServeState,
    file: &Path,
    headers: &HeaderMap,
) -> Option<Representation> {
    let meta = tokio::fs::metadata(file).await.ok()?;
    let modified = meta.modified().unwrap_or(UNIX_EPOCH);
    let accepted: Vec<&Encoding> = ENCODINGS
        .iter()
        .filter(|e| accepts(headers, e.token))
        .collect();
    for encoding in &accepted {
        let mut name = file.as_os_str().to_owned();
        name.push(encoding.suffix);
        let packed = PathBuf::from(name);
        if let Ok(packed_meta) = tokio::fs::metadata(&packed).await {
            let bytes = tokio::fs::read(&packed).await.ok()?;
            let modified = packed_meta.modified().unwrap_or(modified);
            return Some(Representation {
                etag: etag(packed_meta.len(), modified, Some(encoding.token)),
                bytes: Bytes::from(bytes),
                encoding: Some(encoding.token),
                modified,
            });
        }
    }
    let compressible = compression::worth_compressing(file, meta.len())
        && meta.len() <= COMPRESS_ON_REQUEST_MAX_BYTES;
    if let (Some(encoding), true) = (accepted.first(), compressible) {
        let key = CacheKey {
            path: file.to_path_buf(),
            len: meta.len(),
            modified,
            encoding: encoding.token,
        };
        let bytes = match state.compressed.get(&key) {
            Some(bytes) => bytes,
            None => {
                let original = tokio::fs::read(file).await.ok()?;
                let token = encoding.token;
                let packed = tokio::task::spawn_blocking(move || {
                    ENCODINGS
                        .iter()
                        .find(|e| e.token == token)
                        .map(|e| e.on_request(&original))
                })
                .await
                .ok()??
                .ok()?;
                let packed = Bytes::from(packed);
                state.compressed.put(key, packed.clone());
                packed
            }
        };
        return Some(Representation {
            bytes,
            encoding: Some(encoding.token),
            etag: etag(meta.len(), modified, Some(encoding.token)),
            modified,
        });
    }
    Some(Representation {
        bytes: Bytes::from(tokio::fs::read(file).await.ok()?),
        encoding: None,
        etag: etag(meta.len(), modified, None),
        modified,
    })
}

/// A strong validator from the file's length and modification time (as
/// nginx makes them), one per encoding: the compressed and the plain bytes
/// are different representations.
fn etag(len: u64, modified: SystemTime, encoding: Option<&str>) -> String {
    let nanos = modified
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    match encoding {
        Some(token) => format!("\"{nanos:x}-{len:x}-{token}\""),
        None => format!("\"{nanos:x}-{len:x}\""),
    }
}

/// Whether the client's copy is current: `If-None-Match` when sent (weak
/// comparison, as RFC 9110 has for GET), else `If-Modified-Since`.
fn not_modified(headers: &HeaderMap, found: &Representation) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = strip(&found.etag);
    let mut tags = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .peekable();
    if tags.peek().is_some() {
        return tags.any(|t| t.trim() == "*" || strip(t) == ours);
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    // HTTP dates have whole seconds.
    let whole_seconds = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    since.is_some_and(|since| whole_seconds(found.modified) <= whole_seconds(since))
}

/// A theme stylesheet or script requested by its fingerprinted URL.
fn is_fingerprinted(file: &Path, uri: &Uri) -> bool {
    let asset = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| crate::render::theme::FINGERPRINTED.contains(&e));
    asset
        && uri
            .query()
            .is_some_and(|q| q.split('&').any(|p| p.starts_with("v=")))
}

/// Whether `Accept-Encoding` allows `encoding` (named, or `*`, and not `q=0`).
fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case(encoding) || name == "*") && !refused
        })
}

/// Decodes a request path into a relative path, refusing `..`, `.`,
/// backslashes, NUL and anything that is not UTF-8.
pub fn safe_relative_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let mut rel = PathBuf::new();
    for seg in decoded.split('/') {
        if seg.is_empty() {
            continue;
        }
        if seg == "." || seg == ".." || seg.contains(['\\', '\0']) || seg.starts_with('.') {
            return None;
        }
        let p = Path::new(seg);
        if p.components().count() != 1
            || !matches!(p.components().next(), Some(Component::Normal(_)))
        {
            return None;
        }
        rel.push(seg);
    }
    Some(rel)
}

async fn not_found(root: &Path) -> Response {
    let page = root.join("404.html");
    match tokio::fs::read(&page).await {
        Ok(bytes) => {
            let mut r = file_response(StatusCode::NOT_FOUND, &page, Body::from(bytes));
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            r
        }
        Err(_) => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        // Attachments (served as files to download: the pages link them with `download`).
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "ppt" => "application/vnd.ms-powerpoint",
        "csv" => "text/csv; charset=utf-8",
        "zip" => "application/zip",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn file_response(status: StatusCode, path: &Path, body: Body) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    // Tells the search page that this server answers /api/search, so it need
    // not use the static bundle (a plain static host sends no such header).
    h.insert("x-zhiku-search", HeaderValue::from_static("/api/search"));
    security_headers(h);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(safe_relative_path("/a/b/"), Some(PathBuf::from("a/b")));
        assert_eq!(
            safe_relative_path("/tags/%E5%85%9A%E5%BB%BA/"),
            Some(PathBuf::from("tags/党建"))
        );
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/a/..%2f..%2fb",
            "/%00",
            "/a\\..\\b",
            "/.git/config",
            "/%ff",
        ] {
            assert_eq!(safe_relative_path(bad), None, "{bad}");
        }
    }
}
