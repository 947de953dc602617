//! Placeholders: the Markdown pass leaves a marker where a formula, a block's highlighted code or
//! its output goes, and the page is filled once math is rendered, code highlighted and run. Markers use Unicode
//! noncharacters, which the loader refuses in content, so they cannot collide with text.

/// Opens a placeholder.
pub(crate) const OPEN: char = '\u{FDD0}';
/// Closes a placeholder.
pub(crate) const CLOSE: char = '\u{FDD1}';

/// What a placeholder stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The page's n-th formula.
    Math(usize),
    /// The output of the page's n-th code block.
    Output(usize),
    /// The highlighted code of the page's n-th code block.
    Code(usize),
}

impl Slot {
    /// The marker text for this slot.
    pub(crate) fn marker(self) -> String {
        match self {
            Slot::Math(n) => format!("{OPEN}M{n}{CLOSE}"),
            Slot::Output(n) => format!("{OPEN}X{n}{CLOSE}"),
            Slot::Code(n) => format!("{OPEN}C{n}{CLOSE}"),
        }
    }
}

/// The formula number of a text that is exactly one math marker.
pub(crate) fn math_index(text: &str) -> Option<usize> {
    let inner = text.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
    inner.strip_prefix('M')?.parse().ok()
}

/// Replaces every marker in `html` by what `fill` returns for it.
pub(crate) fn fill(html: &str, mut fill: impl FnMut(Slot) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let token = &after[..end];
        let slot = match (token.get(..1), token.get(1..).and_then(|n| n.parse().ok())) {
            (Some("M"), Some(n)) => Some(Slot::Math(n)),
            (Some("X"), Some(n)) => Some(Slot::Output(n)),
            (Some("C"), Some(n)) => Some(Slot::Code(n)),
            _ => None,
        };
        match slot {
            Some(slot) => out.push_str(&fill(slot)),
            None => out.push_str(&rest[start..start + OPEN.len_utf8() + end + CLOSE.len_utf8()]),
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Whether text holds a marker character, which content may not.
pub(crate) fn contains_marker(text: &str) -> Option<usize> {
    text.find([OPEN, CLOSE])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_each_marker() {
        let html = format!(
            "<p>a {} b</p>{}",
            Slot::Math(0).marker(),
            Slot::Output(12).marker()
        );
        let filled = fill(&html, |slot| match slot {
            Slot::Math(n) => format!("<math{n}>"),
            Slot::Output(n) => format!("<out{n}>"),
            Slot::Code(n) => format!("<code{n}>"),
        });
        assert_eq!(filled, "<p>a <math0> b</p><out12>");
    }

    #[test]
    fn leaves_text_without_markers_alone() {
        assert_eq!(fill("plain é", |_| unreachable!()), "plain é");
        assert_eq!(contains_marker("ok"), None);
        assert_eq!(contains_marker("a\u{FDD0}"), Some(1));
    }
}
