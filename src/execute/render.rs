//! A block's result as HTML under its code: what it printed (with a note when it was cut), the
//! expected panic or compiler error for `should_panic` and `compile_fail`, and its figures
//! (see [`crate::figure`]), stored beside the page under content-hashed names, with a warning
//! for each figure that has no alt text.

use super::Shown;
use super::cache::ResultKind;
use super::run::Captured;
use crate::diagnostics::Diagnostic;
use crate::escape;
use crate::figure;
use crate::markdown::code::CodeBlock;

/// What a block's result adds to its page.
#[derive(Debug, Default)]
pub(crate) struct BlockOutput {
    /// The HTML under the block's code.
    pub(crate) html: String,
    /// The figure files to write, by path relative to the site root.
    pub(crate) files: Vec<(String, Vec<u8>)>,
    /// Figures without alt text, and figures that could not be shown as drawn.
    pub(crate) warnings: Vec<Diagnostic>,
}

/// The HTML for a block's result, the figure files to write and what is amiss with them.
pub(crate) fn output_html(block: &CodeBlock, shown: &Shown, page_url: &str) -> BlockOutput {
    let result = &shown.result;
    let mut html = String::new();
    match result.kind {
        ResultKind::Ran if !block.attrs.hide_output => {
            let printed = !result.stdout.text.is_empty() || !result.stderr.text.is_empty();
            if printed {
                html.push_str("<div class=\"output\">\n<div class=\"output-label\">Output</div>\n");
                stream(&mut html, &result.stdout, "");
                stream(&mut html, &result.stderr, "stderr");
                html.push_str("</div>\n");
            }
        }
        ResultKind::Ran | ResultKind::Compiled => {}
        ResultKind::Panicked => {
            html.push_str("<div class=\"output expected-failure\">\n<div class=\"output-label\">Panicked, as intended</div>\n");
            stream(&mut html, &result.stdout, "");
            stream(&mut html, &result.stderr, "stderr");
            html.push_str("</div>\n");
        }
        ResultKind::FailedToCompile => {
            html.push_str("<div class=\"output expected-failure\">\n<div class=\"output-label\">Compiler error, as intended</div>\n");
            html.push_str(&format!(
                "<pre>{}</pre>\n",
                escape::text(result.compiler.trim_end())
            ));
            html.push_str("</div>\n");
        }
    }
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let attrs = &block.attrs;
    for (number, (figure, bytes)) in result.figures.iter().zip(&shown.figures).enumerate() {
        let name = stored_name(&figure.name, &figure.hash);
        let caption = attrs.captions.get(number).map(String::as_str);
        let alt = match attrs.alts.get(number).map(String::as_str).or(caption) {
            Some(alt) => alt.to_string(),
            None => {
                warnings.push(Diagnostic::warning(
                    block.fence.clone(),
                    format!(
                        "figure {} ({}) has no alt text: give the block a caption=\"...\" or alt=\"...\" for it (one per figure, in the order the program writes them)",
                        number + 1,
                        figure.name
                    ),
                ));
                format!("Figure {} drawn by the program above", figure.name)
            }
        };
        let (markup, refused) = figure::html(&name, bytes, &alt, caption);
        if let Some(reason) = refused {
            warnings.push(Diagnostic::warning(
                block.fence.clone(),
                format!(
                    "figure {} is shown as an image, in the colours it was drawn with: {reason}",
                    figure.name
                ),
            ));
        }
        html.push_str(&markup);
        files.push((format!("{page_url}{name}"), bytes.clone()));
    }
    if !html.is_empty() {
        html = format!("<div class=\"block-result\">\n{html}</div>\n");
    }
    BlockOutput {
        html,
        files,
        warnings,
    }
}

/// The name a figure is stored under beside its page: the name the program gave it, made
/// safe for a URL, and the start of its content hash, so a changed figure gets a new address.
fn stored_name(written: &str, hash: &str) -> String {
    let (stem, ext) = match written.rsplit_once('.') {
        Some((stem, ext)) => (stem, ext.to_ascii_lowercase()),
        None => (written, String::new()),
    };
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{stem}-{}.{ext}", &hash[..10])
}

fn stream(html: &mut String, captured: &Captured, class: &str) {
    if captured.text.is_empty() && captured.cut == 0 {
        return;
    }
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    html.push_str(&format!(
        "<pre{class}>{}</pre>\n",
        escape::text(captured.text.trim_end_matches('\n'))
    ));
    if captured.cut > 0 {
        html.push_str(&format!(
            "<p class=\"truncated\">… {} more bytes not shown</p>\n",
            captured.cut
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use crate::execute::cache::{BlockResult, Figure};

    fn block(info: &str) -> CodeBlock {
        CodeBlock::for_tests(info, Location::at("content/a.md", 1, 1), &[])
    }

    fn shown(kind: ResultKind, stdout: &str, figures: Vec<(&str, &[u8])>) -> Shown {
        Shown {
            result: BlockResult {
                kind,
                stdout: Captured {
                    text: stdout.into(),
                    cut: 0,
                },
                stderr: Captured::default(),
                compiler: "error[E0308]: mismatched types".into(),
                millis: 1,
                figures: figures
                    .iter()
                    .map(|(name, bytes)| Figure {
                        name: name.to_string(),
                        hash: blake3::hash(bytes).to_hex().to_string(),
                    })
                    .collect(),
                warnings: Vec::new(),
            },
            figures: figures.iter().map(|(_, b)| b.to_vec()).collect(),
        }
    }

    #[test]
    fn printed_text_is_escaped() {
        let BlockOutput { html, files, .. } = output_html(
            &block("rust"),
            &shown(ResultKind::Ran, "a < b\n", vec![]),
            "m/p/",
        );
        assert!(
            html.contains("<div class=\"output-label\">Output</div>\n<pre>a &lt; b</pre>"),
            "{html}"
        );
        assert!(files.is_empty());
        let hidden = output_html(
            &block("rust,hide_output"),
            &shown(ResultKind::Ran, "x", vec![]),
            "m/p/",
        );
        assert!(hidden.html.is_empty());
    }

    #[test]
    fn figures_get_hashed_names_alt_text_and_captions() {
        let svg: &[u8] = b"<svg width=\"720\" height=\"420\" viewBox=\"0 0 720 420\"></svg>";
        let out = output_html(
            &block("rust,caption=\"Fit <1>\""),
            &shown(ResultKind::Ran, "", vec![("fit.svg", svg)]),
            "m/p/",
        );
        let hash = blake3::hash(svg).to_hex();
        let name = format!("fit-{}.svg", &hash[..10]);
        assert_eq!(out.files, [(format!("m/p/{name}"), svg.to_vec())]);
        assert!(
            out.html.contains(
                "<svg width=\"720\" height=\"420\" viewBox=\"0 0 720 420\" role=\"img\" aria-label=\"Fit &lt;1&gt;\">"
            ),
            "the SVG is inlined, named by its caption: {}",
            out.html
        );
        assert!(
            out.html.contains("<figcaption>Fit &lt;1&gt;</figcaption>"),
            "{}",
            out.html
        );
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);

        // An alt text names the figure; the caption is still shown.
        let out = output_html(
            &block("rust,caption=\"Fit\",alt=\"A line through the points\""),
            &shown(ResultKind::Ran, "", vec![("fit.svg", svg)]),
            "m/p/",
        );
        assert!(
            out.html
                .contains("aria-label=\"A line through the points\""),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<figcaption>Fit</figcaption>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn a_figure_without_caption_or_alt_text_is_a_warning_at_its_block() {
        let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x03\0\0\0\x02";
        let svg: &[u8] = b"<svg width=\"4\" height=\"2\"/>";
        let out = output_html(
            &block("rust,alt=\"First\""),
            &shown(ResultKind::Ran, "", vec![("a.png", png), ("b.svg", svg)]),
            "",
        );
        assert!(
            out.html.contains("<img src=\"a-"),
            "a PNG stays an image: {}",
            out.html
        );
        assert!(
            out.html.contains("alt=\"First\" width=\"3\" height=\"2\""),
            "{}",
            out.html
        );
        let warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "content/a.md:1:1: warning: figure 2 (b.svg) has no alt text: give the block a caption=\"...\" or alt=\"...\" for it (one per figure, in the order the program writes them)"
            ]
        );
    }

    #[test]
    fn an_svg_that_does_not_parse_is_an_image_and_a_warning() {
        let broken: &[u8] = b"<svg width=\"4\" height=\"2\"><rect></svg>";
        let out = output_html(
            &block("rust,caption=\"Broken\""),
            &shown(ResultKind::Ran, "", vec![("x.svg", broken)]),
            "",
        );
        assert!(out.html.contains("<img src=\"x-"), "{}", out.html);
        assert!(
            out.html.contains("width=\"4\" height=\"2\""),
            "{}",
            out.html
        );
        assert_eq!(out.warnings.len(), 1);
        assert!(
            out.warnings[0]
                .to_string()
                .contains("figure x.svg is shown as an image"),
            "{:?}",
            out.warnings
        );
    }

    #[test]
    fn expected_failures_are_labelled() {
        let html = output_html(
            &block("rust,compile_fail"),
            &shown(ResultKind::FailedToCompile, "", vec![]),
            "",
        )
        .html;
        assert!(
            html.contains("Compiler error, as intended") && html.contains("E0308"),
            "{html}"
        );
        let html = output_html(
            &block("rust,should_panic"),
            &shown(ResultKind::Panicked, "", vec![]),
            "",
        )
        .html;
        assert!(html.contains("Panicked, as intended"), "{html}");
    }

    #[test]
    fn truncation_is_noted() {
        let mut s = shown(ResultKind::Ran, "abc", vec![]);
        s.result.stdout.cut = 1234;
        let html = output_html(&block("rust"), &s, "").html;
        assert!(html.contains("… 1234 more bytes not shown"), "{html}");
    }
}
