//! Progress of compiling and running: a progress bar when stderr is a terminal, plain lines in
//! CI and logs, nothing in tests.

use std::io::IsTerminal;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing.
    Quiet,
    /// One line per step, for logs.
    Lines,
    /// A live bar, for terminals.
    Bar,
}

impl Progress {
    /// A bar on a terminal, lines otherwise.
    pub fn detect() -> Self {
        if std::io::stderr().is_terminal() {
            Progress::Bar
        } else {
            Progress::Lines
        }
    }
}

/// Reports progress in the chosen style; cheap to clone across threads.
#[derive(Clone)]
pub(crate) struct Reporter {
    style: Progress,
    bar: Option<Arc<ProgressBar>>,
}

impl Reporter {
    /// A reporter for `total` steps.
    pub(crate) fn new(style: Progress, total: u64) -> Self {
        let bar = (style == Progress::Bar).then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            Arc::new(bar)
        });
        Self { style, bar }
    }

    /// A line of cargo's own output (`Compiling burn v0.22.1`).
    pub(crate) fn cargo_line(&self, line: &str) {
        let line = line.trim();
        if line.is_empty() {
            return;
        }
        // Cargo builds one program at a time per compile folder: say why nothing moves.
        if line.starts_with("Blocking waiting for file lock") {
            let message = "waiting for another build that uses the same compile folder";
            match (&self.bar, self.style) {
                (Some(bar), _) => bar.set_message(message),
                (None, Progress::Lines) => eprintln!("  {message} ({line})"),
                _ => {}
            }
            return;
        }
        match (&self.bar, self.style) {
            (Some(bar), _) => bar.set_message(line.to_string()),
            (None, Progress::Lines)
                if line.starts_with("Compiling") || line.starts_with("Downloaded") =>
            {
                eprintln!("  {line}");
            }
            _ => {}
        }
    }

    /// A step starts.
    pub(crate) fn step(&self, message: &str) {
        match (&self.bar, self.style) {
            (Some(bar), _) => bar.set_message(message.to_string()),
            (None, Progress::Lines) => eprintln!("{message}"),
            _ => {}
        }
    }

    /// A unit of work is done.
    pub(crate) fn advance(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
