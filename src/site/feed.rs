//! What the Atom feed (`atom.xml`, newest post first) and the sitemap (`sitemap.xml`, every
//! page) are made from; the templates of those names turn it into XML, and a site can override
//! them like any other template.

use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::site::context::absolute;
use crate::templates::Templates;

/// The feed as `atom.xml` sees it.
#[derive(Serialize)]
struct Feed<'a> {
    title: &'a str,
    subtitle: &'a str,
    author: &'a str,
    /// The site's address.
    home: String,
    /// The feed's own address.
    self_url: String,
    /// The newest post's date, `YYYY-MM-DD`.
    updated: String,
    entries: Vec<Entry<'a>>,
}

/// One post in the feed.
#[derive(Serialize)]
struct Entry<'a> {
    part: String,
    title: &'a str,
    url: String,
    updated: String,
    summary: &'a str,
}

/// The Atom feed of the series.
pub(crate) fn atom(
    config: &Config,
    library: &Library,
    templates: &Templates,
) -> Result<String, Diagnostic> {
    let mut posts: Vec<_> = library.posts.iter().collect();
    posts.sort_by(|a, b| b.date.cmp(&a.date).then(b.part.cmp(&a.part)));
    let feed = Feed {
        title: &config.title,
        subtitle: &config.description,
        author: &config.author,
        home: absolute(config, ""),
        self_url: absolute(config, "atom.xml"),
        updated: posts.first().map_or_else(
            || "1970-01-01".to_string(),
            |p| p.date.format("%Y-%m-%d").to_string(),
        ),
        entries: posts
            .iter()
            .map(|post| Entry {
                part: post.part.to_string(),
                title: &post.title,
                url: absolute(config, &post.url),
                updated: post.date.format("%Y-%m-%d").to_string(),
                summary: &post.description,
            })
            .collect(),
    };
    let mut context = Context::new();
    context.insert("feed", &feed);
    templates.render("atom.xml", &context)
}

/// The sitemap: every page's absolute address, sorted.
pub(crate) fn sitemap(
    config: &Config,
    urls: &[String],
    templates: &Templates,
) -> Result<String, Diagnostic> {
    let mut sorted: Vec<String> = urls.iter().map(|url| absolute(config, url)).collect();
    sorted.sort();
    let mut context = Context::new();
    context.insert("urls", &sorted);
    templates.render("sitemap.xml", &context)
}
