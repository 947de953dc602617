//! Zip archives that are the same bytes on every build: entries in path order, deflated at a
//! fixed level, each dated 1980-01-01 00:00 (the earliest date the format holds) with the
//! permissions 0644, and no other metadata; and reading one back, for the check.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

/// The archive of `files` (paths with `/`, relative, in the order given by the map).
pub(crate) fn write(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (path, bytes) in files {
        // Writing to memory fails only on a malformed name, which the callers never make.
        writer
            .start_file(path.as_str(), options)
            .and_then(|()| writer.write_all(bytes).map_err(Into::into))
            .unwrap_or_else(|e| panic!("cannot add {path} to an archive in memory: {e}"));
    }
    writer
        .finish()
        .expect("an archive in memory is always finished")
        .into_inner()
}

/// The files of an archive, by path.
pub(crate) fn read(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut files = BTreeMap::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(|e| e.to_string())?;
        if file.is_dir() {
            continue;
        }
        let name = file.name().map_err(|e| e.to_string())?.into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .map_err(|e| format!("{name}: {e}"))?;
        files.insert(name, content);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> BTreeMap<String, Vec<u8>> {
        [
            ("p/src/bin/b.rs", "fn main() {}\n".repeat(50)),
            ("p/README.md", "# Read me\n".into()),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_string(), t.into_bytes()))
        .collect()
    }

    #[test]
    fn archives_are_deterministic_and_read_back() {
        let bytes = write(&files());
        assert_eq!(bytes, write(&files()), "the same files give the same bytes");
        assert_eq!(read(&bytes).unwrap(), files());
        assert!(bytes.starts_with(b"PK\x03\x04"));
        // Deflated: 50 identical lines take far less room than they would stored.
        assert!(bytes.len() < 50 * 13, "{} bytes", bytes.len());
        let mut archive = ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let file = archive.by_index(0).unwrap();
        assert_eq!(
            file.name().unwrap(),
            "p/README.md",
            "entries are in path order"
        );
        assert_eq!(file.last_modified(), Some(DateTime::default()));
        assert_eq!(file.unix_mode(), Some(0o100644));
    }

    #[test]
    fn a_damaged_archive_is_an_error() {
        let mut bytes = write(&files());
        bytes.truncate(bytes.len() / 2);
        assert!(read(&bytes).is_err());
        assert!(read(b"not a zip").is_err());
    }
}
