//! A block's result as HTML under its code: what it printed (with a note when it was cut), the
//! expected panic or compiler error for `should_panic` and `compile_fail`, and its figures,
//! stored beside the page under content-hashed names.

use super::Shown;
use super::cache::ResultKind;
use super::run::Captured;
use crate::escape;
use crate::markdown::code::CodeBlock;

/// The HTML for a block's result, and the figure files to write (paths relative to the site).
pub(crate) fn output_html(
    block: &CodeBlock,
    shown: &Shown,
    page_url: &str,
) -> (String, Vec<(String, Vec<u8>)>) {
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
    for (number, (figure, bytes)) in result.figures.iter().zip(&shown.figures).enumerate() {
        let caption = block.attrs.captions.get(number);
        let (stem, ext) = match figure.name.rsplit_once('.') {
            Some((stem, ext)) => (stem, ext.to_ascii_lowercase()),
            None => (figure.name.as_str(), String::new()),
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
        let name = format!("{stem}-{}.{ext}", &figure.hash[..10]);
        let alt = caption
            .cloned()
            .unwrap_or_else(|| format!("Figure {} drawn by the program above", figure.name));
        let size = dimensions(bytes, &ext)
            .map(|(w, h)| format!(" width=\"{w}\" height=\"{h}\""))
            .unwrap_or_default();
        html.push_str(&format!(
            "<figure class=\"plot\"><img src=\"{}\" alt=\"{}\"{size} loading=\"lazy\">",
            escape::attr(&name),
            escape::attr(&alt)
        ));
        if let Some(caption) = caption {
            html.push_str(&format!(
                "<figcaption>{}</figcaption>",
                escape::text(caption)
            ));
        }
        html.push_str("</figure>\n");
        files.push((format!("{page_url}{name}"), bytes.clone()));
    }
    if html.is_empty() {
        return (String::new(), files);
    }
    (
        format!("<div class=\"block-result\">\n{html}</div>\n"),
        files,
    )
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

/// Width and height of an SVG (from its root element) or a PNG (from its header).
fn dimensions(bytes: &[u8], ext: &str) -> Option<(u32, u32)> {
    match ext {
        "png" if bytes.len() >= 24 && bytes.starts_with(b"\x89PNG") => Some((
            u32::from_be_bytes(bytes[16..20].try_into().ok()?),
            u32::from_be_bytes(bytes[20..24].try_into().ok()?),
        )),
        "svg" => {
            let text = std::str::from_utf8(&bytes[..bytes.len().min(2048)]).ok()?;
            let root = &text[text.find("<svg")?..];
            let root = &root[..root.find('>')?];
            let number = |name: &str| -> Option<u32> {
                let at = root.find(&format!(" {name}=\""))? + name.len() + 3;
                let value: String = root[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                value.parse::<f64>().ok().map(|v| v.round() as u32)
            };
            Some((number("width")?, number("height")?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use crate::execute::cache::{BlockResult, Figure};
    use crate::markdown::fence::FenceAttrs;

    fn block(info: &str) -> CodeBlock {
        CodeBlock {
            index: 0,
            attrs: FenceAttrs::parse(info),
            lines: Vec::new(),
            folds: Vec::new(),
            fence: Location::at("content/a.md", 1, 1),
            variant: None,
        }
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
        let (html, files) = output_html(
            &block("rust"),
            &shown(ResultKind::Ran, "a < b\n", vec![]),
            "m/p/",
        );
        assert!(
            html.contains("<div class=\"output-label\">Output</div>\n<pre>a &lt; b</pre>"),
            "{html}"
        );
        assert!(files.is_empty());
        let (hidden, _) = output_html(
            &block("rust,hide_output"),
            &shown(ResultKind::Ran, "x", vec![]),
            "m/p/",
        );
        assert!(hidden.is_empty());
    }

    #[test]
    fn figures_get_hashed_names_sizes_and_captions() {
        let svg: &[u8] = b"<svg width=\"720\" height=\"420\" viewBox=\"0 0 720 420\"></svg>";
        let (html, files) = output_html(
            &block("rust,caption=\"Fit <1>\""),
            &shown(ResultKind::Ran, "", vec![("fit.svg", svg)]),
            "m/p/",
        );
        let hash = blake3::hash(svg).to_hex();
        let name = format!("fit-{}.svg", &hash[..10]);
        assert_eq!(files, [(format!("m/p/{name}"), svg.to_vec())]);
        assert!(
            html.contains(&format!(
                "<img src=\"{name}\" alt=\"Fit &lt;1&gt;\" width=\"720\" height=\"420\""
            )),
            "{html}"
        );
        assert!(
            html.contains("<figcaption>Fit &lt;1&gt;</figcaption>"),
            "{html}"
        );
    }

    #[test]
    fn expected_failures_are_labelled() {
        let (html, _) = output_html(
            &block("rust,compile_fail"),
            &shown(ResultKind::FailedToCompile, "", vec![]),
            "",
        );
        assert!(
            html.contains("Compiler error, as intended") && html.contains("E0308"),
            "{html}"
        );
        let (html, _) = output_html(
            &block("rust,should_panic"),
            &shown(ResultKind::Panicked, "", vec![]),
            "",
        );
        assert!(html.contains("Panicked, as intended"), "{html}");
    }

    #[test]
    fn truncation_is_noted() {
        let mut s = shown(ResultKind::Ran, "abc", vec![]);
        s.result.stdout.cut = 1234;
        let (html, _) = output_html(&block("rust"), &s, "");
        assert!(html.contains("… 1234 more bytes not shown"), "{html}");
    }
}
