//! Figures rebuilt from real plotters output (`tests/fixtures/figures/plotters-0.3.7.svg`,
//! drawn by `draw.rs` beside it) and from hostile SVG.

use super::*;

const PLOTTERS: &str = include_str!("../../tests/fixtures/figures/plotters-0.3.7.svg");

fn rebuilt(svg: &str) -> String {
    svg::inline(svg, "A figure").unwrap_or_else(|e| panic!("{e}\n{svg}"))
}

fn tags(markup: &str) -> usize {
    markup.matches('<').count()
}

/// `markup` with every `var(--cN)` replaced by what the root defines `--cN` as.
fn resolved(markup: &str) -> String {
    let root = &markup[..markup.find('>').unwrap()];
    let style = root
        .split(" style=\"")
        .nth(1)
        .map_or("", |s| s.trim_end_matches('"'));
    let mut out = markup.replacen(&format!(" style=\"{style}\""), "", 1);
    // Longest names first, so --c1 does not replace the start of --c10.
    let mut names: Vec<(&str, &str)> = style.split(';').filter_map(|d| d.split_once(':')).collect();
    names.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    for (name, value) in names {
        out = out.replace(&format!("var({name})"), value);
    }
    out
}

#[test]
fn plotters_output_keeps_every_element_and_loses_every_fixed_colour() {
    let out = rebuilt(PLOTTERS);
    assert_eq!(
        tags(&out),
        tags(PLOTTERS),
        "nothing plotters drew is dropped"
    );
    for fixed in ["fill=\"#", "stroke=\"#"] {
        assert!(!out.contains(fixed), "{fixed} is left:\n{out}");
    }
    assert!(
        out.starts_with(
            "<svg width=\"320\" height=\"200\" viewBox=\"0 0 320 200\" role=\"img\" aria-label=\"A figure\" style=\"--c0:var(--figure-bg,#FFFFFF);--c1:var(--figure-fg,#000000);"
        ),
        "each colour is spelled once, on the root: {out}"
    );
    assert_eq!(out.matches("--figure-").count(), 8, "{out}");
    // The background, the ink of text and axes, plotters' mesh (black at opacity 0.2), a
    // light full_palette grid, series colours, a grey series and the legend's background.
    let out = resolved(&out);
    for expected in [
        "<rect x=\"0\" y=\"0\" width=\"320\" height=\"200\" stroke=\"none\" style=\"fill:var(--figure-bg,#FFFFFF)\"/>",
        "style=\"fill:var(--figure-fg,#000000)\">\nLoss &amp; accuracy\n</text>",
        "<line opacity=\"0.2\" stroke-width=\"1\" x1=\"40\" y1=\"167\" x2=\"40\" y2=\"30\" style=\"stroke:var(--figure-fg,#000000)\"/>",
        "<line stroke-width=\"1\" x1=\"53\" y1=\"167\" x2=\"53\" y2=\"30\" style=\"stroke:color-mix(in srgb,var(--figure-fg,#000000) 12.2%,var(--figure-bg,#FFFFFF))\"/>",
        "points=\"223,91 239,91\" style=\"stroke:var(--figure-blue,#1F77B4)\"",
        "points=\"223,106 239,106\" style=\"stroke:var(--figure-red,#FF0000)\"",
        "stroke=\"none\" stroke-width=\"1\" style=\"fill:color-mix(in srgb,var(--figure-fg,#000000) 66.7%,var(--figure-bg,#FFFFFF))\"",
        "opacity=\"0.8\" stroke=\"none\" style=\"fill:var(--figure-bg,#FFFFFF)\"",
    ] {
        assert!(out.contains(expected), "no {expected:?} in\n{out}");
    }
    assert!(
        !out.contains("opacity=\"1\""),
        "the default opacity is left out"
    );
}

#[test]
fn an_element_with_two_colours_and_a_root_with_its_own_keep_them_all() {
    let out = rebuilt(
        "<svg width=\"2\" height=\"2\" fill=\"#000000\"><circle r=\"1\" fill=\"#FF7F0E\" stroke=\"#000\"/></svg>",
    );
    assert_eq!(
        out,
        "<svg width=\"2\" height=\"2\" viewBox=\"0 0 2 2\" role=\"img\" aria-label=\"A figure\" style=\"--c0:var(--figure-fg,#000000);--c1:var(--figure-orange,#FF7F0E);fill:var(--c0)\">\n<circle r=\"1\" style=\"fill:var(--c1);stroke:var(--c0)\"/>\n</svg>\n"
    );
}

#[test]
fn a_rendered_plotters_figure_matches_its_snapshot() {
    let (html, refused) = html(
        "loss-0123456789.svg",
        PLOTTERS.as_bytes(),
        "Loss falls while accuracy rises",
        Some("Loss & accuracy over four steps"),
    );
    assert_eq!(refused, None);
    insta::assert_snapshot!(html);
}

#[test]
fn what_svg_can_do_beyond_drawing_is_dropped() {
    let hostile = r##"<?xml version="1.0"?>
<!-- a comment -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)" id="main" class="x" style="position:fixed">
<script>alert(2)</script>
<style>body { display: none }</style>
<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(3)"/></div></foreignObject>
<a href="javascript:alert(4)"><rect width="5" height="5"/></a>
<use href="#main"/>
<rect width="1" height="1" fill="url(#pattern)" onclick="alert(5)"><animate attributeName="href" to="javascript:alert(6)"/></rect>
<image width="1" height="1" href="https://example.org/track.png"/>
<image width="1" height="1" xlink:href="data:image/png;base64,AAAA"/>
<text x="1" y="1">a &lt;b&gt; &#x263A; <![CDATA[<c>]]></text>
</svg>"##;
    let out = rebuilt(hostile);
    for gone in [
        "script",
        "alert",
        "style>",
        "display",
        "foreignObject",
        "onload",
        "onclick",
        "onerror",
        "javascript",
        "id=",
        "class=",
        "position",
        "<a",
        "<use",
        "animate",
        "url(",
        "example.org",
        "xmlns",
        "comment",
        "<?xml",
    ] {
        assert!(!out.contains(gone), "{gone:?} is left in\n{out}");
    }
    assert!(
        out.contains("<rect width=\"1\" height=\"1\">\n</rect>\n"),
        "{out}"
    );
    assert!(
        out.contains("<image width=\"1\" height=\"1\" href=\"data:image/png;base64,AAAA\"/>"),
        "{out}"
    );
    assert!(out.contains("<image width=\"1\" height=\"1\"/>"), "{out}");
    assert!(
        out.contains("<text x=\"1\" y=\"1\">a &lt;b&gt; \u{263A} &lt;c&gt;</text>\n"),
        "{out}"
    );
    assert!(
        out.contains("viewBox=\"0 0 10 10\""),
        "a view box is added so the figure scales: {out}"
    );
}

#[test]
fn what_is_not_a_well_formed_svg_is_refused() {
    for (svg, reason) in [
        ("<svg><rect></svg>", "not well-formed"),
        ("<svg><rect/>", "no complete <svg>"),
        ("<html><svg/></html>", "the root element is <html>"),
        ("<svg/><svg/>", "content after the root"),
        ("text<svg/>", "text outside"),
        (
            "<!DOCTYPE svg [<!ENTITY big \"xx\">]><svg><text>&big;</text></svg>",
            "unknown entity &big;",
        ),
        ("", "no complete <svg>"),
    ] {
        match svg::inline(svg, "x") {
            Ok(out) => panic!("{svg:?} was accepted as {out:?}"),
            Err(e) => assert!(e.contains(reason), "{svg:?}: {e}"),
        }
    }
}

#[test]
fn the_alt_text_is_escaped_into_the_accessible_name() {
    let out = svg::inline("<svg width=\"1\" height=\"1\"/>", "a \"quoted\" <b> & c").unwrap();
    assert!(
        out.contains("aria-label=\"a &quot;quoted&quot; &lt;b&gt; &amp; c\""),
        "{out}"
    );
}

#[test]
fn a_png_or_an_svg_that_cannot_be_rebuilt_is_an_image() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x02\xd0\0\0\x01\xa4rest";
    let (html, refused) = super::html("fit-1.png", png, "Fit", None);
    assert_eq!(
        html,
        "<figure class=\"plot\"><img src=\"fit-1.png\" alt=\"Fit\" width=\"720\" height=\"420\" loading=\"lazy\"></figure>\n"
    );
    assert_eq!(refused, None);
    let (html, refused) = super::html(
        "bad-1.svg",
        b"<svg width=\"5\" height=\"6\">",
        "Bad",
        Some("C"),
    );
    assert!(
        html.starts_with(
            "<figure class=\"plot\"><img src=\"bad-1.svg\" alt=\"Bad\" width=\"5\" height=\"6\""
        ),
        "{html}"
    );
    assert!(
        html.ends_with("<figcaption>C</figcaption></figure>\n"),
        "{html}"
    );
    assert!(refused.is_some_and(|r| r.contains("no complete <svg>")));
}

#[test]
fn the_stylesheet_defines_every_colour_a_figure_uses_in_both_schemes() {
    let css = include_str!("../../static/style.css");
    let section = &css[css.find("/* Figure colours").expect("the figure colours")..];
    let (light, dark) = section
        .split_once("@media screen and (prefers-color-scheme: dark)")
        .expect("a dark scheme for figures, not for print");
    let dark = &dark[..dark.find("\n}\n").expect("the end of the dark scheme")];
    let mut names = vec!["bg".to_string(), "fg".to_string(), "as-drawn".to_string()];
    names.extend(palette::SERIES.iter().map(|(hue, _)| hue.to_string()));
    for name in names {
        let property = format!("--figure-{name}:");
        assert!(
            light.contains(&property),
            "the light scheme lacks {property}"
        );
        assert!(dark.contains(&property), "the dark scheme lacks {property}");
    }
    // Colours outside the palette are darkened against the dark scheme's own ends.
    let hex = |[r, g, b]: [u8; 3]| format!("#{r:02x}{g:02x}{b:02x}");
    assert!(
        dark.contains(&format!("--figure-bg: {};", hex(palette::DARK_BG))),
        "{dark}"
    );
    assert!(
        dark.contains(&format!("--figure-fg: {};", hex(palette::DARK_FG))),
        "{dark}"
    );
}
