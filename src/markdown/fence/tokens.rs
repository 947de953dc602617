//! The words of a fence's info string: separated by commas, spaces or tabs; double quotes keep
//! separators inside a value (`caption="A, B"`); as in rustdoc, `(...)` is a comment and
//! `{...}` a group of CSS classes, both dropped.

/// Splits an info string into its tokens, quotes kept (see [`unquote`]).
pub(super) fn tokenize(info: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    // Depth of `(...)` comments and `{...}` groups: their text is dropped.
    let mut skipped: Vec<char> = Vec::new();
    for c in info.chars() {
        if let Some(&close) = skipped.last() {
            match c {
                '(' => skipped.push(')'),
                '{' => skipped.push('}'),
                _ if c == close => {
                    skipped.pop();
                }
                _ => {}
            }
            continue;
        }
        if escaped {
            current.push(c);
            escaped = false;
        } else if quoted && c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
            current.push(c);
        } else if !quoted && (c == '(' || c == '{') {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            skipped.push(if c == '(' { ')' } else { '}' });
        } else if !quoted && (c == ',' || c.is_whitespace()) {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Removes surrounding double quotes and backslash escapes.
pub(super) fn unquote(value: &str) -> String {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_quotes_comments_and_classes() {
        assert_eq!(
            tokenize("rust, no_run\tignore"),
            ["rust", "no_run", "ignore"]
        );
        assert_eq!(
            tokenize(r#"rust,caption="a, b (c)""#),
            ["rust", r#"caption="a, b (c)""#]
        );
        assert_eq!(
            tokenize("ignore (needs a network, sometimes),edition2018"),
            ["ignore", "edition2018"]
        );
        assert_eq!(tokenize("rust{.class (x) y}no_run"), ["rust", "no_run"]);
        assert_eq!(unquote(r#""say \"hi\"""#), r#"say "hi""#);
    }
}
