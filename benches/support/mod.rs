//! Helpers shared by the benchmarks: copies of the course to work on.

use std::fs;
use std::path::{Path, PathBuf};

/// A copy of the course at `to`: its content, configuration and lock file.
pub(crate) fn copy_course(repo: &Path, to: &Path) -> PathBuf {
    fs::create_dir_all(to).unwrap();
    for file in ["config.toml", "lessons.lock"] {
        fs::copy(repo.join(file), to.join(file)).unwrap();
    }
    copy_dir(&repo.join("content"), &to.join("content"));
    to.to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}
