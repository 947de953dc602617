//! `check --twice`: a block's two runs compared, what they printed on both streams, how they
//! ended and the figures they drew, and a difference reported as a warning at the block's
//! line with a short diff.

use super::judge::Verdict;
use super::{Executed, SecondRun};
use crate::diagnostics::Diagnostic;
use crate::markdown::code::CodeBlock;

/// Lines of a diff shown before the rest is counted.
const SHOWN: usize = 4;

/// Compares a block's first and second run, records the comparison, and warns when they differ.
pub(super) fn compare(
    block: &CodeBlock,
    first: Result<&Verdict, &std::io::Error>,
    second: Result<&Verdict, &std::io::Error>,
    outcome: &mut Executed,
) {
    let difference = match (first, second) {
        (Ok(first), Ok(second)) => difference(first, second),
        (Err(_), Err(_)) => None,
        (Ok(_), Err(e)) => Some(format!("the second run could not start: {e}")),
        (Err(e), Ok(_)) => Some(format!("the first run could not start: {e}")),
    };
    let second_run = match difference {
        None => SecondRun::Same,
        Some(diff) => {
            outcome.stats.differed += 1;
            outcome.diagnostics.push(
                Diagnostic::warning(
                    block.fence.clone(),
                    "this block's output changed when it ran again: it is not deterministic (seed its random numbers, or print nothing that varies between runs)",
                )
                .with_note(diff.clone()),
            );
            SecondRun::Differed(diff)
        }
    };
    outcome.outcome_mut(block).second_run = Some(second_run);
}

/// What differs between two judged runs, in a few lines; `None` when nothing shown differs.
pub(super) fn difference(first: &Verdict, second: &Verdict) -> Option<String> {
    match (first, second) {
        (
            Verdict::Met {
                result: a,
                figures: fa,
            },
            Verdict::Met {
                result: b,
                figures: fb,
            },
        ) => {
            let mut parts = Vec::new();
            parts.extend(lines_differ("output", &a.stdout.text, &b.stdout.text));
            if a.stdout.cut != b.stdout.cut {
                parts.push(format!(
                    "output: {} bytes were cut from the first run, {} from the second",
                    a.stdout.cut, b.stdout.cut
                ));
            }
            parts.extend(lines_differ("stderr", &a.stderr.text, &b.stderr.text));
            parts.extend(figures_differ(fa, fb));
            (!parts.is_empty()).then(|| parts.join("\n"))
        }
        (
            Verdict::Failed {
                location: la,
                failure: a,
                ..
            },
            Verdict::Failed {
                location: lb,
                failure: b,
                ..
            },
        ) => (la != lb || a != b)
            .then(|| format!("the first run failed at {la}: {a}\nthe second failed at {lb}: {b}")),
        (Verdict::Met { .. }, Verdict::Failed { failure, .. }) => Some(format!(
            "the first run met the block's expectation; the second did not: {failure}"
        )),
        (Verdict::Failed { failure, .. }, Verdict::Met { .. }) => Some(format!(
            "the first run failed ({failure}); the second met the block's expectation"
        )),
    }
}

/// The lines of `stream` that differ between two texts, numbered, first run then second.
fn lines_differ(stream: &str, a: &str, b: &str) -> Option<String> {
    if a == b {
        return None;
    }
    let (a_lines, b_lines): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let differing: Vec<usize> = (0..a_lines.len().max(b_lines.len()))
        .filter(|&n| a_lines.get(n) != b_lines.get(n))
        .collect();
    let mut text = String::new();
    for &n in differing.iter().take(SHOWN) {
        let line = |lines: &[&str]| {
            lines
                .get(n)
                .map_or("(no such line)".to_string(), |l| shorten(l))
        };
        text.push_str(&format!(
            "{stream} line {}:\n  - {}\n  + {}\n",
            n + 1,
            line(&a_lines),
            line(&b_lines)
        ));
    }
    if differing.len() > SHOWN {
        text.push_str(&format!(
            "{stream}: {} more lines differ\n",
            differing.len() - SHOWN
        ));
    }
    if differing.is_empty() {
        // Only the line endings differ.
        text.push_str(&format!("{stream}: the line endings differ\n"));
    }
    Some(text.trim_end().to_string())
}

/// What differs between the figures of two runs: their names, or the first differing line of
/// a figure (SVG is text), or its size.
fn figures_differ(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> Vec<String> {
    let names = |figures: &[(String, Vec<u8>)]| -> Vec<String> {
        figures.iter().map(|(name, _)| name.clone()).collect()
    };
    if names(a) != names(b) {
        return vec![format!(
            "figures: the first run drew [{}], the second [{}]",
            names(a).join(", "),
            names(b).join(", ")
        )];
    }
    a.iter()
        .zip(b)
        .filter(|((_, x), (_, y))| x != y)
        .map(
            |((name, x), (_, y))| match (std::str::from_utf8(x), std::str::from_utf8(y)) {
                (Ok(x), Ok(y)) => lines_differ(&format!("figure {name}"), x, y)
                    .unwrap_or_default()
                    .lines()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => format!(
                    "figure {name}: {} bytes in the first run, {} in the second, not the same",
                    x.len(),
                    y.len()
                ),
            },
        )
        .collect()
}

/// A line cut to a length a terminal shows.
fn shorten(line: &str) -> String {
    const MAX: usize = 100;
    if line.chars().count() <= MAX {
        return line.to_string();
    }
    let cut: String = line.chars().take(MAX).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use crate::execute::BlockFailure;
    use crate::execute::cache::{BlockResult, ResultKind};
    use crate::execute::run::Captured;

    fn met(stdout: &str, figures: &[(&str, &str)]) -> Verdict {
        Verdict::Met {
            result: BlockResult {
                kind: ResultKind::Ran,
                stdout: Captured {
                    text: stdout.into(),
                    cut: 0,
                },
                stderr: Captured::default(),
                compiler: String::new(),
                millis: 5,
                figures: Vec::new(),
                warnings: Vec::new(),
            },
            figures: figures
                .iter()
                .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn the_same_output_is_the_same_whatever_the_time() {
        let mut slow = met("loss 0.1\n", &[("a.svg", "<svg/>")]);
        if let Verdict::Met { result, .. } = &mut slow {
            result.millis = 900;
        }
        assert_eq!(
            difference(&met("loss 0.1\n", &[("a.svg", "<svg/>")]), &slow),
            None
        );
    }

    #[test]
    fn differing_lines_are_shown_first_run_then_second() {
        let diff = difference(
            &met("step 1\nloss 0.1497\nend\n", &[]),
            &met("step 1\nloss 0.1502\nend\n", &[]),
        )
        .unwrap();
        assert_eq!(diff, "output line 2:\n  - loss 0.1497\n  + loss 0.1502");
        let many: String = (0..10).map(|n| format!("{n}\n")).collect();
        let others: String = (0..10).map(|n| format!("{}\n", n + 100)).collect();
        let diff = difference(&met(&many, &[]), &met(&others, &[])).unwrap();
        assert!(diff.ends_with("output: 6 more lines differ"), "{diff}");
        let diff = difference(&met("a\n", &[]), &met("a\nb\n", &[])).unwrap();
        assert!(diff.contains("- (no such line)\n  + b"), "{diff}");
    }

    #[test]
    fn figures_differ_by_name_or_content() {
        let diff = difference(
            &met("", &[("a.svg", "<svg>\n<text>1</text>\n</svg>")]),
            &met("", &[("a.svg", "<svg>\n<text>2</text>\n</svg>")]),
        )
        .unwrap();
        assert_eq!(
            diff,
            "figure a.svg line 2:\n  - <text>1</text>\n  + <text>2</text>"
        );
        let diff = difference(&met("", &[("a.svg", "x")]), &met("", &[("b.svg", "x")])).unwrap();
        assert_eq!(
            diff,
            "figures: the first run drew [a.svg], the second [b.svg]"
        );
    }

    #[test]
    fn a_run_that_fails_only_once_differs() {
        let failed = Verdict::Failed {
            location: Location::at("a.md", 4, 9),
            failure: BlockFailure::Panicked {
                message: "boom".into(),
            },
            note: String::new(),
        };
        let diff = difference(&met("ok\n", &[]), &failed).unwrap();
        assert!(
            diff.contains("the second did not: the block panicked: boom"),
            "{diff}"
        );
        let again = Verdict::Failed {
            location: Location::at("a.md", 4, 9),
            failure: BlockFailure::Panicked {
                message: "boom".into(),
            },
            note: "other text".into(),
        };
        assert_eq!(difference(&failed, &again), None);
    }
}
