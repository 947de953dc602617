//! Reports for CI (`check --report junit=FILE`, `--report json=FILE`): one entry per Rust code
//! block, in the site's page order and the blocks' order on the page, with its page, line,
//! status, failures, compile and run time, written as JUnit XML or as JSON.

mod json;
mod junit;
mod xml;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use crate::diagnostics::Location;
use crate::execute::{BlockFailure, Executed, PageBlocks, SecondRun, Status};
use crate::markdown::fence::RunMode;

/// How a block came out, as a report says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryStatus {
    /// It met its expectation in this check.
    Passed,
    /// Its result came from the cache (it passed when the result was made).
    Cached,
    /// It failed.
    Failed,
    /// It is `ignore`: shown, never compiled.
    Ignored,
    /// The check stopped before it (cargo could not build the programs, the lock file did not
    /// match, the sandbox was required and missing); the check's errors say why.
    NotRun,
}

impl EntryStatus {
    /// The name reports use.
    pub fn name(self) -> &'static str {
        match self {
            EntryStatus::Passed => "passed",
            EntryStatus::Cached => "cached",
            EntryStatus::Failed => "failed",
            EntryStatus::Ignored => "ignored",
            EntryStatus::NotRun => "not_run",
        }
    }
}

/// One code block in a report.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The Markdown file, as messages name it.
    pub page: PathBuf,
    /// The line of the block's opening fence.
    pub line: usize,
    /// The text of the nearest heading above it.
    pub heading: Option<String>,
    /// `run`, `no_run`, `should_panic`, `compile_fail` or `ignore`.
    pub mode: &'static str,
    /// For a run of a swept block: the constant and its value in this run.
    pub sweep: Option<(String, String)>,
    /// How it came out.
    pub status: EntryStatus,
    /// Its failures, each at its Markdown location.
    pub failures: Vec<(Location, BlockFailure)>,
    /// Its share of the compiler's time in this check.
    pub compile: Duration,
    /// How long it ran in this check.
    pub run: Duration,
    /// With `--twice`, what its second run showed.
    pub second_run: Option<SecondRun>,
}

/// The headings of one page: line and text, in order.
pub type Headings = Vec<(usize, String)>;

/// The report's entries: every Rust block of every page (each run of a swept block), in page
/// order, with what became of it in `exec`.
pub fn entries(pages: &[PageBlocks], headings: &[Headings], exec: &Executed) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (page, headings) in pages.iter().zip(headings) {
        for block in page.blocks.iter().filter(|b| b.attrs.is_rust()) {
            let line = block.fence.line;
            let heading = headings
                .iter()
                .take_while(|(at, _)| *at < line)
                .last()
                .map(|(_, text)| text.clone());
            let sweep = block
                .attrs
                .sweep
                .as_ref()
                .zip(block.variant)
                .map(|(s, v)| (s.name.clone(), s.values.get(v).cloned().unwrap_or_default()));
            let mut entry = Entry {
                page: page.path.clone(),
                line,
                heading,
                mode: mode_name(block.attrs.mode),
                sweep,
                status: EntryStatus::NotRun,
                failures: Vec::new(),
                compile: Duration::ZERO,
                run: Duration::ZERO,
                second_run: None,
            };
            if block.attrs.mode == RunMode::Ignore {
                entry.status = EntryStatus::Ignored;
            } else if let Some(outcome) = exec.outcome(&page.path, block.index, block.variant) {
                entry.status = match outcome.status {
                    Some(Status::Passed) => EntryStatus::Passed,
                    Some(Status::Cached) => EntryStatus::Cached,
                    Some(Status::Failed) => EntryStatus::Failed,
                    None => EntryStatus::NotRun,
                };
                entry.failures = outcome.failures.clone();
                entry.compile = outcome.compile_time;
                entry.run = outcome.run_time;
                entry.second_run = outcome.second_run.clone();
            }
            entries.push(entry);
        }
    }
    entries
}

fn mode_name(mode: RunMode) -> &'static str {
    match mode {
        RunMode::Run => "run",
        RunMode::NoRun => "no_run",
        RunMode::ShouldPanic => "should_panic",
        RunMode::CompileFail => "compile_fail",
        RunMode::Ignore => "ignore",
    }
}

/// A report's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JUnit XML: a test suite per page, a test case per block.
    Junit,
    /// JSON, as the README's schema describes.
    Json,
}

/// A report to write: `junit=FILE` or `json=FILE` on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its format.
    pub format: Format,
    /// Where to write it.
    pub path: PathBuf,
}

impl FromStr for Target {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (format, path) = text.split_once('=').ok_or_else(|| {
            format!("{text:?}: write FORMAT=FILE, as in junit=report.xml or json=report.json")
        })?;
        let format = match format {
            "junit" => Format::Junit,
            "json" => Format::Json,
            other => {
                return Err(format!(
                    "unknown report format {other:?}: use junit or json"
                ));
            }
        };
        if path.is_empty() {
            return Err(format!("{text:?}: the report needs a file name after `=`"));
        }
        Ok(Target {
            format,
            path: PathBuf::from(path),
        })
    }
}

/// The report's text in `format`.
pub fn render(format: Format, entries: &[Entry]) -> String {
    match format {
        Format::Junit => junit::render(entries),
        Format::Json => json::render(entries),
    }
}

/// Writes the report, replacing the file whole (a reader never sees half a report).
pub fn write(target: &Target, entries: &[Entry]) -> std::io::Result<()> {
    let text = render(target.format, entries);
    let dir = target
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    file.persist(&target.path).map_err(|e| e.error)?;
    Ok(())
}

/// Seconds with millisecond precision, as reports write times.
fn seconds(time: Duration) -> f64 {
    time.as_millis() as f64 / 1000.0
}

/// A block's name in a report: its line, heading and sweep value.
fn title(entry: &Entry) -> String {
    let mut name = format!("line {}", entry.line);
    if let Some(heading) = &entry.heading {
        name.push_str(&format!(": {heading}"));
    }
    if let Some((constant, value)) = &entry.sweep {
        name.push_str(&format!(" [{constant} = {value}]"));
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_parsed_from_the_command_line() {
        assert_eq!(
            "junit=out/report.xml".parse::<Target>(),
            Ok(Target {
                format: Format::Junit,
                path: PathBuf::from("out/report.xml")
            })
        );
        assert_eq!(
            "json=r.json".parse::<Target>().map(|t| t.format),
            Ok(Format::Json)
        );
        assert!(
            "xml=r.xml"
                .parse::<Target>()
                .unwrap_err()
                .contains("junit or json")
        );
        assert!(
            "junit"
                .parse::<Target>()
                .unwrap_err()
                .contains("FORMAT=FILE")
        );
        assert!("json=".parse::<Target>().is_err());
    }
}
