//! Figures that lesson programs draw, as the `<figure>` under their block: an SVG is inlined
//! into the page, rebuilt and with its colours tied to the page's theme; a PNG, or an SVG that
//! cannot be rebuilt, is an `<img>` of the file stored beside the page.
//!
//! Why inline: a figure follows the light and dark schemes through the CSS custom properties
//! of the page (`--figure-bg`, `--figure-fg`, `--figure-blue`, ...; see [`palette`]), and those
//! reach only elements of the page's own document. An `<img>`, `<object>` or `<iframe>` shows
//! the SVG as a document of its own, which inherits nothing; `<use href="fit.svg#root">` would
//! inherit them but browsers refuse it for a page opened from disk, which is how the site
//! reads offline. Markup in the page inherits them and costs no request. Since the page now
//! carries lesson markup, [`svg`] rebuilds it from an allow-list instead of pasting it in, so
//! the worst a figure can do is draw badly. The file itself is still written beside the page,
//! as the program drew it: it is the figure's address for saving or opening it on its own.
//!
//! Colours are rewritten when the figure is rendered rather than when it is stored in the
//! result cache, so a change of palette never runs lesson code again.

mod oklab;
pub(crate) mod palette;
mod svg;

use crate::escape;

/// The `<figure>` for a figure stored beside the page as `file` (its name there), with its
/// bytes, alt text and caption; and, for an SVG shown as an `<img>`, why it was not inlined.
pub(crate) fn html(
    file: &str,
    bytes: &[u8],
    alt: &str,
    caption: Option<&str>,
) -> (String, Option<String>) {
    let svg = file
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("svg"));
    let (body, refused) = if svg {
        match std::str::from_utf8(bytes)
            .map_err(|_| "it is not UTF-8 text".to_string())
            .and_then(|text| svg::inline(text, alt))
        {
            Ok(markup) => (markup, None),
            Err(reason) => (img(file, bytes, alt, "svg"), Some(reason)),
        }
    } else {
        (img(file, bytes, alt, "png"), None)
    };
    let caption = caption
        .map(|c| format!("<figcaption>{}</figcaption>", escape::text(c)))
        .unwrap_or_default();
    (
        format!("<figure class=\"plot\">{body}{caption}</figure>\n"),
        refused,
    )
}

fn img(file: &str, bytes: &[u8], alt: &str, kind: &str) -> String {
    let size = dimensions(bytes, kind)
        .map(|(w, h)| format!(" width=\"{w}\" height=\"{h}\""))
        .unwrap_or_default();
    format!(
        "<img src=\"{}\" alt=\"{}\"{size} loading=\"lazy\">",
        escape::attr(file),
        escape::attr(alt)
    )
}

/// Width and height of an SVG (from its root element) or a PNG (from its header).
fn dimensions(bytes: &[u8], kind: &str) -> Option<(u32, u32)> {
    match kind {
        "png" if bytes.len() >= 24 && bytes.starts_with(b"\x89PNG") => Some((
            u32::from_be_bytes(bytes[16..20].try_into().ok()?),
            u32::from_be_bytes(bytes[20..24].try_into().ok()?),
        )),
        "svg" => {
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
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
mod tests;
