//! XML escaping for the JUnit report: markup characters escaped, and the characters XML 1.0
//! cannot hold at all (most control characters, which a program's output may contain)
//! replaced, so that every report parses.

/// Whether XML 1.0 can hold a character.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
        || ('\u{20}'..='\u{D7FF}').contains(&c)
        || ('\u{E000}'..='\u{FFFD}').contains(&c)
        || c >= '\u{10000}'
}

/// Escapes text placed between tags.
pub(super) fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Escapes text placed inside a double-quoted attribute value; line breaks and tabs are kept
/// as character references, since parsers turn literal ones into spaces.
pub(super) fn attr(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(text("a<b> & c\u{1b}[0m"), "a&lt;b&gt; &amp; c\u{FFFD}[0m");
        assert_eq!(attr("\"x\"\n<y>"), "&quot;x&quot;&#10;&lt;y&gt;");
        assert_eq!(text("ŷ = 2x\ttab"), "ŷ = 2x\ttab");
    }
}
