//! What `serve` serves: the last good build in memory, swapped whole after each successful
//! rebuild, the current build error if any, and the events that tell browsers to reload.

use std::collections::BTreeSet;
use std::sync::RwLock;

use tokio::sync::broadcast;

use crate::output::SiteFiles;

/// A message to the browsers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// These page paths (`/module-2/x/`, or `*` for everything) changed in build `version`.
    Reload {
        /// Build number.
        version: u64,
        /// Changed page paths.
        changed: Vec<String>,
    },
    /// The latest rebuild failed with this message.
    Failed(String),
}

/// The served site.
pub struct State {
    site: RwLock<Served>,
    events: broadcast::Sender<Event>,
}

struct Served {
    files: SiteFiles,
    version: u64,
    error: Option<String>,
}

impl State {
    /// State serving `files` as build 1.
    pub fn new(files: SiteFiles) -> Self {
        let (events, _) = broadcast::channel(64);
        Self {
            site: RwLock::new(Served {
                files,
                version: 1,
                error: None,
            }),
            events,
        }
    }

    /// A served file's bytes.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        let site = self.site.read().expect("the lock is never poisoned");
        site.files.get(path).map(<[u8]>::to_vec)
    }

    /// Whether a file exists.
    pub fn has(&self, path: &str) -> bool {
        let site = self.site.read().expect("the lock is never poisoned");
        site.files.get(path).is_some()
    }

    /// The build number and the current error.
    pub fn status(&self) -> (u64, Option<String>) {
        let site = self.site.read().expect("the lock is never poisoned");
        (site.version, site.error.clone())
    }

    /// Subscribes to reload and error events.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Swaps in a new build and tells browsers which pages changed. Returns those pages.
    pub fn publish(&self, files: SiteFiles) -> Vec<String> {
        let mut site = self.site.write().expect("the lock is never poisoned");
        let changed = changed_pages(&site.files, &files);
        let had_error = site.error.take().is_some();
        site.files = files;
        if !changed.is_empty() || had_error {
            site.version += 1;
            let _ = self.events.send(Event::Reload {
                version: site.version,
                changed: changed.clone(),
            });
        }
        changed
    }

    /// Records a failed rebuild; the last good build stays served.
    pub fn fail(&self, message: String) {
        let mut site = self.site.write().expect("the lock is never poisoned");
        site.error = Some(message.clone());
        let _ = self.events.send(Event::Failed(message));
    }
}

/// The pages whose files differ between two builds, as URL paths; `*` when a shared file
/// (stylesheet, font, feed) changed, since every page may show it.
fn changed_pages(old: &SiteFiles, new: &SiteFiles) -> Vec<String> {
    let mut changed = BTreeSet::new();
    let paths: BTreeSet<&str> = old.paths().chain(new.paths()).collect();
    for path in paths {
        if old.get(path) == new.get(path) {
            continue;
        }
        match path.strip_suffix("index.html") {
            Some(dir) => {
                changed.insert(format!("/{dir}"));
            }
            // Figures are named by content hash, so their page changes with them.
            None if path.ends_with(".svg") || path.ends_with(".png") => {}
            // A lesson's download (`m/p/p.zip`) belongs to the page beside it.
            None if path.ends_with(".zip") => {
                let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
                changed.insert(format!("/{dir}/"));
            }
            None => {
                changed.insert("*".to_string());
            }
        }
    }
    changed.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> SiteFiles {
        let mut files = SiteFiles::default();
        for (p, t) in pairs {
            files.insert(*p, t.as_bytes());
        }
        files
    }

    #[test]
    fn changes_are_reported_by_page() {
        let old = files(&[
            ("index.html", "a"),
            ("m/p/index.html", "b"),
            ("style.css", "c"),
        ]);
        let new = files(&[
            ("index.html", "a"),
            ("m/p/index.html", "B"),
            ("m/p/fig-1.svg", "x"),
            ("style.css", "c"),
        ]);
        assert_eq!(changed_pages(&old, &new), ["/m/p/"]);
        let css = files(&[
            ("index.html", "a"),
            ("m/p/index.html", "b"),
            ("style.css", "C"),
        ]);
        assert_eq!(changed_pages(&old, &css), ["*"]);
        let download = files(&[
            ("index.html", "a"),
            ("m/p/index.html", "b"),
            ("m/p/p.zip", "z"),
            ("style.css", "c"),
        ]);
        assert_eq!(changed_pages(&old, &download), ["/m/p/"]);
    }

    #[test]
    fn a_failure_keeps_the_last_good_build_and_a_fix_clears_it() {
        let state = State::new(files(&[("index.html", "one")]));
        let mut events = state.subscribe();
        state.fail("content/a.md:3:1: error: bad".into());
        assert_eq!(state.file("index.html").unwrap(), b"one");
        assert_eq!(
            state.status().1.as_deref(),
            Some("content/a.md:3:1: error: bad")
        );
        assert!(matches!(events.try_recv().unwrap(), Event::Failed(_)));
        state.publish(files(&[("index.html", "one")]));
        assert_eq!(
            state.status(),
            (2, None),
            "fixing the error reloads even if nothing changed"
        );
        assert!(matches!(
            events.try_recv().unwrap(),
            Event::Reload { version: 2, .. }
        ));
    }
}
