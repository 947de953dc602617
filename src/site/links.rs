//! Links between pages: what content can link to (pages, content files, static and generated
//! files) and the check that every anchor names an id on its page.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::assets;
use super::pages::PageSource;
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::markdown::links::{LinkResolver, LinkTarget};

/// What links in the content can point at.
/// Files every build writes besides pages, which content may link to.
pub(super) const GENERATED_FILES: [&str; 6] = [
    "atom.xml",
    "sitemap.xml",
    "style.css",
    "code.js",
    "highlight.css",
    "404.html",
];

pub(super) fn resolver(library: &Library, root: &Path) -> LinkResolver {
    let mut resolver = LinkResolver::default();
    resolver.pages.insert(String::new());
    resolver.pages.insert("blog/".into());
    if !library.tags.is_empty() {
        resolver.pages.insert(super::tags::INDEX.into());
    }
    for tag in &library.tags {
        resolver.pages.insert(super::tags::url(&tag.slug));
    }
    resolver.sources.insert("_index.md".into(), String::new());
    for module in &library.modules {
        resolver.pages.insert(module.url.clone());
        resolver
            .sources
            .insert(format!("{}/_index.md", module.dir), module.url.clone());
    }
    for post in &library.posts {
        resolver.pages.insert(post.url.clone());
        let rel = post
            .source
            .display
            .strip_prefix("content")
            .unwrap_or(&post.source.display)
            .to_string_lossy()
            .replace('\\', "/");
        resolver.sources.insert(rel, post.url.clone());
    }
    resolver.files = library
        .assets
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .chain(assets::static_paths(root))
        .chain(GENERATED_FILES.map(String::from))
        .collect();
    resolver
}

/// Anchors (`#id`, `page#id`) must name a heading or code block of their page.
pub(super) fn check_links(pages: &[PageSource], rendered: &[Rendered]) -> Vec<Diagnostic> {
    let mut ids: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (page, rendered) in pages.iter().zip(rendered) {
        let set = ids.entry(page.url.as_str()).or_default();
        set.extend(rendered.headings.iter().map(|h| h.id.clone()));
        set.extend(rendered.anchors.iter().cloned());
    }
    let mut problems = Vec::new();
    for (page, rendered) in pages.iter().zip(rendered) {
        for link in &rendered.links {
            let (url, fragment) = match &link.target {
                LinkTarget::Anchor(id) => (page.url.as_str(), Some(id.as_str())),
                LinkTarget::Page { url, fragment } => (url.as_str(), fragment.as_deref()),
                _ => continue,
            };
            let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                continue;
            };
            let known = ids.get(url).is_some_and(|set| set.contains(fragment));
            if !known {
                problems.push(Diagnostic::error(
                    link.location.clone(),
                    format!(
                        "broken anchor: {:?} has no heading or block with id {fragment:?}",
                        link.written
                    ),
                ));
            }
        }
    }
    problems
}
