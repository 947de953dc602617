//! Compiling what a pass needs: a merged program per page and edition (every block of the page
//! compiled with that edition, so an edit recompiles one module), a program per `compile_fail`
//! or `standalone_crate` block, and a program per block of a page whose merged build failed, so
//! the failing blocks name themselves; compile errors mapped to the blocks' Markdown lines.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::cache::{BlockResult, BlockWarning, ResultKind};
use super::program::{self, Program};
use super::progress::Reporter;
use super::project::{self, CompilerMessage, Project, bin_name};
use super::{BlockFailure, Executed, Request, panic};
use crate::diagnostics::{Diagnostic, Location};
use crate::edition::Edition;
use crate::markdown::code::CodeBlock;
use crate::markdown::fence::RunMode;

/// A block of a program being compiled.
#[derive(Clone)]
pub(super) struct Pending<'a> {
    pub(super) page: usize,
    pub(super) block: &'a CodeBlock,
    /// The key its result is stored under when this pass needs it; `None` for a block whose
    /// result is cached, compiled only because its page's program holds every block.
    pub(super) key: Option<String>,
    /// What the compiler warned about in this block, once it is built.
    pub(super) warnings: Vec<BlockWarning>,
}

impl Pending<'_> {
    pub(super) fn wanted(&self) -> bool {
        self.key.is_some()
    }
}

/// A compiled program and the blocks it holds.
pub(super) struct Binary<'a> {
    pub(super) name: String,
    pub(super) program: Program,
    pub(super) blocks: Vec<Pending<'a>>,
    /// Whether the blocks are selected by argument (a merged page binary).
    pub(super) merged: bool,
    /// The edition its blocks are compiled with.
    pub(super) edition: Edition,
    /// The executable cargo reported, once built.
    pub(super) executable: PathBuf,
}

/// Whether a block is built as a program of its own, never merged with its page's others:
/// one that must fail to compile (its errors must be its own) or asks to be
/// (`standalone_crate`).
fn alone(block: &CodeBlock) -> bool {
    block.attrs.mode == RunMode::CompileFail || block.attrs.standalone
}

/// The edition a block is compiled with on a site whose default is `site`.
pub(super) fn edition_of(block: &CodeBlock, site: Edition) -> Edition {
    block.attrs.edition.unwrap_or(site)
}

/// Compiles what `pending` needs: a merged binary per page and edition for the blocks that run
/// or only compile, a binary per `compile_fail` or `standalone_crate` block, and a binary per
/// block of any page whose merged build failed. Returns the binaries that built and can run, and the `compile_fail` blocks
/// that failed as they should, with their results.
pub(super) fn compile<'a>(
    request: &Request<'a>,
    project: &Project,
    pending: &[Pending<'a>],
    reporter: &Reporter,
    outcome: &mut Executed,
) -> (Vec<Binary<'a>>, Vec<(Pending<'a>, BlockResult)>) {
    let mut refused = Vec::new();
    let mut first: Vec<Binary> = Vec::new();
    let site_edition = request.config.edition;
    let mut by_page: std::collections::BTreeMap<(usize, Edition), Vec<Pending>> =
        Default::default();
    for item in pending {
        if alone(item.block) {
            first.push(single(project, request, item));
        } else {
            by_page
                .entry((item.page, edition_of(item.block, site_edition)))
                .or_default()
                .push(item.clone());
        }
    }
    // A page's program holds all its blocks of one edition, not only the ones that changed: its
    // source then changes by one module per edit, and incremental compilation reuses the rest.
    for ((page, edition), items) in by_page {
        let all: Vec<Pending> = request.pages[page]
            .blocks
            .iter()
            .filter(|b| b.attrs.compiles() && !alone(b) && edition_of(b, site_edition) == edition)
            .map(|block| {
                items
                    .iter()
                    .find(|i| (i.block.index, i.block.variant) == (block.index, block.variant))
                    .cloned()
                    .unwrap_or(Pending {
                        page,
                        block,
                        key: None,
                        warnings: Vec::new(),
                    })
            })
            .collect();
        let blocks: Vec<&CodeBlock> = all.iter().map(|i| i.block).collect();
        let suffix = if edition == site_edition {
            String::new()
        } else {
            format!("_e{edition}")
        };
        first.push(Binary {
            name: bin_name(&project.prefix, &request.pages[page].path, &suffix),
            program: program::merged(&blocks),
            blocks: all,
            merged: true,
            edition,
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
                outcome.fail(
                    item.block,
                    item.block.fence.clone(),
                    BlockFailure::UnexpectedCompile,
                    None,
                );
            } else {
                let messages = built.messages_of(&binary.name);
                if let Some(failure) = missing_codes(item.block, messages) {
                    outcome.stats.failed += 1;
                    let note = compiler_text(messages, &binary);
                    outcome.fail(item.block, item.block.fence.clone(), failure, Some(note));
                    reporter.advance();
                    continue;
                }
                let compiler = compiler_text(messages, &binary);
                let result = BlockResult {
                    kind: ResultKind::FailedToCompile,
                    stdout: Default::default(),
                    stderr: Default::default(),
                    compiler,
                    millis: 0,
                    figures: Vec::new(),
                    warnings: Vec::new(),
                };
                refused.push((item.clone(), result));
                reporter.advance();
            }
        } else if let Some(executable) = executable {
            binary.executable = executable;
            let messages = built.messages_of(&binary.name);
            attach_warnings(&mut binary, messages);
            ready.push(binary);
        } else if !binary.merged {
            // A block built alone already names itself.
            outcome.stats.failed += 1;
            let messages = built.messages_of(&binary.name);
            report_compile_errors(&binary, messages, outcome);
            reporter.advance();
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
            let messages = built.messages_of(&binary.name);
            attach_warnings(&mut binary, messages);
            ready.push(binary);
            continue;
        }
        outcome.stats.failed += 1;
        let messages = built.messages_of(&binary.name);
        report_compile_errors(&binary, messages, outcome);
        reporter.advance();
    }
    (ready, refused)
}

/// For a `compile_fail` block that names error codes (`compile_fail,E0382`), the failure when
/// the compiler's errors lack one of them.
fn missing_codes(block: &CodeBlock, messages: &[CompilerMessage]) -> Option<BlockFailure> {
    let mut found: Vec<String> = messages
        .iter()
        .filter(|m| m.level == "error")
        .filter_map(|m| m.code.clone())
        .collect();
    found.sort();
    found.dedup();
    let missing: Vec<String> = block
        .attrs
        .error_codes
        .iter()
        .filter(|code| !found.contains(code))
        .cloned()
        .collect();
    (!missing.is_empty()).then_some(BlockFailure::MissingErrorCodes { missing, found })
}

fn single<'a>(project: &Project, request: &Request, item: &Pending<'a>) -> Binary<'a> {
    Binary {
        name: bin_name(
            &project.prefix,
            &request.pages[item.page].path,
            &match item.block.variant {
                Some(run) => format!("_b{}_run{}", item.block.index + 1, run + 1),
                None => format!("_b{}", item.block.index + 1),
            },
        ),
        program: program::standalone(item.block),
        blocks: vec![item.clone()],
        merged: false,
        edition: edition_of(item.block, request.config.edition),
        executable: PathBuf::new(),
    }
}

/// Writes the binaries' sources and builds them, each in the package of its edition (the site's
/// first, so that a lock file it updates is the one the others get); `None` when cargo itself
/// failed.
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
    reporter.step(&format!(
        "compiling {} lesson program{}",
        binaries.len(),
        if binaries.len() == 1 { "" } else { "s" }
    ));
    let mut editions: Vec<Edition> = binaries.iter().map(|b| b.edition).collect();
    editions.sort_by_key(|e| (*e != project.edition, *e));
    editions.dedup();
    let mut all = project::BuildOutput::default();
    for edition in editions {
        let package = project.for_edition(edition);
        let binaries: Vec<&Binary> = binaries.iter().filter(|b| b.edition == edition).collect();
        let built = build_package(request, &package, &binaries, reporter, outcome)?;
        all.executables.extend(built.executables);
        all.messages.extend(built.messages);
    }
    Some(all)
}

/// Writes and builds the binaries of one package; `None` when cargo itself failed.
fn build_package(
    request: &Request,
    project: &Project,
    binaries: &[&Binary],
    reporter: &Reporter,
    outcome: &mut Executed,
) -> Option<project::BuildOutput> {
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
    share_compile_time(binaries, &built, outcome);
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

/// Gives each block its share of the compiler's time. Cargo builds a pass's programs in one
/// run, so a program's time is the stretch from cargo's last word on the program finished
/// before it (or from the start) to its last word on this one; it is split evenly among the
/// program's blocks this pass needed.
fn share_compile_time(binaries: &[&Binary], built: &project::BuildOutput, outcome: &mut Executed) {
    let mut done: Vec<(Duration, &Binary)> = binaries
        .iter()
        .filter_map(|b| built.finished.get(&b.name).map(|at| (*at, *b)))
        .collect();
    done.sort_by_key(|(at, b)| (*at, b.name.clone()));
    let mut previous = Duration::ZERO;
    for (at, binary) in done {
        let wanted: Vec<&Pending> = binary.blocks.iter().filter(|i| i.wanted()).collect();
        if !wanted.is_empty() {
            let share = at.saturating_sub(previous) / wanted.len() as u32;
            for item in wanted {
                outcome.outcome_mut(item.block).compile_time += share;
            }
        }
        previous = at;
    }
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

/// Gives each block of a built program the compiler's warnings about its own lines, at
/// positions relative to its fence (warnings about generated lines or other files are dropped).
fn attach_warnings(binary: &mut Binary, messages: &[CompilerMessage]) {
    let file = format!("src/bin/{}.rs", binary.name);
    let blocks: Vec<&CodeBlock> = binary.blocks.iter().map(|b| b.block).collect();
    let mut found: Vec<(usize, BlockWarning)> = Vec::new();
    for message in messages {
        if message.level != "warning" {
            continue;
        }
        let Some((span_file, line, col)) = &message.primary else {
            continue;
        };
        if !span_file.ends_with(&file) {
            continue;
        }
        let (Some(origin), Some(at)) = (
            binary.program.origin(*line),
            program::markdown_location(&binary.program, &blocks, *line, *col),
        ) else {
            continue;
        };
        let block = blocks[origin.block];
        let code = message
            .code
            .as_ref()
            .map(|c| format!("[{c}]"))
            .unwrap_or_default();
        let rendered = panic::for_readers(
            message.rendered.trim_end(),
            &file,
            &block.fence.path.to_string_lossy(),
            |n, c| {
                program::markdown_location(&binary.program, &blocks, n, c)
                    .map(|at| (at.line, at.col))
            },
        );
        found.push((
            origin.block,
            BlockWarning {
                line: at.line.saturating_sub(block.fence.line),
                col: at.col,
                message: format!("compiler warning{code}: {}", message.message),
                rendered,
            },
        ));
    }
    for (index, warning) in found {
        binary.blocks[index].warnings.push(warning);
    }
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
        outcome.fail(
            item.block,
            item.block.fence.clone(),
            BlockFailure::DidNotCompile,
            Some(panic::for_readers(&text, &file, "src/main.rs", |l, c| {
                Some((l, c))
            })),
        );
        return;
    }
    for message in errors {
        let (span_file, line, col) = message.primary.clone().expect("filtered");
        let location = (span_file.ends_with(&file) || span_file == file)
            .then(|| program::markdown_location(&binary.program, &blocks, line, col))
            .flatten()
            .unwrap_or_else(|| item.block.fence.clone());
        let note = panic::for_readers(
            message.rendered.trim_end(),
            &file,
            &item.block.fence.path.to_string_lossy(),
            |n, c| {
                program::markdown_location(&binary.program, &blocks, n, c)
                    .map(|at| (at.line, at.col))
            },
        );
        outcome.fail(
            item.block,
            location,
            BlockFailure::CompileError {
                code: message.code.clone(),
                message: message.message.clone(),
            },
            Some(note),
        );
    }
}
