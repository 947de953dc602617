//! Writing a whole site where there is none yet (or only one an older kiln replaced whole):
//! into a temporary sibling folder, then renamed into place, so the folder appears complete or
//! not at all.

use std::fs;
use std::io;
use std::path::Path;

use super::manifest::Manifest;
use super::{MARKER, SiteFiles, WriteError, Written, check_interrupted, io_error};

/// Writes the site into a staging folder beside `output`, then puts it in `output`'s place.
pub(super) fn write_new(
    files: &SiteFiles,
    manifest: &Manifest,
    output: &Path,
    parent: &Path,
    name: &str,
) -> Result<Written, WriteError> {
    let staging = parent.join(format!(".{name}.kiln-new-{}", std::process::id()));
    let result = (|| {
        fs::create_dir_all(&staging).map_err(io_error(&staging))?;
        for (path, bytes) in files.iter() {
            let target = staging.join(path);
            check_interrupted(&target)?;
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(io_error(dir))?;
            }
            fs::write(&target, bytes).map_err(io_error(&target))?;
        }
        let marker = staging.join(MARKER);
        fs::write(&marker, manifest.text()).map_err(io_error(&marker))?;
        swap(&staging, output, parent, name)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map(|()| Written {
        written: files.len(),
        ..Written::default()
    })
}

/// Replaces `output` by `staging`, keeping the old one until the new one is in place.
fn swap(staging: &Path, output: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
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
