//! Code blocks as the Markdown holds them: each line's compiled text, whether readers see it
//! (`# ` hides a line, `##` escapes), and where it sits in the Markdown file.

use super::fence::FenceAttrs;
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
mod tests {
    use super::*;

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
