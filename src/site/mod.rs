//! The build pipeline: config and content are loaded, every page's Markdown is rendered in
//! parallel, formulas are typeset and code blocks run (both cached), links and lesson structure
//! are checked, and the templates produce the site's files in memory. Nothing is written here:
//! `build` writes the files with [`crate::output::write`], `check` discards them.

pub mod assets;
pub mod context;
pub mod feed;
pub mod structure;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::config::{Config, MathConfig};
use crate::content::{self, Drafts, Library, SourceFile};
use crate::diagnostics::{Diagnostic, Failure, LineIndex, Location};
use crate::execute::{self, ExecStats, Progress};
use crate::highlight::Highlighted;
use crate::markdown::links::{LinkResolver, LinkTarget};
use crate::markdown::placeholder::{self, Slot};
use crate::markdown::{self, RenderContext, Rendered};
use crate::math::{MathRenderer, MathStats, Typeset};
use crate::output::SiteFiles;
use crate::templates::Templates;
use context::{ModuleContext, PostLink, SiteContext, TocEntry, href};

/// What a build is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Publish: the caller writes the files.
    Build,
    /// Verify everything, write nothing.
    Check,
    /// Preview: like build, for the live server.
    Serve,
}

/// How to build.
#[derive(Clone, Debug)]
pub struct Options {
    /// The site root (holding `config.toml` and `content/`).
    pub root: PathBuf,
    /// Whether drafts are published.
    pub drafts: Drafts,
    /// Ignore cached code results and run every block again.
    pub fresh: bool,
    /// Where caches live; `root/target/kiln` unless set.
    pub cache_dir: Option<PathBuf>,
    /// Cargo target folder for lesson programs, overriding `execute.target_dir` (tests share
    /// one so that dependencies compile once).
    pub cargo_target_dir: Option<PathBuf>,
    /// What the build is for.
    pub mode: Mode,
    /// How execution reports its progress.
    pub progress: Progress,
}

impl Options {
    /// Options for building the site at `root`.
    pub fn new(root: impl Into<PathBuf>, mode: Mode) -> Self {
        Self {
            root: root.into(),
            drafts: Drafts::Exclude,
            fresh: false,
            cache_dir: None,
            cargo_target_dir: None,
            mode,
            progress: Progress::Quiet,
        }
    }

    /// The cache folder in use.
    pub fn cache_dir(&self) -> PathBuf {
        if let Some(dir) = &self.cache_dir {
            return dir.clone();
        }
        match std::env::var_os("KILN_CACHE_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => self.root.join("target").join("kiln"),
        }
    }
}

/// Long-lived state shared by successive builds (the KaTeX engines stay warm in `serve`).
#[derive(Default)]
pub struct Session {
    math: Option<(MathConfig, MathRenderer)>,
    /// Each page's last Markdown pass, by page URL, with the hash of everything it read: a
    /// rebuild re-renders only the pages whose source (or the set of linkable pages) changed.
    rendered: HashMap<String, (blake3::Hash, Rendered)>,
    /// The compiler's `rustc -vV`, asked once per session.
    toolchain: Option<String>,
}

impl Session {
    /// A session with nothing started yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn toolchain(&mut self) -> Result<&str, String> {
        if self.toolchain.is_none() {
            self.toolchain = Some(execute::toolchain()?);
        }
        Ok(self.toolchain.as_deref().expect("just set"))
    }

    fn math(&mut self, config: &MathConfig) -> &MathRenderer {
        if self.math.as_ref().is_none_or(|(c, _)| c != config) {
            self.math = Some((config.clone(), MathRenderer::new(config)));
        }
        &self.math.as_ref().expect("just set").1
    }
}

/// Figures and counts of a successful build.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Pages rendered.
    pub pages: usize,
    /// Pages whose Markdown was rendered again (the others came from the session).
    pub markdown_rendered: usize,
    /// Math work.
    pub math: MathStats,
    /// Code execution work.
    pub exec: ExecStats,
    /// Time for the whole build.
    pub total: Duration,
    /// Time of each phase, in order.
    pub phases: Vec<(&'static str, Duration)>,
}

impl Stats {
    /// The counts and times in words, after `action` ("checked", "wrote public"):
    /// pages and phases on the first line, then math and code.
    pub fn summary(&self, action: &str) -> String {
        let e = &self.exec;
        let phases: Vec<String> = self
            .phases
            .iter()
            .map(|(name, time)| format!("{name} {:.0} ms", time.as_secs_f64() * 1000.0))
            .collect();
        format!(
            "{action}: {} pages in {:.2} s ({})\n  math: {} formulas, {} distinct, {} rendered now ({:.2} s)\n  code: {} blocks: {} from cache, {} compiled ({} binaries, {:.2} s), {} run ({:.2} s), {} failed",
            self.pages,
            self.total.as_secs_f64(),
            phases.join(", "),
            self.math.formulas,
            self.math.distinct,
            self.math.rendered,
            self.math.render_time.as_secs_f64(),
            e.blocks,
            e.cached,
            e.compiled,
            e.binaries,
            e.compile_time.as_secs_f64(),
            e.ran,
            e.run_time.as_secs_f64(),
            e.failed,
        )
    }
}

/// A successful build: its files, warnings and figures.
#[derive(Debug)]
pub struct Report {
    /// Every file of the site.
    pub files: SiteFiles,
    /// Problems that did not fail the build.
    pub warnings: Vec<Diagnostic>,
    /// What the build's output says once, such as protections this machine lacks.
    pub notices: Vec<String>,
    /// Counts and timings.
    pub stats: Stats,
}

/// Which kind of page a Markdown file makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PageKind {
    Home,
    Module(usize),
    Post(usize),
}

/// One page to render.
struct PageSource<'a> {
    kind: PageKind,
    source: Option<&'a SourceFile>,
    url: String,
    source_dir: String,
}

/// The time of each phase of a build, in order.
struct Phases {
    list: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Default for Phases {
    fn default() -> Self {
        Self {
            list: Vec::new(),
            lap: Instant::now(),
        }
    }
}

impl Phases {
    /// Ends the phase called `name`, started when the previous one ended.
    fn mark(&mut self, name: &'static str) {
        self.list.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

/// Builds the site in memory.
pub fn build(options: &Options, session: &mut Session) -> Result<Report, Failure> {
    let started = Instant::now();
    let mut phases = Phases::default();
    let mut phase = |name: &'static str| phases.mark(name);
    let root = &options.root;
    let config = Config::load(root).map_err(|d| Failure::new(vec![d]))?;
    let library = content::load(root, options.drafts).map_err(Failure::new)?;
    let templates = Templates::load(root).map_err(Failure::new)?;
    let mut diagnostics = Vec::new();
    phase("load");

    let resolver = resolver(&library, root);
    let pages = pages(&library);
    let collapse = config.structure.collapse_solutions;
    let context_hash = {
        let mut hasher = blake3::Hasher::new();
        hasher.update(
            format!(
                "{:?}{:?}{:?}{collapse}",
                resolver.sources, resolver.pages, resolver.files
            )
            .as_bytes(),
        );
        hasher.finalize()
    };
    let keys: Vec<blake3::Hash> = pages
        .iter()
        .map(|page| {
            let mut hasher = blake3::Hasher::new();
            hasher.update(context_hash.as_bytes());
            hasher.update(page.url.as_bytes());
            hasher.update(page.source.map_or(b"" as &[u8], |s| s.text.as_bytes()));
            hasher.finalize()
        })
        .collect();
    let rendered: Vec<Rendered> = pages
        .par_iter()
        .zip(&keys)
        .map(|(page, key)| {
            if let Some((known, rendered)) = session.rendered.get(&page.url)
                && known == key
            {
                return rendered.clone();
            }
            match page.source {
                Some(source) => markdown::render(
                    source,
                    &RenderContext {
                        resolver: &resolver,
                        source_dir: &page.source_dir,
                        page_url: &page.url,
                        collapse_solutions: collapse,
                    },
                ),
                None => Rendered::default(),
            }
        })
        .collect();
    let rerendered = pages
        .iter()
        .zip(&keys)
        .filter(|(page, key)| {
            session
                .rendered
                .get(&page.url)
                .is_none_or(|(known, _)| known != *key)
        })
        .count();
    session.rendered = pages
        .iter()
        .zip(&keys)
        .zip(&rendered)
        .map(|((page, key), rendered)| (page.url.clone(), (*key, rendered.clone())))
        .collect();
    for (page, rendered) in pages.iter().zip(&rendered) {
        diagnostics.extend(rendered.diagnostics.iter().cloned());
        if let (PageKind::Post(index), Some(source)) = (page.kind, page.source) {
            let last_line = LineIndex::new(&source.text).line_count();
            diagnostics.extend(structure::check(
                &config.structure,
                library.posts[index].kind,
                &source.display,
                rendered,
                last_line,
            ));
        }
    }
    diagnostics.extend(check_links(&pages, &rendered));
    phase("markdown");

    // The compiler's version is part of every code result's key; asked once per session.
    let any_code = config.execute.enabled
        && rendered
            .iter()
            .any(|r| r.code_blocks.iter().any(|b| b.attrs.compiles()));
    let toolchain = if any_code {
        session.toolchain().map(str::to_string)
    } else {
        Ok(String::new())
    };

    // The caches and the generated lesson project belong to one kiln process at a time.
    let cache_dir = options.cache_dir();
    let _cache_lock = std::fs::create_dir_all(&cache_dir)
        .and_then(|()| crate::lock::exclusive(&cache_dir, "the site's caches"))
        .map_err(|e| {
            Failure::new(vec![Diagnostic::global(format!(
                "cannot lock the cache folder {}: {e}",
                cache_dir.display()
            ))])
        })?;

    // Math: every distinct formula, typeset once (the math stage keeps its own cache).
    let renderer = session.math(&config.math);
    let (typeset, math_problems, math_stats) = renderer.typeset(
        rendered.iter().flat_map(|r| &r.formulas),
        &cache_dir.join("math.cache"),
    );
    diagnostics.extend(math_problems);
    phase("math");

    // Highlighting: every distinct code block, highlighted once.
    let (highlighted, _, highlight_warning) = crate::highlight::highlight_all(
        rendered
            .iter()
            .flat_map(|r| &r.code_blocks)
            .map(|b| (b.shown(), b.lang())),
        &cache_dir.join("highlight.cache"),
    );
    diagnostics.extend(highlight_warning);
    phase("highlight");

    // Code: every Rust block compiled and run, cached on disk.
    let exec = if config.execute.enabled {
        let blocks: Vec<execute::PageBlocks> = pages
            .iter()
            .zip(&rendered)
            .map(|(page, rendered)| execute::PageBlocks {
                path: page.source.map(|s| s.display.clone()).unwrap_or_default(),
                blocks: rendered.code_blocks.clone(),
            })
            .collect();
        match toolchain {
            Ok(toolchain) => execute::execute(&execute::Request {
                root,
                config: &config.execute,
                cache_dir: &cache_dir,
                cargo_target_dir: options.cargo_target_dir.as_deref(),
                pages: &blocks,
                fresh: options.fresh,
                locked: options.mode == Mode::Check,
                toolchain: &toolchain,
                progress: options.progress,
            }),
            Err(message) => {
                let mut outcome = execute::Executed::default();
                outcome.diagnostics.push(Diagnostic::global(message));
                outcome
            }
        }
    } else {
        execute::Executed::default()
    };
    diagnostics.extend(exec.diagnostics.iter().cloned());
    phases.mark("code");

    let stats_so_far = |phases: &Phases| Stats {
        pages: pages.len(),
        markdown_rendered: rerendered,
        math: math_stats.clone(),
        exec: exec.stats,
        total: started.elapsed(),
        phases: phases.list.clone(),
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        let stats = stats_so_far(&phases);
        return Err(Failure::new(diagnostics).with_summary(stats.summary("checked")));
    }

    let mut files = SiteFiles::default();
    let (katex, asset_warnings) =
        assets::collect(root, &config, &mut files).map_err(|mut problems| {
            problems.extend(diagnostics.iter().cloned());
            Failure::new(problems)
        })?;
    diagnostics.extend(asset_warnings);
    for asset in &library.assets {
        let from = root.join("content").join(asset);
        match std::fs::read(&from) {
            Ok(bytes) => files.insert(asset.to_string_lossy().replace('\\', "/"), bytes),
            Err(e) => diagnostics.push(Diagnostic::error(
                Location::file(Path::new("content").join(asset)),
                format!("cannot read file: {e}"),
            )),
        }
    }

    // Fill placeholders, then render every page through its template.
    let page_results: Vec<Result<PageOutput, Diagnostic>> = pages
        .par_iter()
        .enumerate()
        .map(|(index, page)| {
            let filled = fill_page(&rendered[index], page, &typeset, &highlighted, &exec);
            let html = render_page(page, &filled, &library, &config, &templates, &katex)?;
            Ok((page.url.clone(), html, filled.figures))
        })
        .collect();
    let mut urls = Vec::new();
    for result in page_results {
        match result {
            Ok((url, html, figures)) => {
                files.insert(format!("{url}index.html"), html);
                for (path, bytes) in figures {
                    files.insert(path, bytes);
                }
                urls.push(url);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    match render_blog(&library, &config, &templates, &katex) {
        Ok(html) => {
            files.insert("blog/index.html", html);
            urls.push("blog/".into());
        }
        Err(d) => diagnostics.push(d),
    }
    match render_404(&config, &templates, &katex, options.mode) {
        Ok(html) => files.insert("404.html", html),
        Err(d) => diagnostics.push(d),
    }
    match feed::atom(&config, &library, &templates) {
        Ok(xml) => files.insert("atom.xml", xml),
        Err(d) => diagnostics.push(d),
    }
    match feed::sitemap(&config, &urls, &templates) {
        Ok(xml) => files.insert("sitemap.xml", xml),
        Err(d) => diagnostics.push(d),
    }
    phases.mark("pages");

    if diagnostics.iter().any(Diagnostic::is_error) {
        let stats = stats_so_far(&phases);
        return Err(Failure::new(diagnostics).with_summary(stats.summary("checked")));
    }
    crate::diagnostics::sort(&mut diagnostics);
    Ok(Report {
        stats: Stats {
            pages: urls.len(),
            markdown_rendered: rerendered,
            math: math_stats,
            exec: exec.stats,
            total: started.elapsed(),
            phases: phases.list,
        },
        files,
        warnings: diagnostics,
        notices: exec.notices.clone(),
    })
}

/// The path the site is served from, for pages served at any depth (the 404 page): the
/// `base_url`'s path when published, `/` in `serve`, which serves the site at the root.
fn root_path(config: &Config, mode: Mode) -> String {
    match mode {
        Mode::Serve => "/".into(),
        Mode::Build | Mode::Check => url::Url::parse(&config.base_url)
            .map(|url| url.path().to_string())
            .unwrap_or_else(|_| "/".into()),
    }
}

/// Every page of the site with a Markdown source: home, modules, posts.
fn pages(library: &Library) -> Vec<PageSource<'_>> {
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

/// What links in the content can point at.
/// Files every build writes besides pages, which content may link to.
const GENERATED_FILES: [&str; 5] = [
    "atom.xml",
    "sitemap.xml",
    "style.css",
    "highlight.css",
    "404.html",
];

fn resolver(library: &Library, root: &Path) -> LinkResolver {
    let mut resolver = LinkResolver::default();
    resolver.pages.insert(String::new());
    resolver.pages.insert("blog/".into());
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
fn check_links(pages: &[PageSource], rendered: &[Rendered]) -> Vec<Diagnostic> {
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

/// A rendered page: its URL, its HTML and the figure files beside it.
type PageOutput = (String, String, Vec<(String, Vec<u8>)>);

/// A page's body and table of contents with formulas and block outputs in place.
struct Filled {
    body: String,
    words: usize,
    toc: Vec<TocEntry>,
    has_math: bool,
    figures: Vec<(String, Vec<u8>)>,
}

fn fill_page(
    rendered: &Rendered,
    page: &PageSource,
    typeset: &Typeset,
    highlighted: &Highlighted,
    exec: &execute::Executed,
) -> Filled {
    let page_url = page.url.as_str();
    let mut figures = Vec::new();
    let mut outputs: BTreeMap<usize, String> = BTreeMap::new();
    let page_path = page.source.map(|s| s.display.as_path());
    for block in &rendered.code_blocks {
        if let Some(result) = page_path.and_then(|path| exec.result(path, block.index)) {
            let (html, files) = execute::render::output_html(block, result, page_url);
            figures.extend(files);
            outputs.insert(block.index, html);
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
            highlighted
                .get(&shown, block.lang())
                .map(str::to_string)
                .unwrap_or_else(|| crate::escape::text(&shown))
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
    }
}

/// Values every template gets.
fn base_context(
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
struct PostPage<'a> {
    title: &'a str,
    part: String,
    kind: &'static str,
    description: &'a str,
    date: String,
    date_iso: String,
    tags: &'a [String],
    reading_minutes: usize,
    toc: &'a [TocEntry],
    body: &'a str,
    module: ModuleRef<'a>,
    previous: Option<PostLink<'a>>,
    next: Option<PostLink<'a>>,
}

#[derive(Serialize)]
struct ModuleRef<'a> {
    number: u32,
    title: &'a str,
    href: String,
}

fn render_page(
    page: &PageSource,
    filled: &Filled,
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
                reading_minutes: filled.words.div_ceil(220).max(1),
                toc: &filled.toc,
                body: &filled.body,
                module: ModuleRef {
                    number: module.number,
                    title: &module.title,
                    href: href(&page.url, &module.url),
                },
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

fn render_blog(
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

fn render_404(
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
