//! What became of each block in a pass, for reports: passed, taken from the cache or failed
//! (with every failure found), the compile and run time it cost, and with `--twice` whether its
//! second run matched the first.

use std::time::Duration;

use super::BlockFailure;
use crate::diagnostics::Location;

/// How a block came out of the pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It met its expectation in this pass: ran, panicked as `should_panic` asked, compiled
    /// (`no_run`) or failed to compile (`compile_fail`).
    Passed,
    /// Its result came from the cache: nothing was compiled or run for it.
    Cached,
    /// It failed; see its failures.
    Failed,
}

/// What the second run of a block (`check --twice`) showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondRun {
    /// Exactly what the first showed.
    Same,
    /// Something else, with a short description of the difference.
    Differed(String),
}

/// One block's record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// How it came out; `None` when the pass stopped before it (cargo could not run, the lock
    /// file did not match, the sandbox was required and missing).
    pub status: Option<Status>,
    /// Every failure, at its Markdown location (a block can have several compile errors).
    pub failures: Vec<(Location, BlockFailure)>,
    /// Its share of the compiler's time: the time cargo spent on the program holding it,
    /// divided among the blocks compiled in that program.
    pub compile_time: Duration,
    /// How long it ran in this pass (the first run, with `--twice`).
    pub run_time: Duration,
    /// With `--twice`, what its second run showed.
    pub second_run: Option<SecondRun>,
}

impl Outcome {
    /// Marks the block as done, unless a failure marked it already.
    pub(super) fn settle(&mut self, status: Status) {
        if self.status != Some(Status::Failed) {
            self.status = Some(status);
        }
    }

    /// Records a failure.
    pub(super) fn failed(&mut self, location: Location, failure: BlockFailure) {
        self.status = Some(Status::Failed);
        self.failures.push((location, failure));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_never_overwritten() {
        let mut outcome = Outcome::default();
        assert_eq!(outcome.status, None);
        outcome.settle(Status::Passed);
        assert_eq!(outcome.status, Some(Status::Passed));
        outcome.failed(Location::at("a.md", 3, 1), BlockFailure::UnexpectedPass);
        outcome.settle(Status::Passed);
        assert_eq!(outcome.status, Some(Status::Failed));
        assert_eq!(outcome.failures.len(), 1);
    }
}
