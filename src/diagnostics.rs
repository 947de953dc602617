//! Diagnostics: source locations (`file:line:col`), errors and warnings, and byte-offset to
//! line/column conversion for every file the build reads.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a source file, 1-based, as editors and compilers print it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file, relative to the site root when it lies inside it.
    pub path: PathBuf,
    /// Line number, starting at 1; 0 when the problem concerns the whole file.
    pub line: usize,
    /// Column in characters, starting at 1; 0 when unknown.
    pub col: usize,
}

impl Location {
    /// A location naming a whole file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            line: 0,
            col: 0,
        }
    }

    /// A location at a line and column of a file.
    pub fn at(path: impl Into<PathBuf>, line: usize, col: usize) -> Self {
        Self {
            path: path.into(),
            line,
            col,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        Ok(())
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// One problem found in the site, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is, when it has a place.
    pub location: Option<Location>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Further lines: compiler output, a hint, the text that caused it.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error at a location.
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            location: Some(location),
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// A warning at a location.
    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            location: Some(location),
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// An error that concerns the whole site rather than one place in it.
    pub fn global(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            location: None,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// Adds a note printed under the message.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Whether this diagnostic fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.location {
            Some(location) => write!(f, "{location}: {label}: {}", self.message)?,
            None => write!(f, "{label}: {}", self.message)?,
        }
        for note in &self.notes {
            for line in note.lines() {
                write!(f, "\n    {line}")?;
            }
        }
        Ok(())
    }
}

/// A build that failed: every error found, sorted by place, plus the warnings.
#[derive(Debug, Default)]
pub struct Failure {
    /// All diagnostics, errors and warnings, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// What the build had done when it stopped (pages, formulas, blocks), when it got far
    /// enough to count: `check` prints it with the errors.
    pub summary: Option<String>,
}

impl Failure {
    /// Wraps diagnostics, sorting them by file, line and column.
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        sort(&mut diagnostics);
        Self {
            diagnostics,
            summary: None,
        }
    }

    /// The same failure with the summary of the work done.
    pub fn with_summary(mut self, summary: String) -> Self {
        self.summary = Some(summary);
        self
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.diagnostics {
            writeln!(f, "{diagnostic}")?;
        }
        let errors = self.error_count();
        write!(
            f,
            "{errors} error{} found",
            if errors == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Failure {}

/// Sorts diagnostics by place (global ones first), keeping equal places in their found order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.location.cmp(&b.location));
}

/// Maps byte offsets in a text to 1-based line and column numbers.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// The 1-based line and character column of a byte offset in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, col + 1)
    }

    /// The byte offset at which a 1-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The number of lines.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Shows `path` relative to `root` when it lies inside it, so messages stay short and stable.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_of_offsets() {
        let text = "ab\ncé\n\nz";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (1, 3));
        assert_eq!(index.line_col(text, 3), (2, 1));
        // "é" is two bytes: the character after it is column 3.
        assert_eq!(index.line_col(text, 6), (2, 3));
        assert_eq!(index.line_col(text, 7), (3, 1));
        assert_eq!(index.line_col(text, 8), (4, 1));
        assert_eq!(index.line_col(text, 100), (4, 2));
        assert_eq!(index.line_start(2), Some(3));
        assert_eq!(index.line_count(), 4);
    }

    #[test]
    fn diagnostics_print_as_file_line_col() {
        let d = Diagnostic::error(Location::at("content/a/b.md", 42, 5), "bad thing")
            .with_note("first\nsecond");
        assert_eq!(
            d.to_string(),
            "content/a/b.md:42:5: error: bad thing\n    first\n    second"
        );
        let whole = Diagnostic::warning(Location::file("config.toml"), "odd");
        assert_eq!(whole.to_string(), "config.toml: warning: odd");
    }

    #[test]
    fn failures_sort_by_place() {
        let failure = Failure::new(vec![
            Diagnostic::error(Location::at("b.md", 1, 1), "x"),
            Diagnostic::error(Location::at("a.md", 9, 1), "y"),
            Diagnostic::error(Location::at("a.md", 2, 1), "z"),
        ]);
        let order: Vec<_> = failure
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(order, ["z", "y", "x"]);
        assert!(failure.to_string().ends_with("3 errors found"));
    }
}
