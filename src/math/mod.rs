//! Math: every distinct formula of the site rendered once by KaTeX on the server (HTML plus
//! MathML), cached on disk by expression, mode, options and KaTeX version, with `trust` off,
//! size and expansion limits, macro definitions refused in content, and a deadline per formula.

mod workers;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::diagnostics::Location;
pub(crate) use crate::kvcache::{Key, StringCache as MathCache};
pub(crate) use workers::{Job, Outcome, Workers};

use crate::config::{MathConfig, MathOutput};
use crate::diagnostics::Diagnostic;
use crate::markdown::Formula;

/// The KaTeX version the renderer bundles; pages must load this version's stylesheet.
pub(crate) fn katex_version() -> &'static str {
    katex::KATEX_VERSION.trim()
}

/// Commands refused in formulas: they define macros (the known way around KaTeX's expansion
/// limit) or, with `trust` off, would only render as red error text.
const REFUSED_COMMANDS: [&str; 17] = [
    "\\def",
    "\\gdef",
    "\\edef",
    "\\xdef",
    "\\let",
    "\\futurelet",
    "\\global",
    "\\newcommand",
    "\\renewcommand",
    "\\providecommand",
    "\\href",
    "\\url",
    "\\includegraphics",
    "\\htmlClass",
    "\\htmlId",
    "\\htmlStyle",
    "\\htmlData",
];

/// Renders formulas with the site's options.
pub(crate) struct MathRenderer {
    workers: Workers,
    options: katex::Opts,
    fingerprint: blake3::Hash,
    deadline: Duration,
}

/// The HTML of every formula a build typeset, looked up by formula.
#[derive(Debug)]
pub(crate) struct Typeset {
    fingerprint: blake3::Hash,
    html: HashMap<Key, String>,
}

impl Typeset {
    /// The HTML of `formula`; `None` only for a formula that failed (and was reported).
    pub(crate) fn get(&self, formula: &Formula) -> Option<&str> {
        self.html
            .get(&key_of(&self.fingerprint, formula))
            .map(String::as_str)
    }
}

/// The cache key of a formula under the options whose fingerprint is `fingerprint`.
fn key_of(fingerprint: &blake3::Hash, formula: &Formula) -> Key {
    let mut hasher = blake3::Hasher::new();
    hasher.update(fingerprint.as_bytes());
    hasher.update(if formula.display { b"D" } else { b"I" });
    hasher.update(formula.tex.as_bytes());
    *hasher.finalize().as_bytes()
}

/// Counts of what a math pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MathStats {
    /// Formulas in the pages.
    pub formulas: usize,
    /// Distinct (expression, mode) pairs.
    pub distinct: usize,
    /// Distinct formulas rendered by KaTeX in this pass.
    pub rendered: usize,
    /// Time spent rendering them.
    pub render_time: Duration,
}

impl MathRenderer {
    /// A renderer with the options of `[math]`, on one KaTeX thread per core.
    pub(crate) fn new(config: &MathConfig) -> Self {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let output = match config.output {
            MathOutput::HtmlAndMathml => katex::OutputType::HtmlAndMathml,
            MathOutput::Html => katex::OutputType::Html,
            MathOutput::Mathml => katex::OutputType::Mathml,
        };
        let mut options = katex::Opts::builder()
            .output_type(output)
            .throw_on_error(true)
            .trust(false)
            .max_size(Some(config.max_size))
            .max_expand(Some(config.max_expand))
            .build()
            .expect("every KaTeX option has a default");
        for (name, expansion) in &config.macros {
            options.add_macro(name.clone(), expansion.clone());
        }
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"katex ");
        hasher.update(katex_version().as_bytes());
        hasher.update(
            format!(
                "{:?} {} {}",
                config.output, config.max_size, config.max_expand
            )
            .as_bytes(),
        );
        for (name, expansion) in &config.macros {
            hasher.update(format!("\0{name}\0{expansion}").as_bytes());
        }
        Self {
            workers: Workers::new(threads),
            options,
            fingerprint: hasher.finalize(),
            deadline: Duration::from_secs_f64(config.timeout),
        }
    }

    /// The cache key of a formula under these options.
    pub(crate) fn key(&self, formula: &Formula) -> Key {
        key_of(&self.fingerprint, formula)
    }

    /// Typesets every formula, taking what it can from the cache file at `cache_path` and
    /// rendering the rest, then saves the cache. Returns a diagnostic for every formula that
    /// cannot be rendered (and a warning if the cache cannot be saved).
    pub(crate) fn typeset<'f>(
        &self,
        formulas: impl IntoIterator<Item = &'f Formula>,
        cache_path: &Path,
    ) -> (Typeset, Vec<Diagnostic>, MathStats) {
        let mut cache = MathCache::open(cache_path);
        let (typeset, mut diagnostics, stats) = self.render_all(formulas, &mut cache);
        if let Err(e) = cache.save() {
            diagnostics.push(Diagnostic::warning(
                Location::file(cache_path),
                format!("cannot save the math cache: {e}"),
            ));
        }
        (typeset, diagnostics, stats)
    }

    /// Typesets every formula with `cache`, rendering in parallel those it lacks (and adding
    /// them to it).
    pub(crate) fn render_all<'f>(
        &self,
        formulas: impl IntoIterator<Item = &'f Formula>,
        cache: &mut MathCache,
    ) -> (Typeset, Vec<Diagnostic>, MathStats) {
        let mut typeset = Typeset {
            fingerprint: self.fingerprint,
            html: HashMap::new(),
        };
        let mut stats = MathStats::default();
        let mut diagnostics = Vec::new();
        let mut missing: HashMap<Key, (Job, Vec<&Formula>)> = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for formula in formulas {
            stats.formulas += 1;
            if let Some(command) = refused_command(&formula.tex) {
                diagnostics.push(Diagnostic::error(
                    formula.location.clone(),
                    format!(
                        "`{command}` is not allowed in formulas; define macros in config.toml under [math.macros]"
                    ),
                ));
                continue;
            }
            let key = self.key(formula);
            if seen.insert(key) {
                stats.distinct += 1;
            }
            if let Some(html) = cache.get(&key) {
                typeset.html.entry(key).or_insert_with(|| html.to_string());
                continue;
            }
            missing
                .entry(key)
                .or_insert_with(|| {
                    (
                        Job {
                            tex: formula.tex.clone(),
                            display: formula.display,
                        },
                        Vec::new(),
                    )
                })
                .1
                .push(formula);
        }
        if missing.is_empty() {
            return (typeset, diagnostics, stats);
        }
        let mut entries: Vec<(Key, (Job, Vec<&Formula>))> = missing.into_iter().collect();
        entries.sort_by_key(|e| e.0);
        let jobs = entries.iter().map(|(_, (job, _))| job.clone()).collect();
        let started = Instant::now();
        let outcomes = self.workers.render(jobs, &self.options, self.deadline);
        stats.render_time = started.elapsed();
        stats.rendered = entries.len();
        for ((key, (_, uses)), outcome) in entries.into_iter().zip(outcomes) {
            match outcome {
                Outcome::Rendered(html) => {
                    typeset.html.insert(key, html.clone());
                    cache.insert(key, html);
                }
                Outcome::Failed(message) => {
                    for formula in uses {
                        let (message, position) = parse_katex_error(&message, &formula.tex);
                        let location = match position {
                            Some(p) => formula.location_of(char_to_byte(&formula.tex, p)),
                            None => formula.location.clone(),
                        };
                        diagnostics.push(
                            Diagnostic::error(location, format!("math: {message}"))
                                .with_note(format!("in formula: {}", formula.tex.trim())),
                        );
                    }
                }
                Outcome::TimedOut => {
                    for formula in uses {
                        diagnostics.push(Diagnostic::error(
                            formula.location.clone(),
                            format!(
                                "math timed out after {:.1} s; simplify the formula",
                                self.deadline.as_secs_f64()
                            ),
                        ));
                    }
                }
            }
        }
        (typeset, diagnostics, stats)
    }
}

/// The first refused command used in `tex`, matched as a whole control word.
fn refused_command(tex: &str) -> Option<&'static str> {
    REFUSED_COMMANDS.iter().copied().find(|command| {
        tex.match_indices(command).any(|(at, _)| {
            !tex[at + command.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
        })
    })
}

/// Splits a KaTeX error into its message and the 0-based character position it names (the end
/// of the formula for errors "at end of input").
fn parse_katex_error(raw: &str, tex: &str) -> (String, Option<usize>) {
    let unescaped = unescape_debug(raw);
    let text = match unescaped.find("KaTeX parse error: ") {
        Some(i) => &unescaped[i + "KaTeX parse error: ".len()..],
        None => unescaped.as_str(),
    };
    if let Some(i) = text.find(" at end of input") {
        return (text[..i].to_string(), Some(tex.chars().count()));
    }
    match text.find(" at position ") {
        Some(i) => {
            let message = text[..i].to_string();
            let digits: String = text[i + " at position ".len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let position = digits.parse::<usize>().ok().map(|p| p.saturating_sub(1));
            (message, position)
        }
        None => (text.lines().next().unwrap_or(text).trim().to_string(), None),
    }
}

/// The JavaScript engine reports errors as a Rust debug string (`String("...")`); this undoes
/// that quoting so messages read as KaTeX wrote them.
fn unescape_debug(raw: &str) -> String {
    let inner = raw
        .strip_prefix("String(\"")
        .and_then(|r| r.strip_suffix("\")"))
        .unwrap_or(raw);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let code: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                if let Some(c) = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    // KaTeX underlines the offending text with combining low lines; drop them.
    out.replace('\u{332}', "")
}

/// The byte offset of the `chars`-th character of `text`.
fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests;
