//! Lesson SVG rebuilt for a page: parsed as XML and written again with only drawing elements
//! and their geometry and presentation attributes, `fill` and `stroke` colours themed
//! ([`super::palette`]) in `style` declarations (CSS defines how `var()` works there, which it
//! does not for presentation attributes), and the figure's alt text as its accessible name.
//!
//! What is kept is an allow-list, so what SVG can do beyond drawing never reaches the page:
//! scripts, `foreignObject`, `style` elements (whose rules would apply to the whole page),
//! links, `use` references, animations and every element not listed are dropped with their
//! content; event handlers, `id`s and `class`es (which could collide with the page's),
//! `style` attributes and values that reference other content (`url(...)`) are dropped from
//! the elements kept; an `<image>` keeps only an embedded `data:` source. A document that is
//! not well-formed XML, or whose root is not `<svg>`, is refused, and the caller shows the file
//! as an image instead.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::palette;
use crate::escape;

/// The elements kept: everything plotters' SVG backend writes, and the other basic shapes.
const ELEMENTS: [&str; 14] = [
    "svg", "g", "rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text",
    "tspan", "title", "desc", "image",
];

/// The elements whose text content is part of the drawing.
const TEXT_ELEMENTS: [&str; 4] = ["text", "tspan", "title", "desc"];

/// The attributes kept on any element kept: geometry and presentation.
const ATTRIBUTES: [&str; 37] = [
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "width",
    "height",
    "points",
    "d",
    "dx",
    "dy",
    "rotate",
    "transform",
    "opacity",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "text-anchor",
    "dominant-baseline",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
];

/// Attributes kept on the root only.
const ROOT_ATTRIBUTES: [&str; 2] = ["viewBox", "preserveAspectRatio"];

/// `svg` rebuilt as markup to place in a page, named `label` for assistive technology.
///
/// Each distinct colour becomes a custom property of the root, `--c0`, `--c1`, ..., whose value
/// is the themed colour; elements refer to it (`style="fill:var(--c0)"`). A figure of
/// thousands of cells in two colours spells each colour once, so the markup stays about the
/// size of the file, and the properties, set on the root, reach nothing outside the figure.
pub(crate) fn inline(svg: &str, label: &str) -> Result<String, String> {
    let mut reader = Reader::from_str(svg);
    let mut out = String::with_capacity(svg.len() + 512);
    // The elements kept and still open, innermost last.
    let mut open: Vec<&'static str> = Vec::new();
    // How deep inside a dropped element the reader is.
    let mut dropped = 0usize;
    let mut done = false;
    let mut colours: Vec<[u8; 3]> = Vec::new();
    // Where the root's style goes, once every colour is known, and its own declarations.
    let mut root_style: Option<(usize, Vec<String>)> = None;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.error_position()
            )
        })?;
        let in_text = dropped == 0 && open.last().is_some_and(|e| TEXT_ELEMENTS.contains(e));
        match event {
            Event::Start(_) if dropped > 0 => dropped += 1,
            Event::Empty(_) if dropped > 0 => {}
            Event::Start(_) | Event::Empty(_) if done => {
                return Err("content after the root <svg> element".into());
            }
            Event::Start(ref element) | Event::Empty(ref element) => {
                let root = open.is_empty();
                let Some((name, style)) = start(element, root, label, &mut colours, &mut out)?
                else {
                    if matches!(event, Event::Start(_)) {
                        dropped = 1;
                    }
                    continue;
                };
                if root {
                    root_style = Some((out.len(), style));
                } else if !style.is_empty() {
                    push_attribute(&mut out, "style", &style.join(";"));
                }
                if matches!(event, Event::Start(_)) {
                    open.push(name);
                    out.push('>');
                } else {
                    out.push_str("/>");
                    done = root;
                }
                line_break(&open, &mut out);
            }
            Event::End(_) if dropped > 0 => dropped -= 1,
            Event::End(_) => {
                let name = open.pop().ok_or("a closing tag without its opening one")?;
                out.push_str(&format!("</{name}>"));
                line_break(&open, &mut out);
                done = open.is_empty();
            }
            Event::Text(text) if in_text => out.push_str(&escape::text(&text.xml10_content())),
            Event::CData(text) if in_text => out.push_str(&escape::text(&text)),
            Event::GeneralRef(reference) => {
                let text = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => resolve_predefined_entity(&reference)
                        .ok_or_else(|| format!("unknown entity &{};", &*reference))?
                        .to_string(),
                    Err(e) => return Err(format!("bad character reference: {e}")),
                };
                if in_text {
                    out.push_str(&escape::text(&text));
                }
            }
            Event::Text(text) if !text.trim_ascii().is_empty() && open.is_empty() && !done => {
                return Err("text outside the root <svg> element".into());
            }
            Event::Text(_) | Event::CData(_) => {}
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    let Some((at, own)) = root_style.filter(|_| done) else {
        return Err("no complete <svg> element".into());
    };
    let mut declarations: Vec<String> = colours
        .iter()
        .enumerate()
        .map(|(i, rgb)| format!("--c{i}:{}", palette::themed(*rgb)))
        .collect();
    declarations.extend(own);
    if !declarations.is_empty() {
        let mut style = String::new();
        push_attribute(&mut style, "style", &declarations.join(";"));
        out.insert_str(at, &style);
    }
    Ok(out)
}

/// Ends the line after a tag, as plotters does, unless the tag is inside text, where a line
/// break would be text.
fn line_break(open: &[&str], out: &mut String) {
    if !open.last().is_some_and(|e| TEXT_ELEMENTS.contains(e)) {
        out.push('\n');
    }
}

/// Writes the start tag of `element` without its style and closing `>`, when it is kept;
/// returns its name and its style declarations (its colours, as references to `colours`), or
/// `None` for an element dropped with its content.
fn start(
    element: &BytesStart,
    root: bool,
    label: &str,
    colours: &mut Vec<[u8; 3]>,
    out: &mut String,
) -> Result<Option<(&'static str, Vec<String>)>, String> {
    let written = element.name();
    let written: &str = written.as_ref();
    if root && written != "svg" {
        return Err(format!("the root element is <{written}>, not <svg>"));
    }
    let Some(name) = ELEMENTS.iter().copied().find(|e| *e == written) else {
        return Ok(None);
    };
    out.push('<');
    out.push_str(name);
    let mut style = Vec::new();
    let (mut width, mut height, mut view_box) = (None, None, false);
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| format!("bad attribute in <{name}>: {e}"))?;
        let key: &str = attribute.key.as_ref();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad value of {key} in <{name}>: {e}"))?;
        let value = value.trim();
        if name == "image" && matches!(key, "href" | "xlink:href") {
            if value.starts_with("data:") {
                push_attribute(out, "href", value);
            }
            continue;
        }
        let allowed = ATTRIBUTES.contains(&key) || (root && ROOT_ATTRIBUTES.contains(&key));
        if !allowed || value.contains("url(") || (key == "opacity" && value == "1") {
            continue;
        }
        if let ("fill" | "stroke", Some(rgb)) = (key, palette::parse(value)) {
            let index = match colours.iter().position(|c| *c == rgb) {
                Some(index) => index,
                None => {
                    colours.push(rgb);
                    colours.len() - 1
                }
            };
            style.push(format!("{key}:var(--c{index})"));
            continue;
        }
        match key {
            "width" if root => width = Some(value.to_string()),
            "height" if root => height = Some(value.to_string()),
            "viewBox" => view_box = true,
            _ => {}
        }
        push_attribute(out, key, value);
    }
    if root {
        // Without a view box an SVG scaled down by the page's CSS is cut, not shrunk.
        let number = |v: &Option<String>| v.as_deref().and_then(|v| v.parse::<f64>().ok());
        if let (false, Some(w), Some(h)) = (view_box, number(&width), number(&height)) {
            push_attribute(out, "viewBox", &format!("0 0 {w} {h}"));
        }
        push_attribute(out, "role", "img");
        push_attribute(out, "aria-label", label);
    }
    Ok(Some((name, style)))
}

fn push_attribute(out: &mut String, key: &str, value: &str) {
    out.push(' ');
    out.push_str(key);
    out.push_str("=\"");
    out.push_str(&escape::attr(value));
    out.push('"');
}
