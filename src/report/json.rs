//! The JSON report: a schema name and version, a summary, and one object per block (the
//! README's "Reports for CI" documents every field). Keys come in a fixed order.

use serde::Serialize;

use super::{Entry, EntryStatus, seconds};
use crate::execute::SecondRun;

/// The schema's name and version; the version changes when a field changes meaning or goes.
const SCHEMA: &str = "kiln-check-report/1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    summary: Summary,
    blocks: Vec<Block<'a>>,
}

#[derive(Serialize, Default)]
struct Summary {
    blocks: usize,
    passed: usize,
    cached: usize,
    failed: usize,
    ignored: usize,
    not_run: usize,
    differed: usize,
    compile_seconds: f64,
    run_seconds: f64,
}

#[derive(Serialize)]
struct Block<'a> {
    page: String,
    line: usize,
    heading: Option<&'a str>,
    mode: &'static str,
    sweep: Option<Sweep<'a>>,
    status: &'static str,
    failures: Vec<Failure>,
    compile_seconds: f64,
    run_seconds: f64,
    second_run: Option<&'static str>,
    difference: Option<&'a str>,
}

#[derive(Serialize)]
struct Sweep<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct Failure {
    kind: &'static str,
    message: String,
    file: String,
    line: usize,
    column: usize,
}

/// The report's JSON, pretty-printed.
pub(super) fn render(entries: &[Entry]) -> String {
    let mut summary = Summary::default();
    let blocks: Vec<Block> = entries
        .iter()
        .map(|entry| {
            summary.blocks += 1;
            match entry.status {
                EntryStatus::Passed => summary.passed += 1,
                EntryStatus::Cached => summary.cached += 1,
                EntryStatus::Failed => summary.failed += 1,
                EntryStatus::Ignored => summary.ignored += 1,
                EntryStatus::NotRun => summary.not_run += 1,
            }
            if matches!(entry.second_run, Some(SecondRun::Differed(_))) {
                summary.differed += 1;
            }
            summary.compile_seconds += seconds(entry.compile);
            summary.run_seconds += seconds(entry.run);
            Block {
                page: entry.page.to_string_lossy().replace('\\', "/"),
                line: entry.line,
                heading: entry.heading.as_deref(),
                mode: entry.mode,
                sweep: entry
                    .sweep
                    .as_ref()
                    .map(|(name, value)| Sweep { name, value }),
                status: entry.status.name(),
                failures: entry
                    .failures
                    .iter()
                    .map(|(location, failure)| Failure {
                        kind: failure.kind(),
                        message: failure.to_string(),
                        file: location.path.to_string_lossy().replace('\\', "/"),
                        line: location.line,
                        column: location.col,
                    })
                    .collect(),
                compile_seconds: seconds(entry.compile),
                run_seconds: seconds(entry.run),
                second_run: entry.second_run.as_ref().map(|s| match s {
                    SecondRun::Same => "same",
                    SecondRun::Differed(_) => "differed",
                }),
                difference: match &entry.second_run {
                    Some(SecondRun::Differed(diff)) => Some(diff.as_str()),
                    _ => None,
                },
            }
        })
        .collect();
    // Sums of times rounded to milliseconds, so that the summary reads as the blocks do.
    summary.compile_seconds = (summary.compile_seconds * 1000.0).round() / 1000.0;
    summary.run_seconds = (summary.run_seconds * 1000.0).round() / 1000.0;
    let report = Report {
        schema: SCHEMA,
        summary,
        blocks,
    };
    let mut text = serde_json::to_string_pretty(&report).expect("a report serializes");
    text.push('\n');
    text
}
