//! Helpers shared by the integration tests: fixture sites copied to temporary folders, build
//! options that share one cargo target folder, and running the `kiln` binary.

#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use kiln::site::{self, Mode, Options, Report, Session};

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The cargo target folder the fixture sites share. Their programs use only `std`, so they
/// have a folder of their own: cargo builds one program at a time per folder, and these should
/// not wait behind the course's Burn programs.
pub(crate) fn shared_target() -> PathBuf {
    repo().join("target").join("kiln").join("cargo-fixtures")
}

/// A copy of `tests/fixtures/<name>` in a fresh temporary folder.
pub(crate) fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    dir
}

/// Copies a folder tree.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Options for building the site at `root`, with its caches inside it.
pub(crate) fn options(root: &Path, mode: Mode) -> Options {
    let mut options = Options::new(root, mode);
    options.cache_dir = Some(root.join(".cache"));
    options.cargo_target_dir = Some(shared_target());
    options
}

/// Builds in memory, panicking with the diagnostics on failure.
pub(crate) fn build_ok(root: &Path) -> Report {
    match site::build(&options(root, Mode::Build), &mut Session::new()) {
        Ok(report) => report,
        Err(failure) => panic!("the build failed:\n{failure}"),
    }
}

/// Builds in memory and returns the failure's text, panicking if the build succeeds.
pub(crate) fn build_err(root: &Path) -> String {
    match site::build(&options(root, Mode::Check), &mut Session::new()) {
        Ok(_) => panic!("the build of {} succeeded but should fail", root.display()),
        Err(failure) => failure.to_string(),
    }
}

/// A page of a report as text.
pub(crate) fn page(report: &Report, path: &str) -> String {
    let bytes = report.files.get(path).unwrap_or_else(|| {
        panic!(
            "no {path} in {:?}",
            report.files.paths().collect::<Vec<_>>()
        )
    });
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The `kiln` binary, to run in `root` with its caches inside it and the shared target folder.
pub(crate) fn kiln_command(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kiln"));
    command
        .args(args)
        .current_dir(root)
        .env("KILN_CACHE_DIR", root.join(".cache"))
        .env("KILN_CARGO_TARGET_DIR", shared_target());
    command
}

/// Runs the `kiln` binary with `args` in `root`; returns success, stdout and stderr.
pub(crate) fn kiln(root: &Path, args: &[&str]) -> (bool, String, String) {
    let output = kiln_command(root, args).output().expect("running kiln");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Whether a process whose command line contains `needle` is running (zombies, which have
/// no command line, do not count).
pub(crate) fn process_running(needle: &str) -> bool {
    fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        fs::read(entry.path().join("cmdline")).is_ok_and(|c| {
            String::from_utf8_lossy(&c)
                .replace('\0', " ")
                .contains(needle)
        })
    })
}

/// Every file under `dir` with its bytes, by relative path.
pub(crate) fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in walkdir(dir) {
        let rel = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        files.push((rel, fs::read(&entry).unwrap()));
    }
    files.sort();
    files
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A running `kiln serve` of the site at `root` on a free port, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    /// The site's address, ending in `/`.
    pub(crate) url: String,
}

impl Server {
    pub(crate) fn start(root: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiln"))
            .args(["serve", "--port", "0"])
            .current_dir(root)
            .env("KILN_CACHE_DIR", root.join(".cache"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting kiln serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("serving ")
            .expect("the first line names the URL")
            .to_string();
        Self { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Replaces `from` with `to` in the file at `path`, which must hold it.
pub(crate) fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} is in {}", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}
