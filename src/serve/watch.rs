//! Watching the site's sources (`content/`, `templates/`, `static/`, `config.toml`) and
//! turning bursts of file events into single rebuild requests, ignoring editors' temporary files.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

/// How long the files must stay quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(25);
/// The longest a burst of events can delay a rebuild.
const MOST: Duration = Duration::from_millis(400);

/// A running watcher; dropping it stops watching.
pub(super) struct Watch {
    _watcher: notify::RecommendedWatcher,
    events: Receiver<PathBuf>,
}

impl Watch {
    /// Starts watching the sources of the site at `root`.
    pub(super) fn start(root: &Path) -> notify::Result<Self> {
        let (tx, events) = mpsc::channel();
        let mut watcher =
            notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
                if let Ok(event) = result {
                    if matches!(event.kind, notify::EventKind::Access(_)) {
                        return;
                    }
                    for path in event.paths {
                        let _ = tx.send(path);
                    }
                }
            })?;
        for dir in ["content", "templates", "static"] {
            let path = root.join(dir);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        Ok(Self {
            _watcher: watcher,
            events,
        })
    }

    /// Blocks until relevant files changed and then stayed quiet; returns them.
    pub(super) fn next_change(&self, root: &Path) -> Option<Vec<PathBuf>> {
        loop {
            let first = self.events.recv().ok()?;
            let mut changed = vec![first];
            let started = Instant::now();
            loop {
                match self.events.recv_timeout(QUIET) {
                    Ok(path) => changed.push(path),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
                if started.elapsed() > MOST {
                    break;
                }
            }
            changed.retain(|p| relevant(root, p));
            changed.sort();
            changed.dedup();
            if !changed.is_empty() {
                return Some(changed);
            }
        }
    }
}

/// Whether a changed path can affect the site.
pub(super) fn relevant(root: &Path, path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913";
    if temporary {
        return false;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    matches!(first.as_str(), "content" | "templates" | "static") || rel == Path::new("config.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count_and_temporary_files_do_not() {
        let root = Path::new("/site");
        assert!(relevant(root, Path::new("/site/content/m/01-a.md")));
        assert!(relevant(root, Path::new("/site/config.toml")));
        assert!(relevant(root, Path::new("/site/templates/post.html")));
        assert!(!relevant(root, Path::new("/site/public/index.html")));
        assert!(!relevant(root, Path::new("/site/target/kiln/math.cache")));
        assert!(!relevant(root, Path::new("/site/content/m/.01-a.md.swp")));
        assert!(!relevant(root, Path::new("/site/content/m/01-a.md~")));
        assert!(!relevant(root, Path::new("/site/content/m/4913")));
        assert!(!relevant(root, Path::new("/site/README.md")));
    }
}
