//! Site configuration: `config.toml` parsed into typed sections, unknown keys rejected, every
//! error reported at the file, line and key where it occurs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, LineIndex, Location};
use crate::edition::Edition;
use crate::toml_span::{self, Step};

/// The whole `config.toml`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The site's title, shown in the header and the page titles.
    pub title: String,
    /// Where the site is published, used for canonical links and the feed.
    pub base_url: String,
    /// The author named on every post.
    pub author: String,
    /// A one-sentence description of the site, for the home page and search engines.
    pub description: String,
    /// The copyright line in the footer.
    pub copyright: String,
    /// The language of the content, as an HTML `lang` value.
    pub language: String,
    /// Links in the navigation bar and footer, in order.
    pub nav: Vec<NavLink>,
    /// Math rendering.
    pub math: MathConfig,
    /// Code highlighting.
    pub highlight: HighlightConfig,
    /// Compiling and running the lessons' Rust code blocks.
    pub execute: ExecuteConfig,
    /// The structure every lesson must follow.
    pub structure: StructureConfig,
    /// `[search]`: the site's full-text search.
    pub search: SearchConfig,
}

/// `[search]`: a static full-text index of every page, prose and code, queried in the browser.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Whether pages get a search box and the site an index.
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: "Lessons".into(),
            base_url: "http://127.0.0.1:1111/".into(),
            author: String::new(),
            description: String::new(),
            copyright: String::new(),
            language: "en".into(),
            nav: vec![NavLink::new("Home", "/"), NavLink::new("Blog", "/blog/")],
            math: MathConfig::default(),
            highlight: HighlightConfig::default(),
            execute: ExecuteConfig::default(),
            structure: StructureConfig::default(),
            search: SearchConfig::default(),
        }
    }
}

/// One navigation link.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NavLink {
    /// The text of the link.
    pub name: String,
    /// Where it goes: a site path starting with `/`, or an absolute `http(s)` URL.
    pub url: String,
}

impl NavLink {
    fn new(name: &str, url: &str) -> Self {
        Self {
            name: name.into(),
            url: url.into(),
        }
    }
}

/// What KaTeX emits.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum MathOutput {
    /// HTML for display plus MathML for screen readers.
    HtmlAndMathml,
    /// HTML only.
    Html,
    /// MathML only.
    Mathml,
}

/// Where pages load KaTeX's stylesheet and fonts from.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum KatexAssets {
    /// Copy them from one of `katex_dirs` when it holds them; otherwise typeset formulas as
    /// MathML only, which needs neither.
    Auto,
    /// Always copy them from one of `katex_dirs` into the site; fail if they are not there.
    SelfHost,
    /// Link the stylesheet on jsDelivr.
    Cdn,
}

/// `[math]`: server-side KaTeX.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MathConfig {
    /// HTML, MathML or both.
    pub output: MathOutput,
    /// Macros available in every formula, such as `"\\R" = "\\mathbb{R}"`.
    pub macros: BTreeMap<String, String>,
    /// Where the KaTeX stylesheet and fonts come from.
    pub katex_assets: KatexAssets,
    /// Folders searched, in order, for a KaTeX `dist` folder (`katex.min.css` and `fonts/`).
    pub katex_dirs: Vec<String>,
    /// Largest size, in em, a formula may ask for (`\rule`, `\kern`).
    pub max_size: f64,
    /// Most macro expansions one formula may perform.
    pub max_expand: i32,
    /// Seconds one formula may take before the build reports it.
    pub timeout: f64,
}

impl Default for MathConfig {
    fn default() -> Self {
        Self {
            output: MathOutput::HtmlAndMathml,
            macros: BTreeMap::new(),
            katex_assets: KatexAssets::Auto,
            katex_dirs: vec![
                "node_modules/katex/dist".into(),
                "/usr/share/javascript/katex".into(),
            ],
            max_size: 50.0,
            max_expand: 1000,
            timeout: 5.0,
        }
    }
}

/// `[highlight]`: code colouring themes.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HighlightConfig {
    /// Theme for light mode.
    pub light_theme: String,
    /// Theme for dark mode.
    pub dark_theme: String,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        Self {
            light_theme: "InspiredGitHub".into(),
            dark_theme: "base16-ocean.dark".into(),
        }
    }
}

/// `[execute]`: how lesson code is compiled and run.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ExecuteConfig {
    /// Whether Rust blocks are compiled and run at all.
    pub enabled: bool,
    /// Dependencies of the lesson programs, written as in a `Cargo.toml`.
    pub dependencies: toml::Table,
    /// The edition blocks are compiled with unless their fence names another (`edition2021`).
    pub edition: Edition,
    /// The lock file pinning the dependencies' versions, relative to the site root.
    pub lockfile: String,
    /// Cargo target directory for the lesson programs, relative to the site root. When unset,
    /// lesson programs build in a folder shared by every site of the user (see
    /// `Project::new`), so a second site does not compile its dependencies again.
    pub target_dir: Option<String>,
    /// Wall-clock seconds a block may run.
    pub timeout: f64,
    /// Memory a block may use, in MiB.
    pub memory_limit_mib: u64,
    /// Bytes of stdout and stderr kept for the page, each.
    pub output_limit_bytes: usize,
    /// Blocks run at once; 0 means one per core.
    pub jobs: usize,
    /// How lesson programs are contained (see [`SandboxMode`]).
    pub sandbox: SandboxMode,
    /// Whether lesson programs may open network sockets (refused by default).
    pub network: bool,
    /// Environment variables given to lesson programs, beyond the fixed allowlist.
    pub env: BTreeMap<String, String>,
    /// Most figures one block may write.
    pub max_figures: usize,
    /// Largest figure a block may write, in KiB.
    pub max_figure_kib: u64,
    /// Wall-clock seconds one cargo invocation may take (a cold build compiles every
    /// dependency, which takes minutes).
    pub compile_timeout: f64,
}

/// How strictly lesson programs are contained.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum SandboxMode {
    /// Use every protection the kernel offers and say once which ones are missing.
    #[default]
    Auto,
    /// Fail the build when a protection is missing.
    Required,
    /// No containment beyond the resource limits: for trusted content only.
    Off,
}

impl Default for ExecuteConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            dependencies: toml::Table::new(),
            edition: Edition::E2024,
            lockfile: "lessons.lock".into(),
            target_dir: None,
            timeout: 60.0,
            memory_limit_mib: 2048,
            output_limit_bytes: 16 * 1024,
            jobs: 0,
            sandbox: SandboxMode::Auto,
            network: false,
            env: BTreeMap::new(),
            max_figures: 32,
            max_figure_kib: 2048,
            compile_timeout: 3600.0,
        }
    }
}

/// `[structure]`: the sections every lesson must have, in order.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StructureConfig {
    /// Whether `check` and `build` enforce the structure.
    pub enforce: bool,
    /// The `##` headings every post must have, in this order.
    pub sections: Vec<String>,
    /// The section whose `### Exercise N: title` subsections are the exercises.
    pub exercises_section: String,
    /// Fewest exercises a post may have.
    pub min_exercises: usize,
    /// Most exercises a post may have.
    pub max_exercises: usize,
    /// Whether solution blocks start folded, opened by the reader (`true`), or are shown in
    /// full (`false`, the default: readers compare their answer with the whole solution).
    pub collapse_solutions: bool,
}

impl Default for StructureConfig {
    fn default() -> Self {
        Self {
            enforce: false,
            sections: Vec::new(),
            exercises_section: "Exercises".into(),
            min_exercises: 1,
            max_exercises: 4,
            collapse_solutions: false,
        }
    }
}

impl StructureConfig {
    /// The sections of the series structure, for sites that do not list their own.
    pub fn course_sections() -> Vec<String> {
        [
            "Introduction",
            "ELI5",
            "Mathematical Foundations",
            "In-Depth Explanation",
            "Demonstrations",
            "Exercises",
            "Summary",
            "Key Takeaways",
        ]
        .map(String::from)
        .to_vec()
    }
}

impl Config {
    /// Reads and validates `config.toml` from `root`; a missing file gives the defaults.
    pub fn load(root: &Path) -> Result<Self, Diagnostic> {
        let path = root.join("config.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, Path::new("config.toml")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(Diagnostic::error(
                Location::file("config.toml"),
                format!("cannot read the configuration: {e}"),
            )),
        }
    }

    /// Parses and validates configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, Diagnostic> {
        let config: Config = toml::from_str(text).map_err(|e| toml_error(text, path, &e))?;
        config.validate(text, path)?;
        Ok(config)
    }

    fn validate(&self, text: &str, path: &Path) -> Result<(), Diagnostic> {
        let at = |steps: &[Step], message: String| {
            Diagnostic::error(key_location(text, path, steps), message)
        };
        let at_key = |dotted: &str, message: String| {
            let steps: Vec<Step> = dotted.split('.').map(Step::Key).collect();
            at(&steps, message)
        };
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(at_key(
                "base_url",
                format!(
                    "`base_url` must start with http:// or https://, found {:?}",
                    self.base_url
                ),
            ));
        }
        for (index, link) in self.nav.iter().enumerate() {
            let safe = link.url.starts_with('/')
                || link.url.starts_with("https://")
                || link.url.starts_with("http://");
            if !safe {
                return Err(at(
                    &[Step::Key("nav"), Step::Index(index), Step::Key("url")],
                    format!(
                        "navigation link {:?} must point to a site path (/...) or an http(s) URL, found {:?}",
                        link.name, link.url
                    ),
                ));
            }
        }
        if self.execute.timeout <= 0.0 || !self.execute.timeout.is_finite() {
            return Err(at_key(
                "execute.timeout",
                "`execute.timeout` must be a positive number of seconds".into(),
            ));
        }
        if self.execute.compile_timeout <= 0.0 || !self.execute.compile_timeout.is_finite() {
            return Err(at_key(
                "execute.compile_timeout",
                "`execute.compile_timeout` must be a positive number of seconds".into(),
            ));
        }
        if self.execute.memory_limit_mib == 0 || self.execute.memory_limit_mib > (1 << 30) {
            return Err(at_key(
                "execute.memory_limit_mib",
                "`execute.memory_limit_mib` must be between 1 and 1073741824 (MiB)".into(),
            ));
        }
        if self.execute.max_figures == 0 || self.execute.max_figure_kib == 0 {
            return Err(at_key(
                if self.execute.max_figures == 0 {
                    "execute.max_figures"
                } else {
                    "execute.max_figure_kib"
                },
                "`execute.max_figures` and `execute.max_figure_kib` must be at least 1".into(),
            ));
        }
        for name in self.execute.env.keys() {
            let valid = !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit();
            if !valid || matches!(name.as_str(), "HOME" | "TMPDIR") {
                return Err(at(
                    &[Step::Key("execute"), Step::Key("env"), Step::Key(name)],
                    format!(
                        "`execute.env` cannot set {name:?}: names are letters, digits and _, and HOME and TMPDIR are the block's own"
                    ),
                ));
            }
        }
        if self.math.timeout <= 0.0 || !self.math.timeout.is_finite() {
            return Err(at_key(
                "math.timeout",
                "`math.timeout` must be a positive number of seconds".into(),
            ));
        }
        if self.structure.min_exercises > self.structure.max_exercises {
            return Err(at_key(
                "structure.min_exercises",
                "`structure.min_exercises` is larger than `structure.max_exercises`".into(),
            ));
        }
        for (name, expansion) in &self.math.macros {
            if !name.starts_with('\\') || expansion.is_empty() {
                return Err(at(
                    &[Step::Key("math"), Step::Key("macros"), Step::Key(name)],
                    format!(
                        "math macro {name:?} must start with a backslash and expand to something"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A configuration for tests: defaults, with code execution off.
    pub fn default_for_test() -> Self {
        let mut config = Self::default();
        config.execute.enabled = false;
        config
    }
}

/// Turns a TOML error into a diagnostic at the line and column it names.
pub fn toml_error(text: &str, path: &Path, error: &toml::de::Error) -> Diagnostic {
    let location = match error.span() {
        Some(span) => {
            let (line, col) = LineIndex::new(text).line_col(text, span.start);
            Location::at(path, line, col)
        }
        None => Location::file(path),
    };
    Diagnostic::error(location, error.message().trim().to_string())
}

/// The location of the key at `steps`, or the file when the text has no such key.
fn key_location(text: &str, path: &Path, steps: &[Step]) -> Location {
    match toml_span::offset(text, steps) {
        Some(at) => {
            let (line, col) = LineIndex::new(text).line_col(text, at);
            Location::at(path, line, col)
        }
        None => Location::file(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostic> {
        Config::parse(text, Path::new("config.toml"))
    }

    #[test]
    fn defaults_fill_missing_keys() {
        let config = parse("title = \"T\"\n[math]\noutput = \"html\"\n").unwrap();
        assert_eq!(config.title, "T");
        assert_eq!(config.math.output, MathOutput::Html);
        assert_eq!(config.highlight, HighlightConfig::default());
    }

    #[test]
    fn unknown_keys_are_errors_at_their_line() {
        let error = parse("title = \"T\"\n\n[math]\noutpt = \"html\"\n").unwrap_err();
        let text = error.to_string();
        assert!(text.starts_with("config.toml:4:1: error:"), "{text}");
        assert!(text.contains("unknown field `outpt`"), "{text}");
    }

    #[test]
    fn wrong_types_name_the_line() {
        let error = parse("title = 3\n").unwrap_err();
        assert!(error.to_string().starts_with("config.toml:1:9:"), "{error}");
    }

    #[test]
    fn validation_names_the_key() {
        let error = parse("title = \"T\"\nbase_url = \"ftp://x\"\n").unwrap_err();
        assert!(error.to_string().starts_with("config.toml:2:1:"), "{error}");
        let error = parse("[[nav]]\nname = \"x\"\nurl = \"javascript:alert(1)\"\n").unwrap_err();
        assert!(error.to_string().starts_with("config.toml:3:1:"), "{error}");
        let error = parse("[execute]\ntimeout = 0\n").unwrap_err();
        assert!(error.to_string().contains("execute.timeout"), "{error}");
    }

    #[test]
    fn validation_points_at_the_key_in_its_own_table() {
        // Both tables have a `timeout`; each error names its own line.
        let text = "[math]\ntimeout = 5\n\n[execute]\ntimeout = 0\n";
        assert!(
            parse(text)
                .unwrap_err()
                .to_string()
                .starts_with("config.toml:5:1:")
        );
        let text = "[math]\ntimeout = -1\n\n[execute]\ntimeout = 60\n";
        assert!(
            parse(text)
                .unwrap_err()
                .to_string()
                .starts_with("config.toml:2:1:")
        );
        // The second of two navigation links.
        let text = "[[nav]]\nname = \"a\"\nurl = \"/\"\n\n[[nav]]\nname = \"b\"\nurl = \"bad\"\n";
        assert!(
            parse(text)
                .unwrap_err()
                .to_string()
                .starts_with("config.toml:7:1:")
        );
        // A macro in its `[math.macros]` table.
        let text = "title = \"T\"\n\n[math.macros]\n\"R\" = \"x\"\n";
        let error = parse(text).unwrap_err().to_string();
        assert!(error.starts_with("config.toml:4:1:"), "{error}");
    }

    #[test]
    fn dependencies_are_kept_as_written() {
        let config = parse(
            "[execute.dependencies]\nburn = { version = \"0.22\", features = [\"ndarray\"] }\n",
        )
        .unwrap();
        assert!(config.execute.dependencies.contains_key("burn"));
    }

    #[test]
    fn the_edition_is_a_year_cargo_knows() {
        assert_eq!(parse("").unwrap().execute.edition, Edition::E2024);
        let config = parse("[execute]\nedition = \"2018\"\n").unwrap();
        assert_eq!(config.execute.edition, Edition::E2018);
        let error = parse("title = \"T\"\n[execute]\nedition = \"2019\"\n").unwrap_err();
        let text = error.to_string();
        assert!(text.starts_with("config.toml:3:11: error:"), "{text}");
        assert!(text.contains("2021"), "{text}");
    }
}
