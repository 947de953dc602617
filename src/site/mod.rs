//! The build pipeline: config and content are loaded, every page's Markdown is rendered in
//! parallel, formulas are typeset and code blocks run (both cached), links and lesson structure
//! are checked, and the templates produce the site's files in memory. Nothing is written here:
//! `build` writes the files with [`crate::output::write`], `check` discards them.

pub(crate) mod assets;
pub(crate) mod context;
mod downloads;
pub(crate) mod feed;
mod links;
mod pages;
mod quoted;
mod render;
mod search;
mod tags;

use links::{check_links, resolver};
use pages::{PageKind, pages};
use render::{PageOutput, fill_page, render_404, render_blog, render_page};
pub(crate) mod structure;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, MathConfig};
use crate::content::{self, Drafts};
use crate::diagnostics::{Diagnostic, Failure, LineIndex, Location};
use crate::execute::{self, ExecStats, Progress};
use crate::markdown::{self, RenderContext, Rendered};
use crate::math::{MathRenderer, MathStats};
use crate::numbers::NumberStats;
use crate::output::SiteFiles;
use crate::report;
use crate::templates::Templates;

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
    /// Run the code of only this share of the pages: shard K of N (1-based).
    pub shard: Option<(u32, u32)>,
    /// Run nothing: every block's result must come from the cache.
    pub no_run: bool,
    /// Run every block twice and report those whose runs differ (`check --twice`; the runs
    /// are fresh when `fresh` is set too).
    pub twice: bool,
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
            shard: None,
            no_run: false,
            twice: false,
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
    /// The Rust blocks of the last build and what became of them.
    blocks: Vec<report::Entry>,
    /// The search index of a preview build and the pages it indexed, kept for later rebuilds
    /// with the same pages.
    search: Option<(Vec<String>, search::SearchFiles)>,
}

impl Session {
    /// A session with nothing started yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The Rust blocks of the last build, failed or not, and what became of each, in page
    /// order: what `check --report` writes.
    pub fn blocks(&self) -> &[report::Entry] {
        &self.blocks
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
    /// Numbers quoted in prose and looked up in the outputs (`check` only).
    pub numbers: NumberStats,
    /// Time for the whole build.
    pub total: Duration,
    /// Time of each phase, in order.
    pub phases: Vec<(&'static str, Duration)>,
    /// Every page with programs and the time they take to run, one after another (as they ran
    /// when their results were made), slowest first.
    pub page_times: Vec<(PathBuf, Duration)>,
}

impl Stats {
    /// Every page's run time, one per line, slowest first.
    pub fn timings(&self) -> String {
        self.page_times
            .iter()
            .map(|(page, time)| format!("{:>8.2} s  {}", time.as_secs_f64(), page.display()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The counts and times in words, after `action` ("checked", "wrote public"):
    /// pages and phases on the first line, then math and code, then the slowest pages.
    pub fn summary(&self, action: &str) -> String {
        let e = &self.exec;
        let phases: Vec<String> = self
            .phases
            .iter()
            .map(|(name, time)| format!("{name} {:.0} ms", time.as_secs_f64() * 1000.0))
            .collect();
        let mut text = format!(
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
        );
        if e.reruns > 0 {
            text.push_str(&format!(
                "; {} run twice, {} of them differently",
                e.reruns, e.differed
            ));
        }
        let n = &self.numbers;
        if n.pages > 0 {
            text.push_str(&format!(
                "\n  numbers: {} quoted in {} pages with output ({} by formulas, the rest in prose): {} printed there, {} set in their code or worked out in formulas, {} marked as not from a run, {} printed by no program",
                n.quoted, n.pages, n.in_formulas, n.printed, n.set, n.marked, n.stale
            ));
        }
        if !self.page_times.is_empty() {
            let pages: Vec<String> = self
                .page_times
                .iter()
                .take(3)
                .map(|(page, time)| format!("{} {:.1} s", page.display(), time.as_secs_f64()))
                .collect();
            text.push_str(&format!(
                "\n  slowest pages to run (their blocks one after another): {}",
                pages.join(", ")
            ));
        }
        text
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

/// Whether the page at `path` belongs to shard K of N: by a hash of its path, so a page stays
/// in its shard as others are added.
fn in_shard(path: &Path, (k, n): (u32, u32)) -> bool {
    let hash = blake3::hash(path.to_string_lossy().replace('\\', "/").as_bytes());
    let value = u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes"));
    value % u64::from(n) == u64::from(k - 1)
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
    session.blocks.clear();
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

    // Math: every distinct formula, typeset once (the math stage keeps its own cache), as
    // MathML only when there is no KaTeX stylesheet for its HTML.
    // A misconfigured KaTeX fails the build, after every other problem is found too.
    let katex = match assets::katex(root, &config) {
        Ok((katex, warning)) => {
            diagnostics.extend(warning);
            katex
        }
        Err(problem) => {
            diagnostics.push(problem);
            assets::Katex::MathmlOnly
        }
    };
    let math_config = katex.math_config(&config.math);
    let renderer = session.math(&math_config);
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
    let mut blocks: Vec<execute::PageBlocks> = Vec::new();
    let exec = if config.execute.enabled {
        for (page, rendered) in pages.iter().zip(&rendered) {
            let mut page_blocks = Vec::new();
            for block in &rendered.code_blocks {
                match execute::sweep::variants(block) {
                    Ok(runs) => page_blocks.extend(runs),
                    Err(d) => diagnostics.push(d),
                }
            }
            let path = page.source.map(|s| s.display.clone()).unwrap_or_default();
            if let Some(shard) = options.shard
                && !in_shard(&path, shard)
            {
                page_blocks.clear();
            }
            blocks.push(execute::PageBlocks {
                path,
                blocks: page_blocks,
            });
        }
        match toolchain {
            Ok(toolchain) => execute::execute(&execute::Request {
                root,
                config: &config.execute,
                cache_dir: &cache_dir,
                cargo_target_dir: options.cargo_target_dir.as_deref(),
                pages: &blocks,
                fresh: options.fresh,
                locked: options.mode == Mode::Check,
                no_run: options.no_run,
                twice: options.twice,
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
    let headings: Vec<report::Headings> = rendered
        .iter()
        .map(|r| {
            r.headings
                .iter()
                .map(|h| (h.line, h.text.clone()))
                .collect()
        })
        .collect();
    session.blocks = report::entries(&blocks, &headings, &exec);
    phases.mark("code");

    // Numbers quoted in prose, looked up in what the programs printed: for `check`.
    let numbers = if options.mode == Mode::Check {
        let (stale, counts) = quoted::check_numbers(&pages, &rendered, &library, &exec);
        diagnostics.extend(stale);
        counts
    } else {
        NumberStats::default()
    };

    let stats_so_far = |phases: &Phases| Stats {
        pages: pages.len(),
        markdown_rendered: rerendered,
        math: math_stats,
        exec: exec.stats,
        numbers,
        total: started.elapsed(),
        phases: phases.list.clone(),
        page_times: exec.page_times(),
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        let stats = stats_so_far(&phases);
        return Err(Failure::new(diagnostics).with_summary(stats.summary("checked")));
    }

    let mut files = SiteFiles::default();
    let (katex_link, asset_warnings) =
        assets::collect(root, &config, &katex, &mut files).map_err(|mut problems| {
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
            let mut filled = fill_page(&rendered[index], page, &typeset, &highlighted, &exec);
            let mut link = None;
            if let PageKind::Post(post) = page.kind {
                let title = &library.posts[post].title;
                match downloads::lesson_download(page, title, &rendered[index], &exec, &config) {
                    Some(Ok(made)) => {
                        filled.figures.push((made.path, made.bytes));
                        filled.warnings.extend(made.problems);
                        link = Some(made.link);
                    }
                    Some(Err(warning)) => filled.warnings.push(warning),
                    None => {}
                }
            }
            let html = render_page(
                page,
                &filled,
                link.as_ref(),
                &library,
                &config,
                &templates,
                &katex_link,
            )?;
            Ok(PageOutput {
                url: page.url.clone(),
                html,
                figures: filled.figures,
                warnings: filled.warnings,
            })
        })
        .collect();
    let mut urls = Vec::new();
    for result in page_results {
        match result {
            Ok(page) => {
                files.insert(format!("{}index.html", page.url), page.html);
                for (path, bytes) in page.figures {
                    files.insert(path, bytes);
                }
                diagnostics.extend(page.warnings);
                urls.push(page.url);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    // `check` writes no site, so it needs no index. A preview keeps its index while the set of
    // pages stays the same: indexing every page again after each edit would cost a live reload
    // seconds on a large site, for results that differ only on the page being edited.
    if config.search.enabled && options.mode != Mode::Check {
        let indexed: Vec<String> = files
            .paths()
            .filter(|p| p.ends_with(".html"))
            .map(str::to_string)
            .collect();
        let index = match (options.mode, &session.search) {
            (Mode::Serve, Some((pages, index))) if *pages == indexed => Ok(index.clone()),
            _ => search::index(&files, &config.language, &cache_dir),
        };
        match index {
            Ok(index) => {
                if options.mode == Mode::Serve {
                    session.search = Some((indexed, index.clone()));
                }
                for (path, bytes) in index {
                    files.insert(path, bytes);
                }
            }
            Err(message) => diagnostics.push(Diagnostic::global(message)),
        }
    }
    match render_blog(&library, &config, &templates, &katex_link) {
        Ok(html) => {
            files.insert("blog/index.html", html);
            urls.push("blog/".into());
        }
        Err(d) => diagnostics.push(d),
    }
    for (url, html) in tags::render(&library, &config, &templates, &katex_link) {
        match html {
            Ok(html) => {
                files.insert(format!("{url}index.html"), html);
                urls.push(url);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    match render_404(&config, &templates, &katex_link, options.mode) {
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
            numbers,
            total: started.elapsed(),
            phases: phases.list,
            page_times: exec.page_times(),
        },
        files,
        warnings: diagnostics,
        notices: katex
            .notice(&config.math)
            .filter(|_| math_stats.formulas > 0)
            .into_iter()
            .chain(exec.notices.iter().cloned())
            .collect(),
    })
}
