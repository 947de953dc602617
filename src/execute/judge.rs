//! Judging a run: whether it met its block's expectation (ran, panicked as `should_panic`
//! asked, stayed within its limits), and recording the result (cached, with its figures) or
//! the failure at the block's Markdown line.

use super::cache::{BlockResult, ResultCache, ResultKind};
use super::compile::{Binary, Pending};
use super::key::OUTPUT_HARD_LIMIT;
use super::run::{Ending, FigureProblem, RunOutput};
use super::{BlockFailure, Executed, Request, Shown, Status, panic, program};
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::code::CodeBlock;
use crate::markdown::fence::RunMode;

/// The last `count` lines of `text`.
fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

/// Why a run did not meet its block's expectation, at the Markdown location to report; `None`
/// when it did.
fn verdict(
    request: &Request,
    binary: &Binary,
    index: usize,
    output: &RunOutput,
    panicked: &Option<panic::Panic>,
) -> Option<(Location, BlockFailure)> {
    let block = binary.blocks[index].block;
    let at_block = |failure| Some((block.fence.clone(), failure));
    match (&output.ending, block.attrs.mode) {
        (Ending::TimedOut, _) => at_block(BlockFailure::TimedOut {
            seconds: block.attrs.timeout.unwrap_or(request.config.timeout),
        }),
        (Ending::TooMuchOutput, _) => at_block(BlockFailure::TooMuchOutput {
            mib: OUTPUT_HARD_LIMIT >> 20,
        }),
        _ if output.out_of_memory() => at_block(BlockFailure::OutOfMemory {
            mib: request.config.memory_limit_mib,
        }),
        (Ending::Exited(0), RunMode::Run) => figure_verdict(request, block, output),
        (Ending::Exited(101), RunMode::ShouldPanic) if panicked.is_some() => {
            figure_verdict(request, block, output)
        }
        (Ending::Exited(0), RunMode::ShouldPanic) => at_block(BlockFailure::UnexpectedPass),
        (ending, _) => {
            let bin_file = format!("src/bin/{}.rs", binary.name);
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
            let failure = match (panicked, ending) {
                (Some(p), _) => BlockFailure::Panicked {
                    message: p.message.lines().next().unwrap_or_default().to_string(),
                },
                (None, Ending::Exited(code)) => BlockFailure::ExitStatus(*code),
                (None, Ending::Signalled(signal)) => BlockFailure::Signalled(*signal),
                (None, _) => BlockFailure::ExitStatus(-1),
            };
            Some((location, failure))
        }
    }
}

/// A run that met its expectation can still have broken the figure limits.
fn figure_verdict(
    request: &Request,
    block: &CodeBlock,
    output: &RunOutput,
) -> Option<(Location, BlockFailure)> {
    let failure = match output.figure_problem.as_ref()? {
        FigureProblem::TooMany { count } => BlockFailure::TooManyFigures {
            count: *count,
            max: request.config.max_figures,
        },
        FigureProblem::TooLarge { name, bytes } => BlockFailure::FigureTooLarge {
            name: name.clone(),
            kib: bytes.div_ceil(1024),
            max_kib: request.config.max_figure_kib,
        },
    };
    Some((block.fence.clone(), failure))
}

/// A run, judged.
#[derive(Debug)]
pub(super) enum Verdict {
    /// It met its block's expectation: the result to store (its figures not stored yet) and
    /// the figures' names and bytes.
    Met {
        result: BlockResult,
        figures: Vec<(String, Vec<u8>)>,
    },
    /// It did not: where to report it, why, and what it printed last.
    Failed {
        location: Location,
        failure: BlockFailure,
        note: String,
    },
}

/// Decides whether a run met its block's expectation.
pub(super) fn assess(
    request: &Request,
    binary: &Binary,
    index: usize,
    output: RunOutput,
) -> Verdict {
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
    if let Some((location, failure)) = verdict(request, binary, index, &output, &panicked) {
        // What it printed last, on both streams: a block stopped by its limits still shows how
        // far it got.
        let mut note = last_lines(&output.stdout.text, 12);
        if !note.is_empty() {
            note = format!("it printed, last:\n{note}");
        }
        let errors = last_lines(&stderr_shown, 12);
        if !errors.is_empty() {
            if !note.is_empty() {
                note.push('\n');
            }
            note.push_str(&errors);
        }
        return Verdict::Failed {
            location,
            failure,
            note,
        };
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
        figures: Vec::new(),
        warnings: item.warnings.clone(),
    };
    Verdict::Met {
        result,
        figures: output.figures,
    }
}

/// Records a judged run: the result (cached, with its figures) or the failure at its line.
pub(super) fn record(
    cache: &ResultCache,
    item: &Pending,
    verdict: Verdict,
    outcome: &mut Executed,
) {
    let block = item.block;
    let (mut result, figures) = match verdict {
        Verdict::Failed {
            location,
            failure,
            note,
        } => {
            outcome.stats.failed += 1;
            outcome.fail(block, location, failure, Some(note));
            return;
        }
        Verdict::Met { result, figures } => (result, figures),
    };
    let mut bytes = Vec::new();
    for (name, content) in figures {
        match cache.store_figure(&name, &content) {
            Ok(figure) => {
                result.figures.push(figure);
                bytes.push(content);
            }
            Err(e) => outcome.diagnostics.push(Diagnostic::warning(
                block.fence.clone(),
                format!("cannot store figure {name}: {e}"),
            )),
        }
    }
    store(cache, item, result, bytes, outcome);
}

/// Stores a result under its block's key and records it as passed.
pub(super) fn store(
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
    outcome.insert(item.block, Shown { result, figures }, Status::Passed);
}
