//! Folded regions of Rust code blocks: `// fold: LABEL` ... `// end fold` marker lines found in
//! a block's lines, and the block's highlighted HTML regrouped so that each region shows as a
//! summary line ("drawing the figure (24 lines)") the reader clicks to open.
//!
//! The markers are ordinary comments and stay in the program: the compiler sees them, compile
//! errors keep their lines, and the copy button copies them. The page shows neither marker: the
//! opening one becomes the summary, the closing one ends the region. Markers are found on every
//! line, hidden (`# `) or not, by the text the compiler sees; folds do not nest.

use super::code::CodeLine;

/// What starts a folded region; the label follows it.
const OPEN: &str = "// fold:";
/// What ends a folded region.
const CLOSE: &str = "// end fold";

/// A folded region of a code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    /// What the summary line calls the region.
    pub label: String,
    /// Index in the block's lines of the `// fold:` marker.
    pub start: usize,
    /// Index in the block's lines of the `// end fold` marker.
    pub end: usize,
}

/// A misplaced or malformed marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoldError {
    /// Index in the block's lines of the marker at fault.
    pub line: usize,
    /// What is wrong, and how to fix it.
    pub message: String,
}

/// What a line of code says about folds.
enum Marker<'a> {
    Open(&'a str),
    Close,
}

fn marker(code: &str) -> Option<Marker<'_>> {
    let code = code.trim();
    if let Some(label) = code.strip_prefix(OPEN) {
        Some(Marker::Open(label.trim()))
    } else if code == CLOSE {
        Some(Marker::Close)
    } else {
        None
    }
}

/// Finds the folded regions of a block's lines, with every misplaced marker.
pub fn find(lines: &[CodeLine]) -> (Vec<Fold>, Vec<FoldError>) {
    let mut folds = Vec::new();
    let mut errors = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (index, line) in lines.iter().enumerate() {
        let error = |message: String| FoldError {
            line: index,
            message,
        };
        match (marker(&line.code), open) {
            (None, _) => {}
            (Some(Marker::Open("")), None) => {
                errors.push(error(format!(
                    "`{OPEN}` needs a label, as in `{OPEN} drawing the figure`"
                )));
            }
            (Some(Marker::Open(label)), None) => open = Some((index, label)),
            (Some(Marker::Open(_)), Some((start, _))) => errors.push(error(format!(
                "folds do not nest: the fold opened at line {} is still open; close it with `{CLOSE}` first",
                lines[start].line
            ))),
            (Some(Marker::Close), None) => errors.push(error(format!(
                "`{CLOSE}` without a `{OPEN} ...` line before it"
            ))),
            (Some(Marker::Close), Some((start, label))) => {
                open = None;
                let shown = lines[start + 1..index]
                    .iter()
                    .filter(|l| l.shown.is_some())
                    .count();
                if shown == 0 {
                    errors.push(FoldError {
                        line: start,
                        message: "this fold holds no visible lines; remove its markers".into(),
                    });
                } else {
                    folds.push(Fold {
                        label: label.to_string(),
                        start,
                        end: index,
                    });
                }
            }
        }
    }
    if let Some((start, _)) = open {
        errors.push(FoldError {
            line: start,
            message: format!("this fold is never closed: add a `{CLOSE}` line where it ends"),
        });
    }
    (folds, errors)
}

/// Regroups a block's highlighted HTML (one line of HTML per shown line, as
/// [`crate::highlight::split_lines`] gives them) so each fold is a `<details>` the reader opens.
/// Without folds, or if the lines do not match the block, the HTML comes back unchanged.
pub fn apply(lines: &[CodeLine], folds: &[Fold], highlighted: &str) -> String {
    if folds.is_empty() {
        return highlighted.to_string();
    }
    let html_lines = crate::highlight::split_lines(highlighted);
    let shown = lines.iter().filter(|l| l.shown.is_some()).count();
    if html_lines.len() != shown {
        return highlighted.to_string();
    }
    let mut html_lines = html_lines.into_iter();
    let mut out = String::with_capacity(highlighted.len() + folds.len() * 160);
    let mut folds = folds.iter().peekable();
    for (index, line) in lines.iter().enumerate() {
        let html = line.shown.as_ref().and_then(|_| html_lines.next());
        match folds.peek() {
            Some(fold) if fold.start == index => out.push_str(&summary(lines, fold)),
            Some(fold) if fold.end == index => {
                out.push_str("</details>");
                folds.next();
            }
            _ => {
                if let Some(html) = html {
                    out.push_str(&html);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// The opening of a fold: its summary line, indented like the marker it replaces.
fn summary(lines: &[CodeLine], fold: &Fold) -> String {
    let marker = &lines[fold.start];
    let text = marker.shown.as_deref().unwrap_or(&marker.code);
    let indent = &text[..text.len() - text.trim_start().len()];
    let count = lines[fold.start + 1..fold.end]
        .iter()
        .filter(|l| l.shown.is_some())
        .count();
    let noun = if count == 1 { "line" } else { "lines" };
    format!(
        "<details class=\"fold\"><summary>{indent}<span class=\"fold-label\">{}</span> <span class=\"fold-count\">({count} {noun})</span></summary>",
        crate::escape::text(&fold.label)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::code::classify;

    fn lines(code: &str) -> Vec<CodeLine> {
        code.lines()
            .enumerate()
            .map(|(i, raw)| {
                let (code, shown, col_offset) = classify(raw, true);
                CodeLine {
                    code,
                    shown,
                    line: 10 + i,
                    col_offset,
                }
            })
            .collect()
    }

    fn messages(code: &str) -> Vec<(usize, String)> {
        find(&lines(code))
            .1
            .into_iter()
            .map(|e| (e.line, e.message))
            .collect()
    }

    #[test]
    fn regions_are_found_with_their_labels() {
        let code = "let a = 1;\n    // fold: drawing the figure\nplot();\n    // end fold\n// fold: saving\nsave();\n// end fold\n";
        let (folds, errors) = find(&lines(code));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            folds,
            [
                Fold {
                    label: "drawing the figure".into(),
                    start: 1,
                    end: 3
                },
                Fold {
                    label: "saving".into(),
                    start: 4,
                    end: 6
                },
            ]
        );
    }

    #[test]
    fn hidden_markers_count_and_hidden_lines_are_not_counted() {
        let code = "# // fold: setup\n# use std::fmt;\nlet x = 1;\n# // end fold\n";
        let (folds, errors) = find(&lines(code));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(folds.len(), 1);
        let html = apply(
            &lines(code),
            &folds,
            &crate::highlight::highlight("let x = 1;\n", "rust"),
        );
        assert!(html.contains("(1 line)"), "{html}");
    }

    #[test]
    fn misplaced_markers_are_errors_at_their_line() {
        assert_eq!(
            messages("// fold: a\nx();\n"),
            [(
                0,
                "this fold is never closed: add a `// end fold` line where it ends".into()
            )]
        );
        assert_eq!(
            messages("x();\n// end fold\n"),
            [(
                1,
                "`// end fold` without a `// fold: ...` line before it".into()
            )]
        );
        let nested = messages("// fold: a\n// fold: b\nx();\n// end fold\n");
        assert_eq!(nested.len(), 1);
        assert_eq!(nested[0].0, 1);
        assert!(nested[0].1.contains("opened at line 10"), "{}", nested[0].1);
        assert_eq!(messages("// fold:\nx();\n")[0].0, 0);
        assert_eq!(
            messages("// fold: only hidden\n# x();\n// end fold\n"),
            [(
                0,
                "this fold holds no visible lines; remove its markers".into()
            )]
        );
    }

    #[test]
    fn near_misses_are_plain_comments() {
        for code in [
            "//fold: a\n",
            "/// fold: a\n",
            "// folded: a\n",
            "// end fold here\n",
        ] {
            assert_eq!(find(&lines(code)), (vec![], vec![]), "{code}");
        }
    }

    #[test]
    fn folds_wrap_highlighted_lines_and_drop_the_markers() {
        let code =
            "fn main() {\n    // fold: the <figure>\n    let s = \"a\nb\";\n    // end fold\n}\n";
        let lines = lines(code);
        let (folds, _) = find(&lines);
        let highlighted = crate::highlight::highlight(code, "rust");
        let html = apply(&lines, &folds, &highlighted);
        assert!(
            html.contains(
                "<details class=\"fold\"><summary>    <span class=\"fold-label\">the &lt;figure&gt;</span> <span class=\"fold-count\">(2 lines)</span></summary>"
            ),
            "{html}"
        );
        assert!(
            !html.contains("fold:") && !html.contains("end fold"),
            "{html}"
        );
        // The string spans two lines: both sit inside the fold, each line balanced.
        let inside = &html[html.find("</summary>").unwrap()..html.find("</details>").unwrap()];
        assert_eq!(
            inside.matches("<span").count(),
            inside.matches("</span>").count()
        );
        assert!(inside.contains("let") && inside.contains(">b<"), "{inside}");
        assert!(!inside.contains("\"></span>"), "no empty spans: {inside}");
        assert_eq!(
            apply(&lines, &[], &highlighted),
            highlighted,
            "no folds, no change"
        );
    }
}
