//! Execution of the lessons' Rust blocks: cached results are reused without starting cargo;
//! the rest are compiled together (one binary per page, a binary per block only when the page's
//! build fails or the block must not compile), then run in parallel, each in its own process and
//! fresh folder. Failures become diagnostics at the Markdown line; successes are cached.

pub mod cache;
pub mod panic;
pub mod program;
pub mod progress;
pub mod project;
pub mod render;
pub mod run;
pub mod sandbox;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{ExecuteConfig, SandboxMode};
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::code::CodeBlock;
use crate::markdown::fence::RunMode;
use cache::{BlockResult, ResultCache, ResultKind};
use program::Program;
pub use progress::Progress;
use progress::Reporter;
use project::{CompilerMessage, Project, bin_name};
use run::{Ending, FigureProblem, Limits, RunOutput, Setting};
use sandbox::Jail;

/// Bumped whenever the way results are produced or stored changes; part of every cache key.
const FORMAT: &str = "kiln-exec-3";

/// The code blocks of one page.
#[derive(Clone, Debug)]
pub struct PageBlocks {
    /// The Markdown file, as shown in messages.
    pub path: PathBuf,
    /// Its code blocks (all languages; only compiled Rust ones are executed).
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
    /// Wall-clock time in cargo.
    pub compile_time: Duration,
    /// Wall-clock time running blocks.
    pub run_time: Duration,
}

/// What the execution stage made: each block's result by page and position, and what went
/// wrong.
#[derive(Debug, Default)]
pub struct Executed {
    /// By the page's Markdown path (as shown in messages) and the block's index on the page.
    results: HashMap<(PathBuf, usize), Shown>,
    /// Failures (errors) and notes (warnings).
    pub diagnostics: Vec<Diagnostic>,
    /// What the build's output should say once, such as protections the kernel lacks.
    pub notices: Vec<String>,
    /// Counts and times.
    pub stats: ExecStats,
}

impl Executed {
    /// The result of the block at index `block` of the page whose Markdown file is `page`.
    pub fn result(&self, page: &Path, block: usize) -> Option<&Shown> {
        self.results.get(&(page.to_path_buf(), block))
    }

    fn insert(&mut self, block: &CodeBlock, shown: Shown) {
        self.results
            .insert((block.fence.path.clone(), block.index), shown);
    }
}

/// A block of a program being compiled.
#[derive(Clone)]
struct Pending<'a> {
    page: usize,
    block: &'a CodeBlock,
    /// The key its result is stored under when this pass needs it; `None` for a block whose
    /// result is cached, compiled only because its page's program holds every block.
    key: Option<String>,
}

impl Pending<'_> {
    fn wanted(&self) -> bool {
        self.key.is_some()
    }
}

/// A compiled program and the blocks it holds.
struct Binary<'a> {
    name: String,
    program: Program,
    blocks: Vec<Pending<'a>>,
    /// Whether the blocks are selected by argument (a merged page binary).
    merged: bool,
    /// The executable cargo reported, once built.
    executable: PathBuf,
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
    let environment = environment_of(request.toolchain, &project, request.config, &available);
    let mut pending = Vec::new();
    for (page, block) in all {
        let key = block_key(&environment, block);
        if !request.fresh
            && let Some(result) = cache.get(&key)
            && let Some(figures) = result
                .figures
                .iter()
                .map(|f| cache.figure(f))
                .collect::<Option<Vec<_>>>()
        {
            outcome.stats.cached += 1;
            outcome.insert(block, Shown { result, figures });
            continue;
        }
        pending.push(Pending {
            page,
            block,
            key: Some(key),
        });
    }
    if pending.is_empty() {
        return outcome;
    }

    let reporter = Reporter::new(request.progress, pending.len() as u64);
    let (mut binaries, mut refused) = compile(request, &project, &pending, &reporter, &mut outcome);
    // Cargo may have written the lock file (first build, or changed dependencies): results are
    // stored under keys of the dependency set they were really built with.
    if project.fingerprint() != fingerprint {
        let environment = environment_of(request.toolchain, &project, request.config, &available);
        for binary in &mut binaries {
            for item in binary.blocks.iter_mut().filter(|i| i.wanted()) {
                item.key = Some(block_key(&environment, item.block));
            }
        }
        for (item, _) in &mut refused {
            item.key = Some(block_key(&environment, item.block));
        }
    }
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
    let finished: Vec<(&Binary, usize, std::io::Result<RunOutput>)> = pool.install(|| {
        runs.par_iter()
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
    for (binary, i, output) in finished {
        let item = &binary.blocks[i];
        outcome.stats.ran += 1;
        match output {
            Ok(output) => judge(request, &cache, binary, i, output, &mut outcome),
            Err(e) => {
                outcome.stats.failed += 1;
                outcome.diagnostics.push(Diagnostic::error(
                    item.block.fence.clone(),
                    format!("could not run the block: {e}"),
                ));
            }
        }
    }
    reporter.finish();
    let _ = std::fs::remove_dir(&work_root);
    outcome
}

/// How blocks are started under `config`: contained unless the site turned the sandbox off,
/// with the environment it adds.
fn setting(config: &ExecuteConfig) -> Setting {
    let jail = match config.sandbox {
        SandboxMode::Off => Jail::default(),
        SandboxMode::Auto | SandboxMode::Required => Jail {
            pid_namespace: true,
            no_network: !config.network,
            writable: Some(Vec::new()),
            limits: None,
        },
    };
    Setting {
        jail,
        env: config.env.clone(),
    }
}

/// Everything outside a block that can change its result: this runner's format, the compiler,
/// the dependency manifest and lock, the run limits, the environment and containment blocks
/// get, and compiler flags.
fn environment_of(
    toolchain: &str,
    project: &Project,
    config: &ExecuteConfig,
    available: &sandbox::Available,
) -> String {
    format!(
        "{FORMAT}\n{toolchain}\n{}\nlimits {} {} {} {} {} {}\nsandbox {:?} network {} env {:?}\ncontained {available}\nrustflags {:?} {:?}",
        project.fingerprint(),
        config.output_limit_bytes,
        config.timeout,
        config.memory_limit_mib,
        config.max_figures,
        config.max_figure_kib,
        FILE_SIZE_LIMIT,
        config.sandbox,
        config.network,
        config.env,
        std::env::var("RUSTFLAGS").unwrap_or_default(),
        std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default(),
    )
}

/// The key of a block: everything that can change its result.
fn block_key(environment: &str, block: &CodeBlock) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(environment.as_bytes());
    hasher.update(format!("\0{:?}\0{:?}\0", block.attrs.mode, block.attrs.timeout).as_bytes());
    hasher.update(block.compiled().as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// `rustc -vV`, which names the exact compiler.
pub fn toolchain() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = std::process::Command::new(&rustc)
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc to compile the lessons: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rustc -vV failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Bytes a block may print in all before it is stopped.
const OUTPUT_HARD_LIMIT: usize = 64 << 20;
/// Largest file a block may write.
const FILE_SIZE_LIMIT: u64 = 64 << 20;

fn limits(config: &ExecuteConfig, block: &CodeBlock) -> Limits {
    Limits {
        timeout: Duration::from_secs_f64(block.attrs.timeout.unwrap_or(config.timeout)),
        memory: config.memory_limit_mib << 20,
        output: config.output_limit_bytes,
        errors: config.output_limit_bytes + (64 << 10),
        output_hard: OUTPUT_HARD_LIMIT,
        file_size: FILE_SIZE_LIMIT,
        max_figures: config.max_figures,
        max_figure_bytes: config.max_figure_kib << 10,
    }
}

/// Compiles what `pending` needs: a merged binary per page for the blocks that run or only
/// compile, a binary per `compile_fail` block, and a binary per block of any page whose merged
/// build failed. Returns the binaries that built and can run, and the `compile_fail` blocks
/// that failed as they should, with their results.
fn compile<'a>(
    request: &Request<'a>,
    project: &Project,
    pending: &[Pending<'a>],
    reporter: &Reporter,
    outcome: &mut Executed,
) -> (Vec<Binary<'a>>, Vec<(Pending<'a>, BlockResult)>) {
    let mut refused = Vec::new();
    let mut first: Vec<Binary> = Vec::new();
    let mut by_page: std::collections::BTreeMap<usize, Vec<Pending>> = Default::default();
    for item in pending {
        if item.block.attrs.mode == RunMode::CompileFail {
            first.push(single(project, request, item));
        } else {
            by_page.entry(item.page).or_default().push(item.clone());
        }
    }
    // A page's program holds all its blocks, not only the ones that changed: its source then
    // changes by one module per edit, and incremental compilation reuses the rest.
    for (page, items) in by_page {
        let all: Vec<Pending> = request.pages[page]
            .blocks
            .iter()
            .filter(|b| b.attrs.compiles() && b.attrs.mode != RunMode::CompileFail)
            .map(|block| {
                items
                    .iter()
                    .find(|i| i.block.index == block.index)
                    .cloned()
                    .unwrap_or(Pending {
                        page,
                        block,
                        key: None,
                    })
            })
            .collect();
        let blocks: Vec<&CodeBlock> = all.iter().map(|i| i.block).collect();
        first.push(Binary {
            name: bin_name(&project.prefix, &request.pages[page].path, ""),
            program: program::merged(&blocks),
            blocks: all,
            merged: true,
            executable: PathBuf::new(),
        });
    }
    outcome.stats.compiled += pending.len();
    let Some(built) = build(request, project, &first, reporter, outcome) else {
        return (Vec::new(), refused);
    };

    let mut ready = Vec::new();
    let mut fallback = Vec::new();
    for mut binary in first {
        let executable = built.executables.get(&binary.name).cloned();
        let ok = executable.is_some();
        let item = &binary.blocks[0];
        if item.block.attrs.mode == RunMode::CompileFail {
            if ok {
                outcome.stats.failed += 1;
                outcome.diagnostics.push(Diagnostic::error(
                    item.block.fence.clone(),
                    "this compile_fail block compiled; it must fail to compile (or drop compile_fail)",
                ));
            } else {
                let messages = built
                    .messages
                    .get(&binary.name)
                    .cloned()
                    .unwrap_or_default();
                let compiler = compiler_text(&messages, &binary);
                let result = BlockResult {
                    kind: ResultKind::FailedToCompile,
                    stdout: Default::default(),
                    stderr: Default::default(),
                    compiler,
                    millis: 0,
                    figures: Vec::new(),
                };
                refused.push((item.clone(), result));
                reporter.advance();
            }
        } else if let Some(executable) = executable {
            binary.executable = executable;
            ready.push(binary);
        } else {
            // Build each block this pass needs alone, so that the failing ones name
            // themselves; the page's cached blocks keep their results.
            fallback.extend(
                binary
                    .blocks
                    .iter()
                    .filter(|item| item.wanted())
                    .map(|item| single(project, request, item)),
            );
        }
    }
    if fallback.is_empty() {
        return (ready, refused);
    }
    reporter.step("a page failed to compile; compiling its blocks one by one");
    let Some(built) = build(request, project, &fallback, reporter, outcome) else {
        return (ready, refused);
    };
    for mut binary in fallback {
        if let Some(executable) = built.executables.get(&binary.name) {
            binary.executable = executable.clone();
            ready.push(binary);
            continue;
        }
        outcome.stats.failed += 1;
        let messages = built
            .messages
            .get(&binary.name)
            .cloned()
            .unwrap_or_default();
        report_compile_errors(&binary, &messages, outcome);
        reporter.advance();
    }
    (ready, refused)
}

fn single<'a>(project: &Project, request: &Request, item: &Pending<'a>) -> Binary<'a> {
    Binary {
        name: bin_name(
            &project.prefix,
            &request.pages[item.page].path,
            &format!("_b{}", item.block.index + 1),
        ),
        program: program::standalone(item.block),
        blocks: vec![item.clone()],
        merged: false,
        executable: PathBuf::new(),
    }
}

/// Writes the binaries' sources and builds them; `None` when cargo itself failed.
fn build(
    request: &Request,
    project: &Project,
    binaries: &[Binary],
    reporter: &Reporter,
    outcome: &mut Executed,
) -> Option<project::BuildOutput> {
    if request.locked && !project.lockfile.is_file() {
        outcome.diagnostics.push(Diagnostic::error(
            Location::file(&request.config.lockfile),
            "the lock file of the lesson dependencies does not exist; `check` uses it as it is, so run `kiln build` once to create it, and commit it",
        ));
        return None;
    }
    let sources: Vec<(String, String)> = binaries
        .iter()
        .map(|b| (b.name.clone(), b.program.source.clone()))
        .collect();
    if let Err(e) = project.write(&sources) {
        outcome.diagnostics.push(Diagnostic::global(format!(
            "cannot write the lesson project in {}: {e}",
            project.dir.display()
        )));
        return None;
    }
    reporter.step(&format!(
        "compiling {} lesson program{}",
        binaries.len(),
        if binaries.len() == 1 { "" } else { "s" }
    ));
    let names: Vec<String> = binaries.iter().map(|b| b.name.clone()).collect();
    let rules = project::BuildRules {
        locked: request.locked,
        timeout: Duration::from_secs_f64(request.config.compile_timeout),
    };
    let started = Instant::now();
    let built = project.build(&names, rules, reporter);
    outcome.stats.compile_time += started.elapsed();
    outcome.stats.binaries += binaries.len();
    let built = match built {
        Ok(built) => built,
        Err(e) => {
            outcome
                .diagnostics
                .push(Diagnostic::global(format!("cannot start cargo: {e}")));
            return None;
        }
    };
    if built.timed_out {
        let pages: std::collections::BTreeSet<&Path> = binaries
            .iter()
            .map(|b| request.pages[b.blocks[0].page].path.as_path())
            .collect();
        for page in pages {
            outcome.diagnostics.push(Diagnostic::error(
                Location::file(page),
                format!(
                    "compiling this page's programs took longer than {} s (execute.compile_timeout); cargo was stopped",
                    request.config.compile_timeout
                ),
            ));
        }
        return None;
    }
    if let Some(error) = &built.cargo_error {
        let diagnostic = if request.locked && error.contains("--locked") {
            Diagnostic::error(
                Location::file(&request.config.lockfile),
                "the lock file does not match `[execute.dependencies]` in config.toml; run `kiln build` to refresh it, and commit it",
            )
        } else {
            Diagnostic::global("cargo could not build the lesson programs")
        };
        outcome
            .diagnostics
            .push(diagnostic.with_note(error.trim_end().to_string()));
        return None;
    }
    if request.locked {
        return Some(built);
    }
    match project.save_lock() {
        Ok(true) => outcome.diagnostics.push(Diagnostic::warning(
            Location::file(&request.config.lockfile),
            "the lesson dependencies' lock file was updated; commit it",
        )),
        Ok(false) => {}
        Err(e) => outcome.diagnostics.push(Diagnostic::warning(
            Location::file(&request.config.lockfile),
            format!("cannot update the lock file: {e}"),
        )),
    }
    Some(built)
}

/// The compiler's errors as readers see them, with the generated file named `src/main.rs`.
fn compiler_text(messages: &[CompilerMessage], binary: &Binary) -> String {
    let file = format!("src/bin/{}.rs", binary.name);
    messages
        .iter()
        .filter(|m| m.level == "error")
        .map(|m| panic::for_readers(&m.rendered, &file, "src/main.rs", |l, c| Some((l, c))))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compile errors of a block built alone, each at its Markdown line.
fn report_compile_errors(binary: &Binary, messages: &[CompilerMessage], outcome: &mut Executed) {
    let item = &binary.blocks[0];
    let blocks = [item.block];
    let file = format!("src/bin/{}.rs", binary.name);
    let errors: Vec<&CompilerMessage> = messages
        .iter()
        .filter(|m| m.level == "error" && m.primary.is_some())
        .collect();
    if errors.is_empty() {
        let text = messages
            .iter()
            .map(|m| m.rendered.as_str())
            .collect::<String>();
        outcome.diagnostics.push(
            Diagnostic::error(item.block.fence.clone(), "the block failed to compile").with_note(
                panic::for_readers(&text, &file, "src/main.rs", |l, c| Some((l, c))),
            ),
        );
        return;
    }
    for message in errors {
        let (span_file, line, col) = message.primary.clone().expect("filtered");
        let location = (span_file.ends_with(&file) || span_file == file)
            .then(|| program::markdown_location(&binary.program, &blocks, line, col))
            .flatten()
            .unwrap_or_else(|| item.block.fence.clone());
        let code = message
            .code
            .as_ref()
            .map(|c| format!("[{c}]"))
            .unwrap_or_default();
        outcome.diagnostics.push(
            Diagnostic::error(
                location,
                format!("compile error{code}: {}", message.message),
            )
            .with_note(panic::for_readers(
                message.rendered.trim_end(),
                &file,
                &item.block.fence.path.to_string_lossy(),
                |n, c| {
                    program::markdown_location(&binary.program, &blocks, n, c)
                        .map(|at| (at.line, at.col))
                },
            )),
        );
    }
}

/// Decides whether a run met its block's expectation; records the result or the failure.
fn judge(
    request: &Request,
    cache: &ResultCache,
    binary: &Binary,
    index: usize,
    output: RunOutput,
    outcome: &mut Executed,
) {
    let item = &binary.blocks[index];
    let block = item.block;
    let bin_file = format!("src/bin/{}.rs", binary.name);
    let block_line = |n: usize, c: usize| {
        binary
            .program
            .origin(n)
            .filter(|o| o.block == index)
            .map(|o| (o.line + 1, c))
    };
    let stderr_shown =
        panic::for_readers(&output.stderr.text, &bin_file, "src/main.rs", block_line);
    let panicked = panic::parse(&output.stderr.text);
    let expectation = block.attrs.mode;
    let fail = |outcome: &mut Executed, location: Location, message: String| {
        outcome.stats.failed += 1;
        let mut diagnostic = Diagnostic::error(location, message);
        let tail: String = stderr_shown
            .lines()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        if !tail.trim().is_empty() {
            diagnostic = diagnostic.with_note(tail);
        }
        outcome.diagnostics.push(diagnostic);
    };
    let limit_seconds = block.attrs.timeout.unwrap_or(request.config.timeout);
    match (&output.ending, expectation) {
        (Ending::TimedOut, _) => {
            return fail(
                outcome,
                block.fence.clone(),
                format!("the block timed out after {limit_seconds} s and was stopped"),
            );
        }
        (Ending::TooMuchOutput, _) => {
            return fail(
                outcome,
                block.fence.clone(),
                format!(
                    "the block printed more than {} MiB and was stopped",
                    OUTPUT_HARD_LIMIT >> 20
                ),
            );
        }
        _ if output.out_of_memory() => {
            return fail(
                outcome,
                block.fence.clone(),
                format!(
                    "the block exceeded the memory limit of {} MiB",
                    request.config.memory_limit_mib
                ),
            );
        }
        (Ending::Exited(0), RunMode::Run) => {}
        (Ending::Exited(101), RunMode::ShouldPanic) if panicked.is_some() => {}
        (Ending::Exited(0), RunMode::ShouldPanic) => {
            return fail(
                outcome,
                block.fence.clone(),
                "this should_panic block did not panic".into(),
            );
        }
        (_, _) => {
            let location = panicked
                .as_ref()
                .and_then(|p| {
                    std::iter::once((p.file.clone(), p.line, p.col))
                        .chain(p.frames.iter().cloned())
                        .find(|(file, _, _)| file.ends_with(&bin_file))
                })
                .and_then(|(_, line, col)| {
                    let blocks: Vec<&CodeBlock> = binary.blocks.iter().map(|b| b.block).collect();
                    program::markdown_location(&binary.program, &blocks, line, col)
                })
                .unwrap_or_else(|| block.fence.clone());
            let message = match (&panicked, &output.ending) {
                (Some(p), _) => format!(
                    "the block panicked: {}",
                    p.message.lines().next().unwrap_or_default()
                ),
                (None, Ending::Exited(code)) => format!("the block exited with status {code}"),
                (None, Ending::Signalled(signal)) => {
                    format!("the block was killed by signal {signal}")
                }
                (None, _) => "the block failed".into(),
            };
            return fail(outcome, location, message);
        }
    }
    match &output.figure_problem {
        Some(FigureProblem::TooMany { count }) => {
            return fail(
                outcome,
                block.fence.clone(),
                format!(
                    "the block wrote {count} figures; a block may write at most {} (execute.max_figures)",
                    request.config.max_figures
                ),
            );
        }
        Some(FigureProblem::TooLarge { name, bytes }) => {
            return fail(
                outcome,
                block.fence.clone(),
                format!(
                    "figure {name} is {} KiB; a figure may be at most {} KiB (execute.max_figure_kib)",
                    bytes.div_ceil(1024),
                    request.config.max_figure_kib
                ),
            );
        }
        None => {}
    }
    let mut figures = Vec::new();
    let mut bytes = Vec::new();
    for (name, content) in output.figures {
        match cache.store_figure(&name, &content) {
            Ok(figure) => {
                figures.push(figure);
                bytes.push(content);
            }
            Err(e) => outcome.diagnostics.push(Diagnostic::warning(
                block.fence.clone(),
                format!("cannot store figure {name}: {e}"),
            )),
        }
    }
    let kind = if expectation == RunMode::ShouldPanic {
        ResultKind::Panicked
    } else {
        ResultKind::Ran
    };
    let mut stderr = output.stderr;
    let limit = request.config.output_limit_bytes;
    if stderr_shown.len() > limit {
        let mut end = limit;
        while !stderr_shown.is_char_boundary(end) {
            end -= 1;
        }
        stderr.cut += stderr_shown.len() - end;
        stderr.text = stderr_shown[..end].to_string();
    } else {
        stderr.text = stderr_shown;
    }
    let result = BlockResult {
        kind,
        stdout: output.stdout,
        stderr,
        compiler: String::new(),
        millis: output.duration.as_millis() as u64,
        figures,
    };
    store(cache, item, result, bytes, outcome);
}

fn store(
    cache: &ResultCache,
    item: &Pending,
    result: BlockResult,
    figures: Vec<Vec<u8>>,
    outcome: &mut Executed,
) {
    if let Some(key) = &item.key
        && let Err(e) = cache.put(key, &result)
    {
        outcome.diagnostics.push(Diagnostic::warning(
            item.block.fence.clone(),
            format!("cannot cache the result: {e}"),
        ));
    }
    outcome.insert(item.block, Shown { result, figures });
}
