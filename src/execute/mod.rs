//! Execution of the lessons' Rust blocks: cached results are reused without starting cargo;
//! the rest are compiled together (one binary per page, a binary per block only when the page's
//! build fails or the block must not compile), then run in parallel, each in its own process and
//! fresh folder. Failures become diagnostics at the Markdown line; successes are cached.

pub mod cache;
pub(crate) mod manifest;
pub(crate) mod panic;
pub(crate) mod program;
pub(crate) mod progress;
pub(crate) mod project;
pub(crate) mod render;
pub(crate) mod run;
pub mod sandbox;

mod compile;
mod failure;
mod judge;
mod key;
mod outcome;
pub(crate) mod sweep;
pub mod transfer;
mod twice;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{ExecuteConfig, SandboxMode};
use crate::diagnostics::{Diagnostic, Location};
use crate::edition::Edition;
use crate::markdown::code::CodeBlock;
use crate::markdown::fence::RunMode;
use cache::{BlockResult, ResultCache, ResultKind};
use compile::{Binary, Pending};
pub use failure::BlockFailure;
use judge::store;
pub use key::toolchain;
use key::{block_key, environment_of, limits, setting};
pub use outcome::{Outcome, SecondRun, Status};
pub use progress::Progress;

/// The cargo target folder lesson programs build in when nothing chooses another (see the
/// README's Configuration section), and the compiler flags they build with: for tools that
/// build the same programs outside kiln and must reuse its compiled dependencies.
pub fn default_compile_setup(toolchain: &str) -> (PathBuf, String) {
    let flags = project::rustflags();
    let dir = match std::env::var_os("KILN_CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => project::shared_target_dir(toolchain, &flags),
    };
    (dir, flags)
}
use progress::Reporter;
use project::Project;
use run::RunOutput;

/// The code blocks of one page.
#[derive(Clone, Debug)]
pub struct PageBlocks {
    /// The Markdown file, as shown in messages.
    pub path: PathBuf,
    /// Its code blocks (all languages; only compiled Rust ones are executed), a swept block
    /// as one copy per run (see [`sweep::variants`]).
    pub blocks: Vec<CodeBlock>,
}

/// What to execute and how.
pub struct Request<'a> {
    /// Site root.
    pub root: &'a Path,
    /// `[execute]` settings.
    pub config: &'a ExecuteConfig,
    /// Where caches and the generated project live.
    pub cache_dir: &'a Path,
    /// Cargo target folder overriding the configured one.
    pub cargo_target_dir: Option<&'a Path>,
    /// Every page, in the site's page order.
    pub pages: &'a [PageBlocks],
    /// Ignore cached results.
    pub fresh: bool,
    /// Build with the lock file as it is (`cargo --locked`) and never rewrite it: for `check`.
    pub locked: bool,
    /// Run nothing: a block without a cached result is an error.
    pub no_run: bool,
    /// Run every block a second time and report those whose second run shows something else
    /// (`check --twice`); meant with `fresh`.
    pub twice: bool,
    /// The compiler's `rustc -vV`, from [`toolchain`].
    pub toolchain: &'a str,
    /// How to report progress.
    pub progress: Progress,
}

/// A block's result with its figures' bytes.
#[derive(Clone, Debug)]
pub struct Shown {
    /// The result.
    pub result: BlockResult,
    /// Bytes of each figure, in the order of `result.figures`.
    pub figures: Vec<Vec<u8>>,
}

/// Counts and times of an execution pass.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ExecStats {
    /// Blocks that compile (all but `ignore` and non-Rust).
    pub blocks: usize,
    /// Blocks whose result came from the cache.
    pub cached: usize,
    /// Blocks compiled in this pass.
    pub compiled: usize,
    /// Binaries cargo was asked to build.
    pub binaries: usize,
    /// Blocks run in this pass.
    pub ran: usize,
    /// Blocks that failed.
    pub failed: usize,
    /// Blocks run a second time (`--twice`).
    pub reruns: usize,
    /// Blocks whose second run showed something else than their first.
    pub differed: usize,
    /// Wall-clock time in cargo.
    pub compile_time: Duration,
    /// Wall-clock time running blocks.
    pub run_time: Duration,
}

/// Where a result belongs: the page's Markdown file, the block's position on the page and, for a
/// run of a swept block, the run's position in the sweep.
type ResultKey = (PathBuf, usize, Option<usize>);

/// What the execution stage made: each block's result by page and position, and what went
/// wrong.
#[derive(Debug, Default)]
pub struct Executed {
    /// By the page's Markdown path (as shown in messages), the block's index on the page, and
    /// for a swept block the run's position in the sweep.
    results: HashMap<ResultKey, Shown>,
    /// What became of each block, by the same key.
    outcomes: HashMap<ResultKey, Outcome>,
    /// Failures (errors) and notes (warnings).
    pub diagnostics: Vec<Diagnostic>,
    /// What the build's output should say once, such as protections the kernel lacks.
    pub notices: Vec<String>,
    /// Counts and times.
    pub stats: ExecStats,
    /// Every failure, at its Markdown location, in the order found.
    pub failures: Vec<(Location, BlockFailure)>,
    /// By the same keys as `results`, the program each result was made by, as a program of its
    /// own (its code with hidden lines, as the compiler saw it; for a cached result, the code
    /// its key was computed from), and the edition its fence asked for.
    programs: HashMap<ResultKey, (String, Option<Edition>)>,
    /// The lock file the results were built with, as it was once cargo had run.
    pub lock: Option<String>,
}

fn block_key_of(block: &CodeBlock) -> ResultKey {
    (block.fence.path.clone(), block.index, block.variant)
}

impl Executed {
    /// What became of the block at index `block` of the page `page` (for a swept block, of its
    /// run `variant`); `None` for a block the pass never reached.
    pub fn outcome(&self, page: &Path, block: usize, variant: Option<usize>) -> Option<&Outcome> {
        self.outcomes.get(&(page.to_path_buf(), block, variant))
    }

    fn outcome_mut(&mut self, block: &CodeBlock) -> &mut Outcome {
        self.outcomes.entry(block_key_of(block)).or_default()
    }

    /// The result of the block at index `block` of the page whose Markdown file is `page`.
    pub fn result(&self, page: &Path, block: usize) -> Option<&Shown> {
        self.results.get(&(page.to_path_buf(), block, None))
    }

    /// The results of a swept block's runs, in the sweep's order; `None` unless every run has
    /// one.
    pub fn sweep_results(&self, page: &Path, block: usize, runs: usize) -> Option<Vec<&Shown>> {
        (0..runs)
            .map(|run| self.results.get(&(page.to_path_buf(), block, Some(run))))
            .collect()
    }

    /// The program behind a block's result (for a run of a swept block, `variant` is the run's
    /// position in the sweep) and the edition its fence asked for: see [`Executed`].
    pub(crate) fn program(
        &self,
        page: &Path,
        block: usize,
        variant: Option<usize>,
    ) -> Option<(&str, Option<Edition>)> {
        self.programs
            .get(&(page.to_path_buf(), block, variant))
            .map(|(source, edition)| (source.as_str(), *edition))
    }

    /// Each page's run time: the time its blocks took to run, one after another, as they ran
    /// when their results were made (from the cache for blocks that did not run now). Slowest
    /// first.
    pub fn page_times(&self) -> Vec<(PathBuf, Duration)> {
        let mut pages: HashMap<&Path, u64> = HashMap::new();
        for ((page, _, _), shown) in &self.results {
            *pages.entry(page.as_path()).or_default() += shown.result.millis;
        }
        let mut times: Vec<(PathBuf, Duration)> = pages
            .into_iter()
            .map(|(page, millis)| (page.to_path_buf(), Duration::from_millis(millis)))
            .collect();
        times.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        times
    }

    /// Records a failure of `block` and its diagnostic, with the compiler's or program's text
    /// as a note.
    fn fail(
        &mut self,
        block: &CodeBlock,
        location: Location,
        failure: BlockFailure,
        note: Option<String>,
    ) {
        let mut diagnostic = Diagnostic::error(location.clone(), failure.to_string());
        if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
            diagnostic = diagnostic.with_note(note);
        }
        self.diagnostics.push(diagnostic);
        self.outcome_mut(block)
            .failed(location.clone(), failure.clone());
        self.failures.push((location, failure));
    }

    /// Records a block's result, made in this pass or taken from the cache, reporting again
    /// the compiler's warnings about its code.
    pub(crate) fn insert(&mut self, block: &CodeBlock, shown: Shown, status: Status) {
        self.outcome_mut(block).settle(status);
        for warning in &shown.result.warnings {
            let location = Location::at(
                &block.fence.path,
                block.fence.line + warning.line,
                warning.col,
            );
            self.diagnostics.push(
                Diagnostic::warning(location, warning.message.clone())
                    .with_note(warning.rendered.clone()),
            );
        }
        let key = (block.fence.path.clone(), block.index, block.variant);
        self.programs.insert(
            key.clone(),
            (program::standalone(block).source, block.attrs.edition),
        );
        self.results.insert(key, shown);
    }
}

/// Executes every compiled block of the site.
pub fn execute(request: &Request) -> Executed {
    let mut outcome = Executed::default();
    let cache = ResultCache::new(request.cache_dir);
    let project = Project::new(
        request.root,
        request.config,
        request.cache_dir,
        request.cargo_target_dir,
        request.toolchain,
    );

    let all: Vec<(usize, &CodeBlock)> = request
        .pages
        .iter()
        .enumerate()
        .flat_map(|(p, page)| page.blocks.iter().map(move |b| (p, b)))
        .filter(|(_, b)| b.attrs.compiles())
        .collect();
    outcome.stats.blocks = all.len();
    if all.is_empty() {
        return outcome;
    }
    let setting = setting(request.config);
    let available = sandbox::probe();
    let missing = available.missing(&setting.jail);
    if !missing.is_empty() {
        match request.config.sandbox {
            SandboxMode::Required => {
                outcome.diagnostics.push(
                    Diagnostic::global(
                        "execute.sandbox = \"required\", but this machine cannot contain lesson programs fully",
                    )
                    .with_note(missing.join("\n")),
                );
                return outcome;
            }
            SandboxMode::Auto => outcome.notices.push(format!(
                "sandbox: lesson programs run with less containment here: {}",
                missing.join("; ")
            )),
            SandboxMode::Off => {}
        }
    }
    let fingerprint = project.fingerprint();
    outcome.lock = std::fs::read_to_string(&project.lockfile).ok();
    let environment = environment_of(request.toolchain, &project, request.config);
    let mut pending = Vec::new();
    for (page, block) in all {
        let key = block_key(&environment, block, request.config.edition);
        if !request.fresh
            && let Some(result) = cache.get(&key)
            && let Some(figures) = result
                .figures
                .iter()
                .map(|f| cache.figure(f))
                .collect::<Option<Vec<_>>>()
        {
            outcome.stats.cached += 1;
            outcome.insert(block, Shown { result, figures }, Status::Cached);
            continue;
        }
        pending.push(Pending {
            page,
            block,
            key: Some(key),
            warnings: Vec::new(),
        });
    }
    if pending.is_empty() {
        return outcome;
    }
    if request.no_run {
        for item in &pending {
            outcome.stats.failed += 1;
            outcome.diagnostics.push(Diagnostic::error(
                item.block.fence.clone(),
                "no cached result for this block, and --no-run runs nothing: import the caches of the machines that checked it (kiln cache import), or build without --no-run",
            ));
        }
        return outcome;
    }

    let reruns = if request.twice {
        pending
            .iter()
            .filter(|p| matches!(p.block.attrs.mode, RunMode::Run | RunMode::ShouldPanic))
            .count()
    } else {
        0
    };
    let reporter = Reporter::new(request.progress, (pending.len() + reruns) as u64);
    if !project.target_dir.join("debug").is_dir() {
        reporter.step(&format!(
            "compiling the lesson programs' dependencies into {} for the first time: this takes minutes; later builds of this and other sites reuse them",
            project.target_dir.display()
        ));
    }
    let (mut binaries, mut refused) =
        compile::compile(request, &project, &pending, &reporter, &mut outcome);
    // Cargo may have written the lock file (first build, or changed dependencies): results are
    // stored under keys of the dependency set they were really built with.
    if project.fingerprint() != fingerprint {
        let environment = environment_of(request.toolchain, &project, request.config);
        for binary in &mut binaries {
            for item in binary.blocks.iter_mut().filter(|i| i.wanted()) {
                item.key = Some(block_key(&environment, item.block, request.config.edition));
            }
        }
        for (item, _) in &mut refused {
            item.key = Some(block_key(&environment, item.block, request.config.edition));
        }
    }
    outcome.lock = std::fs::read_to_string(&project.lockfile).ok();
    for (item, result) in refused {
        store(&cache, &item, result, Vec::new(), &mut outcome);
    }
    let runs: Vec<(&Binary, usize)> = binaries
        .iter()
        .flat_map(|b| (0..b.blocks.len()).map(move |i| (b, i)))
        .filter(|(b, i)| b.blocks[*i].wanted())
        .filter(|(b, i)| {
            matches!(
                b.blocks[*i].block.attrs.mode,
                RunMode::Run | RunMode::ShouldPanic
            )
        })
        .collect();
    for binary in &binaries {
        for item in binary.blocks.iter().filter(|i| i.wanted()) {
            if item.block.attrs.mode == RunMode::NoRun {
                let result = BlockResult {
                    kind: ResultKind::Compiled,
                    stdout: Default::default(),
                    stderr: Default::default(),
                    compiler: String::new(),
                    millis: 0,
                    figures: Vec::new(),
                    warnings: item.warnings.clone(),
                };
                store(&cache, item, result, Vec::new(), &mut outcome);
                reporter.advance();
            }
        }
    }

    let jobs = if request.config.jobs == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        request.config.jobs
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("a thread pool");
    let started = Instant::now();
    let work_root = std::path::absolute(request.cache_dir.join("work"))
        .unwrap_or_else(|_| request.cache_dir.join("work"));
    // With `--twice` every block runs twice, the two runs side by side in the job list.
    let attempts = if request.twice { 2 } else { 1 };
    let jobs: Vec<(&Binary, usize)> = runs
        .iter()
        .flat_map(|run| std::iter::repeat_n(*run, attempts))
        .collect();
    let finished: Vec<(&Binary, usize, std::io::Result<RunOutput>)> = pool.install(|| {
        jobs.par_iter()
            .map(|(binary, i)| {
                let item = &binary.blocks[*i];
                reporter.step(&format!(
                    "running {}:{}",
                    item.block.fence.path.display(),
                    item.block.fence.line
                ));
                let limits = limits(request.config, item.block);
                let args = if binary.merged {
                    vec![i.to_string()]
                } else {
                    Vec::new()
                };
                let output = run::run(&binary.executable, &args, &work_root, limits, &setting);
                reporter.advance();
                (*binary, *i, output)
            })
            .collect()
    });
    outcome.stats.run_time = started.elapsed();
    let mut finished = finished.into_iter();
    while let Some((binary, i, first)) = finished.next() {
        let second = if request.twice {
            finished.next().map(|(_, _, output)| output)
        } else {
            None
        };
        let item = &binary.blocks[i];
        outcome.stats.ran += 1;
        let judged = |output: std::io::Result<RunOutput>| {
            output.map(|output| {
                let duration = output.duration;
                (judge::assess(request, binary, i, output), duration)
            })
        };
        let first = judged(first);
        if let Some(second) = second {
            outcome.stats.reruns += 1;
            let second = judged(second);
            twice::compare(
                item.block,
                first.as_ref().map(|(v, _)| v),
                second.as_ref().map(|(v, _)| v),
                &mut outcome,
            );
        }
        match first {
            Ok((verdict, duration)) => {
                outcome.outcome_mut(item.block).run_time = duration;
                judge::record(&cache, item, verdict, &mut outcome);
            }
            Err(e) => {
                outcome.stats.failed += 1;
                outcome.fail(
                    item.block,
                    item.block.fence.clone(),
                    BlockFailure::CouldNotRun(e.to_string()),
                    None,
                );
            }
        }
    }
    reporter.finish();
    let _ = std::fs::remove_dir(&work_root);
    outcome
}
