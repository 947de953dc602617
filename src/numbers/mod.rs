//! Stale numbers: every decimal a page's prose quotes, and every formula that states a single
//! decimal (`$L^* = 0.2274$`), is looked up in what the page's programs printed; one that no
//! output contains, and that the page does not set itself (in its code, or in a formula that
//! works it out) or mark as not from a run, is reported as a warning at its `file:line:col`.
//!
//! A quote agrees with a printed number when it is that number rounded or cut to the quote's
//! last digit, sign aside (`0.1497` quotes `0.149700`, `1.497e-1` and `0.14972`; `0.150`
//! quotes `0.14972`); a percentage `94.5%` also quotes the share `0.945`. See the README's
//! "Numbers in prose" for what counts as a quote.

mod printed;
mod prose;
mod value;

use std::ops::Range;

use crate::content::SourceFile;
use crate::diagnostics::{Diagnostic, LineIndex, Location};
use crate::markdown::Formula;
use printed::{Found, constants, numbers_in, svg_text};
use prose::Quoted;
use value::Decimal;

/// The front matter key listing numbers that are not from a run.
pub const NOT_FROM_RUNS_KEY: &str = "numbers_not_from_runs";

/// What a program of the page showed.
pub(crate) struct Output<'a> {
    /// The Markdown line of the block's opening fence.
    pub(crate) line: usize,
    /// What it printed, on both streams, or the compiler's error for `compile_fail`.
    pub(crate) text: String,
    /// Its figures' bytes.
    pub(crate) figures: Vec<&'a [u8]>,
}

/// Everything the check of one page reads.
pub(crate) struct Page<'a> {
    /// The Markdown file.
    pub(crate) source: &'a SourceFile,
    /// Its prose, as groups of byte ranges of the body (see [`crate::markdown::Rendered`]).
    pub(crate) prose: &'a [Vec<Range<usize>>],
    /// The compiled text of each code block, hidden lines included.
    pub(crate) code: Vec<String>,
    /// Its formulas, those of headings left out.
    pub(crate) formulas: Vec<&'a Formula>,
    /// Each block's output.
    pub(crate) outputs: Vec<Output<'a>>,
    /// The numbers its front matter says are not from a run, and the line of that key.
    pub(crate) not_from_runs: &'a [String],
    /// The line of the key in the front matter, for messages about its entries.
    pub(crate) not_from_runs_line: usize,
}

/// Counts of the check, added up over pages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NumberStats {
    /// Pages checked: those whose programs printed or drew something, none failing.
    pub pages: usize,
    /// Decimals quoted in their prose (references like `lesson 2.4` left out) and formulas.
    pub quoted: usize,
    /// Of those, the ones formulas state.
    pub in_formulas: usize,
    /// Quotes found in an output of their page.
    pub printed: usize,
    /// Quotes the page sets itself: in its code, in a formula that works them out, or a
    /// well-known constant.
    pub set: usize,
    /// Quotes marked as not from a run in the front matter.
    pub marked: usize,
    /// Quotes found nowhere: each a warning.
    pub stale: usize,
}

impl NumberStats {
    /// Adds another page's counts.
    pub fn add(&mut self, other: NumberStats) {
        self.pages += other.pages;
        self.quoted += other.quoted;
        self.in_formulas += other.in_formulas;
        self.printed += other.printed;
        self.set += other.set;
        self.marked += other.marked;
        self.stale += other.stale;
    }
}

/// Checks one page's quotes against its outputs.
pub(crate) fn check(page: &Page) -> (Vec<Diagnostic>, NumberStats) {
    let mut diagnostics = Vec::new();
    let mut stats = NumberStats {
        pages: 1,
        ..NumberStats::default()
    };
    let index = LineIndex::new(&page.source.text);
    let location = |offset: usize| {
        let (line, col) = index.line_col(&page.source.text, page.source.body_offset + offset);
        Location::at(&page.source.display, line, col)
    };
    let printed: Vec<(usize, Found)> = page
        .outputs
        .iter()
        .flat_map(|output| {
            let figures = output
                .figures
                .iter()
                .filter_map(|bytes| std::str::from_utf8(bytes).ok())
                .map(svg_text)
                .collect::<Vec<_>>()
                .join("\n");
            numbers_in(&output.text)
                .into_iter()
                .chain(numbers_in(&figures))
                .map(|found| (output.line, found))
                .collect::<Vec<_>>()
        })
        .collect();
    // A formula states a number (a quote, checked like the prose's) or works one out (the
    // author's own working, which the prose may quote as it quotes the code).
    let mut quotes: Vec<(Quoted, Location)> = Vec::new();
    let mut worked: Vec<&str> = Vec::new();
    for formula in &page.formulas {
        match prose::stated_by_formula(&formula.tex) {
            Some(quote) => {
                let at = formula.location_of(quote.offset);
                stats.in_formulas += 1;
                quotes.push((quote, at));
            }
            None => worked.push(&formula.tex),
        }
    }
    let set: Vec<Found> = page
        .code
        .iter()
        .map(String::as_str)
        .chain(worked)
        .flat_map(numbers_in)
        .chain(constants())
        .collect();
    let marked: Vec<Option<Decimal>> = page
        .not_from_runs
        .iter()
        .map(|entry| {
            prose::quoted_in(entry)
                .first()
                .filter(|q| q.text.len() == entry.trim().len())
                .map(|q| q.value.normalized())
        })
        .collect();
    let mut used = vec![false; marked.len()];
    quotes.extend(
        prose::quoted(page.source.body(), page.prose)
            .into_iter()
            .filter(|q| !q.reference)
            .map(|q| {
                let at = location(q.offset);
                (q, at)
            }),
    );
    quotes.sort_by_key(|(_, at)| (at.line, at.col));
    for (quote, at) in &quotes {
        stats.quoted += 1;
        if let Some(at) = marked
            .iter()
            .position(|m| *m == Some(quote.value.normalized()))
        {
            used[at] = true;
            stats.marked += 1;
            continue;
        }
        let agrees = |found: &Found| {
            quote.value.quotes(found.value)
                || (quote.percent && quote.value.scaled(-2).quotes(found.value))
        };
        if printed.iter().any(|(_, found)| agrees(found)) {
            stats.printed += 1;
            continue;
        }
        if set.iter().any(agrees) {
            stats.set += 1;
            continue;
        }
        stats.stale += 1;
        let mut diagnostic = Diagnostic::warning(
            at.clone(),
            format!(
                "{} is quoted here, but no program on this page prints it; correct it, or if it is not from a run, add it to `{NOT_FROM_RUNS_KEY}` in the front matter",
                quote.text
            ),
        );
        if let Some((line, nearest)) = nearest(quote, &printed) {
            diagnostic = diagnostic.with_note(format!(
                "the nearest number printed is {} (the block at line {line})",
                nearest.text
            ));
        }
        diagnostics.push(diagnostic);
    }
    for ((entry, value), used) in page.not_from_runs.iter().zip(&marked).zip(&used) {
        let message = match value {
            None => format!(
                "`{NOT_FROM_RUNS_KEY}` lists {entry:?}, which is not a decimal number as prose writes one (like \"0.01\", \"1e-4\" or \"2.5%\")"
            ),
            Some(_) if !used => format!(
                "`{NOT_FROM_RUNS_KEY}` lists {entry}, which this page's prose does not quote; remove it"
            ),
            Some(_) => continue,
        };
        diagnostics.push(Diagnostic::warning(
            Location::at(&page.source.display, page.not_from_runs_line, 1),
            message,
        ));
    }
    (diagnostics, stats)
}

/// The printed number closest to a quote, within a fifth of its value, with its block's line.
fn nearest<'a>(quote: &Quoted, printed: &'a [(usize, Found)]) -> Option<(usize, &'a Found)> {
    let wanted = quote.value.value();
    printed
        .iter()
        .map(|(line, found)| {
            let distance =
                (found.value.value() - wanted).abs() / wanted.abs().max(f64::MIN_POSITIVE);
            (distance, *line, found)
        })
        .filter(|(distance, _, _)| *distance <= 0.2)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, line, found)| (line, found))
}

#[cfg(test)]
mod tests;
