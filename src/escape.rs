//! HTML escaping for text and attribute values that the build writes itself.

use pulldown_cmark_escape::{escape_html, escape_html_body_text};

/// Escapes text placed between tags.
pub(crate) fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    escape_html_body_text(&mut out, input).expect("writing to a String cannot fail");
    out
}

/// Escapes text placed inside a double-quoted attribute value.
pub(crate) fn attr(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    escape_html(&mut out, input).expect("writing to a String cannot fail");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(super::text("a<b>&c"), "a&lt;b&gt;&amp;c");
        assert_eq!(
            super::attr("\"x\" & 'y'"),
            "&quot;x&quot; &amp; &#39;y&#39;"
        );
    }
}
