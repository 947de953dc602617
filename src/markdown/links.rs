//! Links and images in posts: classified (external, same-page anchor, another page, a content
//! file), refused when their scheme can run code, and rewritten to URLs relative to the page.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::Location;

/// What a link points at, once resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// `http:`, `https:` or `mailto:`; left as written.
    External,
    /// `#id` on the same page.
    Anchor(String),
    /// A page of the site (URL path relative to the site root) and maybe a fragment.
    Page {
        /// The page's URL path, such as `module-2/role-of-activations/`.
        url: String,
        /// The `#id` part, without `#`.
        fragment: Option<String>,
    },
    /// A file copied from `content/`, by its path relative to the site root.
    File(String),
}

/// A link found in a page, for checking once every page is rendered.
#[derive(Clone, Debug)]
pub struct LinkRef {
    /// Where the link is written.
    pub location: Location,
    /// The destination as written.
    pub written: String,
    /// What it points at.
    pub target: LinkTarget,
}

/// Why a destination was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// A scheme such as `javascript:` that a browser would execute.
    UnsafeScheme(String),
    /// A relative path that names no page or file.
    NotFound(String),
}

/// What links resolve against: every page and file of the site.
#[derive(Clone, Debug, Default)]
pub struct LinkResolver {
    /// Markdown source path relative to `content/` (such as `m2/04-x.md`) to page URL.
    pub sources: BTreeMap<String, String>,
    /// Every page URL the build writes.
    pub pages: BTreeSet<String>,
    /// Files under `content/` other than Markdown, relative to `content/`.
    pub files: BTreeSet<String>,
}

impl LinkResolver {
    /// Resolves `dest`, written in the file `source_dir/…` of `content/` and shown on the page
    /// `page_url`; returns the target and the `href` to emit.
    pub fn resolve(
        &self,
        dest: &str,
        source_dir: &str,
        page_url: &str,
    ) -> Result<(LinkTarget, String), LinkError> {
        let dest = dest.trim();
        if let Some(scheme) = scheme_of(dest) {
            return match scheme.as_str() {
                "http" | "https" | "mailto" => Ok((LinkTarget::External, dest.to_string())),
                _ => Err(LinkError::UnsafeScheme(scheme)),
            };
        }
        if dest.starts_with("//") {
            return Ok((LinkTarget::External, dest.to_string()));
        }
        if let Some(fragment) = dest.strip_prefix('#') {
            return Ok((LinkTarget::Anchor(fragment.to_string()), dest.to_string()));
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f.to_string())),
            None => (dest, None),
        };
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let not_found = || LinkError::NotFound(dest.to_string());
        let target = if let Some(absolute) = path.strip_prefix('/') {
            self.site_target(absolute, fragment.clone())
                .ok_or_else(not_found)?
        } else if path.ends_with(".md") {
            let joined = join(source_dir, path).ok_or_else(not_found)?;
            let url = self.sources.get(&joined).ok_or_else(not_found)?;
            LinkTarget::Page {
                url: url.clone(),
                fragment: fragment.clone(),
            }
        } else {
            let in_content = join(source_dir, path).filter(|p| self.files.contains(p));
            match in_content {
                Some(file) => LinkTarget::File(file),
                None if let Some(url) = self.chapter(source_dir, path) => LinkTarget::Page {
                    url: url.clone(),
                    fragment: fragment.clone(),
                },
                None => {
                    let from_page =
                        join(page_url.trim_end_matches('/'), path).ok_or_else(not_found)?;
                    self.site_target(&from_page, fragment.clone())
                        .ok_or_else(not_found)?
                }
            }
        };
        let mut href = match &target {
            LinkTarget::Page { url, .. } => relative_url(page_url, url),
            LinkTarget::File(file) => relative_url(page_url, file),
            _ => unreachable!("only pages and files remain"),
        };
        if href.is_empty() {
            href.push_str("./");
        }
        if let Some(q) = query {
            href.push('?');
            href.push_str(q);
        }
        if let Some(f) = &fragment {
            href.push('#');
            href.push_str(f);
        }
        Ok((target, href))
    }

    /// The page of a link written as mdBook writes links between chapters: `X.html` for the
    /// chapter `X.md` (mdBook publishes each chapter as an HTML file named after it).
    fn chapter(&self, source_dir: &str, path: &str) -> Option<&String> {
        let stem = path.strip_suffix(".html")?;
        self.sources.get(&join(source_dir, &format!("{stem}.md"))?)
    }

    /// A site path (relative to the root, no leading slash) as a page or file, if it is one.
    fn site_target(&self, path: &str, fragment: Option<String>) -> Option<LinkTarget> {
        let page = if path.is_empty() || path.ends_with('/') {
            path.to_string()
        } else if let Some(dir) = path.strip_suffix("index.html") {
            dir.to_string()
        } else {
            format!("{path}/")
        };
        if self.pages.contains(&page) {
            return Some(LinkTarget::Page {
                url: page,
                fragment,
            });
        }
        self.files
            .contains(path)
            .then(|| LinkTarget::File(path.to_string()))
    }
}

/// The lowercase scheme of a URL (`javascript` for ` JavaScript:x`), ignoring the control
/// characters and whitespace browsers ignore.
fn scheme_of(dest: &str) -> Option<String> {
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let first_is_letter = scheme.chars().next()?.is_ascii_alphabetic();
    let rest_ok = scheme
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_is_letter && rest_ok).then(|| scheme.to_ascii_lowercase())
}

/// Joins a relative path to a folder (both `/`-separated, relative to one root), resolving
/// `.` and `..`; `None` when it climbs above the root.
pub fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if relative.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// The relative URL from the page at `from` (a folder URL such as `m2/a/`, or `` for the home
/// page) to `to` (relative to the site root).
pub fn relative_url(from: &str, to: &str) -> String {
    let depth = from.split('/').filter(|p| !p.is_empty()).count();
    let from_parts: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').filter(|p| !p.is_empty()).collect();
    let common = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(depth - common);
    url.push_str(&to_parts[common..].join("/"));
    if to.ends_with('/') && common < to_parts.len() {
        url.push('/');
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver() -> LinkResolver {
        LinkResolver {
            sources: [
                ("m2/04-act.md".to_string(), "m2/act/".to_string()),
                ("m3/01-adam.md".to_string(), "m3/adam/".to_string()),
            ]
            .into(),
            pages: ["".into(), "m2/".into(), "m2/act/".into(), "m3/adam/".into()].into(),
            files: ["m2/data.csv".to_string()].into(),
        }
    }

    fn href(dest: &str) -> Result<String, LinkError> {
        resolver().resolve(dest, "m2", "m2/act/").map(|(_, h)| h)
    }

    #[test]
    fn markdown_sources_become_page_urls() {
        assert_eq!(href("../m3/01-adam.md").unwrap(), "../../m3/adam/");
        assert_eq!(href("04-act.md#demo").unwrap(), "./#demo");
        assert_eq!(href("/m3/adam/").unwrap(), "../../m3/adam/");
        assert_eq!(href("/").unwrap(), "../../");
        assert_eq!(href("../../m3/adam/").unwrap(), "../../m3/adam/");
    }

    #[test]
    fn mdbook_chapter_links_name_their_markdown_file() {
        assert_eq!(href("../m3/01-adam.html").unwrap(), "../../m3/adam/");
        assert_eq!(href("04-act.html#demo").unwrap(), "./#demo");
        assert_eq!(
            href("05-nope.html"),
            Err(LinkError::NotFound("05-nope.html".into()))
        );
    }

    #[test]
    fn files_and_external_links() {
        assert_eq!(href("data.csv").unwrap(), "../data.csv");
        assert_eq!(href("https://burn.dev").unwrap(), "https://burn.dev");
        assert_eq!(href("#summary").unwrap(), "#summary");
    }

    #[test]
    fn missing_targets_and_unsafe_schemes_are_refused() {
        assert_eq!(
            href("05-nope.md"),
            Err(LinkError::NotFound("05-nope.md".into()))
        );
        assert_eq!(
            href("../../../etc/passwd"),
            Err(LinkError::NotFound("../../../etc/passwd".into()))
        );
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(
                matches!(href(bad), Err(LinkError::UnsafeScheme(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn relative_urls_between_pages() {
        assert_eq!(relative_url("m2/a/", "m2/b/"), "../b/");
        assert_eq!(relative_url("", "m2/b/"), "m2/b/");
        assert_eq!(relative_url("m2/a/", ""), "../../");
        assert_eq!(relative_url("m2/", "m2/a/"), "a/");
        assert_eq!(relative_url("m2/a/", "style.css"), "../../style.css");
        assert_eq!(join("m2", "../m3/x.md").as_deref(), Some("m3/x.md"));
        assert_eq!(join("m2", "../../x"), None);
    }
}
