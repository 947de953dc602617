//! Tag pages: `tags/` lists every tag with its number of posts, and `tags/<slug>/` lists a
//! tag's posts in series order, through the `tags.html` and `tag.html` templates. A site whose
//! posts carry no tags has neither.

use serde::Serialize;

use super::assets::KatexLink;
use super::context::{PostLink, href};
use super::render::base_context;
use crate::config::Config;
use crate::content::{Library, Tag, tag_slug};
use crate::diagnostics::Diagnostic;
use crate::templates::Templates;

/// The URL of the tags index.
pub(super) const INDEX: &str = "tags/";

/// The URL of a tag's page.
pub(super) fn url(slug: &str) -> String {
    format!("{INDEX}{slug}/")
}

/// A tag as a page links to it.
#[derive(Serialize)]
pub(super) struct TagLink<'a> {
    /// The tag as written.
    name: &'a str,
    /// Its URL segment.
    slug: &'a str,
    /// Relative link from the page showing it.
    href: String,
    /// How many posts carry it.
    count: usize,
}

impl<'a> TagLink<'a> {
    pub(super) fn new(tag: &'a Tag, from: &str) -> Self {
        Self {
            name: &tag.name,
            slug: &tag.slug,
            href: href(from, &url(&tag.slug)),
            count: tag.posts.len(),
        }
    }
}

/// A tag's page as `tag.html` sees it.
#[derive(Serialize)]
struct TagPage<'a> {
    #[serde(flatten)]
    link: TagLink<'a>,
    /// Its posts in series order.
    posts: Vec<PostLink<'a>>,
}

/// Every tag page, by URL, the index first; nothing when no post has a tag.
pub(super) fn render(
    library: &Library,
    config: &Config,
    templates: &Templates,
    katex: &KatexLink,
) -> Vec<(String, Result<String, Diagnostic>)> {
    if library.tags.is_empty() {
        return Vec::new();
    }
    let mut pages = Vec::new();
    let mut context = base_context(config, INDEX, katex, false);
    let tags: Vec<TagLink> = library
        .tags
        .iter()
        .map(|t| TagLink::new(t, INDEX))
        .collect();
    context.insert("tags", &tags);
    pages.push((INDEX.to_string(), templates.render("tags.html", &context)));
    for tag in &library.tags {
        let page_url = url(&tag.slug);
        let mut context = base_context(config, &page_url, katex, false);
        let page = TagPage {
            link: TagLink::new(tag, &page_url),
            posts: tag
                .posts
                .iter()
                .map(|&i| PostLink::new(&library.posts[i], &page_url))
                .collect(),
        };
        context.insert("tag", &page);
        pages.push((page_url, templates.render("tag.html", &context)));
    }
    pages
}

/// The tags of a post, in the order its front matter lists them, as its page links to them.
pub(super) fn of_post<'a>(library: &'a Library, post: usize, from: &str) -> Vec<TagLink<'a>> {
    let mut links: Vec<TagLink> = Vec::new();
    for name in &library.posts[post].tags {
        let Some(slug) = tag_slug(name) else { continue };
        if links.iter().any(|link| link.slug == slug) {
            continue;
        }
        if let Some(tag) = library.tags.iter().find(|t| t.slug == slug) {
            links.push(TagLink::new(tag, from));
        }
    }
    links
}
