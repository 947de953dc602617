//! `serve` end to end: the binary serves a temporary copy of a fixture site on a free port;
//! the test fetches pages, edits a file and sees the reload event and the new content, breaks a
//! formula and sees the error (while the last good page stays served), fixes it, and checks
//! that traversal attempts and other methods are refused.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::*;

/// What the tests ask of a running server.
impl Server {
    fn get(&self, path: &str) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .get(format!("{}{}", self.url, path.trim_start_matches('/')))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        (
            response.status().as_u16(),
            response.body_mut().read_to_string().unwrap(),
        )
    }

    /// Sends a raw request line, so that no client normalizes the path, and returns the status.
    fn raw(&self, request_line: &str) -> u16 {
        let address = self.url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = TcpStream::connect(address).unwrap();
        write!(
            stream,
            "{request_line}\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// The server's events, one `(event, data)` per message.
    fn events(&self) -> Receiver<(String, String)> {
        let (tx, rx) = mpsc::channel();
        let url = format!("{}__kiln/events", self.url);
        std::thread::spawn(move || {
            let response = ureq::get(url).call().unwrap();
            let reader = BufReader::new(response.into_body().into_reader());
            let mut event = String::new();
            for line in reader.lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ")
                    && tx.send((event.clone(), data.to_string())).is_err()
                {
                    return;
                }
            }
        });
        rx
    }
}

/// Waits for the next event named `name`.
fn next(events: &Receiver<(String, String)>, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok((event, data)) if event == name => return data,
            Ok(_) => continue,
            Err(_) => panic!("no {name:?} event"),
        }
    }
}

#[test]
fn serve_reloads_on_edits_shows_errors_and_refuses_traversal() {
    let site = fixture("basic");
    let server = Server::start(site.path());
    let post = site.path().join("content/intro/01-first-steps.md");

    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(
        home.contains("<script src=\"/__kiln/live.js\"></script>"),
        "served pages get the reload script"
    );
    let (status, page) = server.get("/intro/first-steps/");
    assert_eq!(status, 200);
    assert!(page.contains("Done."));
    assert_eq!(server.get("/no/such/page/").0, 404);
    let (status, script) = server.get("/__kiln/live.js");
    assert!(status == 200 && script.contains("EventSource"));

    let events = server.events();
    let hello = next(&events, "hello");
    assert!(hello.contains("\"error\":null"), "{hello}");

    // A prose edit: the page's path is in the reload event, and the new text is served.
    edit(&post, "Done.", "Done, and edited.");
    let reload = next(&events, "reload");
    assert!(reload.contains("\"/intro/first-steps/\""), "{reload}");
    assert!(
        server
            .get("/intro/first-steps/")
            .1
            .contains("Done, and edited.")
    );

    // A broken formula: the error names the file and line; the last good page stays served.
    edit(&post, "Done, and edited.", "Done, $\\nosuch$.");
    let failed = next(&events, "failed");
    assert!(
        failed.contains("content/intro/01-first-steps.md:58:"),
        "{failed}"
    );
    assert!(failed.contains("Undefined control sequence"), "{failed}");
    assert!(
        server
            .get("/intro/first-steps/")
            .1
            .contains("Done, and edited.")
    );

    // Fixing it clears the error with a reload.
    edit(&post, "Done, $\\nosuch$.", "Done, fixed.");
    next(&events, "reload");
    assert!(server.get("/intro/first-steps/").1.contains("Done, fixed."));

    // Editor noise is ignored: a swap file does not rebuild.
    fs::write(
        site.path().join("content/intro/.01-first-steps.md.swp"),
        "x",
    )
    .unwrap();

    // Nothing outside the site is served, and only GET and HEAD are allowed.
    for attack in [
        "GET /../../etc/passwd HTTP/1.1",
        "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
        "GET /%2E%2E%2F%2E%2E%2Fetc%2Fpasswd HTTP/1.1",
        "GET /..%5c..%5cconfig.toml HTTP/1.1",
        "GET /.kiln-output HTTP/1.1",
        "GET /../config.toml HTTP/1.1",
        "GET //etc/passwd HTTP/1.1",
    ] {
        assert_eq!(server.raw(attack), 404, "{attack}");
    }
    assert_eq!(server.raw("HEAD / HTTP/1.1"), 200);
    assert_eq!(server.raw("POST / HTTP/1.1"), 405);
    assert_eq!(server.raw("DELETE /index.html HTTP/1.1"), 405);
}

#[test]
fn serve_starts_even_when_the_site_is_broken() {
    let site = fixture("basic");
    let post = site.path().join("content/intro/01-first-steps.md");
    edit(&post, "Done.", "Done $\\nosuch$.");
    let server = Server::start(site.path());
    let (status, page) = server.get("/intro/first-steps/");
    assert_eq!(status, 503);
    assert!(
        page.contains("/__kiln/live.js"),
        "the placeholder page listens for the fix"
    );
    let events = server.events();
    let hello = next(&events, "hello");
    assert!(hello.contains("Undefined control sequence"), "{hello}");
    edit(&post, "Done $\\nosuch$.", "Done.");
    next(&events, "reload");
    assert_eq!(server.get("/intro/first-steps/").0, 200);
}
