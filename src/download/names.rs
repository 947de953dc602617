//! Program names in a lesson's download: each block is named after the heading nearest above
//! it (`### Demo 1: A tour of the pipeline` gives `demo-1-a-tour-of-the-pipeline`), made unique
//! on the page with `-2`, `-3`, ..., and always a name cargo takes for a binary.

use std::collections::HashSet;

use crate::markdown::code::CodeBlock;
use crate::markdown::headings::Heading;

/// Longest name, in characters: long enough for a heading, short enough for a command line.
const MAX_LEN: usize = 60;

/// Names cargo refuses for binaries (they are folders of its target directory).
const RESERVED: [&str; 4] = ["build", "deps", "examples", "incremental"];

/// The names of `blocks` (in page order), each after the nearest heading above its fence, or
/// `fallback` for blocks before the first heading.
pub(crate) fn program_names(
    blocks: &[&CodeBlock],
    headings: &[Heading],
    fallback: &str,
) -> Vec<String> {
    let mut taken = HashSet::new();
    blocks
        .iter()
        .map(|block| {
            let heading = headings
                .iter()
                .rev()
                .find(|h| h.line < block.fence.line)
                .map(|h| slug(&h.text))
                .filter(|s| !s.is_empty());
            let base = heading.unwrap_or_else(|| slug(fallback));
            let base = if base.is_empty() {
                "program".to_string()
            } else {
                base
            };
            let mut name = base.clone();
            let mut number = 1;
            while !taken.insert(name.clone()) {
                number += 1;
                name = format!("{base}-{number}");
            }
            name
        })
        .collect()
}

/// Lowercase ASCII letters and digits, runs of anything else as one `-`, cut at a word
/// boundary; a name cargo would refuse or read as a number gets a `program-` prefix or suffix.
pub(crate) fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if c != '\'' && c != '’' && !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.len() > MAX_LEN {
        match slug[..MAX_LEN].rfind('-') {
            Some(cut) if cut > 0 => slug.truncate(cut),
            _ => slug.truncate(MAX_LEN),
        }
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.starts_with(|c: char| c.is_ascii_digit()) {
        format!("program-{slug}")
    } else if RESERVED.contains(&slug.as_str()) {
        format!("{slug}-program")
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use crate::download::tests::heading;

    fn block(line: usize) -> CodeBlock {
        CodeBlock::for_tests("rust", Location::at("content/m/01-a.md", line, 1), &[])
    }

    #[test]
    fn names_follow_the_nearest_heading_and_are_unique() {
        let headings = [
            heading(10, "Demo 1: A Tour of the Pipeline"),
            heading(30, "Exercise 2: Weight decay, by hand"),
            heading(50, "Demo 1"),
        ];
        let blocks = [
            block(5),
            block(12),
            block(20),
            block(40),
            block(60),
            block(70),
        ];
        let refs: Vec<&CodeBlock> = blocks.iter().collect();
        assert_eq!(
            program_names(&refs, &headings, "First Steps"),
            [
                "first-steps",
                "demo-1-a-tour-of-the-pipeline",
                "demo-1-a-tour-of-the-pipeline-2",
                "exercise-2-weight-decay-by-hand",
                "demo-1",
                "demo-1-2",
            ]
        );
    }

    #[test]
    fn slugs_are_names_cargo_takes() {
        assert_eq!(slug("Adam’s first steps"), "adams-first-steps");
        assert_eq!(slug("  ReLU — and tanh!  "), "relu-and-tanh");
        assert_eq!(slug("1.2 Gradients"), "program-1-2-gradients");
        assert_eq!(slug("Build"), "build-program");
        assert_eq!(slug("Ünïcode only: ∑"), "n-code-only");
        assert_eq!(slug(""), "");
        let long = slug(&"word ".repeat(30));
        assert!(long.len() <= MAX_LEN && long.ends_with("word"), "{long}");
    }
}
