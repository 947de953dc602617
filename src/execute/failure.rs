//! Why a block failed, as a value (in the spirit of rustdoc's `TestFailure`): judging and
//! compiling produce these, [`Executed::fail`](super::Executed::fail) turns each into the
//! diagnostic at the block's Markdown line, and tests can look at kinds instead of wording.

use std::fmt;

/// One way a block can fail.
#[derive(Clone, Debug, PartialEq)]
pub enum BlockFailure {
    /// The compiler reported an error at a line of the block.
    CompileError {
        /// The error code, like `E0308`.
        code: Option<String>,
        /// The compiler's one-line message.
        message: String,
    },
    /// The block did not compile, and the compiler named no line of it.
    DidNotCompile,
    /// A `compile_fail` block compiled.
    UnexpectedCompile,
    /// A `compile_fail` block failed without an error code its fence names.
    MissingErrorCodes {
        /// The codes the fence names that the compiler did not report.
        missing: Vec<String>,
        /// The codes the compiler reported.
        found: Vec<String>,
    },
    /// The program panicked (and was not meant to).
    Panicked {
        /// The panic's first line.
        message: String,
    },
    /// The program exited with a non-zero status, without panicking.
    ExitStatus(i32),
    /// A signal ended the program.
    Signalled(i32),
    /// A `should_panic` block ran to the end.
    UnexpectedPass,
    /// The program ran past its wall-clock limit.
    TimedOut {
        /// The limit, in seconds.
        seconds: f64,
    },
    /// An allocation failed under the memory limit.
    OutOfMemory {
        /// The limit, in MiB.
        mib: u64,
    },
    /// The program printed more than the hard output limit.
    TooMuchOutput {
        /// The limit, in MiB.
        mib: usize,
    },
    /// The program wrote more figures than allowed.
    TooManyFigures {
        /// How many it wrote.
        count: usize,
        /// How many are allowed.
        max: usize,
    },
    /// The program wrote a figure larger than allowed.
    FigureTooLarge {
        /// The figure's path in the working folder.
        name: String,
        /// Its size in KiB.
        kib: u64,
        /// The limit in KiB.
        max_kib: u64,
    },
    /// The program could not be started.
    CouldNotRun(String),
}

impl BlockFailure {
    /// The kind of failure as a stable name, for reports: `compile_error`, `panicked`,
    /// `timed_out`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            BlockFailure::CompileError { .. } => "compile_error",
            BlockFailure::DidNotCompile => "did_not_compile",
            BlockFailure::UnexpectedCompile => "unexpected_compile",
            BlockFailure::MissingErrorCodes { .. } => "missing_error_codes",
            BlockFailure::Panicked { .. } => "panicked",
            BlockFailure::ExitStatus(_) => "exit_status",
            BlockFailure::Signalled(_) => "signalled",
            BlockFailure::UnexpectedPass => "unexpected_pass",
            BlockFailure::TimedOut { .. } => "timed_out",
            BlockFailure::OutOfMemory { .. } => "out_of_memory",
            BlockFailure::TooMuchOutput { .. } => "too_much_output",
            BlockFailure::TooManyFigures { .. } => "too_many_figures",
            BlockFailure::FigureTooLarge { .. } => "figure_too_large",
            BlockFailure::CouldNotRun(_) => "could_not_run",
        }
    }
}

impl fmt::Display for BlockFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockFailure::CompileError { code, message } => match code {
                Some(code) => write!(f, "compile error[{code}]: {message}"),
                None => write!(f, "compile error: {message}"),
            },
            BlockFailure::DidNotCompile => write!(f, "the block failed to compile"),
            BlockFailure::UnexpectedCompile => write!(
                f,
                "this compile_fail block compiled; it must fail to compile (or drop compile_fail)"
            ),
            BlockFailure::MissingErrorCodes { missing, found } => write!(
                f,
                "this compile_fail block failed to compile, but not with {}; the compiler reported {}",
                missing.join(", "),
                if found.is_empty() {
                    "no error code".to_string()
                } else {
                    found.join(", ")
                }
            ),
            BlockFailure::Panicked { message } => write!(f, "the block panicked: {message}"),
            BlockFailure::ExitStatus(code) => write!(f, "the block exited with status {code}"),
            BlockFailure::Signalled(signal) => {
                write!(f, "the block was killed by signal {signal}")
            }
            BlockFailure::UnexpectedPass => write!(f, "this should_panic block did not panic"),
            BlockFailure::TimedOut { seconds } => {
                write!(f, "the block timed out after {seconds} s and was stopped")
            }
            BlockFailure::OutOfMemory { mib } => {
                write!(f, "the block exceeded the memory limit of {mib} MiB")
            }
            BlockFailure::TooMuchOutput { mib } => {
                write!(f, "the block printed more than {mib} MiB and was stopped")
            }
            BlockFailure::TooManyFigures { count, max } => write!(
                f,
                "the block wrote {count} figures; a block may write at most {max} (execute.max_figures)"
            ),
            BlockFailure::FigureTooLarge { name, kib, max_kib } => write!(
                f,
                "figure {name} is {kib} KiB; a figure may be at most {max_kib} KiB (execute.max_figure_kib)"
            ),
            BlockFailure::CouldNotRun(error) => write!(f, "could not run the block: {error}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_name() {
        let all = [
            BlockFailure::CompileError {
                code: None,
                message: String::new(),
            },
            BlockFailure::DidNotCompile,
            BlockFailure::UnexpectedCompile,
            BlockFailure::MissingErrorCodes {
                missing: Vec::new(),
                found: Vec::new(),
            },
            BlockFailure::Panicked {
                message: String::new(),
            },
            BlockFailure::ExitStatus(1),
            BlockFailure::Signalled(9),
            BlockFailure::UnexpectedPass,
            BlockFailure::TimedOut { seconds: 1.0 },
            BlockFailure::OutOfMemory { mib: 1 },
            BlockFailure::TooMuchOutput { mib: 1 },
            BlockFailure::TooManyFigures { count: 2, max: 1 },
            BlockFailure::FigureTooLarge {
                name: String::new(),
                kib: 2,
                max_kib: 1,
            },
            BlockFailure::CouldNotRun(String::new()),
        ];
        let names: std::collections::BTreeSet<&str> = all.iter().map(BlockFailure::kind).collect();
        assert_eq!(names.len(), all.len());
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
    }
}
