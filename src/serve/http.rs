//! The HTTP side of `serve`: GET and HEAD only, paths resolved inside the in-memory site (no
//! `..`, no encoded traversal, no backslashes, nothing from disk), HTML pages with the live
//! reload script added, and the event stream browsers listen to.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State as Extract;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::state::{Event, State};

/// The script pages get while served.
const LIVE_JS: &str = include_str!("live.js");

/// The router: the event stream, the script, and the site.
pub(super) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/__kiln/events", get(events))
        .route("/__kiln/live.js", get(live_js))
        .fallback(site)
        .with_state(state)
}

async fn live_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVE_JS,
    )
}

async fn events(Extract(state): Extract<Arc<State>>) -> impl IntoResponse {
    let (version, error) = state.status();
    let hello = serde_json::json!({ "version": version, "error": error }).to_string();
    let first = tokio_stream::once(Ok::<_, Infallible>(
        SseEvent::default().event("hello").data(hello),
    ));
    let updates = BroadcastStream::new(state.subscribe()).filter_map(|event| {
        let event = match event.ok()? {
            Event::Reload { version, changed } => SseEvent::default()
                .event("reload")
                .data(serde_json::json!({ "version": version, "changed": changed }).to_string()),
            Event::Failed(message) => SseEvent::default()
                .event("failed")
                .data(serde_json::json!({ "message": message }).to_string()),
        };
        Some(Ok::<_, Infallible>(event))
    });
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::default())
}

async fn site(Extract(state): Extract<Arc<State>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "",
        )
            .into_response();
    }
    if !state.has("index.html") {
        // Nothing has built yet: a page that carries the live script, so the browser shows
        // the error and reloads once the site builds.
        let page = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not built yet</title></head><body><p>The site has not built yet.</p></body></html>".to_vec();
        return respond(StatusCode::SERVICE_UNAVAILABLE, "index.html", page, method);
    }
    let Some(path) = resolve(uri.path()) else {
        return not_found(&state, method);
    };
    let target = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else if state.has(&path) {
        path.clone()
    } else if state.has(&format!("{path}/index.html")) {
        let location = format!("/{path}/");
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
            "",
        )
            .into_response();
    } else {
        return not_found(&state, method);
    };
    match state.file(&target) {
        Some(bytes) => respond(StatusCode::OK, &target, bytes, method),
        None => not_found(&state, method),
    }
}

fn not_found(state: &State, method: Method) -> Response {
    let bytes = state
        .file("404.html")
        .unwrap_or_else(|| b"Not found".to_vec());
    respond(StatusCode::NOT_FOUND, "404.html", bytes, method)
}

fn respond(status: StatusCode, path: &str, bytes: Vec<u8>, method: Method) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        with_live_reload(bytes)
    } else {
        bytes
    };
    let length = body.len();
    let mut response = if method == Method::HEAD {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(body))
    };
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Adds the live reload script before `</body>`.
fn with_live_reload(bytes: Vec<u8>) -> Vec<u8> {
    let script = b"<script src=\"/__kiln/live.js\"></script>\n";
    let at = bytes
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(bytes.len());
    let mut out = Vec::with_capacity(bytes.len() + script.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(script);
    out.extend_from_slice(&bytes[at..]);
    out
}

/// The site path a URL path names: percent-decoded, without its leading `/`; `None` when it
/// tries to leave the site (`..`, `.`, backslashes, NUL) or is not UTF-8.
pub fn resolve(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let relative = decoded.strip_prefix('/')?;
    let segments: Vec<&str> = relative.split('/').collect();
    let (last, folders) = segments.split_last()?;
    if folders
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
        || *last == "."
        || *last == ".."
    {
        return None;
    }
    if segments.iter().any(|s| s.starts_with('.')) {
        return None;
    }
    Some(relative.to_string())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "xml" => "application/xml",
        "json" => "application/json",
        "zip" => "application/zip",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" | "md" | "csv" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_downloads_are_served_as_zip_files() {
        assert_eq!(content_type("m/tour/tour.zip"), "application/zip");
        assert_eq!(content_type("m/tour/fit-0a1b.svg"), "image/svg+xml");
    }

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(resolve("/").as_deref(), Some(""));
        assert_eq!(resolve("/module-2/x/").as_deref(), Some("module-2/x/"));
        assert_eq!(
            resolve("/katex/fonts/KaTeX_Main-Regular.woff2").as_deref(),
            Some("katex/fonts/KaTeX_Main-Regular.woff2")
        );
        assert_eq!(resolve("/a%20b.svg").as_deref(), Some("a b.svg"));
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E%2Fsecret",
            "/..%5c..%5cwindows",
            "/a/./b",
            "/a//b",
            "/.env",
            "/.kiln-output",
            "/a/%00",
            "relative",
            "/%ff",
        ] {
            assert_eq!(resolve(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_script_goes_before_the_body_end() {
        let html = with_live_reload(b"<html><body><p>x</p></body></html>".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            "<html><body><p>x</p><script src=\"/__kiln/live.js\"></script>\n</body></html>"
        );
    }
}
