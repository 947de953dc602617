//! Advisory locks between kiln processes: an exclusive lock on a folder (the cache folder while
//! a build uses its generated project and caches, the output's parent while a site is written),
//! held until the returned guard is dropped. A process that must wait says so once.

use std::fs::File;
use std::io;
use std::path::Path;

/// An exclusive lock on a folder, released when dropped (or when the process ends).
#[derive(Debug)]
pub(crate) struct FolderLock {
    _file: File,
}

/// Locks `dir` (which must exist) for this process, waiting for any other kiln holding it.
/// `what` names the folder in the message shown while waiting.
pub(crate) fn exclusive(dir: &Path, what: &str) -> io::Result<FolderLock> {
    // A folder can be opened and locked like a file (flock), which leaves nothing behind in it.
    let file = File::open(dir)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another kiln process that is using {what} ({})",
                dir.display()
            );
            file.lock()?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    Ok(FolderLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = exclusive(dir.path(), "a test folder").unwrap();
        let again = File::open(dir.path()).unwrap();
        assert!(matches!(
            again.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(first);
        assert!(again.try_lock().is_ok());
    }
}
