//! The structure check: every lesson has the configured `##` sections in order, and its
//! exercises section holds between the allowed number of `### Exercise N: title` subsections,
//! each with a runnable `solution` block; a companion's `##` headings are its questions.

use std::path::Path;

use crate::config::StructureConfig;
use crate::content::PostKind;
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::Rendered;
use crate::markdown::fence::RunMode;

/// Checks one post of the given kind; `last_line` is the file's last line, where missing
/// trailing sections go.
pub(crate) fn check(
    config: &StructureConfig,
    kind: PostKind,
    path: &Path,
    rendered: &Rendered,
    last_line: usize,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if !config.enforce {
        return problems;
    }
    if kind == PostKind::Companion {
        check_companion(path, rendered, &mut problems);
        return problems;
    }
    let sections: Vec<_> = rendered.headings.iter().filter(|h| h.level == 2).collect();
    let mut next = 0;
    for required in &config.sections {
        match sections[next..].iter().position(|h| h.text == *required) {
            Some(offset) => next += offset + 1,
            None => {
                let line = sections.get(next).map_or(last_line, |h| h.line);
                let found_elsewhere = sections.iter().any(|h| h.text == *required);
                let message = if found_elsewhere {
                    format!(
                        "section \"## {required}\" is out of order; the sections must be: {}",
                        config.sections.join(", ")
                    )
                } else {
                    format!(
                        "missing section \"## {required}\" (expected here, in the order {})",
                        config.sections.join(", ")
                    )
                };
                problems.push(Diagnostic::error(Location::at(path, line, 1), message));
            }
        }
    }
    if !config.exercises_section.is_empty() {
        check_exercises(config, path, rendered, &mut problems);
    }
    problems
}

/// A companion answers reader questions: it has at least one `##` heading, and every one of
/// them is a question. The lesson sections and exercises belong to the lesson it follows.
fn check_companion(path: &Path, rendered: &Rendered, problems: &mut Vec<Diagnostic>) {
    let questions: Vec<_> = rendered.headings.iter().filter(|h| h.level == 2).collect();
    if questions.is_empty() {
        problems.push(Diagnostic::error(
            Location::at(path, 1, 1),
            "a companion post has no \"##\" headings: give each reader question its own \"## ...?\" heading",
        ));
    }
    for heading in questions {
        if !heading.text.trim_end().ends_with('?') {
            problems.push(Diagnostic::error(
                Location::at(path, heading.line, 1),
                format!(
                    "a companion's \"##\" headings are its questions, so \"## {}\" must end with \"?\" (use \"###\" for subsections)",
                    heading.text
                ),
            ));
        }
    }
}

fn check_exercises(
    config: &StructureConfig,
    path: &Path,
    rendered: &Rendered,
    problems: &mut Vec<Diagnostic>,
) {
    let headings = &rendered.headings;
    let Some(start) = headings
        .iter()
        .position(|h| h.level == 2 && h.text == config.exercises_section)
    else {
        return;
    };
    let section_line = headings[start].line;
    let end_line = headings[start + 1..]
        .iter()
        .find(|h| h.level <= 2)
        .map_or(usize::MAX, |h| h.line);
    let exercises: Vec<_> = headings[start + 1..]
        .iter()
        .take_while(|h| h.level > 2)
        .filter(|h| h.level == 3)
        .collect();
    for (i, heading) in exercises.iter().enumerate() {
        let expected = format!("Exercise {}:", i + 1);
        if !heading.text.starts_with(&expected) || heading.text.len() <= expected.len() {
            problems.push(Diagnostic::error(
                Location::at(path, heading.line, 1),
                format!(
                    "exercise headings must read \"### {expected} Short title\"; found \"### {}\"",
                    heading.text
                ),
            ));
        }
        let until = exercises.get(i + 1).map_or(end_line, |h| h.line);
        let solutions: Vec<_> = rendered
            .code_blocks
            .iter()
            .filter(|b| b.attrs.solution && b.fence.line > heading.line && b.fence.line < until)
            .collect();
        match solutions.as_slice() {
            [] => problems.push(Diagnostic::error(
                Location::at(path, heading.line, 1),
                format!(
                    "{} has no solution: add a ```rust,solution block with its full program",
                    heading.text
                ),
            )),
            blocks => {
                for block in blocks {
                    if !block.attrs.is_rust()
                        || matches!(block.attrs.mode, RunMode::Ignore | RunMode::NoRun)
                    {
                        problems.push(Diagnostic::error(
                            block.fence.clone(),
                            "a solution must be a Rust block that runs (not ignore or no_run)",
                        ));
                    }
                }
            }
        }
    }
    let count = exercises.len();
    if count < config.min_exercises || count > config.max_exercises {
        problems.push(Diagnostic::error(
            Location::at(path, section_line, 1),
            format!(
                "\"## {}\" has {count} exercise{}; a lesson has {} to {}",
                config.exercises_section,
                if count == 1 { "" } else { "s" },
                config.min_exercises,
                config.max_exercises
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourceFile;
    use crate::markdown::{RenderContext, links::LinkResolver, render};
    use std::path::PathBuf;

    fn config() -> StructureConfig {
        StructureConfig {
            enforce: true,
            sections: ["Introduction", "Exercises", "Summary"]
                .map(String::from)
                .to_vec(),
            exercises_section: "Exercises".into(),
            min_exercises: 1,
            max_exercises: 2,
            collapse_solutions: false,
        }
    }

    fn problems(body: &str) -> Vec<String> {
        problems_of(PostKind::Lesson, body)
    }

    fn problems_of(kind: PostKind, body: &str) -> Vec<String> {
        let source = SourceFile {
            path: PathBuf::from("/s/content/m/01-a.md"),
            display: PathBuf::from("content/m/01-a.md"),
            text: body.to_string(),
            body_offset: 0,
        };
        let resolver = LinkResolver::default();
        let context = RenderContext {
            resolver: &resolver,
            source_dir: "m",
            page_url: "m/a/",
            collapse_solutions: false,
        };
        let rendered = render(&source, &context);
        let last = body.lines().count();
        check(
            &config(),
            kind,
            Path::new("content/m/01-a.md"),
            &rendered,
            last,
        )
        .iter()
        .map(ToString::to_string)
        .collect()
    }

    const SOLUTION: &str = "```rust,solution\nfn main() {}\n```\n";

    #[test]
    fn a_complete_lesson_passes() {
        let body = format!(
            "## Introduction\n\n## Exercises\n\n### Exercise 1: Do it\n\nTask.\n\n{SOLUTION}\n## Summary\n"
        );
        assert!(problems(&body).is_empty(), "{:?}", problems(&body));
    }

    #[test]
    fn missing_and_misordered_sections_are_named() {
        let body = format!("## Exercises\n\n### Exercise 1: A\n\n{SOLUTION}\n## Introduction\n");
        let found = problems(&body);
        assert!(
            found
                .iter()
                .any(|p| p.contains("out of order") && p.contains("\"## Exercises\"")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p
                    .starts_with("content/m/01-a.md:9:1: error: missing section \"## Summary\"")),
            "{found:?}"
        );
    }

    #[test]
    fn exercises_need_numbers_solutions_and_a_count_in_range() {
        let body = "## Introduction\n\n## Exercises\n\n### Exercise 2: Wrong number\n\n```rust\nfn main() {}\n```\n\n## Summary\n";
        let found = problems(body);
        assert!(found.iter().any(|p| p.starts_with("content/m/01-a.md:5:1: error: exercise headings must read \"### Exercise 1: Short title\"")), "{found:?}");
        assert!(
            found.iter().any(|p| p.contains("has no solution")),
            "{found:?}"
        );

        let none = problems("## Introduction\n\n## Exercises\n\nNothing.\n\n## Summary\n");
        assert!(none.iter().any(|p| p.starts_with("content/m/01-a.md:3:1: error: \"## Exercises\" has 0 exercises; a lesson has 1 to 2")), "{none:?}");

        let ignored = "## Introduction\n\n## Exercises\n\n### Exercise 1: A\n\n```rust,solution,ignore\nfn main() {}\n```\n\n## Summary\n";
        assert!(
            problems(ignored)
                .iter()
                .any(|p| p.contains("must be a Rust block that runs"))
        );
    }

    #[test]
    fn a_companion_has_questions_not_lesson_sections() {
        let good = "Intro.\n\n## Why $W x$ here?\n\nText.\n\n### A detail\n\n## And sparsity?\n";
        assert!(
            problems_of(PostKind::Companion, good).is_empty(),
            "{:?}",
            problems_of(PostKind::Companion, good)
        );
        let bad = problems_of(PostKind::Companion, "## Why?\n\n## Summary\n");
        assert_eq!(
            bad,
            [
                "content/m/01-a.md:3:1: error: a companion's \"##\" headings are its questions, so \"## Summary\" must end with \"?\" (use \"###\" for subsections)"
            ]
        );
        let empty = problems_of(PostKind::Companion, "Just prose.\n");
        assert!(
            empty[0].starts_with("content/m/01-a.md:1:1: error: a companion post has no"),
            "{empty:?}"
        );
    }
}
