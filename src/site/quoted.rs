//! The stale-number check of `check`: each page whose programs all ran gets its prose, code,
//! formulas, outputs and front matter list gathered for [`crate::numbers::check`].

use super::pages::{PageKind, PageSource};
use crate::content::{Library, NotFromRuns};
use crate::diagnostics::Diagnostic;
use crate::execute::{Executed, Shown};
use crate::markdown::Rendered;
use crate::numbers::{self, NumberStats, Output};

/// Checks the numbers quoted on every page whose programs printed or drew something and none
/// of which failed (a failed block's output is missing, and its error says so already).
pub(super) fn check_numbers(
    pages: &[PageSource],
    rendered: &[Rendered],
    library: &Library,
    exec: &Executed,
) -> (Vec<Diagnostic>, NumberStats) {
    let mut diagnostics = Vec::new();
    let mut stats = NumberStats::default();
    for (page, rendered) in pages.iter().zip(rendered) {
        let Some(source) = page.source else { continue };
        let Some(outputs) = outputs(page, rendered, exec) else {
            continue;
        };
        let shows_something = outputs
            .iter()
            .any(|o| !o.text.trim().is_empty() || !o.figures.is_empty());
        if !shows_something {
            continue;
        }
        let listed = not_from_runs(page.kind, library);
        let (found, counts) = numbers::check(&numbers::Page {
            source,
            prose: &rendered.prose,
            code: rendered.code_blocks.iter().map(|b| b.compiled()).collect(),
            // A heading names a part of the page; its numbers are not quotes.
            formulas: rendered
                .formulas
                .iter()
                .filter(|f| !rendered.headings.iter().any(|h| h.line == f.location.line))
                .collect(),
            outputs,
            not_from_runs: &listed.numbers,
            not_from_runs_line: listed.line,
        });
        diagnostics.extend(found);
        stats.add(counts);
    }
    (diagnostics, stats)
}

/// What each compiled block of the page showed, every run of a swept block included; `None`
/// when a block has no result.
fn outputs<'a>(
    page: &PageSource,
    rendered: &Rendered,
    exec: &'a Executed,
) -> Option<Vec<Output<'a>>> {
    let path = &page.source?.display;
    let mut outputs = Vec::new();
    for block in rendered.code_blocks.iter().filter(|b| b.attrs.compiles()) {
        let runs: Vec<&Shown> = match &block.attrs.sweep {
            Some(sweep) => exec.sweep_results(path, block.index, sweep.values.len())?,
            None => vec![exec.result(path, block.index)?],
        };
        for shown in runs {
            let result = &shown.result;
            outputs.push(Output {
                line: block.fence.line,
                text: format!(
                    "{}\n{}\n{}",
                    result.stdout.text, result.stderr.text, result.compiler
                ),
                figures: shown.figures.iter().map(Vec::as_slice).collect(),
            });
        }
    }
    Some(outputs)
}

fn not_from_runs(kind: PageKind, library: &Library) -> &NotFromRuns {
    static NONE: NotFromRuns = NotFromRuns {
        numbers: Vec::new(),
        line: 1,
    };
    match kind {
        PageKind::Home => library.home.as_ref().map_or(&NONE, |h| &h.not_from_runs),
        PageKind::Module(i) => &library.modules[i].not_from_runs,
        PageKind::Post(i) => &library.posts[i].not_from_runs,
    }
}
