//! The numbers a page's prose quotes: every decimal (`0.1497`, `2.4e-7`, `2.4 × 10⁻⁷`,
//! `94.5%`) in its text, with its place in the Markdown, told apart from what only looks like
//! one: integers, versions (`0.22.1`), dates, ranges, units and names (`1.5x`, `f32`), and
//! references to lessons, sections and figures (`lesson 2.4`, `lessons 3.1 and 3.2`).

use std::ops::Range;

use super::value::Decimal;

/// A number written in prose.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Quoted {
    /// The number as written, sign and percent sign included.
    pub(crate) text: String,
    /// Where it starts in the Markdown body, in bytes.
    pub(crate) offset: usize,
    /// Its magnitude as written.
    pub(crate) value: Decimal,
    /// Written with `%`.
    pub(crate) percent: bool,
    /// It names a lesson, section, figure or version rather than a quantity.
    pub(crate) reference: bool,
}

/// Words after which a number names something (`lesson 2.4`, `Figure 3.1`, `Burn 0.22`).
const REFERENCE_WORDS: &[&str] = &[
    "appendix",
    "burn",
    "cargo",
    "chapter",
    "chapters",
    "demo",
    "demos",
    "edition",
    "eq",
    "equation",
    "equations",
    "exercise",
    "exercises",
    "fig",
    "figure",
    "figures",
    "katex",
    "lesson",
    "lessons",
    "listing",
    "module",
    "modules",
    "part",
    "parts",
    "plotters",
    "release",
    "rust",
    "rustc",
    "section",
    "sections",
    "table",
    "tables",
    "version",
    "versions",
    "§",
];

/// Words that may join references into a list: `lessons 3.1, 3.2 and 3.4`.
const LIST_WORDS: &[&str] = &["and", "or", "to", "through", "then", "vs", "&"];

/// The decimals of the prose, given as groups of byte ranges of the body (the text of one
/// paragraph, list item or table cell, without its code spans, formulas or link targets).
pub(crate) fn quoted(body: &str, groups: &[Vec<Range<usize>>]) -> Vec<Quoted> {
    let mut found = Vec::new();
    for group in groups {
        let (visible, map) = visible_text(body, group);
        let mut previous: Option<(usize, bool)> = None;
        for token in tokens(&visible) {
            let Some(number) = token.number else {
                previous = None;
                continue;
            };
            let listed = previous.is_some_and(|(end, reference)| {
                reference && number.like_a_part() && only_list_words(&visible[end..token.start])
            });
            let reference = listed || follows_reference_word(&visible[..token.start]);
            previous = Some((token.end, reference));
            if number.digits_after_point == 0 && !number.scientific {
                continue;
            }
            found.push(Quoted {
                text: visible[token.start..token.end].to_string(),
                offset: body_offset(&map, token.start),
                value: number.value,
                percent: number.percent,
                reference,
            });
        }
    }
    found
}

/// The decimals of one stretch of text, read as a single paragraph.
pub(crate) fn quoted_in(text: &str) -> Vec<Quoted> {
    quoted(text, &[std::iter::once(0..text.len()).collect()])
}

/// The number a formula states, when it holds just one number and that is a decimal
/// (`L^* = 0.2274`, `-0.5874`, `2.4 \times 10^{-7}`, `94.5\%`), with its offset in the TeX.
/// `None` for a formula with no decimal, or one that works something out from several numbers
/// (`0.6225 \cdot 0.3775 = 0.2350`, `\hat y = 2.0543 x + 0.9993`): that is the author's own
/// working, which the page's prose may quote as it may quote its code.
pub(crate) fn stated_by_formula(tex: &str) -> Option<Quoted> {
    let plain = plain_tex(tex);
    let found = tokens(&plain);
    let [token] = found.as_slice() else {
        return None;
    };
    let number = token.number.as_ref()?;
    if number.digits_after_point == 0 && !number.scientific {
        return None;
    }
    // `\%` was read as `%` and a space.
    let end = if number.percent && tex[token.end..].starts_with('%') {
        token.end + 1
    } else {
        token.end
    };
    Some(Quoted {
        text: tex[token.start..end].to_string(),
        offset: token.start,
        value: number.value,
        percent: number.percent,
        reference: false,
    })
}

/// TeX with the commands that join or space numbers written as the prose's characters, each
/// replacement as long as what it replaces, so that offsets stay those of the TeX.
fn plain_tex(tex: &str) -> String {
    const REPLACEMENTS: &[(&str, &str)] = &[
        ("\\times", "×    "),
        ("\\cdot", "·   "),
        ("\\%", "% "),
        ("\\,", "  "),
        ("\\;", "  "),
        ("\\:", "  "),
        ("\\!", "  "),
        ("~", " "),
    ];
    let mut plain = tex.to_string();
    for (from, to) in REPLACEMENTS {
        debug_assert_eq!(from.len(), to.len());
        plain = plain.replace(from, to);
    }
    plain
}

/// The text of a group as one string, runs that do not touch joined by a space, and where
/// each run starts in it and in the body.
fn visible_text(body: &str, group: &[Range<usize>]) -> (String, Vec<(usize, usize)>) {
    let mut visible = String::new();
    let mut map = Vec::new();
    let mut last_end = None;
    for range in group {
        let Some(text) = body.get(range.clone()) else {
            continue;
        };
        if last_end.is_some_and(|end| end != range.start) {
            visible.push(' ');
        }
        map.push((visible.len(), range.start));
        visible.push_str(text);
        last_end = Some(range.end);
    }
    (visible, map)
}

fn body_offset(map: &[(usize, usize)], at: usize) -> usize {
    let run = map
        .partition_point(|(start, _)| *start <= at)
        .saturating_sub(1);
    map.get(run).map_or(at, |(start, body)| body + (at - start))
}

/// A number token of prose text.
struct Token {
    start: usize,
    end: usize,
    /// `None` for something that only looks like a number: a version, a date, a unit.
    number: Option<Number>,
}

struct Number {
    value: Decimal,
    digits_after_point: usize,
    scientific: bool,
    percent: bool,
    /// Digits before the point.
    whole: String,
}

impl Number {
    /// Whether it has the shape of a lesson or section number, `2.4` or `12.10`, which a list
    /// of references (`lessons 3.1, 3.2 and 3.4`) continues with.
    fn like_a_part(&self) -> bool {
        let whole_ok = (1..=2).contains(&self.whole.len()) && !self.whole.starts_with('0');
        whole_ok && (1..=2).contains(&self.digits_after_point) && !self.scientific && !self.percent
    }
}

/// Characters that make a digit right after them part of a name, path or amount (`x2.5`,
/// `v0.22`, `#3`, `$5.99`).
fn glues_before(c: char) -> bool {
    c.is_alphanumeric() || "._/\\@#$^&€£'’".contains(c)
}

/// Whether what starts at `at` is glued to what comes before it: part of a name, path or
/// amount, or a power or index in TeX (`x^2`, `x_{10}`, `e^{-0.5}`).
fn glued(text: &str, at: usize) -> bool {
    let mut before = text[..at].chars().rev();
    match before.next() {
        Some('{') => matches!(before.next(), Some('^' | '_')),
        Some(c) => glues_before(c),
        None => false,
    }
}

/// The number-like tokens of `text`, in order.
fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            || (bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts || !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let mut start = i;
        // A sign written before the number belongs to it.
        if text[..i].ends_with('−') {
            start = i - '−'.len_utf8();
        } else if i > 0 && matches!(bytes[i - 1], b'-' | b'+') {
            let sign_before = text[..i - 1].chars().next_back();
            if !sign_before.is_some_and(|c| c.is_alphanumeric()) {
                start = i - 1;
            }
        }
        if glued(text, i) || (start < i && glued(text, start)) {
            i = skip_word(bytes, i);
            continue;
        }
        let (end, number) = read_number(text, i);
        found.push(Token { start, end, number });
        i = end.max(i + 1);
    }
    found
}

/// Skips the rest of a word of letters, digits, points and underscores.
fn skip_word(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'_')) {
        i += 1;
    }
    // A trailing point ends a sentence, not the word.
    i
}

fn digits(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Reads the number starting at `i`: its end, and its value unless it is a version, a date, a
/// range or a number glued to a unit or name.
fn read_number(text: &str, i: usize) -> (usize, Option<Number>) {
    let bytes = text.as_bytes();
    let mut end = digits(bytes, i);
    let whole = text[i..end].to_string();
    let mut mantissa = whole.clone();
    // Thousands separators: `12,345.6`.
    while bytes.get(end) == Some(&b',')
        && digits(bytes, end + 1) == end + 4
        && !bytes.get(end + 4).is_some_and(u8::is_ascii_digit)
    {
        mantissa.push_str(&text[end + 1..end + 4]);
        end += 4;
    }
    let mut after_point = 0;
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        let fraction_end = digits(bytes, end + 1);
        after_point = fraction_end - end - 1;
        mantissa.push_str(&text[end..fraction_end]);
        end = fraction_end;
    }
    let mut exponent = None;
    let mut scientific = false;
    if let Some((power, power_end)) = exponent_at(text, end) {
        exponent = Some(power);
        scientific = true;
        end = power_end;
    }
    // What follows decides whether this was a number at all.
    let rest = &text[end..];
    let next = rest.chars().next();
    let next_digit = rest.chars().nth(1).is_some_and(|c| c.is_ascii_digit());
    if next == Some('.') && next_digit {
        // A version: 0.22.1.
        return (skip_version(bytes, end), None);
    }
    if matches!(next, Some('-' | '–' | '/' | ':')) && next_digit && exponent.is_none() {
        // A date, a range, a fraction or a time: 2026-09-29, 3-4, 1/2, 10:30.
        return (
            skip_version(bytes, end + next.map_or(1, char::len_utf8)),
            None,
        );
    }
    if next.is_some_and(|c| c.is_alphanumeric() || c == '_') {
        return (skip_word(bytes, end), None);
    }
    let percent = next == Some('%');
    if percent {
        end += 1;
    }
    let written = match exponent {
        Some(power) => format!("{mantissa}e{power}"),
        None => mantissa,
    };
    let number = Decimal::parse(&written).map(|value| Number {
        value,
        digits_after_point: after_point,
        scientific,
        percent,
        whole,
    });
    (end, number)
}

/// Skips digits, points and the separators of dates and ranges.
fn skip_version(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_digit() || matches!(bytes[i], b'.' | b'-' | b'/')) {
        i += 1;
    }
    i
}

/// An exponent at `at`: `e-7`, `E+3`, `e−7`, or a power of ten, `× 10⁻⁷`, `x 10^-7`, `·10^3`.
/// Returns the power and where the exponent ends.
fn exponent_at(text: &str, at: usize) -> Option<(i32, usize)> {
    let rest = &text[at..];
    if let Some(after) = rest.strip_prefix(['e', 'E']) {
        let (negative, unsigned) = sign(after);
        let length = unsigned.bytes().take_while(u8::is_ascii_digit).count();
        if length == 0 || length > 4 {
            return None;
        }
        let power: i32 = unsigned[..length].parse().ok()?;
        let end = text.len() - unsigned.len() + length;
        return Some((if negative { -power } else { power }, end));
    }
    let trimmed = rest.trim_start_matches(' ');
    let after_times = trimmed
        .strip_prefix('×')
        .or_else(|| trimmed.strip_prefix('·'))
        .or_else(|| trimmed.strip_prefix("x "))
        .or_else(|| trimmed.strip_prefix('*'))?;
    let after_ten = after_times.trim_start_matches(' ').strip_prefix("10")?;
    let (power, remaining) = match after_ten.strip_prefix('^') {
        Some(caret) => {
            let caret = caret.strip_prefix('{').unwrap_or(caret);
            let (negative, unsigned) = sign(caret);
            let length = unsigned.bytes().take_while(u8::is_ascii_digit).count();
            if length == 0 || length > 4 {
                return None;
            }
            let power: i32 = unsigned[..length].parse().ok()?;
            let remaining = &unsigned[length..];
            let remaining = remaining.strip_prefix('}').unwrap_or(remaining);
            (if negative { -power } else { power }, remaining)
        }
        None => superscript(after_ten)?,
    };
    Some((power, text.len() - remaining.len()))
}

/// A leading minus sign (`-` or `−`) and the text after it.
fn sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-').or_else(|| text.strip_prefix('−')) {
        (true, rest)
    } else {
        (false, text.strip_prefix('+').unwrap_or(text))
    }
}

/// A power written in superscript digits (`⁻⁷`), and the text after it.
fn superscript(text: &str) -> Option<(i32, &str)> {
    let (negative, rest) = match text.strip_prefix('⁻') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut power: i32 = 0;
    let mut length = 0;
    for c in rest.chars() {
        let Some(digit) = "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|s| s == c) else {
            break;
        };
        power = power.checked_mul(10)?.checked_add(digit as i32)?;
        length += c.len_utf8();
    }
    if length == 0 {
        return None;
    }
    Some((if negative { -power } else { power }, &rest[length..]))
}

/// Whether the last word before a number names what it numbers (`lesson`, `Figure`).
fn follows_reference_word(before: &str) -> bool {
    let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || "([*_\"“‘'".contains(c));
    let word: String = trimmed
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic() || *c == '§' || *c == '.')
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    let word = word
        .trim_start_matches('.')
        .trim_end_matches('.')
        .to_lowercase();
    REFERENCE_WORDS.contains(&word.as_str())
}

/// Whether the text between two numbers only joins them into a list (`, `, ` and `, `–`).
fn only_list_words(between: &str) -> bool {
    between
        .split(|c: char| c.is_whitespace() || ",;–—-/()[]*_".contains(c))
        .filter(|word| !word.is_empty())
        .all(|word| {
            let word = word.to_lowercase();
            LIST_WORDS.contains(&word.as_str()) || REFERENCE_WORDS.contains(&word.as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers of one paragraph: as written, and whether each is a reference.
    fn numbers(text: &str) -> Vec<(String, bool)> {
        quoted_in(text)
            .into_iter()
            .map(|q| (q.text, q.reference))
            .collect()
    }

    fn one(range: Range<usize>) -> Vec<Range<usize>> {
        std::iter::once(range).collect()
    }

    fn plain(text: &str) -> Vec<String> {
        numbers(text)
            .into_iter()
            .filter(|(_, reference)| !reference)
            .map(|(text, _)| text)
            .collect()
    }

    #[test]
    fn decimals_are_found_with_sign_exponent_and_percent() {
        assert_eq!(
            plain("The loss starts at 6.9107 and ends at 0.2274, after −5.4962 and -2.0771."),
            ["6.9107", "0.2274", "−5.4962", "-2.0771"]
        );
        assert_eq!(
            plain("differences of 1.9e-6 and 2.4e-7; accuracy 94.5% (or 3E+2)"),
            ["1.9e-6", "2.4e-7", "94.5%", "3E+2"]
        );
        assert_eq!(
            plain("about 2.4 × 10⁻⁷, or 1.5×10^-3, or 3 × 10^{4} steps"),
            ["2.4 × 10⁻⁷", "1.5×10^-3", "3 × 10^{4}"]
        );
        assert_eq!(plain("a mean of 12,345.6 over .5 s"), ["12,345.6", ".5"]);
    }

    #[test]
    fn integers_versions_dates_units_and_names_are_not_quotes() {
        assert!(
            plain(
                "In 2026, 100 steps of 32-bit floats; Burn@0.22.1 or version 0.16.4 on \
                 2026-09-29, pages 3-4, a ratio 1/2 at 10:30, 1.5x faster, f32 and x2.5, \
                 $5.99, #3.2, sin(1.5x)"
            )
            .is_empty(),
            "{:?}",
            plain("1.5x")
        );
    }

    #[test]
    fn references_to_lessons_sections_and_versions_are_told_apart() {
        assert_eq!(
            numbers("As lesson 1.2 showed, the loss fell to 0.25."),
            [("1.2".into(), true), ("0.25".into(), false)]
        );
        assert_eq!(
            numbers("Lessons 3.1, 3.2 and 3.4 (see Figure 2.1) use Burn 0.22: 0.5"),
            [
                ("3.1".into(), true),
                ("3.2".into(), true),
                ("3.4".into(), true),
                ("2.1".into(), true),
                ("0.22".into(), true),
                ("0.5".into(), false),
            ]
        );
        assert_eq!(
            numbers("In [lesson 1.4](x.md) and *Section* 2.3, 0.1 and 0.2."),
            [
                ("1.4".into(), true),
                ("2.3".into(), true),
                ("0.1".into(), false),
                ("0.2".into(), false),
            ]
        );
        assert_eq!(
            numbers("lesson 1.2, 1.25e-3 and 3.14"),
            [
                ("1.2".into(), true),
                ("1.25e-3".into(), false),
                ("3.14".into(), false),
            ],
            "a list goes on only with numbers shaped like parts, and only unbroken"
        );
    }

    #[test]
    fn a_formula_states_a_number_only_when_it_holds_one_decimal() {
        let stated = |tex: &str| stated_by_formula(tex).map(|q| (q.text, q.offset, q.percent));
        assert_eq!(stated("L^* = 0.2274"), Some(("0.2274".into(), 6, false)));
        assert_eq!(stated("x = -0.5874"), Some(("-0.5874".into(), 4, false)));
        assert_eq!(
            stated("2.4 \\times 10^{-7}"),
            Some(("2.4 \\times 10^{-7}".into(), 0, false))
        );
        assert_eq!(stated("94.5\\%"), Some(("94.5\\%".into(), 0, true)));
        assert_eq!(stated("\\beta_1 = 0.9"), Some(("0.9".into(), 10, false)));
        for worked in [
            "0.6225 \\cdot 0.3775 = 0.2350",
            "\\sum_i x_i^2 = 16.5 / 5",
            "\\frac{1}{2} = 0.5",
            "w = 3",
            "10^{-4}",
            "e^{-0.5}",
        ] {
            assert_eq!(stated(worked), None, "{worked}");
        }
    }

    #[test]
    fn positions_are_those_of_the_markdown() {
        // Two runs of one paragraph (a link's text, then the rest), with a gap for `](x.md)`.
        let body = "See [lesson 2.4](x.md) and 0.1497 there.";
        let link_text = 5..15;
        let rest = 22..body.len();
        let found = quoted(body, &[vec![link_text, rest]]);
        assert_eq!(found.len(), 2);
        assert!(found[0].reference && found[0].text == "2.4");
        assert_eq!(&body[found[1].offset..found[1].offset + 6], "0.1497");
        assert!(!found[1].reference);
        // Groups do not run into each other: a reference word ends with its paragraph.
        let body = "the lesson\n\n0.5 is a loss";
        let found = quoted(body, &[one(0..10), one(12..body.len())]);
        assert!(!found[0].reference);
        assert_eq!(found[0].offset, 12);
    }
}
