//! Static assets: the built-in stylesheet and code-block script (each overridable by the
//! site's `static/`), the site's other static files, the highlighting stylesheet, and KaTeX's
//! stylesheet and fonts, either copied from a local KaTeX distribution of the bundled version
//! or linked on the CDN.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::{Config, KatexAssets};
use crate::diagnostics::{Diagnostic, Location};
use crate::output::SiteFiles;

/// Static files every site has unless it overrides them.
const BUILT_IN: [(&str, &[u8]); 3] = [
    ("style.css", include_bytes!("../../static/style.css")),
    ("search.js", include_bytes!("../../static/search.js")),
    ("code.js", include_bytes!("../../static/code.js")),
];

/// Where pages load KaTeX's stylesheet from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct KatexLink {
    /// The stylesheet URL: relative to the site root when self-hosted (the template prefixes
    /// the page's root), absolute otherwise.
    pub href: String,
    /// Whether the stylesheet is part of the site.
    pub self_hosted: bool,
}

/// The paths (relative to the site root, `/`-separated) of the files under `static/`, which
/// content may link to.
pub(crate) fn static_paths(root: &Path) -> Vec<String> {
    let dir = root.join("static");
    WalkDir::new(&dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let rel = entry.path().strip_prefix(&dir).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// Adds the static files, the highlighting stylesheet and KaTeX's files to `files`.
pub(crate) fn collect(
    root: &Path,
    config: &Config,
    files: &mut SiteFiles,
) -> Result<(KatexLink, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for (path, bytes) in BUILT_IN {
        files.insert(path, bytes);
    }
    let dir = root.join("static");
    if dir.is_dir() {
        for entry in WalkDir::new(&dir).sort_by_file_name().follow_links(false) {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                    let name = rel.to_string_lossy().replace('\\', "/");
                    match fs::read(entry.path()) {
                        Ok(bytes) => files.insert(name, bytes),
                        Err(e) => problems.push(Diagnostic::error(
                            Location::file(Path::new("static").join(rel)),
                            format!("cannot read static file: {e}"),
                        )),
                    }
                }
                Ok(entry) if entry.path_is_symlink() => warnings.push(Diagnostic::warning(
                    Location::file(Path::new("static").join(entry.file_name())),
                    "symbolic links in static/ are not followed",
                )),
                Ok(_) => {}
                Err(e) => problems.push(Diagnostic::global(format!("cannot read static/: {e}"))),
            }
        }
    }
    match crate::highlight::stylesheet(&config.highlight.light_theme, &config.highlight.dark_theme)
    {
        Ok(css) => files.insert("highlight.css", css),
        Err(message) => problems.push(Diagnostic::error(Location::file("config.toml"), message)),
    }
    let katex = match katex_assets(root, config, files) {
        Ok((link, warning)) => {
            warnings.extend(warning);
            link
        }
        Err(d) => {
            problems.push(d);
            cdn_link()
        }
    };
    if problems.is_empty() {
        Ok((katex, warnings))
    } else {
        Err(problems)
    }
}

fn cdn_link() -> KatexLink {
    KatexLink {
        href: format!(
            "https://cdn.jsdelivr.net/npm/katex@{}/dist/katex.min.css",
            crate::math::katex_version()
        ),
        self_hosted: false,
    }
}

/// Finds a KaTeX `dist` folder of the bundled version among the configured ones.
pub(crate) fn find_katex_dist(root: &Path, config: &Config) -> Result<Option<PathBuf>, String> {
    let version = crate::math::katex_version();
    let mut mismatch = None;
    for dir in &config.math.katex_dirs {
        let dir = root.join(dir);
        let Ok(css) = fs::read_to_string(dir.join("katex.min.css")) else {
            continue;
        };
        if !dir.join("fonts").is_dir() {
            continue;
        }
        if css.contains(&format!("\"{version}\"")) {
            return Ok(Some(dir));
        }
        mismatch = Some(dir);
    }
    match mismatch {
        Some(dir) => Err(format!(
            "{} holds a KaTeX stylesheet of another version than the renderer's {version}; install katex@{version}",
            dir.display()
        )),
        None => Ok(None),
    }
}

fn katex_assets(
    root: &Path,
    config: &Config,
    files: &mut SiteFiles,
) -> Result<(KatexLink, Option<Diagnostic>), Diagnostic> {
    let at_config = || Location::file("config.toml");
    let found = match config.math.katex_assets {
        KatexAssets::Cdn => return Ok((cdn_link(), None)),
        _ => find_katex_dist(root, config),
    };
    let dist = match (found, config.math.katex_assets) {
        (Ok(Some(dist)), _) => dist,
        (Ok(None), KatexAssets::SelfHost) => {
            return Err(Diagnostic::error(
                at_config(),
                format!(
                    "math.katex_assets is \"self-host\" but no KaTeX {} distribution was found in {:?}; run `npm install katex@{}` or install Debian's libjs-katex",
                    crate::math::katex_version(),
                    config.math.katex_dirs,
                    crate::math::katex_version()
                ),
            ));
        }
        (Err(message), KatexAssets::SelfHost) => {
            return Err(Diagnostic::error(at_config(), message));
        }
        (Err(message), _) => {
            return Ok((
                cdn_link(),
                Some(Diagnostic::warning(
                    at_config(),
                    format!("{message}; linking the CDN instead"),
                )),
            ));
        }
        (Ok(None), _) => return Ok((cdn_link(), None)),
    };
    let css = fs::read(dist.join("katex.min.css")).map_err(|e| {
        Diagnostic::error(at_config(), format!("cannot read KaTeX stylesheet: {e}"))
    })?;
    files.insert("katex/katex.min.css", css);
    let fonts = fs::read_dir(dist.join("fonts"))
        .map_err(|e| Diagnostic::error(at_config(), format!("cannot read KaTeX fonts: {e}")))?;
    let mut names: Vec<_> = fonts.flatten().map(|e| e.path()).collect();
    names.sort();
    for font in names {
        let Some(name) = font.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if name.ends_with(".woff2") || name.ends_with(".woff") || name.ends_with(".ttf") {
            let bytes = fs::read(&font).map_err(|e| {
                Diagnostic::error(at_config(), format!("cannot read {}: {e}", font.display()))
            })?;
            files.insert(format!("katex/fonts/{name}"), bytes);
        }
    }
    Ok((
        KatexLink {
            href: "katex/katex.min.css".into(),
            self_hosted: true,
        },
        None,
    ))
}
