//! Template contexts: what `base.html`, `index.html`, `module.html`, `post.html` and
//! `blog.html` receive, with every link made relative to the page that shows it.

use serde::Serialize;

use crate::config::Config;
use crate::content::{Library, Part, Post, PostKind};
use crate::markdown::links::relative_url;

/// The site-wide values, with navigation links resolved for one page.
#[derive(Serialize)]
pub(crate) struct SiteContext<'a> {
    /// Site title.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// Author.
    pub author: &'a str,
    /// Copyright line.
    pub copyright: &'a str,
    /// HTML language.
    pub language: &'a str,
    /// Published address.
    pub base_url: &'a str,
    /// Navigation links.
    pub nav: Vec<NavContext<'a>>,
}

/// A navigation link.
#[derive(Serialize)]
pub(crate) struct NavContext<'a> {
    /// Its text.
    pub name: &'a str,
    /// Its address, relative to the page for site paths.
    pub href: String,
}

impl<'a> SiteContext<'a> {
    /// The site values as seen from a page whose way to the site root is `root` (`../../`,
    /// `./`, or an absolute path for pages served at any depth).
    pub(crate) fn new(config: &'a Config, root: &str) -> Self {
        let nav = config
            .nav
            .iter()
            .map(|link| NavContext {
                name: &link.name,
                href: match link.url.strip_prefix('/') {
                    Some(path) => join_root(root, path),
                    None => link.url.clone(),
                },
            })
            .collect();
        Self {
            title: &config.title,
            description: &config.description,
            author: &config.author,
            copyright: &config.copyright,
            language: &config.language,
            base_url: &config.base_url,
            nav,
        }
    }
}

/// A site path seen through a page's way to the root: `./` + `blog/` is `blog/`, `../../` +
/// `` is `../../`.
pub(crate) fn join_root(root: &str, path: &str) -> String {
    match (root, path) {
        (root, "") => root.to_string(),
        ("./", path) => path.to_string(),
        (root, path) => format!("{root}{path}"),
    }
}

/// A relative link from one page to a site path, never empty.
pub(crate) fn href(from: &str, to: &str) -> String {
    let url = relative_url(from, to);
    if url.is_empty() { "./".into() } else { url }
}

/// The absolute address of a site path.
pub(crate) fn absolute(config: &Config, path: &str) -> String {
    format!("{}/{}", config.base_url.trim_end_matches('/'), path)
}

/// A post as other pages link to it.
#[derive(Serialize)]
pub(crate) struct PostLink<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its part, like `2.4`.
    pub part: String,
    /// `lesson`, or `companion` for a post that follows the lesson with the same part.
    pub kind: &'static str,
    /// Relative link from the page showing it.
    pub href: String,
    /// Summary.
    pub description: &'a str,
    /// Human date.
    pub date: String,
    /// ISO date.
    pub date_iso: String,
}

impl<'a> PostLink<'a> {
    /// How the page at `from` links to `post`.
    pub(crate) fn new(post: &'a Post, from: &str) -> Self {
        Self {
            title: &post.title,
            part: post.part.to_string(),
            kind: post.kind.name(),
            href: href(from, &post.url),
            description: &post.description,
            date: human_date(post),
            date_iso: post.date.format("%Y-%m-%d").to_string(),
        }
    }
}

/// "24 November 2026".
pub(crate) fn human_date(post: &Post) -> String {
    post.date.format("%-d %B %Y").to_string()
}

/// One line of a module's outline: a written post (with a link) or a planned one.
#[derive(Serialize)]
pub(crate) struct OutlineContext<'a> {
    /// Part number.
    pub part: String,
    /// `lesson`, or `companion` for a post that follows the lesson with the same part.
    pub kind: &'static str,
    /// Title.
    pub title: &'a str,
    /// Link, when the post exists.
    pub href: Option<String>,
    /// Summary, when the post exists.
    pub description: &'a str,
}

/// A module as the home page and its own page show it.
#[derive(Serialize)]
pub(crate) struct ModuleContext<'a> {
    /// Module number.
    pub number: u32,
    /// Title.
    pub title: &'a str,
    /// Summary.
    pub description: &'a str,
    /// Relative link.
    pub href: String,
    /// The module's own text, rendered (only on its page).
    pub body: Option<String>,
    /// Planned and written parts, in order.
    pub entries: Vec<OutlineContext<'a>>,
}

impl<'a> ModuleContext<'a> {
    /// The module `index` as seen from the page at `from`. Written posts missing from the
    /// outline are listed too, in part order.
    pub(crate) fn new(
        library: &'a Library,
        index: usize,
        from: &str,
        body: Option<String>,
    ) -> Self {
        let module = &library.modules[index];
        let posts: Vec<&Post> = module.posts.iter().map(|&i| &library.posts[i]).collect();
        let mut entries: Vec<((Part, PostKind), OutlineContext)> = Vec::new();
        for planned in &module.outline {
            let Ok(part) = planned.part.parse() else {
                continue;
            };
            let order = (part, PostKind::Lesson);
            let written = posts.iter().find(|p| p.order() == order);
            entries.push((
                order,
                OutlineContext {
                    part: part.to_string(),
                    kind: PostKind::Lesson.name(),
                    title: written.map_or(planned.title.as_str(), |p| p.title.as_str()),
                    href: written.map(|p| href(from, &p.url)),
                    description: written.map_or("", |p| p.description.as_str()),
                },
            ));
        }
        for post in posts {
            if !entries.iter().any(|(order, _)| *order == post.order()) {
                entries.push((
                    post.order(),
                    OutlineContext {
                        part: post.part.to_string(),
                        kind: post.kind.name(),
                        title: &post.title,
                        href: Some(href(from, &post.url)),
                        description: &post.description,
                    },
                ));
            }
        }
        entries.sort_by_key(|(order, _)| *order);
        Self {
            number: module.number,
            title: &module.title,
            description: &module.description,
            href: href(from, &module.url),
            body,
            entries: entries.into_iter().map(|(_, e)| e).collect(),
        }
    }
}

/// A table-of-contents entry.
#[derive(Serialize)]
pub(crate) struct TocEntry {
    /// Heading level (2 or 3).
    pub level: u8,
    /// Anchor.
    pub id: String,
    /// The heading's HTML.
    pub html: String,
}
