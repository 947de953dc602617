//! Fence info strings (```` ```rust,no_run,caption="Fit" ````) parsed into [`FenceAttrs`]: the
//! language, how a Rust block is executed, and how its output is shown.

/// How a Rust block is compiled and run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum RunMode {
    /// Compiled and run; it must exit successfully.
    Run,
    /// Shown only: never compiled.
    Ignore,
    /// Compiled but not run.
    NoRun,
    /// Compiled and run; it must panic.
    ShouldPanic,
    /// Must fail to compile; the compiler's message is shown as the output.
    CompileFail,
}

/// A constant of a block and the values it is run with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sweep {
    /// The constant's name, as the block declares it (`const LR: f64 = 0.01;`).
    pub name: String,
    /// The values, as written.
    pub values: Vec<String>,
}

/// Everything a fence's info string says.
#[derive(Clone, Debug, PartialEq)]
pub struct FenceAttrs {
    /// The language, lowercased (`rust`, `toml`, `sh`, ...); empty when none is given.
    pub lang: String,
    /// Execution mode; meaningful for Rust blocks only.
    pub mode: RunMode,
    /// Run the block but do not show what it printed (figures are still shown).
    pub hide_output: bool,
    /// The block is the solution of an exercise.
    pub solution: bool,
    /// Captions for the figures the block draws, in the order it writes them: `caption` may
    /// be given once per figure.
    pub captions: Vec<String>,
    /// Alt texts for the figures, in the same order: what a reader who cannot see a figure is
    /// told instead (its caption when it has none).
    pub alts: Vec<String>,
    /// Wall-clock limit in seconds, overriding the site's.
    pub timeout: Option<f64>,
    /// Run the block once per value of one of its constants (`sweep="LR=0.01,0.1"`), and let
    /// the reader switch between the runs.
    pub sweep: Option<Sweep>,
    /// Attributes this version does not know, kept for a warning.
    pub unknown: Vec<String>,
    /// Attributes with malformed values.
    pub errors: Vec<String>,
}

impl FenceAttrs {
    /// Parses an info string. Tokens are separated by commas or spaces; values may be quoted.
    pub fn parse(info: &str) -> Self {
        let mut tokens = tokenize(info).into_iter();
        let lang = tokens.next().unwrap_or_default().to_ascii_lowercase();
        let mut attrs = FenceAttrs {
            lang,
            mode: RunMode::Run,
            hide_output: false,
            solution: false,
            captions: Vec::new(),
            alts: Vec::new(),
            timeout: None,
            sweep: None,
            unknown: Vec::new(),
            errors: Vec::new(),
        };
        let mut modes = Vec::new();
        for token in tokens {
            let (key, value) = match token.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(unquote(v))),
                None => (token.clone(), None),
            };
            match (key.as_str(), value) {
                ("ignore", None) => modes.push(RunMode::Ignore),
                ("no_run", None) => modes.push(RunMode::NoRun),
                ("should_panic", None) => modes.push(RunMode::ShouldPanic),
                ("compile_fail", None) => modes.push(RunMode::CompileFail),
                ("hide_output", None) => attrs.hide_output = true,
                ("solution", None) => attrs.solution = true,
                ("caption", Some(text)) => attrs.captions.push(text),
                ("alt", Some(text)) => attrs.alts.push(text),
                ("timeout", Some(text)) => match text.trim_end_matches('s').parse::<f64>() {
                    Ok(seconds) if seconds > 0.0 && seconds.is_finite() => {
                        attrs.timeout = Some(seconds)
                    }
                    _ => attrs.errors.push(format!(
                        "timeout={text:?} is not a positive number of seconds"
                    )),
                },
                ("sweep", Some(text)) => match parse_sweep(&text) {
                    Ok(sweep) => attrs.sweep = Some(sweep),
                    Err(message) => attrs.errors.push(message),
                },
                ("caption" | "alt" | "timeout" | "sweep", None) => attrs
                    .errors
                    .push(format!("`{key}` needs a value, as in {key}=\"...\"")),
                _ => attrs.unknown.push(token),
            }
        }
        modes.dedup();
        match modes.as_slice() {
            [] => {}
            [mode] => attrs.mode = *mode,
            _ => attrs.errors.push(format!(
                "a block can have only one of ignore, no_run, should_panic, compile_fail; found {modes:?}"
            )),
        }
        attrs
    }

    /// Whether the block is Rust code this tool compiles.
    pub fn is_rust(&self) -> bool {
        self.lang == "rust" || self.lang == "rs"
    }

    /// Whether the block is compiled at all.
    pub fn compiles(&self) -> bool {
        self.is_rust() && self.mode != RunMode::Ignore
    }
}

/// Most values a sweep may have (the page's stylesheet switches between that many runs).
pub const MAX_SWEEP_VALUES: usize = 12;

/// `NAME=v1,v2,...` (the value is quoted in the info string, so commas stay inside it).
fn parse_sweep(text: &str) -> Result<Sweep, String> {
    let invalid = || {
        format!(
            "sweep={text:?} must name a constant and two or more values, as in sweep=\"LR=0.01,0.1,1.0\""
        )
    };
    let (name, values) = text.split_once('=').ok_or_else(invalid)?;
    let name = name.trim();
    let valid_name = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
    if !valid_name || values.len() < 2 || values.iter().any(String::is_empty) {
        return Err(invalid());
    }
    if values.len() > MAX_SWEEP_VALUES {
        return Err(format!(
            "sweep={text:?} has {} values; a sweep has at most {MAX_SWEEP_VALUES}",
            values.len()
        ));
    }
    Ok(Sweep {
        name: name.to_string(),
        values,
    })
}

/// Splits on commas and whitespace outside double quotes.
fn tokenize(info: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in info.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if quoted && c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
            current.push(c);
        } else if !quoted && (c == ',' || c.is_whitespace()) {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Removes surrounding double quotes and backslash escapes.
fn unquote(value: &str) -> String {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_rust_runs() {
        let a = FenceAttrs::parse("rust");
        assert!(a.is_rust() && a.compiles());
        assert_eq!(a.mode, RunMode::Run);
        assert!(a.unknown.is_empty() && a.errors.is_empty());
    }

    #[test]
    fn rustdoc_attributes_and_ours() {
        let cases = [
            ("rust,ignore", RunMode::Ignore),
            ("rust no_run", RunMode::NoRun),
            ("rust, should_panic", RunMode::ShouldPanic),
            ("rust,compile_fail", RunMode::CompileFail),
        ];
        for (info, mode) in cases {
            assert_eq!(FenceAttrs::parse(info).mode, mode, "{info}");
        }
        assert!(!FenceAttrs::parse("rust,ignore").compiles());
        let a = FenceAttrs::parse("rust,solution,hide_output");
        assert!(a.solution && a.hide_output);
    }

    #[test]
    fn quoted_values_keep_commas_and_spaces() {
        let a = FenceAttrs::parse(r#"rust,caption="ReLU, sigmoid and \"tanh\"",timeout=120"#);
        assert_eq!(a.captions, [r#"ReLU, sigmoid and "tanh""#]);
        let two = FenceAttrs::parse(r#"rust,caption="Loss",caption="Fit",alt="Falls, then flat""#);
        assert_eq!(two.captions, ["Loss", "Fit"]);
        assert_eq!(two.alts, ["Falls, then flat"]);
        assert_eq!(a.timeout, Some(120.0));
    }

    #[test]
    fn unknown_and_malformed_attributes_are_reported() {
        let a = FenceAttrs::parse("rust,edition2018,no-run,timeout=-3,caption,alt");
        assert_eq!(a.unknown, ["edition2018", "no-run"]);
        assert_eq!(a.errors.len(), 3);
        let b = FenceAttrs::parse("rust,ignore,no_run");
        assert_eq!(b.errors.len(), 1);
    }

    #[test]
    fn other_languages() {
        assert_eq!(FenceAttrs::parse("TOML").lang, "toml");
        assert!(!FenceAttrs::parse("sh").is_rust());
        assert_eq!(FenceAttrs::parse("").lang, "");
    }
}
