//! Real-browser tests of what runs in the page: the system's Chromium, driven over the DevTools
//! protocol, opens a fixture site that `kiln serve` serves, and checks that a copy button puts
//! the whole program on the clipboard (by mouse and by keyboard), that a folded region opens
//! on a click, that the search box finds a lesson by a name in its code, that choosing
//! another run of a sweep shows its output and figure, and that the page reloads itself after
//! an edit. Without Chromium these tests fail and say how to install it;
//! `KILN_BROWSER_TESTS=skip` skips them.

mod common;

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Browser::{GrantPermissions, PermissionType};
use headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument;
use headless_chrome::{Browser, LaunchOptions, Tab};

use common::*;

/// The page of the `code-blocks` fixture that has every kind of block.
const FOLDS_PAGE: &str = "m/folds/";

/// A headless Chromium with a fresh profile of its own, stopped when dropped.
struct Chromium {
    browser: Browser,
    _profile: tempfile::TempDir,
}

/// The Chromium binary: `$KILN_CHROMIUM`, or `chromium` or `chromium-browser` on the PATH.
fn chromium_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KILN_CHROMIUM") {
        return Some(PathBuf::from(path)).filter(|path| path.is_file());
    }
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&dirs)
        .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
        .find(|path| path.is_file())
}

impl Chromium {
    /// Starts Chromium, or returns `None` when `KILN_BROWSER_TESTS=skip` asks to skip.
    fn start() -> Option<Self> {
        if std::env::var("KILN_BROWSER_TESTS").as_deref() == Ok("skip") {
            eprintln!("KILN_BROWSER_TESTS=skip: this browser test is skipped");
            return None;
        }
        let Some(path) = chromium_binary() else {
            panic!(
                "the browser tests need Chromium, which is not installed: run \
                 `apt-get install -y chromium` (Debian, Ubuntu), or set KILN_CHROMIUM to its \
                 binary, or set KILN_BROWSER_TESTS=skip to skip these tests"
            );
        };
        let profile = tempfile::tempdir().expect("a temporary folder");
        // The machine may have no network at all: these keep Chromium from waiting on
        // connections it would otherwise open by itself.
        let flags = [
            "--disable-quic",
            "--disable-component-update",
            "--disable-background-networking",
            "--disable-sync",
            "--no-first-run",
        ];
        let options = LaunchOptions::default_builder()
            .path(Some(path.clone()))
            .headless(true)
            .sandbox(false)
            .enable_gpu(false)
            .user_data_dir(Some(profile.path().to_path_buf()))
            .window_size(Some((1100, 900)))
            .idle_browser_timeout(Duration::from_secs(120))
            .args(flags.iter().map(OsStr::new).collect())
            .build()
            .expect("valid launch options");
        let browser = Browser::new(options)
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        Some(Self {
            browser,
            _profile: profile,
        })
    }

    /// Lets pages of `origin` read and write the clipboard without asking.
    fn grant_clipboard(&self, origin: &str) {
        let tab = self.browser.new_tab().unwrap();
        tab.call_method(GrantPermissions {
            permissions: vec![
                PermissionType::ClipboardReadWrite,
                PermissionType::ClipboardSanitizedWrite,
            ],
            origin: Some(origin.trim_end_matches('/').to_string()),
            browser_context_id: None,
        })
        .expect("granting clipboard permissions");
    }

    /// A new tab that runs `script` before any of a page's own scripts, then opens `url` and
    /// waits until it has loaded.
    fn open_with(&self, url: &str, script: Option<&str>) -> Arc<Tab> {
        let tab = self.browser.new_tab().unwrap();
        tab.set_default_timeout(Duration::from_secs(30));
        if let Some(source) = script {
            tab.call_method(AddScriptToEvaluateOnNewDocument {
                source: source.to_string(),
                world_name: None,
                include_command_line_api: None,
                run_immediately: None,
            })
            .unwrap();
        }
        tab.navigate_to(url)
            .and_then(|tab| tab.wait_until_navigated())
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
        tab
    }

    /// A new tab showing `url`, loaded.
    fn open(&self, url: &str) -> Arc<Tab> {
        self.open_with(url, None)
    }
}

/// The value of a JavaScript expression (awaited if it is a promise): a string, number or
/// boolean, as JSON.
fn eval(tab: &Tab, expression: &str) -> serde_json::Value {
    tab.evaluate(expression, true)
        .unwrap_or_else(|e| panic!("evaluating {expression}: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// Waits until `expression` is true in the page.
fn wait_for(tab: &Tab, expression: &str, seconds: u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while eval(tab, expression) != serde_json::Value::Bool(true) {
        assert!(
            Instant::now() < deadline,
            "still not true after {seconds} s: {expression}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn clipboard(tab: &Tab) -> String {
    eval(tab, "navigator.clipboard.readText()")
        .as_str()
        .expect("the clipboard holds text")
        .to_string()
}

#[test]
fn the_copy_button_copies_the_whole_program_hidden_lines_included() {
    let Some(chromium) = Chromium::start() else {
        return;
    };
    let site = fixture("code-blocks");
    let server = Server::start(site.path());
    chromium.grant_clipboard(&server.url);
    let tab = chromium.open(&format!("{}{FOLDS_PAGE}", server.url));

    let button = tab.wait_for_element("#code-1 .code-copy").unwrap();
    assert_eq!(
        eval(&tab, "document.querySelector('#code-1 .code-copy').hidden"),
        false
    );
    let title = button.get_attribute_value("title").unwrap().unwrap();
    assert!(title.contains("the 2 lines hidden on this page"), "{title}");

    // The fold is closed, and the copy still holds the folded lines, the hidden ones and the
    // markers, exactly as the compiler sees them.
    button.click().unwrap();
    wait_for(
        &tab,
        "document.querySelector('#code-1 .code-copy').textContent == 'Copied'",
        10,
    );
    assert_eq!(
        clipboard(&tab),
        r#"use std::fmt::Write as _;
fn main() {
    let losses = [0.9, 0.5, 0.3];
    println!("last loss: {}", losses[losses.len() - 1]);
    // fold: drawing the figure
    let mut svg = String::new();
    let width = 300;
    let height = 200;
    /* a comment over
       two lines */
    write!(svg, "<svg width=\"{width}\" height=\"{height}\">").unwrap();
    for (i, loss) in losses.iter().enumerate() {
        write!(svg, "<circle cx=\"{}\" cy=\"{}\" r=\"3\"/>", i * 100, loss * 100.0).unwrap();
    }
    svg.push_str("</svg>");
    std::fs::write("loss.svg", svg).unwrap();
    // end fold
    println!("done");
}
"#
    );
    assert_eq!(
        eval(&tab, "document.querySelector('[role=status]').textContent"),
        "Copied the code to the clipboard."
    );

    // A block without `fn main` is copied in the one it runs in.
    tab.find_element("#code-2 .code-copy")
        .unwrap()
        .click()
        .unwrap();
    wait_for(
        &tab,
        "document.querySelector('#code-2 .code-copy').textContent == 'Copied'",
        10,
    );
    assert_eq!(
        clipboard(&tab),
        "fn main() {\nlet steps = 3;\nfor step in 0..steps {\n    println!(\"step {step}\");\n}\n}\n"
    );

    // The keyboard works too: Tab reaches the button, Enter copies.
    tab.find_element("#code-3 .code-copy")
        .unwrap()
        .focus()
        .unwrap();
    tab.press_key("Enter").unwrap();
    wait_for(
        &tab,
        "document.querySelector('#code-3 .code-copy').textContent == 'Copied'",
        10,
    );
    assert_eq!(clipboard(&tab), "[dependencies]\nburn = \"0.22\"\n");
}

#[test]
fn a_folded_region_opens_on_a_click() {
    let Some(chromium) = Chromium::start() else {
        return;
    };
    let site = fixture("code-blocks");
    let server = Server::start(site.path());
    let tab = chromium.open(&format!("{}{FOLDS_PAGE}", server.url));

    let fold = "document.querySelector('#code-1 details.fold')";
    let code = "document.querySelector('#code-1 pre').innerText";
    let summary = tab
        .wait_for_element("#code-1 details.fold > summary")
        .unwrap();
    let marker =
        "getComputedStyle(document.querySelector('#code-1 .fold-label'), '::before').content";
    assert_eq!(
        summary.get_inner_text().unwrap().trim(),
        "drawing the figure (10 lines)"
    );
    assert_eq!(eval(&tab, marker), "\"▸ \"");
    assert_eq!(eval(&tab, &format!("{fold}.open")), false);
    let closed = eval(&tab, code);
    let closed = closed.as_str().unwrap();
    assert!(closed.contains("println!(\"done\");"), "{closed}");
    assert!(
        !closed.contains("let width"),
        "the folded lines are not shown:\n{closed}"
    );
    // The closed fold takes one line: the next line follows the summary, no gap between.
    let gap = eval(
        &tab,
        &format!(
            "{fold}.nextElementSibling.getBoundingClientRect().top - {fold}.querySelector('summary').getBoundingClientRect().bottom"
        ),
    );
    assert!(
        gap.as_f64().unwrap().abs() < 6.0,
        "gap under the summary: {gap}"
    );

    summary.click().unwrap();
    wait_for(&tab, &format!("{fold}.open"), 10);
    let open = eval(&tab, code);
    let open = open.as_str().unwrap();
    assert!(open.contains("    let width = 300;"), "{open}");
    assert_eq!(eval(&tab, marker), "\"▾ \"");
    assert!(
        !open.contains("// fold:") && !open.contains("// end fold"),
        "the markers stay off the page:\n{open}"
    );
    // The opened lines sit where they are in the program, between the lines around them.
    let before = open.find("losses[losses.len() - 1]").unwrap();
    let inside = open.find("let width").unwrap();
    let after = open.find("println!(\"done\")").unwrap();
    assert!(before < inside && inside < after, "{open}");
}

#[test]
fn serve_reloads_the_page_after_an_edit() {
    let Some(chromium) = Chromium::start() else {
        return;
    };
    let site = fixture("code-blocks");
    let server = Server::start(site.path());
    // Notes when the page's live-reload connection has its first message, so that the edit
    // comes after the page is listening.
    let listening = "window.kilnTestListening = false; \
        const KilnEventSource = window.EventSource; \
        window.EventSource = class extends KilnEventSource { \
            constructor(url) { super(url); \
                this.addEventListener('hello', () => { window.kilnTestListening = true; }); } };";
    let tab = chromium.open_with(&format!("{}{FOLDS_PAGE}", server.url), Some(listening));
    wait_for(&tab, "window.kilnTestListening === true", 30);
    eval(&tab, "window.kilnTestBeforeReload = true");

    edit(
        &site.path().join("content/m/01-folds.md"),
        "A program whose drawing code",
        "An edited program whose drawing code",
    );
    wait_for(
        &tab,
        "window.kilnTestBeforeReload === undefined && document.body.innerText.includes('An edited program')",
        60,
    );
}

#[test]
fn search_finds_a_lesson_by_a_name_in_its_code() {
    let Some(chromium) = Chromium::start() else {
        return;
    };
    let site = fixture("code-blocks");
    let server = Server::start(site.path());
    let tab = chromium.open(&server.url);
    tab.wait_for_element("#search-input").unwrap();

    // "/" reaches the box from anywhere on the page; the query is a Rust name with an
    // underscore, found only in a code block of the folds page.
    tab.press_key("/").unwrap();
    wait_for(&tab, "document.activeElement.id === 'search-input'", 10);
    tab.type_str("push_str").unwrap();
    wait_for(
        &tab,
        "document.querySelectorAll('.search-result').length > 0",
        30,
    );
    let href = eval(&tab, "document.querySelector('.search-result').href");
    let href = href.as_str().unwrap();
    assert_eq!(href, format!("{}{FOLDS_PAGE}", server.url), "{href}");
    let excerpt = eval(
        &tab,
        "document.querySelector('.search-result .search-excerpt').innerHTML",
    );
    // The match is marked, within the code's own token (`svg.push_str(...)`).
    let excerpt = excerpt.as_str().unwrap();
    let marked = excerpt.split("<mark>").nth(1).unwrap_or_default();
    assert!(
        marked.split("</mark>").next().unwrap().contains("push_str"),
        "{excerpt}"
    );
    assert_eq!(
        eval(&tab, "document.getElementById('search-results').hidden"),
        false
    );

    // A word on no page says so; Escape clears the box and hides the results.
    eval(
        &tab,
        "(() => { const box = document.getElementById('search-input'); box.value = 'zyxwvut'; box.dispatchEvent(new Event('input')); return true; })()",
    );
    wait_for(
        &tab,
        "(document.querySelector('.search-note') || {}).textContent === 'No lesson matches “zyxwvut”.'",
        30,
    );
    tab.press_key("Escape").unwrap();
    wait_for(
        &tab,
        "document.getElementById('search-results').hidden && document.getElementById('search-input').value === ''",
        10,
    );
}

#[test]
fn choosing_another_run_of_a_sweep_shows_its_output_and_figure() {
    let Some(chromium) = Chromium::start() else {
        return;
    };
    let site = fixture("exec-sweep");
    let server = Server::start(site.path());
    let tab = chromium.open(&format!("{}m/sweep/", server.url));
    tab.wait_for_element(".sweep").unwrap();
    // Only the chosen run is on screen: its printed line and its figure.
    let shown = "(() => { const runs = [...document.querySelectorAll('.sweep-run')].filter((run) => run.offsetParent !== null); return runs.length === 1 ? runs[0].dataset.value + '|' + runs[0].innerText.trim() + '|' + (runs[0].querySelector('figure') ? runs[0].querySelector('figure').innerHTML : '') : 'runs shown: ' + runs.length; })()";
    let first = eval(&tab, shown);
    let first = first.as_str().unwrap();
    assert!(
        first.starts_with("10|") && first.contains("10 steps add up to 55"),
        "{first}"
    );
    assert!(first.contains("<title>10</title>"), "{first}");

    tab.find_element("label[for=\"sweep-0-2\"]")
        .unwrap()
        .click()
        .unwrap();
    wait_for(&tab, "document.getElementById('sweep-0-2').checked", 10);
    let other = eval(&tab, shown);
    let other = other.as_str().unwrap();
    assert!(
        other.starts_with("100|") && other.contains("100 steps add up to 5050"),
        "{other}"
    );
    assert!(other.contains("<title>100</title>"), "{other}");
    // The code on the page is the block as written, whichever run is shown.
    let code = eval(&tab, "document.querySelector('.code-block pre').innerText");
    assert!(
        code.as_str().unwrap().contains("const STEPS: u32 = 10;"),
        "{code}"
    );
}
