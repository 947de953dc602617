//! Sweeps: a block with `sweep="LR=0.01,0.1"` runs once per value of its constant. Each run is
//! a copy of the block whose declaration `const LR: f64 = ...;` holds one of the values (every
//! other line, and so every error position, is the block's own); the copies are compiled,
//! cached and run like any block, and the page shows the block once with its runs to choose
//! from.

use super::Shown;
use super::render::{BlockOutput, output_html};
use crate::diagnostics::{Diagnostic, Location};
use crate::escape;
use crate::markdown::code::CodeBlock;

/// The runs of a swept block, one copy per value, in the sweep's order; an error at the block
/// (or its constant) when the block has no such constant or a value is not a literal.
pub(crate) fn variants(block: &CodeBlock) -> Result<Vec<CodeBlock>, Diagnostic> {
    let Some(sweep) = &block.attrs.sweep else {
        return Ok(vec![block.clone()]);
    };
    let declaration = block
        .lines
        .iter()
        .position(|line| declared_value(&line.code, &sweep.name).is_some())
        .ok_or_else(|| {
            Diagnostic::error(
                block.fence.clone(),
                format!(
                    "sweep: the block declares no `const {}: TYPE = VALUE;` to sweep",
                    sweep.name
                ),
            )
        })?;
    let line = &block.lines[declaration];
    let (start, end) = declared_value(&line.code, &sweep.name).expect("found above");
    let mut copies = Vec::new();
    for (variant, value) in sweep.values.iter().enumerate() {
        if !is_literal(value) {
            return Err(Diagnostic::error(
                Location::at(&block.fence.path, line.line, line.col_offset + start + 1),
                format!(
                    "sweep: {value:?} is not a value {} can take (a number, true or false, or a quoted string or character)",
                    sweep.name
                ),
            ));
        }
        let mut copy = block.clone();
        let code = &mut copy.lines[declaration].code;
        code.replace_range(start..end, value);
        copy.variant = Some(variant);
        copies.push(copy);
    }
    Ok(copies)
}

/// The results of a swept block's runs as HTML: a choice of values (radio buttons, so it works
/// without scripts and with the keyboard) over one panel per run, the run of the value the
/// block itself declares chosen first; and every run's figure files.
pub(crate) fn runs_html(block: &CodeBlock, runs: &[&Shown], page_url: &str) -> BlockOutput {
    let Some(sweep) = &block.attrs.sweep else {
        return BlockOutput::default();
    };
    let declared = declared(block).unwrap_or_default();
    let chosen = sweep
        .values
        .iter()
        .position(|v| *v == declared)
        .unwrap_or(0);
    let group = format!("sweep-{}", block.index);
    let mut inputs = String::new();
    let mut labels = String::new();
    let mut panels = String::new();
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for (run, (value, shown)) in sweep.values.iter().zip(runs).enumerate() {
        let id = format!("{group}-{run}");
        inputs.push_str(&format!(
            "<input type=\"radio\" class=\"sweep-choice\" name=\"{group}\" id=\"{id}\"{}>\n",
            if run == chosen { " checked" } else { "" }
        ));
        labels.push_str(&format!(
            "<label for=\"{id}\">{}</label>",
            escape::text(value)
        ));
        let output = output_html(block, shown, page_url);
        files.extend(output.files);
        warnings.extend(output.warnings);
        let html = output.html;
        panels.push_str(&format!(
            "<div class=\"sweep-run\" data-value=\"{}\">\n{html}</div>\n",
            escape::attr(value)
        ));
    }
    let html = format!(
        "<div class=\"sweep\" role=\"group\" aria-label=\"Runs of this program, one for each value of {name}\">\n{inputs}<div class=\"sweep-choices\"><span class=\"sweep-name\">Run with <code>{name}</code> =</span>{labels}</div>\n<div class=\"sweep-runs\">\n{panels}</div>\n</div>\n",
        name = escape::text(&sweep.name)
    );
    BlockOutput {
        html,
        files,
        warnings,
    }
}

/// `source` with the first declaration of the constant `name` set to `value`, as
/// [`variants`] sets it in each run's copy; `None` when nothing declares it.
pub(crate) fn with_value(source: &str, name: &str, value: &str) -> Option<String> {
    let mut out = String::with_capacity(source.len());
    let mut found = false;
    for line in source.split_inclusive('\n') {
        match declared_value(line, name).filter(|_| !found) {
            Some((start, end)) => {
                found = true;
                out.push_str(&line[..start]);
                out.push_str(value);
                out.push_str(&line[end..]);
            }
            None => out.push_str(line),
        }
    }
    found.then_some(out)
}

/// The declared value of the constant a block sweeps, as its code is written.
pub(crate) fn declared(block: &CodeBlock) -> Option<String> {
    let sweep = block.attrs.sweep.as_ref()?;
    block.lines.iter().find_map(|line| {
        declared_value(&line.code, &sweep.name).map(|(a, b)| line.code[a..b].to_string())
    })
}

/// The byte range of the value in a line declaring `const NAME: TYPE = VALUE;` (possibly
/// `pub`), if it is one.
fn declared_value(code: &str, name: &str) -> Option<(usize, usize)> {
    let trimmed = code.trim_start();
    let rest = trimmed
        .strip_prefix("pub ")
        .or_else(|| trimmed.strip_prefix("pub(crate) "))
        .unwrap_or(trimmed);
    let rest = rest.strip_prefix("const ")?.trim_start();
    let rest = rest.strip_prefix(name)?;
    if !rest.trim_start().starts_with(':') {
        return None;
    }
    let equals = code.find('=')?;
    let semicolon = code.rfind(';')?;
    let value = &code[equals + 1..semicolon];
    let start = equals + 1 + (value.len() - value.trim_start().len());
    let end = semicolon - (value.len() - value.trim_end().len());
    (start < end).then_some((start, end))
}

/// Whether `value` is a literal a constant can be set to: a number (with an optional sign,
/// exponent and type suffix), `true`, `false`, or a quoted string or character.
fn is_literal(value: &str) -> bool {
    if matches!(value, "true" | "false") {
        return true;
    }
    if (value.starts_with('"') && value.ends_with('"') && value.len() >= 2)
        || (value.starts_with('\'') && value.ends_with('\'') && value.len() >= 3)
    {
        return true;
    }
    let digits = value.strip_prefix('-').unwrap_or(value);
    let mut chars = digits.chars().peekable();
    if !chars.peek().is_some_and(char::is_ascii_digit) {
        return false;
    }
    let number: String = chars
        .by_ref()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '_' | 'e' | 'E' | '+' | '-'))
        .collect();
    let suffix: String = digits[number.len()..].to_string();
    let valid_suffix = suffix.is_empty()
        || [
            "f32", "f64", "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize",
        ]
        .contains(&suffix.as_str());
    valid_suffix && number.replace('_', "").parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(info: &str, code: &[&str]) -> CodeBlock {
        CodeBlock::for_tests(info, Location::at("content/a.md", 9, 1), code)
    }

    #[test]
    fn each_value_gets_a_copy_with_its_constant() {
        let swept = block(
            "rust,sweep=\"LR=0.1,1e-3,2f32\"",
            &["const LR: f32 = 0.01;", "fn main() { println!(\"{LR}\"); }"],
        );
        let copies = variants(&swept).unwrap();
        let firsts: Vec<&str> = copies.iter().map(|c| c.lines[0].code.as_str()).collect();
        assert_eq!(
            firsts,
            [
                "const LR: f32 = 0.1;",
                "const LR: f32 = 1e-3;",
                "const LR: f32 = 2f32;"
            ]
        );
        assert_eq!(copies[2].variant, Some(2));
        assert_eq!(copies[1].lines[1], swept.lines[1]);
    }

    #[test]
    fn a_missing_constant_or_a_bad_value_is_an_error_at_its_line() {
        let missing = block(
            "rust,sweep=\"N=1,2\"",
            &["const M: u32 = 1;", "fn main() {}"],
        );
        assert_eq!(
            variants(&missing).unwrap_err().to_string(),
            "content/a.md:9:1: error: sweep: the block declares no `const N: TYPE = VALUE;` to sweep"
        );
        let bad = block(
            "rust,sweep=\"N=1,two\"",
            &["    const N: u32 = 1;", "fn main() {}"],
        );
        assert_eq!(
            variants(&bad).unwrap_err().to_string(),
            "content/a.md:10:20: error: sweep: \"two\" is not a value N can take (a number, true or false, or a quoted string or character)"
        );
    }

    #[test]
    fn a_program_takes_a_value_as_a_run_of_its_block_does() {
        let swept = block(
            "rust,sweep=\"LR=0.1,1.0\"",
            &["const LR: f32 = 0.01;", "fn main() { println!(\"{LR}\"); }"],
        );
        assert_eq!(declared(&swept).as_deref(), Some("0.01"));
        let copies = variants(&swept).unwrap();
        for (copy, value) in copies.iter().zip(["0.1", "1.0"]) {
            assert_eq!(
                with_value(&swept.compiled(), "LR", value).as_deref(),
                Some(copy.compiled().as_str())
            );
        }
        assert_eq!(with_value("fn main() {}\n", "LR", "1"), None);
    }

    #[test]
    fn literals_are_recognised() {
        for good in [
            "0.01", "-3", "1e-4", "1_000", "7usize", "true", "\"adam\"", "'x'",
        ] {
            assert!(is_literal(good), "{good}");
        }
        for bad in ["two", "1.0.0", "f32", "x + 1", "1px", ""] {
            assert!(!is_literal(bad), "{bad}");
        }
    }
}
