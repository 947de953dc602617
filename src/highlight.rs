//! Server-side syntax highlighting: code in, HTML spans with CSS classes out, plus the
//! stylesheet for a light and a dark theme. No JavaScript runs in the reader's browser.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use rayon::prelude::*;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Class prefix, so highlighting classes never clash with the site's own.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// Maps the language names authors write to the names the grammars know.
fn grammar_token(lang: &str) -> &str {
    match lang {
        "rs" => "rust",
        "shell" | "console" | "bash" | "sh" | "zsh" => "bash",
        "" | "text" | "plain" | "txt" | "output" => "txt",
        other => other,
    }
}

/// Highlights `code` written in `lang`; unknown languages come back escaped but uncoloured.
pub(crate) fn highlight(code: &str, lang: &str) -> String {
    let token = grammar_token(lang);
    if token == "txt" {
        return crate::escape::text(code);
    }
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(token)
        .unwrap_or_else(|| set.find_syntax_plain_text());
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return crate::escape::text(code);
        }
    }
    generator.finalize()
}

/// Splits highlighted HTML into one balanced piece per line of code, without the newlines:
/// spans still open at a line's end are closed there and reopened at the next line's start,
/// so any run of lines can be wrapped in other elements; spans left empty are dropped. The
/// input is what [`highlight`] writes: text with escaped `<`, `>` and `&`, and `<span ...>` and `</span>` tags.
pub(crate) fn split_lines(html: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    let mut line = String::new();
    let mut has_text = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            if !tag.starts_with("</") {
                open.push(tag);
                line.push_str(tag);
            } else if let Some(opened) = open.pop().filter(|opened| line.ends_with(opened)) {
                // An empty span, as when a comment's scope ends just after a newline.
                line.truncate(line.len() - opened.len());
            } else {
                line.push_str(tag);
            }
            rest = &rest[end..];
        } else if c == '\n' {
            for _ in &open {
                line.push_str("</span>");
            }
            lines.push(std::mem::replace(&mut line, open.concat()));
            has_text = false;
            rest = &rest[1..];
        } else {
            line.push(c);
            has_text = true;
            rest = &rest[c.len_utf8()..];
        }
    }
    if has_text {
        lines.push(line);
    }
    lines
}

/// The cache key of highlighted code: the grammar set's version, the language and the code.
pub(crate) fn key(code: &str, lang: &str) -> crate::kvcache::Key {
    let mut hasher = blake3::Hasher::new();
    // The grammar crates' exact versions, read from Cargo.lock when kiln is built: a grammar
    // fix in a patch release highlights differently.
    hasher.update(b"kiln-highlight 2 ");
    hasher.update(env!("KILN_GRAMMAR_VERSIONS").as_bytes());
    hasher.update(b"\0");
    hasher.update(grammar_token(lang).as_bytes());
    hasher.update(b"\0");
    hasher.update(code.as_bytes());
    *hasher.finalize().as_bytes()
}

/// The HTML of every code block a build highlighted, looked up by code and language.
#[derive(Debug, Default)]
pub(crate) struct Highlighted {
    html: HashMap<crate::kvcache::Key, String>,
}

impl Highlighted {
    /// The highlighted HTML of `code` in `lang`.
    pub(crate) fn get(&self, code: &str, lang: &str) -> Option<&str> {
        self.html.get(&key(code, lang)).map(String::as_str)
    }
}

/// Highlights every `(code, lang)`, taking what it can from the cache file at `cache_path` and
/// highlighting the rest in parallel, then saves the cache. Returns the highlighted code, how
/// many were highlighted now, and a warning if the cache cannot be saved.
pub(crate) fn highlight_all<'a>(
    items: impl IntoIterator<Item = (String, &'a str)>,
    cache_path: &Path,
) -> (Highlighted, usize, Option<crate::diagnostics::Diagnostic>) {
    let mut cache = crate::kvcache::StringCache::open(cache_path);
    let mut highlighted = Highlighted::default();
    let mut missing: Vec<(crate::kvcache::Key, String, &str)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (code, lang) in items {
        let key = key(&code, lang);
        if !seen.insert(key) {
            continue;
        }
        match cache.get(&key) {
            Some(html) => {
                highlighted.html.insert(key, html.to_string());
            }
            None => missing.push((key, code, lang)),
        }
    }
    let done: Vec<(crate::kvcache::Key, String)> = missing
        .par_iter()
        .map(|(key, code, lang)| (*key, highlight(code, lang)))
        .collect();
    let count = done.len();
    for (key, html) in done {
        cache.insert(key, html.clone());
        highlighted.html.insert(key, html);
    }
    let warning = cache.save().err().map(|e| {
        crate::diagnostics::Diagnostic::warning(
            crate::diagnostics::Location::file(cache_path),
            format!("cannot save the highlighting cache: {e}"),
        )
    });
    (highlighted, count, warning)
}

/// Whether a language has a grammar (used to warn about typos in fence languages).
pub(crate) fn knows(lang: &str) -> bool {
    let token = grammar_token(lang);
    token == "txt" || syntaxes().find_syntax_by_token(token).is_some()
}

/// The stylesheet: the light theme, and the dark one under `prefers-color-scheme: dark`.
pub(crate) fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
    let css_of = |name: &str| {
        let theme = themes().themes.get(name).ok_or_else(|| {
            let known: Vec<_> = themes().themes.keys().cloned().collect();
            format!(
                "unknown highlight theme {name:?}; known themes: {}",
                known.join(", ")
            )
        })?;
        css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| e.to_string())
    };
    let light = css_of(light)?;
    let dark = css_of(dark)?;
    // Each theme applies only in its own scheme, so that no rule of one leaks into the other.
    // Comments carry the lessons' shape notes, so they are kept above 4.5:1 contrast on the
    // code background whatever the theme chose.
    Ok(format!(
        "/* Code colours, generated from the configured themes. */\n@media not all and (prefers-color-scheme: dark) {{\n{light}\n.hl-comment, .hl-comment .hl-punctuation {{ color: #5f6b77; }}\n}}\n@media (prefers-color-scheme: dark) {{\n{dark}\n.hl-comment, .hl-comment .hl-punctuation {{ color: #97a3af; }}\n}}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_toml_and_shell_are_coloured() {
        let rust = highlight("fn main() { let x = 1; }\n", "rust");
        assert!(
            rust.contains("hl-keyword") || rust.contains("hl-storage"),
            "{rust}"
        );
        let toml = highlight("[dependencies]\nburn = \"0.22\"\n", "toml");
        assert!(toml.contains("hl-string"), "{toml}");
        let shell = highlight("cargo add burn --features ndarray\n", "sh");
        assert!(shell.contains("<span"), "{shell}");
    }

    #[test]
    fn lines_split_into_balanced_pieces() {
        let code = "/* a\nb */\nlet s = \"x\";\n";
        let html = highlight(code, "rust");
        let lines = split_lines(&html);
        assert_eq!(lines.len(), 3, "{lines:?}");
        for line in &lines {
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count(),
                "{line}"
            );
        }
        // The comment's second line is still coloured as a comment.
        assert!(
            lines[1].starts_with(
                "<span class=\"hl-source hl-rust\"><span class=\"hl-comment hl-block hl-rust\">b "
            ),
            "{lines:?}"
        );
        assert!(!lines.iter().any(|l| l.contains('\n')));
        assert_eq!(split_lines("a &lt; b\nc\n"), ["a &lt; b", "c"]);
        assert_eq!(split_lines("a\n\nb"), ["a", "", "b"]);
    }

    #[test]
    fn text_is_escaped_not_coloured() {
        let out = highlight("a < b && c\n", "text");
        assert!(out.contains("a &lt; b &amp;&amp; c"), "{out}");
        assert!(knows("rust") && knows("toml") && knows("") && !knows("klingon"));
    }

    #[test]
    fn stylesheet_has_both_themes() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains("@media not all and (prefers-color-scheme: dark) {"));
        assert!(css.contains("@media (prefers-color-scheme: dark) {"));
        assert!(css.contains(".hl-"));
        assert!(stylesheet("nope", "base16-ocean.dark").is_err());
    }
}
