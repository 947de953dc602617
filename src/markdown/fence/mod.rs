//! Fence info strings (```` ```rust,no_run,caption="Fit" ````) parsed into [`FenceAttrs`]: the
//! language, how a Rust block is executed (rustdoc's attributes, with rustdoc's rules, and
//! mdBook's, accepted), its edition, and how its output is shown.

mod tokens;

use crate::edition::Edition;
use tokens::{tokenize, unquote};

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
    /// The language, lowercased, for highlighting (`rust`, `toml`, `sh`, ...); `rust` for a
    /// block whose info string holds only rustdoc attributes (```` ```should_panic ````); empty
    /// when none is given.
    pub lang: String,
    /// Whether the block is Rust to compile: its language is exactly `rust` (case-sensitive,
    /// as in rustdoc: ```` ```Rust ```` and ```` ```rs ```` are only highlighted), or its info
    /// string starts with a rustdoc attribute.
    pub rust: bool,
    /// Execution mode; meaningful for Rust blocks only.
    pub mode: RunMode,
    /// The edition the fence asks for (`edition2018`); the site's when `None`.
    pub edition: Option<Edition>,
    /// `standalone_crate`: compiled as a program of its own, never merged with the page's
    /// other blocks.
    pub standalone: bool,
    /// Error codes a `compile_fail` block must fail with (`compile_fail,E0382`).
    pub error_codes: Vec<String>,
    /// mdBook's `hidelines=PREFIX`: in a block of another language than Rust, lines starting
    /// with the prefix are not shown.
    pub hidelines: Option<String>,
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
    /// Other things worth a warning: attributes without effect, a language tag written
    /// `Rust`.
    pub warnings: Vec<String>,
    /// Attributes with malformed values.
    pub errors: Vec<String>,
}

/// mdBook's own attributes: they change how mdBook's pages offer a block to the Rust
/// Playground, which kiln's pages do not, so they are accepted and have no effect.
const MDBOOK_ATTRIBUTES: [&str; 4] = ["editable", "noplayground", "noplaypen", "mdbook-runnable"];

/// The target kiln was built for, which `ignore-<target>` is matched against.
const HOST: &str = env!("KILN_TARGET");

impl FenceAttrs {
    /// Parses an info string. Tokens are separated by commas or spaces; values may be quoted.
    pub fn parse(info: &str) -> Self {
        Self::parse_for(info, HOST)
    }

    /// Parses an info string for a machine whose target triple is `host`
    /// (`x86_64-unknown-linux-gnu`): `ignore-linux` ignores the block there, as rustdoc does
    /// when the triple contains the word after `ignore-`.
    pub(crate) fn parse_for(info: &str, host: &str) -> Self {
        let mut tokens = tokenize(info).into_iter().peekable();
        let first = tokens.peek().cloned().unwrap_or_default();
        let starts_with_attribute = is_rustdoc_attribute(&first);
        let mut attrs = FenceAttrs {
            lang: if starts_with_attribute {
                "rust".into()
            } else {
                first.to_ascii_lowercase()
            },
            rust: starts_with_attribute || first == "rust",
            mode: RunMode::Run,
            edition: None,
            standalone: false,
            error_codes: Vec::new(),
            hidelines: None,
            hide_output: false,
            solution: false,
            captions: Vec::new(),
            alts: Vec::new(),
            timeout: None,
            sweep: None,
            unknown: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
        };
        if !starts_with_attribute {
            tokens.next();
            if first != "rust" && first.eq_ignore_ascii_case("rust") {
                attrs.warnings.push(format!(
                    "`{first}` blocks are not compiled: the language tag is case-sensitive, as in rustdoc; write `rust` to compile this block"
                ));
            }
        }
        let mut modes = Vec::new();
        let mut ignored_targets = Vec::new();
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
                ("standalone_crate", None) => attrs.standalone = true,
                ("test_harness", None) => {
                    modes.push(RunMode::Ignore);
                    attrs.warnings.push(
                        "`test_harness`: kiln does not run a block's `#[test]` functions; this block is shown, not compiled".into(),
                    );
                }
                ("custom", None) => attrs.rust = false,
                (word, None) if word.starts_with("ignore-") => {
                    ignored_targets.push(word["ignore-".len()..].to_string())
                }
                (word, None) if word.starts_with("edition") => {
                    match Edition::from_year(&word["edition".len()..]) {
                        Some(edition) => attrs.edition = Some(edition),
                        None => attrs.errors.push(format!(
                            "`{word}` is not an edition; write edition2015, edition2018, edition2021 or edition2024"
                        )),
                    }
                }
                (word, None) if is_error_code(word) => attrs.error_codes.push(word.to_string()),
                (word, None) if MDBOOK_ATTRIBUTES.contains(&word) => {}
                ("hidelines", Some(prefix)) if !prefix.is_empty() => attrs.hidelines = Some(prefix),
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
                ("caption" | "alt" | "timeout" | "sweep" | "hidelines", None) => attrs
                    .errors
                    .push(format!("`{key}` needs a value, as in {key}=\"...\"")),
                _ => attrs.unknown.push(token),
            }
        }
        // As in rustdoc, `ignore-<target>` replaces a plain `ignore`: the block is ignored on
        // the targets it names and nowhere else.
        if !ignored_targets.is_empty() {
            modes.retain(|m| *m != RunMode::Ignore);
            if ignored_targets.iter().any(|t| host.contains(t.as_str())) {
                modes.push(RunMode::Ignore);
            }
        }
        attrs.mode = resolve_modes(&modes, &mut attrs.warnings);
        if !attrs.error_codes.is_empty() && attrs.mode != RunMode::CompileFail && attrs.rust {
            attrs.warnings.push(format!(
                "error codes ({}) only mean something on a `compile_fail` block",
                attrs.error_codes.join(", ")
            ));
        }
        attrs
    }

    /// Whether the block is Rust code this tool compiles.
    pub fn is_rust(&self) -> bool {
        self.rust
    }

    /// Whether the block is compiled at all.
    pub fn compiles(&self) -> bool {
        self.is_rust() && self.mode != RunMode::Ignore
    }
}

/// The mode several mode attributes give, as in rustdoc: `ignore` wins over everything,
/// `compile_fail` never runs (so `no_run` and `should_panic` add nothing to it), and `no_run`
/// keeps `should_panic` from being checked; each attribute left without effect is noted.
fn resolve_modes(modes: &[RunMode], warnings: &mut Vec<String>) -> RunMode {
    let order = [
        RunMode::Ignore,
        RunMode::CompileFail,
        RunMode::NoRun,
        RunMode::ShouldPanic,
    ];
    let Some(winner) = order.into_iter().find(|m| modes.contains(m)) else {
        return RunMode::Run;
    };
    let mut overridden: Vec<RunMode> = modes.iter().copied().filter(|m| *m != winner).collect();
    overridden.sort_by_key(|m| order.iter().position(|o| o == m));
    overridden.dedup();
    for mode in overridden {
        warnings.push(format!(
            "`{}` has no effect with `{}`",
            mode.attribute(),
            winner.attribute()
        ));
    }
    winner
}

impl RunMode {
    /// The fence attribute that asks for this mode.
    pub fn attribute(self) -> &'static str {
        match self {
            RunMode::Run => "",
            RunMode::Ignore => "ignore",
            RunMode::NoRun => "no_run",
            RunMode::ShouldPanic => "should_panic",
            RunMode::CompileFail => "compile_fail",
        }
    }
}

/// Whether a token is one of rustdoc's attributes, which make a block Rust when the info string
/// starts with one (```` ```no_run ````).
fn is_rustdoc_attribute(token: &str) -> bool {
    matches!(
        token,
        "ignore" | "no_run" | "should_panic" | "compile_fail" | "test_harness" | "standalone_crate"
    ) || token.starts_with("ignore-")
        || token.starts_with("edition")
        || is_error_code(token)
}

/// `E` and four digits, as rustc's error codes (`E0382`).
fn is_error_code(token: &str) -> bool {
    token.len() == 5 && token.starts_with('E') && token[1..].bytes().all(|b| b.is_ascii_digit())
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

#[cfg(test)]
mod tests;
