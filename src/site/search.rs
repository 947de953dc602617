//! Full-text search: every page's main content, prose and code alike (a course is searched by
//! API names such as `AdamConfig`), indexed in-process by Pagefind into a static index under
//! `pagefind/` that the search box queries in the reader's browser; nothing runs on a server.
//! The index is cached on disk by a hash of what it indexes, so an unchanged site is not
//! indexed again.

use std::fs;
use std::path::Path;

use crate::output::SiteFiles;

/// Where the index lives in the site.
const BUNDLE: &str = "pagefind";
/// Bumped when the way pages are indexed changes.
const FORMAT: &str = "kiln-search-1";

/// A search index: its files, by path in the site.
pub(crate) type SearchFiles = Vec<(String, Vec<u8>)>;

/// The search index of the HTML pages of `files` (in path order), as files to add under
/// `pagefind/`: from the cache in `cache_dir` when the pages did not change.
pub(crate) fn index(
    files: &SiteFiles,
    language: &str,
    cache_dir: &Path,
) -> Result<SearchFiles, String> {
    let pages: Vec<(&str, &[u8])> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html") && *path != "404.html")
        .collect();
    let mut hasher = blake3::Hasher::new();
    hasher.update(format!("{FORMAT}\0{language}\0").as_bytes());
    for (path, bytes) in &pages {
        hasher.update(path.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    let key = hasher.finalize().to_hex().to_string();
    let cached = cache_dir.join("search").join(&key);
    if let Some(files) = read_cached(&cached) {
        return Ok(files);
    }
    let built = build(&pages, language)?;
    // A cache that cannot be written only costs the next build an index.
    let _ = write_cached(&cache_dir.join("search"), &key, &built);
    Ok(built)
}

/// Indexes the pages with Pagefind.
fn build(pages: &[(&str, &[u8])], language: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .force_language(language.to_string())
            // Rust names keep their underscores: `try_into_vec` is one word.
            .include_characters("_".to_string())
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options))
            .map_err(|e| format!("cannot start the search indexer: {e}"))?;
        for (path, bytes) in pages {
            let html = String::from_utf8_lossy(bytes).into_owned();
            index
                .add_html_file(Some((*path).to_string()), None, html)
                .await
                .map_err(|e| format!("cannot index {path} for search: {e}"))?;
        }
        let mut files: Vec<(String, Vec<u8>)> = index
            .get_files()
            .await
            .map_err(|e| format!("cannot write the search index: {e}"))?
            .into_iter()
            // Pagefind's own UI bundles: the site's search box talks to the index directly.
            .filter(|file| {
                let name = file.filename.to_string_lossy();
                !name.contains("-ui.") && !name.contains("pagefind-highlight")
            })
            .map(|file| {
                let name = file.filename.to_string_lossy().replace('\\', "/");
                let name = name.trim_start_matches('/').to_string();
                let name = if name.starts_with(&format!("{BUNDLE}/")) {
                    name
                } else {
                    format!("{BUNDLE}/{name}")
                };
                (name, file.contents)
            })
            .collect();
        files.sort();
        Ok(files)
    })
}

/// The files of a cached index, if it is complete.
fn read_cached(dir: &Path) -> Option<Vec<(String, Vec<u8>)>> {
    let list = fs::read_to_string(dir.join("files")).ok()?;
    list.lines()
        .map(|name| {
            let bytes = fs::read(dir.join(blake3::hash(name.as_bytes()).to_hex().as_str())).ok()?;
            Some((name.to_string(), bytes))
        })
        .collect()
}

/// Stores an index under `root/key`, replacing any older one (only the latest is kept).
fn write_cached(root: &Path, key: &str, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let staging = tempfile::Builder::new().prefix(".new-").tempdir_in({
        fs::create_dir_all(root)?;
        root
    })?;
    let mut list = String::new();
    for (name, bytes) in files {
        fs::write(
            staging
                .path()
                .join(blake3::hash(name.as_bytes()).to_hex().as_str()),
            bytes,
        )?;
        list.push_str(name);
        list.push('\n');
    }
    fs::write(staging.path().join("files"), list)?;
    for entry in fs::read_dir(root)?.flatten() {
        if entry.file_name() != staging.path().file_name().unwrap_or_default() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    let staged = staging.keep();
    fs::rename(staged, root.join(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteFiles {
        let mut files = SiteFiles::default();
        files.insert(
            "m/optimizers/index.html",
            "<html lang=\"en\"><head><title>Optimizers</title></head><body><main data-pagefind-body><h1>Optimizers</h1><p>Adam in Burn.</p><pre><code>let optimizer = AdamConfig::new().init();</code></pre></main></body></html>",
        );
        files.insert(
            "m/schedules/index.html",
            "<html lang=\"en\"><head><title>Schedules</title></head><body><main data-pagefind-body><h1>Schedules</h1><p>Cosine decay.</p></main></body></html>",
        );
        files.insert("style.css", "body {}");
        files
    }

    #[test]
    fn the_index_is_built_once_and_then_read_from_the_cache() {
        let cache = tempfile::tempdir().unwrap();
        let first = index(&site(), "en", cache.path()).unwrap();
        let names: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.iter().any(|n| n.ends_with(".pf_meta")), "{names:?}");
        assert!(
            names.iter().all(|n| n.starts_with("pagefind/")),
            "{names:?}"
        );
        assert!(!names.iter().any(|n| n.contains("-ui.")), "{names:?}");
        let again = index(&site(), "en", cache.path()).unwrap();
        assert_eq!(first, again);
        let entries = fs::read_dir(cache.path().join("search")).unwrap().count();
        assert_eq!(entries, 1, "one cached index");
        // Two builds of the same pages give the same index, cached or not.
        let fresh = tempfile::tempdir().unwrap();
        assert_eq!(index(&site(), "en", fresh.path()).unwrap(), first);
    }
}
