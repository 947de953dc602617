//! The manifest in an output folder's marker file: every file the last build wrote, with a hash
//! of its bytes, so the next build writes only what changed and removes only what it wrote.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::SiteFiles;

/// The first line of the marker file, for people who open it.
const HEADER: &str = "This folder is written by kiln. Each build updates the files listed below \
                      (blake3 hash, path) and leaves every other file alone.";
/// The line that starts the list, with the format's version.
const START: &str = "kiln-manifest 1";

/// Paths of a site's files with the hash of their bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Manifest {
    pub(super) files: BTreeMap<String, blake3::Hash>,
}

impl Manifest {
    /// The manifest of `files`.
    pub(super) fn of(files: &SiteFiles) -> Self {
        Self {
            files: files
                .iter()
                .map(|(path, bytes)| (path.to_string(), blake3::hash(bytes)))
                .collect(),
        }
    }

    /// The manifest in a marker file; `None` when the file has none (a marker written by a
    /// kiln that replaced its output whole) or cannot be read.
    pub(super) fn read(marker: &Path) -> Option<Self> {
        let text = fs::read_to_string(marker).ok()?;
        let mut lines = text.lines();
        lines.find(|line| *line == START)?;
        let mut files = BTreeMap::new();
        for line in lines {
            let (hash, path) = line.split_once(' ')?;
            files.insert(path.to_string(), blake3::Hash::from_hex(hash).ok()?);
        }
        Some(Self { files })
    }

    /// The marker file's text.
    pub(super) fn text(&self) -> String {
        let mut text = format!("{HEADER}\n{START}\n");
        for (path, hash) in &self.files {
            text.push_str(&format!("{} {path}\n", hash.to_hex()));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_survives_its_marker_file() {
        let mut files = SiteFiles::default();
        files.insert("index.html", "home");
        files.insert("a b/c.html", "with a space");
        let manifest = Manifest::of(&files);
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join(".kiln-output");
        fs::write(&marker, manifest.text()).unwrap();
        assert_eq!(Manifest::read(&marker), Some(manifest));
        fs::write(
            &marker,
            "This folder is written by kiln and replaced whole.\n",
        )
        .unwrap();
        assert_eq!(Manifest::read(&marker), None);
    }
}
