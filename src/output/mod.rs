//! Output: the site's files, collected in memory, then written. A new site goes to a temporary
//! folder beside the target and is renamed into place; a site kiln wrote before is updated in
//! place, writing only what changed (a manifest in the marker file says what the last build
//! wrote). A failed or interrupted build never touches the previous site, a folder that is not
//! ours (no marker file) is never replaced, files a user keeps there (`.git`, `CNAME`) survive,
//! and two kiln processes writing beside each other take turns (an advisory lock on the parent
//! folder), so neither removes the other's staging folder.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

mod manifest;
mod swap;
mod update;

use manifest::Manifest;

/// Held while the output is being written, so that an interrupted kiln waits for the writer
/// to stop cleanly before it exits (see [`hold_swaps`]).
static SWAPPING: Mutex<()> = Mutex::new(());

/// Set when kiln is interrupted: a writer still writing new files removes them and stops, so
/// the previous output stays as it was; one already renaming them into place finishes.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Stops any write in progress at the next file (leaving the previous output as it was, or
/// finishing the renames that publish the new one) and keeps any other from starting: for a
/// kiln that is about to exit on a signal.
pub fn hold_swaps() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    std::mem::forget(SWAPPING.lock().unwrap_or_else(|p| p.into_inner()));
}

/// An error for a write stopped by an interruption.
fn check_interrupted(path: &Path) -> Result<(), WriteError> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        return Err(WriteError::Io {
            path: path.to_path_buf(),
            source: io::Error::from(io::ErrorKind::Interrupted),
        });
    }
    Ok(())
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

/// What a write did, for the build's summary and its tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files left as they were because the previous build wrote the same bytes.
    pub unchanged: usize,
    /// Files of the previous build that this one no longer has, removed.
    pub removed: usize,
}

/// Writes `files` to `output`. A new output is written into a temporary sibling folder and
/// renamed into place. An output kiln wrote before is updated: only new and changed files are
/// written (each under a temporary name first, all renamed into place only once every one is
/// written), files the previous build wrote and this one does not are removed, and files kiln
/// never wrote (`.git`, `CNAME`, ...) are left alone.
pub fn write(files: &SiteFiles, output: &Path, site_root: &Path) -> Result<Written, WriteError> {
    let previous = check_target(output, site_root)?;
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
    let manifest = Manifest::of(files);
    let _writing = SWAPPING.lock().unwrap_or_else(|p| p.into_inner());
    check_interrupted(output)?;
    match previous {
        Previous::Ours(old) => update::update(files, &manifest, &old, output),
        Previous::Nothing => swap::write_new(files, &manifest, output, parent, &name),
    }
}

/// What the output folder holds before a build.
enum Previous {
    /// Nothing: the site is written whole.
    Nothing,
    /// A site kiln wrote, with the manifest of its files (empty for a folder that holds only
    /// files a user keeps, such as a git worktree's `.git`).
    Ours(Manifest),
}

/// Files a user may keep in the output folder, which kiln never writes or removes: dotfiles
/// (`.git`, `.nojekyll`) and GitHub Pages' `CNAME`.
fn kept_by_user(name: &str) -> bool {
    (name.starts_with('.') && name != MARKER) || name == "CNAME"
}

/// Refuses targets that are not ours or that hold the sources; says what is there.
fn check_target(output: &Path, site_root: &Path) -> Result<Previous, WriteError> {
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
    if !output.exists() {
        return Ok(Previous::Nothing);
    }
    let marker = output.join(MARKER);
    if marker.is_file() {
        return Ok(match Manifest::read(&marker) {
            Some(manifest) => Previous::Ours(manifest),
            // Written by a kiln that replaced its output whole: do so once more.
            None => Previous::Nothing,
        });
    }
    let mut entries = fs::read_dir(output).map_err(io_error(output))?.peekable();
    if entries.peek().is_none() {
        return Ok(Previous::Nothing);
    }
    let only_kept =
        entries.all(|entry| entry.is_ok_and(|e| kept_by_user(&e.file_name().to_string_lossy())));
    if !only_kept {
        return Err(WriteError::NotOurs(output.to_path_buf()));
    }
    Ok(Previous::Ours(Manifest::default()))
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
    fn an_update_writes_only_what_changed_and_keeps_the_users_files() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let out = dir.path().join("public");
        // A git worktree for GitHub Pages: kiln may take it over.
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
        fs::write(out.join("CNAME"), "course.example.org\n").unwrap();
        let first = files(&[("index.html", "one"), ("a/b.html", "b"), ("c/d.html", "d")]);
        let stats = write(&first, &out, &site).unwrap();
        assert_eq!(stats.written, 3);
        let inode =
            |p: &str| std::os::unix::fs::MetadataExt::ino(&fs::metadata(out.join(p)).unwrap());
        let b_before = inode("a/b.html");

        let second = files(&[("index.html", "two"), ("a/b.html", "b")]);
        let stats = write(&second, &out, &site).unwrap();
        assert_eq!(
            stats,
            Written {
                written: 1,
                unchanged: 1,
                removed: 1
            }
        );
        assert_eq!(
            inode("a/b.html"),
            b_before,
            "an unchanged file is not rewritten"
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("c").exists(), "the emptied folder is gone");
        assert_eq!(
            fs::read_to_string(out.join("CNAME")).unwrap(),
            "course.example.org\n"
        );
        assert!(out.join(".git/HEAD").is_file());
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("kiln-new"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn a_failed_update_leaves_the_previous_site_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let out = dir.path().join("public");
        write(&files(&[("index.html", "one")]), &out, &site).unwrap();
        fs::write(out.join("CNAME"), "kept").unwrap();
        // The new site needs a folder where the user keeps a file: it cannot be written.
        let error = write(
            &files(&[("index.html", "two"), ("CNAME/index.html", "x")]),
            &out,
            &site,
        )
        .unwrap_err();
        assert!(matches!(error, WriteError::Io { .. }), "{error}");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, [".kiln-output", "CNAME", "index.html"]);
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
