//! The execution cache: each block's result stored under a hash of everything that can change
//! it, figures stored once by content hash. Files are written to a temporary name and renamed,
//! so a killed build leaves either the old entry or the new one; anything unreadable is a miss.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::run::Captured;

/// How a block's (successful) result came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultKind {
    /// It ran and exited successfully.
    Ran,
    /// It compiled and was not meant to run (`no_run`).
    Compiled,
    /// It panicked, as `should_panic` asked.
    Panicked,
    /// It failed to compile, as `compile_fail` asked; the compiler's output is kept.
    FailedToCompile,
}

/// A figure a block drew.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// The file name the program wrote.
    pub name: String,
    /// The blake3 hash of its bytes, in hex.
    pub hash: String,
}

/// What a block produced, as shown in the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockResult {
    /// How it ended.
    pub kind: ResultKind,
    /// Standard output.
    pub stdout: Captured,
    /// Standard error (the panic message for `should_panic`).
    pub stderr: Captured,
    /// The compiler's message, for `compile_fail`.
    pub compiler: String,
    /// Run time in milliseconds.
    pub millis: u64,
    /// The figures, in file-name order.
    pub figures: Vec<Figure>,
    /// What the compiler warned about in the block's code, reported again whenever the result
    /// is used (a cached block compiles nothing, but its warnings still stand).
    #[serde(default)]
    pub warnings: Vec<BlockWarning>,
}

/// A compiler warning about a line of a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockWarning {
    /// Lines after the block's opening fence (so the warning moves with the block).
    pub line: usize,
    /// Column, 1-based.
    pub col: usize,
    /// The compiler's one-line message, with its lint or code.
    pub message: String,
    /// The compiler's full text, with paths naming the Markdown file.
    pub rendered: String,
}

/// Results and figures on disk.
#[derive(Clone, Debug)]
pub struct ResultCache {
    dir: PathBuf,
}

impl ResultCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    fn entry(&self, key: &str) -> PathBuf {
        self.dir.join("runs").join(format!("{key}.json"))
    }

    fn blob(&self, hash: &str) -> PathBuf {
        self.dir.join("blobs").join(hash)
    }

    /// The stored result for `key`, if it and all its figures are intact.
    pub fn get(&self, key: &str) -> Option<BlockResult> {
        let text = fs::read_to_string(self.entry(key)).ok()?;
        let result: BlockResult = serde_json::from_str(&text).ok()?;
        result
            .figures
            .iter()
            .all(|f| self.blob(&f.hash).is_file())
            .then_some(result)
    }

    /// The bytes of a stored figure, checked against its hash.
    pub fn figure(&self, figure: &Figure) -> Option<Vec<u8>> {
        let bytes = fs::read(self.blob(&figure.hash)).ok()?;
        (blake3::hash(&bytes).to_hex().as_str() == figure.hash).then_some(bytes)
    }

    /// Stores a figure's bytes and returns its record.
    pub fn store_figure(&self, name: &str, bytes: &[u8]) -> std::io::Result<Figure> {
        let hash = blake3::hash(bytes).to_hex().to_string();
        let path = self.blob(&hash);
        if !path.is_file() {
            write_atomic(&path, bytes)?;
        }
        Ok(Figure {
            name: name.to_string(),
            hash,
        })
    }

    /// Stores a result.
    pub fn put(&self, key: &str, result: &BlockResult) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(result).map_err(std::io::Error::other)?;
        write_atomic(&self.entry(key), text.as_bytes())
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("cache paths have a parent");
    fs::create_dir_all(dir)?;
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temporary, bytes)?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(figures: Vec<Figure>) -> BlockResult {
        BlockResult {
            kind: ResultKind::Ran,
            stdout: Captured {
                text: "loss 0.1\n".into(),
                cut: 0,
            },
            stderr: Captured::default(),
            compiler: String::new(),
            millis: 12,
            figures,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn results_and_figures_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ResultCache::new(dir.path());
        assert!(cache.get("k").is_none());
        let figure = cache.store_figure("fit.svg", b"<svg/>").unwrap();
        cache.put("k", &result(vec![figure.clone()])).unwrap();
        let back = cache.get("k").unwrap();
        assert_eq!(back, result(vec![figure.clone()]));
        assert_eq!(cache.figure(&figure).unwrap(), b"<svg/>");
    }

    #[test]
    fn damaged_entries_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ResultCache::new(dir.path());
        let figure = cache.store_figure("a.svg", b"x").unwrap();
        cache.put("k", &result(vec![figure.clone()])).unwrap();
        fs::remove_file(dir.path().join("blobs").join(&figure.hash)).unwrap();
        assert!(
            cache.get("k").is_none(),
            "a missing figure invalidates the entry"
        );
        fs::write(dir.path().join("runs/j.json"), "{ torn").unwrap();
        assert!(cache.get("j").is_none());
        let figure = cache.store_figure("b.svg", b"y").unwrap();
        fs::write(dir.path().join("blobs").join(&figure.hash), b"tampered").unwrap();
        assert!(cache.figure(&figure).is_none());
    }
}
