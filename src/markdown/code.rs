//! Code blocks as the Markdown holds them: each line's compiled text, whether readers see it
//! (`# ` hides a line, `##` escapes), and where it sits in the Markdown file.

use super::fence::FenceAttrs;
use super::fold::Fold;
use crate::diagnostics::Location;

/// One line of a code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLine {
    /// The text the compiler sees.
    pub code: String,
    /// The text readers see, or `None` for a hidden line.
    pub shown: Option<String>,
    /// 1-based line in the Markdown file.
    pub line: usize,
    /// Characters in the Markdown line before the compiled text starts (indentation, `# `).
    pub col_offset: usize,
}

/// A fenced code block of a page.
#[derive(Clone, Debug)]
pub struct CodeBlock {
    /// Position among the page's code blocks, from 0.
    pub index: usize,
    /// What the info string says.
    pub attrs: FenceAttrs,
    /// The lines inside the fences.
    pub lines: Vec<CodeLine>,
    /// The regions the page shows folded, in order.
    pub folds: Vec<Fold>,
    /// Where the opening fence is.
    pub fence: Location,
    /// For a run of a swept block, which of the sweep's values this copy has.
    pub variant: Option<usize>,
}

impl CodeBlock {
    /// The source the compiler sees, hidden lines included.
    pub fn compiled(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(&line.code);
            out.push('\n');
        }
        out
    }

    /// The language to highlight the block as: its own, or plain text.
    pub fn lang(&self) -> &str {
        if self.attrs.lang.is_empty() {
            "text"
        } else {
            &self.attrs.lang
        }
    }

    /// What the copy button copies: for a Rust block that compiles, the whole program as it is
    /// compiled (hidden lines included, wrapped in `fn main` when it has none), ready for a
    /// reader's `src/main.rs`; for any other block, its code with any hidden lines.
    pub fn copied(&self) -> String {
        if self.attrs.compiles() {
            crate::execute::program::standalone(self).source
        } else {
            self.compiled()
        }
    }

    /// The copy button's tooltip: what [`CodeBlock::copied`] holds beyond what the page shows.
    pub fn copy_title(&self) -> String {
        let hidden = self.lines.iter().filter(|l| l.shown.is_none()).count();
        let hidden = match hidden {
            0 => None,
            1 => Some("the line hidden on this page".to_string()),
            n => Some(format!("the {n} lines hidden on this page")),
        };
        if !self.attrs.compiles() {
            return match hidden {
                Some(hidden) => format!("Copy the code, with {hidden}"),
                None => "Copy the code".into(),
            };
        }
        let wrapped =
            (!crate::execute::program::has_main(self)).then_some("the fn main it runs in");
        let extra: Vec<&str> = hidden.as_deref().into_iter().chain(wrapped).collect();
        let mut title = String::from("Copy the whole program, ready to paste into src/main.rs");
        if !extra.is_empty() {
            title.push_str(", with ");
            title.push_str(&extra.join(" and "));
        }
        title
    }

    /// The source readers see.
    pub fn shown(&self) -> String {
        let mut out = String::new();
        for line in self.lines.iter().filter_map(|l| l.shown.as_deref()) {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// Splits a code line into compiled and shown text, following rustdoc: `# x` and a lone `#` are
/// hidden, `##x` is shown as `#x`. Returns the compiled text, the shown text, and how many
/// characters of the line precede the compiled text.
pub fn classify(line: &str, hide: bool) -> (String, Option<String>, usize) {
    if !hide {
        return (line.to_string(), Some(line.to_string()), 0);
    }
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if let Some(rest) = trimmed.strip_prefix("##") {
        let text = format!("{}#{rest}", &line[..indent]);
        (text.clone(), Some(text), 0)
    } else if let Some(rest) = trimmed.strip_prefix("# ") {
        (rest.to_string(), None, line[..indent].chars().count() + 2)
    } else if trimmed == "#" {
        (String::new(), None, line.chars().count())
    } else {
        (line.to_string(), Some(line.to_string()), 0)
    }
}

#[cfg(test)]
impl CodeBlock {
    /// A block for tests: the first of its page, with its fence at `fence` and `code` on the
    /// lines after it, read as a page's lines are (`# ` lines hidden in Rust), nothing folded.
    pub(crate) fn for_tests(info: &str, fence: Location, code: &[&str]) -> Self {
        let attrs = FenceAttrs::parse(info);
        let hide = attrs.is_rust();
        let lines = code
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let (code, shown, col_offset) = classify(raw, hide);
                CodeLine {
                    code,
                    shown,
                    line: fence.line + 1 + i,
                    col_offset,
                }
            })
            .collect();
        CodeBlock {
            index: 0,
            attrs,
            lines,
            folds: Vec::new(),
            fence,
            variant: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(info: &str, code: &str) -> CodeBlock {
        let lines: Vec<&str> = code.lines().collect();
        CodeBlock::for_tests(info, Location::at("content/m/a.md", 1, 1), &lines)
    }

    #[test]
    fn the_copy_is_the_whole_program() {
        let full = block(
            "rust",
            "# use std::fmt;\nfn main() {\n    # let x = 1;\n}\n",
        );
        assert_eq!(full.copied(), "use std::fmt;\nfn main() {\nlet x = 1;\n}\n");
        assert_eq!(
            full.copy_title(),
            "Copy the whole program, ready to paste into src/main.rs, with the 2 lines hidden on this page"
        );
        let wrapped = block("rust,no_run", "# let x = 1;\nprintln!(\"{x}\");\n");
        assert_eq!(
            wrapped.copied(),
            "fn main() {\nlet x = 1;\nprintln!(\"{x}\");\n}\n"
        );
        assert_eq!(
            wrapped.copy_title(),
            "Copy the whole program, ready to paste into src/main.rs, with the line hidden on this page and the fn main it runs in"
        );
        let plain = block("rust", "fn main() {}\n");
        assert_eq!(
            plain.copy_title(),
            "Copy the whole program, ready to paste into src/main.rs"
        );
    }

    #[test]
    fn other_blocks_copy_their_code() {
        let ignored = block("rust,ignore", "# use a::b;\nb();\n");
        assert_eq!(ignored.copied(), "use a::b;\nb();\n");
        assert_eq!(
            ignored.copy_title(),
            "Copy the code, with the line hidden on this page"
        );
        let toml = block("toml", "# a comment\n[dependencies]\n");
        assert_eq!(toml.copied(), "# a comment\n[dependencies]\n");
        assert_eq!(toml.copy_title(), "Copy the code");
    }

    #[test]
    fn hidden_and_escaped_lines() {
        assert_eq!(classify("# use x;", true), ("use x;".into(), None, 2));
        assert_eq!(
            classify("    # let a = 1;", true),
            ("let a = 1;".into(), None, 6)
        );
        assert_eq!(classify("#", true), (String::new(), None, 1));
        assert_eq!(
            classify("##[derive(Debug)]", true),
            (
                "#[derive(Debug)]".into(),
                Some("#[derive(Debug)]".into()),
                0
            )
        );
        assert_eq!(
            classify("#[derive(Debug)]", true),
            (
                "#[derive(Debug)]".into(),
                Some("#[derive(Debug)]".into()),
                0
            )
        );
        assert_eq!(
            classify("# x", false),
            ("# x".into(), Some("# x".into()), 0)
        );
    }
}
