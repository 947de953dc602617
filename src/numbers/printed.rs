//! The numbers a quote in prose can come from: those the page's programs printed (their output
//! and the text of their SVG figures), and those the page sets itself (literals in its code
//! blocks and formulas, and well-known constants such as π).

use super::value::Decimal;

/// A number found in a program's output or in the page's own text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Found {
    /// As written.
    pub(crate) text: String,
    /// Its magnitude.
    pub(crate) value: Decimal,
}

/// Constants a lesson may quote from memory: π, 2π, e, √2, √3, 1/√2, ln 2, ln 10, the golden
/// ratio, the normal density's peak 1/√(2π), and the machine epsilons of `f32` and `f64`.
const CONSTANTS: &[&str] = &[
    "1.1920929e-7",
    "2.220446049250313e-16",
    "3.14159265358979",
    "6.28318530717959",
    "2.71828182845905",
    "1.41421356237310",
    "1.73205080756888",
    "0.70710678118655",
    "0.69314718055995",
    "2.30258509299405",
    "1.61803398874989",
    "0.39894228040143",
];

/// Every number in `text`, however it is glued to the words around it (`loss=0.1497,`,
/// `[1.5, -2.0]`, `2.0f32`, `1_000`); signs are left out, since quotes are compared by
/// magnitude.
pub(crate) fn numbers_in(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Digits that end a name (`f32`, `layer1`) are not a number.
        let in_name = i > 0 && (bytes[i - 1].is_ascii_alphabetic() || bytes[i - 1] == b'_');
        let starts = (bytes[i].is_ascii_digit() && !in_name)
            || (bytes[i] == b'.'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.')));
        if !starts {
            if in_name && bytes[i].is_ascii_digit() {
                // The rest of the name, digits and letters (`f32x4`).
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
            } else {
                i += 1;
            }
            continue;
        }
        let start = i;
        i = digits(bytes, i);
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i = digits(bytes, i + 1);
        } else if bytes.get(i) == Some(&b'.')
            && !bytes
                .get(i + 1)
                .is_some_and(|b| *b == b'.' || b.is_ascii_alphabetic())
        {
            // `3.` as Rust writes a float literal.
            i += 1;
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let mut power = i + 1;
            if matches!(bytes.get(power), Some(b'-' | b'+')) {
                power += 1;
            }
            if bytes.get(power).is_some_and(u8::is_ascii_digit) {
                i = digits(bytes, power);
            }
        }
        let written: String = text[start..i].chars().filter(|c| *c != '_').collect();
        if let Some(value) = Decimal::parse(&written) {
            found.push(Found {
                text: text[start..i].to_string(),
                value,
            });
        }
    }
    found
}

/// Digits from `i` on, with the underscores Rust allows between them.
fn digits(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len()
        && (bytes[i].is_ascii_digit()
            || (bytes[i] == b'_' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
    {
        i += 1;
    }
    i
}

/// The well-known constants, as numbers.
pub(crate) fn constants() -> Vec<Found> {
    CONSTANTS.iter().flat_map(|c| numbers_in(c)).collect()
}

/// The text an SVG figure shows (its `<text>` elements: axis labels, legends, captions),
/// without its markup, coordinates or styles.
pub(crate) fn svg_text(svg: &str) -> String {
    let mut shown = String::new();
    let mut rest = svg;
    while let Some(open) = rest.find("<text") {
        let after = &rest[open + 5..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let inner = &after[tag_end + 1..];
        let Some(close) = inner.find("</text>") else {
            break;
        };
        // Nested elements (`<tspan>`) are markup too.
        let mut depth = 0;
        for c in inner[..close].chars() {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ if depth == 0 => shown.push(c),
                _ => {}
            }
        }
        shown.push('\n');
        rest = &inner[close + 7..];
    }
    shown
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        numbers_in(text).into_iter().map(|f| f.text).collect()
    }

    #[test]
    fn numbers_are_found_however_they_are_printed() {
        assert_eq!(
            texts("loss=0.1497, w: [1.5091, -2.0020] lr 1.0e-3 (2.4E-7)"),
            ["0.1497", "1.5091", "2.0020", "1.0e-3", "2.4E-7"]
        );
        assert_eq!(
            texts("let lr = 0.01f32; const N: usize = 1_000; let x = 3.; 0..10 t.0"),
            ["0.01", "1_000", "3.", "0", "10", "0"]
        );
        assert_eq!(
            numbers_in("1_000.5")[0].value,
            Decimal::parse("1000.5").unwrap()
        );
        assert!(texts("no numbers, e alone, v.e").is_empty());
        assert_eq!(texts("an exponent needs digits: 2e- and 4E"), ["2", "4"]);
    }

    #[test]
    fn figures_show_their_text_only() {
        let svg = r#"<svg width="720" height="420"><rect x="12.5" y="3"/>
<text x="60" y="400" font-size="15">0.25</text><text x="1" y="2"><tspan>loss &amp; 1.5e-3</tspan></text></svg>"#;
        assert_eq!(svg_text(svg), "0.25\nloss & 1.5e-3\n");
    }

    #[test]
    fn constants_are_numbers() {
        for quote in ["3.1416", "1.2e-7", "2.2e-16", "0.6931"] {
            let quote = Decimal::parse(quote).unwrap();
            assert!(constants().iter().any(|c| quote.quotes(c.value)));
        }
        assert_eq!(constants().len(), CONSTANTS.len());
    }
}
