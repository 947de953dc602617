//! Static assets: the built-in stylesheet and scripts (each overridable by the site's
//! `static/`), the site's other static files, the highlighting stylesheet, and KaTeX's
//! stylesheet and fonts: copied from a local KaTeX distribution of the bundled version, linked
//! on the CDN when the site asks for it, or not needed at all when no local copy is found and
//! formulas are MathML only.
//!
//! Why MathML when nothing is found: KaTeX's HTML output reads only with its stylesheet, and a
//! page that links it on a CDN shows every formula twice (the HTML and the MathML meant for
//! screen readers) when it is read offline. MathML alone is typeset by every current browser
//! without a stylesheet, so a site built on a fresh machine reads everywhere; `npm ci` (or
//! Debian's libjs-katex) brings KaTeX's own typesetting back.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::{Config, KatexAssets, MathConfig, MathOutput};
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
    /// the page's root), absolute on the CDN, empty when formulas are MathML only and need none.
    pub href: String,
    /// Whether the stylesheet is part of the site.
    pub self_hosted: bool,
}

/// Where KaTeX's stylesheet comes from, decided before formulas are typeset, since it decides
/// what they are typeset as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Katex {
    /// The local distribution in this folder, copied into the site.
    Local(PathBuf),
    /// The stylesheet on the CDN.
    Cdn,
    /// No stylesheet: formulas are MathML only.
    MathmlOnly,
}

impl Katex {
    /// The `[math]` settings formulas are typeset with: the site's, but MathML only when there
    /// is no stylesheet for KaTeX's HTML.
    pub(crate) fn math_config(&self, config: &MathConfig) -> MathConfig {
        let mut config = config.clone();
        if *self == Katex::MathmlOnly {
            config.output = MathOutput::Mathml;
        }
        config
    }

    /// What the build's output says once about this choice, if anything.
    pub(crate) fn notice(&self, config: &MathConfig) -> Option<String> {
        (*self == Katex::MathmlOnly).then(|| {
            format!(
                "math: no local KaTeX {} was found in {}, so formulas are MathML only, which browsers typeset without a stylesheet; for KaTeX's own typesetting, run `npm ci` (or install Debian's libjs-katex) and build again, or set math.katex_assets = \"cdn\" to link its stylesheet online",
                crate::math::katex_version(),
                config.katex_dirs.join(", ")
            )
        })
    }
}

/// Decides where KaTeX's stylesheet comes from: the warning is for a local copy of another
/// version, which `auto` passes over.
pub(crate) fn katex(
    root: &Path,
    config: &Config,
) -> Result<(Katex, Option<Diagnostic>), Diagnostic> {
    let at_config = || Location::file("config.toml");
    if config.math.katex_assets == KatexAssets::Cdn {
        return Ok((Katex::Cdn, None));
    }
    match (find_katex_dist(root, config), config.math.katex_assets) {
        (Ok(Some(dist)), _) => Ok((Katex::Local(dist), None)),
        (Ok(None), KatexAssets::SelfHost) => Err(Diagnostic::error(
            at_config(),
            format!(
                "math.katex_assets is \"self-host\" but no KaTeX {} distribution was found in {:?}; run `npm install katex@{}` or install Debian's libjs-katex",
                crate::math::katex_version(),
                config.math.katex_dirs,
                crate::math::katex_version()
            ),
        )),
        (Err(message), KatexAssets::SelfHost) => Err(Diagnostic::error(at_config(), message)),
        (Err(message), _) => Ok((
            Katex::MathmlOnly,
            Some(Diagnostic::warning(
                at_config(),
                format!("{message}; formulas are MathML only"),
            )),
        )),
        (Ok(None), _) => Ok((Katex::MathmlOnly, None)),
    }
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

/// Adds the static files, the highlighting stylesheet and KaTeX's files (as `katex` decided)
/// to `files`; returns how pages link KaTeX's stylesheet.
pub(crate) fn collect(
    root: &Path,
    config: &Config,
    katex: &Katex,
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
    let link = match katex {
        Katex::Local(dist) => copy_katex(dist, files).unwrap_or_else(|d| {
            problems.push(d);
            no_link()
        }),
        Katex::Cdn => cdn_link(),
        Katex::MathmlOnly => no_link(),
    };
    if problems.is_empty() {
        Ok((link, warnings))
    } else {
        Err(problems)
    }
}

fn no_link() -> KatexLink {
    KatexLink {
        href: String::new(),
        self_hosted: false,
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

/// Copies KaTeX's stylesheet and fonts from `dist` into the site.
fn copy_katex(dist: &Path, files: &mut SiteFiles) -> Result<KatexLink, Diagnostic> {
    let at_config = || Location::file("config.toml");
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
    Ok(KatexLink {
        href: "katex/katex.min.css".into(),
        self_hosted: true,
    })
}
