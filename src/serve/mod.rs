//! `serve`: builds the site into memory, serves it on loopback, watches the sources and
//! rebuilds on every change through the same caches as `build` (a prose edit runs no code, a
//! code edit runs only the blocks that changed), then tells browsers which pages to reload.
//! A failed rebuild keeps the last good site served and shows the error in the browser.

mod http;
mod state;
mod watch;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

pub use http::resolve;
pub use state::{Event, State};

use crate::site::{self, Options, Session};

/// Builds, serves and rebuilds until the process is stopped.
pub fn serve(options: Options, bind: &str, port: u16, open: bool) -> Result<(), String> {
    // Watched paths arrive absolute, so compare them with an absolute root.
    let root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    let mut session = Session::new();
    let started = Instant::now();
    let mut first_error = None;
    let files = match site::build(&options, &mut session) {
        Ok(report) => {
            for notice in &report.notices {
                eprintln!("note: {notice}");
            }
            for warning in &report.warnings {
                eprintln!("{warning}");
            }
            eprintln!(
                "built {} pages in {:.2} s",
                report.stats.pages,
                started.elapsed().as_secs_f64()
            );
            report.files
        }
        Err(failure) => {
            eprintln!("{failure}");
            eprintln!("serving a placeholder until the site builds");
            first_error = Some(failure.to_string());
            Default::default()
        }
    };
    let state = Arc::new(State::new(files));
    if let Some(message) = first_error {
        state.fail(message);
    }

    let address: SocketAddr = format!("{bind}:{port}")
        .parse()
        .map_err(|e| format!("cannot listen on {bind}:{port}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(address))
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{local}/");
    println!("serving {url}");
    eprintln!("watching content/, templates/, static/ and config.toml; press Ctrl-C to stop");
    if open && let Err(e) = ::open::that(&url) {
        eprintln!("cannot open a browser: {e}");
    }

    let watcher =
        watch::Watch::start(&root).map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let rebuild_state = Arc::clone(&state);
    std::thread::Builder::new()
        .name("rebuild".into())
        .spawn(move || {
            while let Some(changed) = watcher.next_change(&root) {
                rebuild(&options, &mut session, &rebuild_state, &changed);
            }
        })
        .map_err(|e| e.to_string())?;

    runtime
        .block_on(async move { axum::serve(listener, http::router(state)).await })
        .map_err(|e| format!("the server stopped: {e}"))
}

/// One rebuild after `changed` files were saved.
fn rebuild(
    options: &Options,
    session: &mut Session,
    state: &State,
    changed: &[std::path::PathBuf],
) {
    let started = Instant::now();
    let names: Vec<String> = changed
        .iter()
        .map(|p| {
            let root = options
                .root
                .canonicalize()
                .unwrap_or_else(|_| options.root.clone());
            p.strip_prefix(&root).unwrap_or(p).display().to_string()
        })
        .collect();
    match site::build(options, session) {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("{warning}");
            }
            let pages = state.publish(report.files);
            let exec = report.stats.exec;
            eprintln!(
                "rebuilt after {} in {} ms: {} page(s) re-rendered, {} changed, {} block(s) run",
                names.join(", "),
                started.elapsed().as_millis(),
                report.stats.markdown_rendered,
                pages.len(),
                exec.ran
            );
        }
        Err(failure) => {
            let message = failure.to_string();
            eprintln!("{message}");
            state.fail(message);
        }
    }
}
