//! The pages a site's Markdown makes: the home page, one per module, one per post, each with
//! its URL and the folder its links are relative to.

use crate::content::{Library, SourceFile};

/// Which kind of page a Markdown file makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PageKind {
    Home,
    Module(usize),
    Post(usize),
}

/// One page to render.
pub(super) struct PageSource<'a> {
    pub(super) kind: PageKind,
    pub(super) source: Option<&'a SourceFile>,
    pub(super) url: String,
    pub(super) source_dir: String,
}

/// Every page of the site with a Markdown source: home, modules, posts.
pub(super) fn pages(library: &Library) -> Vec<PageSource<'_>> {
    let mut pages = vec![PageSource {
        kind: PageKind::Home,
        source: library.home.as_ref().map(|h| &h.source),
        url: String::new(),
        source_dir: String::new(),
    }];
    for (i, module) in library.modules.iter().enumerate() {
        pages.push(PageSource {
            kind: PageKind::Module(i),
            source: Some(&module.source),
            url: module.url.clone(),
            source_dir: module.dir.clone(),
        });
    }
    for (i, post) in library.posts.iter().enumerate() {
        pages.push(PageSource {
            kind: PageKind::Post(i),
            source: Some(&post.source),
            url: post.url.clone(),
            source_dir: library.modules[post.module].dir.clone(),
        });
    }
    pages
}
