//! Moving code results between machines: every result of a site's cache (and the figures they
//! name) exported into one zip file, and such a file imported into another cache, where results
//! it already has are kept. Result keys name no machine (see `key::environment_of`), so the
//! machines that checked the shards of a site can pool their results, and one `build --no-run`
//! assembles the site from them.

use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;

use super::cache::BlockResult;

/// What an export or import moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    /// Results (one per block run).
    pub results: usize,
    /// Figures.
    pub figures: usize,
    /// Results the importing cache already had, left as they were.
    pub kept: usize,
}

/// Writes every valid result of the cache in `cache_dir`, and every figure they name, into a
/// zip file at `file`. The file is the same for the same results, whatever the order they
/// were made in or the machine.
pub fn export(cache_dir: &Path, file: &Path) -> io::Result<Moved> {
    let mut names: Vec<(String, Vec<u8>)> = Vec::new();
    let mut figures = std::collections::BTreeSet::new();
    let runs = cache_dir.join("runs");
    let mut moved = Moved::default();
    for entry in fs::read_dir(&runs).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(key) = name.strip_suffix(".json").filter(|k| is_hex(k)) else {
            continue;
        };
        let bytes = fs::read(entry.path())?;
        let Ok(result) = serde_json::from_slice::<BlockResult>(&bytes) else {
            continue;
        };
        let complete = result
            .figures
            .iter()
            .all(|f| cache_dir.join("blobs").join(&f.hash).is_file());
        if !complete {
            continue;
        }
        figures.extend(result.figures.iter().map(|f| f.hash.clone()));
        names.push((format!("runs/{key}.json"), bytes));
        moved.results += 1;
    }
    for hash in figures {
        names.push((
            format!("blobs/{hash}"),
            fs::read(cache_dir.join("blobs").join(&hash))?,
        ));
        moved.figures += 1;
    }
    names.sort();
    let mut zip = zip::ZipWriter::new(fs::File::create(file)?);
    // A fixed time and mode: the same results give the same bytes.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in names {
        zip.start_file(name, options).map_err(io::Error::other)?;
        zip.write_all(&bytes)?;
    }
    zip.finish().map_err(io::Error::other)?;
    Ok(moved)
}

/// Adds the results and figures of the zip file at `file` to the cache in `cache_dir`. Only
/// `runs/<key>.json` results that parse and `blobs/<hash>` figures whose bytes have that hash
/// are taken; anything else in the file is an error, and nothing outside the cache is written.
pub fn import(cache_dir: &Path, file: &Path) -> io::Result<Moved> {
    let mut archive = zip::ZipArchive::new(fs::File::open(file)?).map_err(io::Error::other)?;
    let mut moved = Moved::default();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(io::Error::other)?;
        let name = entry.name().map_err(io::Error::other)?.to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        let invalid = || {
            io::Error::other(format!(
                "{}: {name:?} is not a kiln cache entry",
                file.display()
            ))
        };
        if let Some(key) = name
            .strip_prefix("runs/")
            .and_then(|n| n.strip_suffix(".json"))
        {
            if !is_hex(key) || serde_json::from_slice::<BlockResult>(&bytes).is_err() {
                return Err(invalid());
            }
            let target = cache_dir.join("runs").join(format!("{key}.json"));
            if target.is_file() {
                moved.kept += 1;
            } else {
                super::cache::write_atomic(&target, &bytes)?;
                moved.results += 1;
            }
        } else if let Some(hash) = name.strip_prefix("blobs/") {
            if !is_hex(hash) || blake3::hash(&bytes).to_hex().as_str() != hash {
                return Err(invalid());
            }
            let target = cache_dir.join("blobs").join(hash);
            if !target.is_file() {
                super::cache::write_atomic(&target, &bytes)?;
                moved.figures += 1;
            }
        } else {
            return Err(invalid());
        }
    }
    Ok(moved)
}

/// Whether `text` is a lowercase hexadecimal hash.
fn is_hex(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execute::cache::{ResultCache, ResultKind};

    fn result(figures: Vec<super::super::cache::Figure>) -> BlockResult {
        BlockResult {
            kind: ResultKind::Ran,
            stdout: Default::default(),
            stderr: Default::default(),
            compiler: String::new(),
            millis: 3,
            figures,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn results_and_figures_move_between_caches_and_the_file_is_deterministic() {
        let a = tempfile::tempdir().unwrap();
        let cache = ResultCache::new(a.path());
        let figure = cache.store_figure("fit.svg", b"<svg/>").unwrap();
        cache.put(&"ab".repeat(32), &result(vec![figure])).unwrap();
        cache.put(&"cd".repeat(32), &result(Vec::new())).unwrap();
        let file = a.path().join("one.zip");
        assert_eq!(
            export(a.path(), &file).unwrap(),
            Moved {
                results: 2,
                figures: 1,
                kept: 0
            }
        );
        let again = a.path().join("two.zip");
        export(a.path(), &again).unwrap();
        assert_eq!(fs::read(&file).unwrap(), fs::read(&again).unwrap());

        let b = tempfile::tempdir().unwrap();
        ResultCache::new(b.path())
            .put(&"cd".repeat(32), &result(Vec::new()))
            .unwrap();
        let moved = import(b.path(), &file).unwrap();
        assert_eq!((moved.results, moved.figures, moved.kept), (1, 1, 1));
        assert!(ResultCache::new(b.path()).get(&"ab".repeat(32)).is_some());
    }

    #[test]
    fn an_archive_with_other_files_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("evil.zip");
        let mut zip = zip::ZipWriter::new(fs::File::create(&file).unwrap());
        zip.start_file("../outside.txt", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"x").unwrap();
        zip.finish().unwrap();
        let error = import(dir.path(), &file).unwrap_err();
        assert!(
            error.to_string().contains("is not a kiln cache entry"),
            "{error}"
        );
        assert!(!dir.path().parent().unwrap().join("outside.txt").exists());
    }
}
