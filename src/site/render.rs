//! Rendering pages: each page's placeholders filled with the typeset math, highlighted code
//! and block outputs, then the page, blog and 404 templates given their contexts.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use super::Mode;
use super::assets;
use super::context::{self, ModuleContext, PostLink, SiteContext, TocEntry, href};
use super::downloads::DownloadLink;
use super::pages::{PageKind, PageSource};
use crate::config::Config;
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::execute;
use crate::highlight::Highlighted;
use crate::markdown::Rendered;
use crate::markdown::placeholder::{self, Slot};
use crate::math::Typeset;
use crate::templates::Templates;

/// The path the site is served from, for pages served at any depth (the 404 page): the
/// `base_url`'s path when published, `/` in `serve`, which serves the site at the root.
pub(super) fn root_path(config: &Config, mode: Mode) -> String {
    match mode {
        Mode::Serve => "/".into(),
        Mode::Build | Mode::Check => url::Url::parse(&config.base_url)
            .map(|url| url.path().to_string())
            .unwrap_or_else(|_| "/".into()),
    }
}

/// A rendered page.
pub(super) struct PageOutput {
    /// Its URL.
    pub(super) url: String,
    /// Its HTML.
    pub(super) html: String,
    /// The files beside it: figures and the lesson's download.
    pub(super) figures: Vec<(String, Vec<u8>)>,
    /// What is amiss with its figures and its download.
    pub(super) warnings: Vec<Diagnostic>,
}

/// A page's body and table of contents with formulas and block outputs in place.
pub(super) struct Filled {
    pub(super) body: String,
    pub(super) words: usize,
    pub(super) toc: Vec<TocEntry>,
    pub(super) has_math: bool,
    pub(super) figures: Vec<(String, Vec<u8>)>,
    /// What is amiss with the page's figures (and, once it is made, its download).
    pub(super) warnings: Vec<Diagnostic>,
}

pub(super) fn fill_page(
    rendered: &Rendered,
    page: &PageSource,
    typeset: &Typeset,
    highlighted: &Highlighted,
    exec: &execute::Executed,
) -> Filled {
    let page_url = page.url.as_str();
    let mut figures = Vec::new();
    let mut warnings = Vec::new();
    let mut outputs: BTreeMap<usize, String> = BTreeMap::new();
    let page_path = page.source.map(|s| s.display.as_path());
    for block in &rendered.code_blocks {
        let Some(path) = page_path else { break };
        let output = match &block.attrs.sweep {
            Some(sweep) => exec
                .sweep_results(path, block.index, sweep.values.len())
                .map(|runs| execute::sweep::runs_html(block, &runs, page_url)),
            None => exec
                .result(path, block.index)
                .map(|result| execute::render::output_html(block, result, page_url)),
        };
        if let Some(output) = output {
            figures.extend(output.files);
            warnings.extend(output.warnings);
            outputs.insert(block.index, output.html);
        }
    }
    let mut fill = |slot: Slot| match slot {
        Slot::Math(i) => {
            let formula = &rendered.formulas[i];
            typeset.get(formula).map(str::to_string).unwrap_or_else(|| {
                format!(
                    "<code class=\"math-error\">{}</code>",
                    crate::escape::text(&formula.tex)
                )
            })
        }
        Slot::Output(i) => outputs.get(&i).cloned().unwrap_or_default(),
        Slot::Code(i) => {
            let block = &rendered.code_blocks[i];
            let shown = block.shown();
            let html = highlighted
                .get(&shown, block.lang())
                .map(str::to_string)
                .unwrap_or_else(|| crate::escape::text(&shown));
            crate::markdown::fold::apply(&block.lines, &block.folds, &html)
        }
    };
    let body = placeholder::fill(&rendered.html, &mut fill);
    let toc = rendered
        .headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .map(|h| TocEntry {
            level: h.level,
            id: h.id.clone(),
            html: placeholder::fill(&h.toc_html, &mut fill),
        })
        .collect();
    Filled {
        body,
        words: rendered.words,
        toc,
        has_math: !rendered.formulas.is_empty(),
        figures,
        warnings,
    }
}

/// Values every template gets.
pub(super) fn base_context(
    config: &Config,
    page_url: &str,
    katex: &assets::KatexLink,
    has_math: bool,
) -> Context {
    let mut context = Context::new();
    let root = href(page_url, "");
    context.insert("site", &SiteContext::new(config, &root));
    context.insert("root", &root);
    context.insert("canonical", &context::absolute(config, page_url));
    context.insert("has_math", &has_math);
    context.insert("search", &config.search.enabled);
    let katex_href = if katex.self_hosted {
        href(page_url, &katex.href)
    } else {
        katex.href.clone()
    };
    context.insert(
        "katex",
        &serde_json::json!({ "href": katex_href, "integrity": "" }),
    );
    context
}

#[derive(Serialize)]
pub(super) struct PostPage<'a> {
    title: &'a str,
    part: String,
    kind: &'static str,
    description: &'a str,
    date: String,
    date_iso: String,
    tags: &'a [String],
    tag_links: Vec<super::tags::TagLink<'a>>,
    reading_minutes: usize,
    toc: &'a [TocEntry],
    body: &'a str,
    module: ModuleRef<'a>,
    download: Option<&'a DownloadLink>,
    previous: Option<PostLink<'a>>,
    next: Option<PostLink<'a>>,
}

#[derive(Serialize)]
pub(super) struct ModuleRef<'a> {
    number: u32,
    title: &'a str,
    href: String,
}

pub(super) fn render_page(
    page: &PageSource,
    filled: &Filled,
    download: Option<&DownloadLink>,
    library: &Library,
    config: &Config,
    templates: &Templates,
    katex: &assets::KatexLink,
) -> Result<String, Diagnostic> {
    let mut context = base_context(config, &page.url, katex, filled.has_math);
    match page.kind {
        PageKind::Post(index) => {
            let post = &library.posts[index];
            let module = &library.modules[post.module];
            let page_context = PostPage {
                title: &post.title,
                part: post.part.to_string(),
                kind: post.kind.name(),
                description: &post.description,
                date: context::human_date(post),
                date_iso: post.date.format("%Y-%m-%d").to_string(),
                tags: &post.tags,
                tag_links: super::tags::of_post(library, index, &page.url),
                reading_minutes: filled.words.div_ceil(220).max(1),
                toc: &filled.toc,
                body: &filled.body,
                module: ModuleRef {
                    number: module.number,
                    title: &module.title,
                    href: href(&page.url, &module.url),
                },
                download,
                previous: library.previous(index).map(|p| PostLink::new(p, &page.url)),
                next: library.next(index).map(|p| PostLink::new(p, &page.url)),
            };
            context.insert("page", &page_context);
            templates.render("post.html", &context)
        }
        PageKind::Module(index) => {
            let module = ModuleContext::new(library, index, &page.url, Some(filled.body.clone()));
            context.insert("module", &module);
            templates.render("module.html", &context)
        }
        PageKind::Home => {
            let modules: Vec<ModuleContext> = (0..library.modules.len())
                .map(|i| ModuleContext::new(library, i, "", None))
                .collect();
            let front = library.home.as_ref().map(|h| &h.front);
            let home = serde_json::json!({
                "title": front.and_then(|f| f.title.clone()).unwrap_or_else(|| config.title.clone()),
                "description": front.map_or(config.description.as_str(), |f| if f.description.is_empty() { config.description.as_str() } else { f.description.as_str() }),
                "body": filled.body,
            });
            context.insert("home", &home);
            context.insert("modules", &modules);
            templates.render("index.html", &context)
        }
    }
}

pub(super) fn render_blog(
    library: &Library,
    config: &Config,
    templates: &Templates,
    katex: &assets::KatexLink,
) -> Result<String, Diagnostic> {
    let mut posts: Vec<_> = library.posts.iter().collect();
    posts.sort_by(|a, b| b.date.cmp(&a.date).then(b.part.cmp(&a.part)));
    let links: Vec<PostLink> = posts
        .into_iter()
        .map(|p| PostLink::new(p, "blog/"))
        .collect();
    let mut context = base_context(config, "blog/", katex, false);
    context.insert("posts", &links);
    templates.render("blog.html", &context)
}

pub(super) fn render_404(
    config: &Config,
    templates: &Templates,
    katex: &assets::KatexLink,
    mode: Mode,
) -> Result<String, Diagnostic> {
    let mut context = base_context(config, "", katex, false);
    let root_path = root_path(config, mode);
    context.insert("site", &SiteContext::new(config, &root_path));
    context.insert("root", &root_path);
    context.insert("canonical", &"");
    templates.render("404.html", &context)
}
