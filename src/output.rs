//! Output: the site's files, collected in memory, then written to a temporary folder beside the
//! target and swapped in whole (atomically where the filesystem can exchange two names). A
//! failed or interrupted build never touches the previous site, a folder that is not ours (no
//! marker file) is never replaced, and two kiln processes writing beside each other take turns
//! (an advisory lock on the parent folder), so neither removes the other's staging folder.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Held while the published folder is being swapped, so that an interrupted kiln waits for the
/// swap to finish before it exits (see [`hold_swaps`]).
static SWAPPING: Mutex<()> = Mutex::new(());

/// Waits for a swap in progress and keeps any other from starting: for a kiln that is about to
/// exit on a signal.
pub fn hold_swaps() {
    std::mem::forget(SWAPPING.lock().unwrap_or_else(|p| p.into_inner()));
}

/// The file in every output folder that says this tool wrote it.
pub const MARKER: &str = ".kiln-output";

/// Every file of a built site, by `/`-separated path relative to the output root.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteFiles {
    files: BTreeMap<String, Vec<u8>>,
}

impl SiteFiles {
    /// Adds or replaces a file. Paths must be relative and stay inside the root.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        let path = path.into();
        assert!(
            is_contained(&path),
            "output path escapes the site root: {path:?}"
        );
        self.files.insert(path, bytes.into());
    }

    /// The bytes of a file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// All paths, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Iterates over paths and contents.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }
}

/// A relative path with no `..`, no root and no empty segment.
fn is_contained(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Why the output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists, is not empty, and was not written by this tool.
    #[error(
        "refusing to replace {0}: it is not empty and was not written by kiln (no {MARKER} file); choose another --output or empty it"
    )]
    NotOurs(PathBuf),
    /// The target is the site root or holds its sources.
    #[error("refusing to write the site into {0}: it holds the site's own sources")]
    Sources(PathBuf),
    /// A filesystem error.
    #[error("cannot write {path}: {source}")]
    Io {
        /// What was being written.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` to `output` atomically: into a temporary sibling folder first, then swapped
/// in place of the previous output.
pub fn write(files: &SiteFiles, output: &Path, site_root: &Path) -> Result<(), WriteError> {
    check_target(output, site_root)?;
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    // While we hold the lock, no other kiln writes beside us: every staging folder left here
    // is an interrupted build's.
    let _lock = crate::lock::exclusive(parent, "the output folder").map_err(io_error(parent))?;
    remove_stale(parent, &name);

    let staging = parent.join(format!(".{name}.kiln-new-{}", std::process::id()));
    let result = (|| {
        fs::create_dir_all(&staging).map_err(io_error(&staging))?;
        for (path, bytes) in files.iter() {
            let target = staging.join(path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(io_error(dir))?;
            }
            fs::write(&target, bytes).map_err(io_error(&target))?;
        }
        let marker = staging.join(MARKER);
        fs::write(
            &marker,
            b"This folder is written by kiln and replaced whole by each build.\n",
        )
        .map_err(io_error(&marker))?;
        swap(&staging, output, parent, &name)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Refuses targets that are not ours or that hold the sources.
fn check_target(output: &Path, site_root: &Path) -> Result<(), WriteError> {
    let absolute = |p: &Path| {
        p.canonicalize()
            .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    };
    let out = absolute(output);
    let root = absolute(site_root);
    let holds_sources = root.starts_with(&out)
        || out.starts_with(root.join("content"))
        || out.starts_with(root.join("templates"))
        || out.starts_with(root.join("static"));
    if holds_sources {
        return Err(WriteError::Sources(output.to_path_buf()));
    }
    if output.exists() {
        let empty = fs::read_dir(output)
            .map_err(io_error(output))?
            .next()
            .is_none();
        if !empty && !output.join(MARKER).is_file() {
            return Err(WriteError::NotOurs(output.to_path_buf()));
        }
    }
    Ok(())
}

/// Replaces `output` by `staging`, keeping the old one until the new one is in place.
fn swap(staging: &Path, output: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    let _swapping = SWAPPING.lock().unwrap_or_else(|p| p.into_inner());
    if fs::symlink_metadata(output).is_err() {
        return fs::rename(staging, output).map_err(io_error(output));
    }
    if exchange(staging, output).is_ok() {
        // The previous site now sits at the staging name.
        let _ = fs::remove_dir_all(staging);
        return Ok(());
    }
    let old = parent.join(format!(".{name}.kiln-old-{}", std::process::id()));
    fs::rename(output, &old).map_err(io_error(output))?;
    if let Err(source) = fs::rename(staging, output) {
        // Put the previous site back before reporting.
        let _ = fs::rename(&old, output);
        return Err(WriteError::Io {
            path: output.to_path_buf(),
            source,
        });
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Swaps two names in one step, where the system can (Linux `renameat2`, macOS
/// `renamex_np`): there is no moment without a published site.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos")))]
    {
        let _ = (a, b);
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// Removes leftovers of interrupted builds (`.public.kiln-new-*`, `.public.kiln-old-*`).
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.kiln-new-"), format!(".{name}.kiln-old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> SiteFiles {
        let mut files = SiteFiles::default();
        for (path, text) in pairs {
            files.insert(*path, text.as_bytes());
        }
        files
    }

    #[test]
    fn writes_then_replaces_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write(
            &files(&[("index.html", "one"), ("a/b.html", "b")]),
            &out,
            dir.path().join("site").as_path(),
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("a/b.html")).unwrap(), "b");
        write(
            &files(&[("index.html", "two")]),
            &out,
            dir.path().join("site").as_path(),
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(
            !out.join("a/b.html").exists(),
            "files of the previous build are gone"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
    }

    #[test]
    fn refuses_folders_that_are_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("precious");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("thesis.tex"), "years of work").unwrap();
        let error = write(
            &files(&[("index.html", "x")]),
            &out,
            &dir.path().join("site"),
        )
        .unwrap_err();
        assert!(matches!(error, WriteError::NotOurs(_)), "{error}");
        assert_eq!(
            fs::read_to_string(out.join("thesis.tex")).unwrap(),
            "years of work"
        );
    }

    #[test]
    fn refuses_the_site_root_and_its_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        for target in [root.clone(), root.join("content"), dir.path().to_path_buf()] {
            let error = write(&files(&[("index.html", "x")]), &target, &root).unwrap_err();
            assert!(
                matches!(error, WriteError::Sources(_)),
                "{target:?}: {error}"
            );
        }
    }

    #[test]
    fn stale_staging_folders_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".public.kiln-new-99999");
        fs::create_dir_all(&stale).unwrap();
        write(
            &files(&[("index.html", "x")]),
            &dir.path().join("public"),
            &dir.path().join("site"),
        )
        .unwrap();
        assert!(!stale.exists());
    }

    #[test]
    #[should_panic(expected = "escapes the site root")]
    fn paths_cannot_escape() {
        files(&[("../evil", "x")]);
    }
}
