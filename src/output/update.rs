//! Updating a site kiln wrote before, in place: new and changed files are first written under
//! temporary names beside their final ones (a failure here removes them and leaves the site as
//! it was), then all renamed into place at once with the new manifest, and only then are the
//! files the previous build wrote and this one does not removed. Files kiln never wrote are
//! never touched.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::manifest::Manifest;
use super::{MARKER, SiteFiles, WriteError, Written, check_interrupted, io_error};

/// Brings `output`, last written with the manifest `old`, to `files`.
pub(super) fn update(
    files: &SiteFiles,
    manifest: &Manifest,
    old: &Manifest,
    output: &Path,
) -> Result<Written, WriteError> {
    let mut written = Written::default();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut created: Vec<PathBuf> = Vec::new();
    let temporary = |target: &Path| {
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        target.with_file_name(format!(".{name}.kiln-new-{}", std::process::id()))
    };
    let result = (|| {
        for (path, bytes) in files.iter() {
            let target = output.join(path);
            if old.files.get(path) == manifest.files.get(path)
                && fs::metadata(&target).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            {
                written.unchanged += 1;
                continue;
            }
            check_interrupted(&target)?;
            if let Some(dir) = target.parent() {
                create_dirs(dir, output, &mut created).map_err(io_error(dir))?;
            }
            let staging = temporary(&target);
            fs::write(&staging, bytes).map_err(io_error(&staging))?;
            staged.push((staging, target));
        }
        let marker = output.join(MARKER);
        let staging = temporary(&marker);
        fs::write(&staging, manifest.text()).map_err(io_error(&staging))?;
        staged.push((staging, marker));
        Ok(())
    })();
    if let Err(e) = result {
        for (staging, _) in &staged {
            let _ = fs::remove_file(staging);
        }
        for dir in created.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        return Err(e);
    }

    // Every byte is on disk: now the renames, which an interrupted kiln waits for.
    for (staging, target) in &staged {
        fs::rename(staging, target).map_err(io_error(target))?;
    }
    written.written = staged.len() - 1;
    let mut emptied = BTreeSet::new();
    for path in old.files.keys() {
        if manifest.files.contains_key(path) {
            continue;
        }
        let target = output.join(path);
        if fs::remove_file(&target).is_ok() {
            written.removed += 1;
        }
        let mut dir = target.parent();
        while let Some(d) = dir.filter(|d| *d != output) {
            emptied.insert(d.to_path_buf());
            dir = d.parent();
        }
    }
    // Deepest first, so a folder emptied by its emptied subfolders goes too; folders that still
    // hold something (a user's file) stay.
    for dir in emptied.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
    Ok(written)
}

/// Creates `dir` and its missing parents below `root`, recording the ones it created.
fn create_dirs(dir: &Path, root: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if dir == root || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, root, created)?;
    }
    fs::create_dir(dir)?;
    created.push(dir.to_path_buf());
    Ok(())
}
