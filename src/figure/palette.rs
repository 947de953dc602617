//! The colours of a figure as CSS values that follow the page's light and dark schemes, through
//! the custom properties `static/style.css` defines for both:
//!
//! - white and black, the background and the ink of every plotters chart (its fill, text,
//!   axes, and the mesh, which plotters draws in black at low opacity), become
//!   `var(--figure-bg)` and `var(--figure-fg)`;
//! - other greys keep their place between the two: `#E0E0E0`, an eighth of the way from white
//!   to black, is mixed from an eighth of `--figure-fg` and the rest `--figure-bg`, so a light
//!   grid stays light in the light scheme and faint in the dark one, and a greyscale image
//!   keeps every level;
//! - the series colours a chart is commonly drawn with (plotters' own, its `full_palette`
//!   names, its `Palette99`, and the category-10 palette that matplotlib and this course use)
//!   become one of eleven hues, `var(--figure-blue)` and so on, tuned to read on both
//!   backgrounds: two blues from different palettes in one figure become the same blue;
//! - any other colour is kept as drawn in the light scheme and, in the dark one, replaced by a
//!   colour of the same hue (`--figure-as-drawn` switches them): a pale one, a tint that shades
//!   an area, takes the Oklab lightness that puts it between the dark background and ink where
//!   it sat between white and black, so a light shade becomes a dark one under light points; a
//!   vivid one, a series or a highlight, keeps its lightness, raised where it would not read on
//!   the dark background.
//!
//! Every value carries the colour as drawn as its fallback, so a site whose stylesheet defines
//! none of these properties shows its figures as the program drew them.

use super::oklab::{self, Lab};

/// The dark scheme's `--figure-bg` and `--figure-fg` in `static/style.css`: the ends between
/// which other colours are placed in the dark scheme.
pub(super) const DARK_BG: [u8; 3] = [0x16, 0x18, 0x1c];
pub(super) const DARK_FG: [u8; 3] = [0xe3, 0xe5, 0xe8];

/// The hues series colours become, each with the colours that become it: the category-10
/// colour first, then plotters' basic constant, its `full_palette` name, its `Palette99` entry.
pub(super) const SERIES: [(&str, &[[u8; 3]]); 11] = [
    (
        "blue",
        &[
            [0x1f, 0x77, 0xb4],
            [0, 0, 255],
            [33, 150, 243],
            [0, 130, 200],
        ],
    ),
    (
        "orange",
        &[[0xff, 0x7f, 0x0e], [255, 152, 0], [245, 130, 48]],
    ),
    (
        "green",
        &[
            [0x2c, 0xa0, 0x2c],
            [0, 255, 0],
            [76, 175, 80],
            [60, 180, 75],
        ],
    ),
    (
        "red",
        &[
            [0xd6, 0x27, 0x28],
            [255, 0, 0],
            [244, 67, 54],
            [230, 25, 75],
        ],
    ),
    (
        "purple",
        &[[0x94, 0x67, 0xbd], [156, 39, 176], [145, 30, 180]],
    ),
    (
        "brown",
        &[[0x8c, 0x56, 0x4b], [121, 85, 72], [170, 110, 40]],
    ),
    ("pink", &[[0xe3, 0x77, 0xc2], [233, 30, 99]]),
    ("olive", &[[0xbc, 0xbd, 0x22]]),
    (
        "cyan",
        &[
            [0x17, 0xbe, 0xcf],
            [0, 255, 255],
            [0, 188, 212],
            [70, 240, 240],
        ],
    ),
    ("yellow", &[[255, 255, 0], [255, 235, 59], [255, 225, 25]]),
    ("magenta", &[[255, 0, 255], [240, 50, 230]]),
];

/// Parses a colour written `#RRGGBB` or `#RGB`, as plotters and most SVG writers do.
pub(crate) fn parse(value: &str) -> Option<[u8; 3]> {
    let hex = value.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize, len: usize| u8::from_str_radix(&hex[i..i + len], 16).ok();
    match hex.len() {
        6 => Some([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?]),
        3 => Some([digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17]),
        _ => None,
    }
}

/// The CSS value a figure shows `rgb` with.
pub(crate) fn themed(rgb: [u8; 3]) -> String {
    let drawn = hex(rgb);
    match rgb {
        [255, 255, 255] => format!("var(--figure-bg,{drawn})"),
        [0, 0, 0] => format!("var(--figure-fg,{drawn})"),
        [r, g, b] if r == g && g == b => {
            let ink = f64::from(255 - r) / 255.0 * 100.0;
            format!(
                "color-mix(in srgb,var(--figure-fg,#000000) {},var(--figure-bg,#FFFFFF))",
                percent(ink)
            )
        }
        _ => match SERIES.iter().find(|(_, colours)| colours.contains(&rgb)) {
            Some((hue, _)) => format!("var(--figure-{hue},{drawn})"),
            None => format!(
                "color-mix(in srgb,{drawn} var(--figure-as-drawn,100%),{})",
                hex(dark_variant(rgb))
            ),
        },
    }
}

/// Oklab chroma below which a colour counts as pale: the light shades of plotted areas (the
/// XOR figure's are 0.03 and 0.05) are below it, series colours well above (0.1 to 0.3).
const PALE: f64 = 0.08;

/// The least Oklab lightness a vivid colour keeps in the dark scheme, about that of the
/// palette's dark hues.
const VIVID_MIN_L: f64 = 0.7;

/// The colour that stands for `rgb` in the dark scheme, of its hue: a pale colour at the
/// lightness that puts it between the dark background and ink where `rgb` sits between white
/// and black; a vivid one at its own lightness, or at least [`VIVID_MIN_L`].
fn dark_variant(rgb: [u8; 3]) -> [u8; 3] {
    let lab = oklab::from_srgb(rgb);
    let l = if lab.a.hypot(lab.b) < PALE {
        let bg = oklab::from_srgb(DARK_BG).l;
        let fg = oklab::from_srgb(DARK_FG).l;
        bg + (1.0 - lab.l) * (fg - bg)
    } else {
        lab.l.max(VIVID_MIN_L)
    };
    oklab::to_srgb(Lab { l, ..lab })
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// `12.16` as `12.2%`, `50` as `50%`.
fn percent(value: f64) -> String {
    let text = format!("{value:.1}");
    format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_in_both_hex_forms() {
        assert_eq!(parse("#1F77B4"), Some([0x1f, 0x77, 0xb4]));
        assert_eq!(parse("#fff"), Some([255, 255, 255]));
        for other in ["none", "steelblue", "#12345", "#GGGGGG", "url(#a)", "#"] {
            assert_eq!(parse(other), None, "{other}");
        }
    }

    #[test]
    fn background_and_ink_follow_the_page() {
        assert_eq!(themed([255, 255, 255]), "var(--figure-bg,#FFFFFF)");
        assert_eq!(themed([0, 0, 0]), "var(--figure-fg,#000000)");
    }

    #[test]
    fn greys_keep_their_place_between_background_and_ink() {
        // full_palette::GREY_300, a light mesh colour: an eighth of the way to black.
        assert_eq!(
            themed([0xe0, 0xe0, 0xe0]),
            "color-mix(in srgb,var(--figure-fg,#000000) 12.2%,var(--figure-bg,#FFFFFF))"
        );
        assert!(themed([0x7f, 0x7f, 0x7f]).contains(" 50.2%,"));
        assert!(themed([0x55, 0x55, 0x55]).contains(" 66.7%,"));
    }

    #[test]
    fn series_colours_of_every_common_palette_become_hues() {
        assert_eq!(themed([0x1f, 0x77, 0xb4]), "var(--figure-blue,#1F77B4)");
        assert_eq!(themed([0, 0, 255]), "var(--figure-blue,#0000FF)");
        assert_eq!(themed([244, 67, 54]), "var(--figure-red,#F44336)");
        assert_eq!(themed([255, 255, 0]), "var(--figure-yellow,#FFFF00)");
        let all: Vec<[u8; 3]> = SERIES.iter().flat_map(|(_, c)| c.iter().copied()).collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "a colour belongs to one hue");
    }

    #[test]
    fn other_colours_are_kept_light_and_darkened_with_their_hue() {
        // The light red that shades one class of the XOR figure (lesson 2.1).
        let value = themed([0xf4, 0xc2, 0xc2]);
        let dark = value
            .strip_prefix("color-mix(in srgb,#F4C2C2 var(--figure-as-drawn,100%),")
            .and_then(|v| v.strip_suffix(')'))
            .and_then(parse)
            .unwrap_or_else(|| panic!("{value}"));
        let (light, dark) = (oklab::from_srgb([0xf4, 0xc2, 0xc2]), oklab::from_srgb(dark));
        let bg = oklab::from_srgb(DARK_BG).l;
        assert!(
            dark.l < bg + 0.15,
            "a light shade becomes a dark one: {value}"
        );
        assert!(
            dark.a > 0.0 && (dark.b / dark.a - light.b / light.a).abs() < 0.2,
            "still red"
        );
        let dark_of = |rgb: [u8; 3]| {
            let value = themed(rgb);
            parse(value.rsplit(',').next().unwrap().trim_end_matches(')')).unwrap()
        };
        // A vivid highlight stays light (lesson 3.9's orange for hidden pixels)...
        assert_eq!(dark_of([0xff, 0xb0, 0x60]), [0xff, 0xb0, 0x60]);
        // ...and a dark vivid colour becomes light enough to read.
        let navy = oklab::from_srgb(dark_of([0, 0, 128]));
        assert!(
            (navy.l - VIVID_MIN_L).abs() < 0.01 && navy.b < -0.1,
            "{navy:?}"
        );
    }
}
