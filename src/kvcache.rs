//! A small on-disk cache of strings by 32-byte key, used for typeset formulas and highlighted
//! code: one append-only file of records (key, checksum, text), read whole at start so a rebuild
//! computes nothing twice. A torn or corrupt tail is dropped, never trusted, and the file is
//! rewritten without it.

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Identifies a file as this cache, and its format version.
const MAGIC: &[u8] = b"kiln-cache 1\n";

/// A key: the hash of everything that determines the stored text.
pub(crate) type Key = [u8; 32];

/// Texts by key, loaded from and saved to one file.
#[derive(Debug, Default)]
pub(crate) struct StringCache {
    path: Option<PathBuf>,
    entries: HashMap<Key, String>,
    fresh: Vec<Key>,
    /// Whether the file needs rewriting (it was corrupt or of another version).
    rewrite: bool,
}

impl StringCache {
    /// A cache that lives only in memory.
    #[cfg(test)]
    pub(crate) fn in_memory() -> Self {
        Self::default()
    }

    /// Loads the cache file at `path`, keeping every valid record before any damage.
    pub(crate) fn open(path: &Path) -> Self {
        let mut cache = Self {
            path: Some(path.to_path_buf()),
            ..Self::default()
        };
        let Ok(bytes) = fs::read(path) else {
            return cache;
        };
        let Some(mut rest) = bytes.strip_prefix(MAGIC) else {
            cache.rewrite = true;
            return cache;
        };
        while !rest.is_empty() {
            match parse_record(rest) {
                Some((key, html, used)) => {
                    cache.entries.insert(key, html);
                    rest = &rest[used..];
                }
                None => {
                    cache.rewrite = true;
                    break;
                }
            }
        }
        cache
    }

    /// The text stored for `key`.
    pub(crate) fn get(&self, key: &Key) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// Stores the text for `key`; it is written out by [`StringCache::save`].
    pub(crate) fn insert(&mut self, key: Key, html: String) {
        if self.entries.insert(key, html).is_none() {
            self.fresh.push(key);
        }
    }

    /// The number of entries held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Appends the new records to the file (or rewrites it whole when it was damaged).
    pub(crate) fn save(&mut self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.fresh.is_empty() && !self.rewrite {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        if self.rewrite || !path.exists() {
            let mut keys: Vec<&Key> = self.entries.keys().collect();
            keys.sort();
            let mut buffer = MAGIC.to_vec();
            for key in keys {
                write_record(&mut buffer, key, &self.entries[key]);
            }
            let temporary = path.with_extension(format!("tmp{}", std::process::id()));
            fs::write(&temporary, &buffer)?;
            fs::rename(&temporary, path)?;
        } else {
            let mut buffer = Vec::new();
            for key in &self.fresh {
                write_record(&mut buffer, key, &self.entries[key]);
            }
            OpenOptions::new()
                .append(true)
                .open(path)?
                .write_all(&buffer)?;
        }
        self.fresh.clear();
        self.rewrite = false;
        Ok(())
    }
}

/// A record: key (32 bytes), HTML length (u32 LE), checksum of the HTML (8 bytes), HTML.
fn write_record(buffer: &mut Vec<u8>, key: &Key, html: &str) {
    buffer.extend_from_slice(key);
    buffer.extend_from_slice(&(html.len() as u32).to_le_bytes());
    buffer.extend_from_slice(&blake3::hash(html.as_bytes()).as_bytes()[..8]);
    buffer.extend_from_slice(html.as_bytes());
}

fn parse_record(bytes: &[u8]) -> Option<(Key, String, usize)> {
    let key: Key = bytes.get(..32)?.try_into().ok()?;
    let len = u32::from_le_bytes(bytes.get(32..36)?.try_into().ok()?) as usize;
    let checksum = bytes.get(36..44)?;
    let html = bytes.get(44..44 + len)?;
    if &blake3::hash(html).as_bytes()[..8] != checksum {
        return None;
    }
    Some((key, String::from_utf8(html.to_vec()).ok()?, 44 + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_round_trip_and_appends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("strings.cache");
        let mut cache = StringCache::open(&path);
        cache.insert([1; 32], "<span>a</span>".into());
        cache.save().unwrap();
        let mut cache = StringCache::open(&path);
        assert_eq!(cache.get(&[1; 32]), Some("<span>a</span>"));
        cache.insert([2; 32], "é".into());
        cache.save().unwrap();
        let cache = StringCache::open(&path);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&[2; 32]), Some("é"));
    }

    #[test]
    fn a_torn_tail_is_dropped_and_the_file_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("strings.cache");
        let mut cache = StringCache::open(&path);
        cache.insert([1; 32], "one".into());
        cache.insert([2; 32], "two".into());
        cache.save().unwrap();
        let mut bytes = fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 1);
        fs::write(&path, &bytes).unwrap();
        let mut cache = StringCache::open(&path);
        assert_eq!(cache.len(), 1);
        cache.save().unwrap();
        assert_eq!(StringCache::open(&path).len(), 1);
    }

    #[test]
    fn a_corrupt_record_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("strings.cache");
        let mut cache = StringCache::open(&path);
        cache.insert([1; 32], "good".into());
        cache.save().unwrap();
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(&path, &bytes).unwrap();
        assert_eq!(StringCache::open(&path).len(), 0);
        fs::write(&path, b"something else").unwrap();
        assert_eq!(StringCache::open(&path).len(), 0);
    }
}
