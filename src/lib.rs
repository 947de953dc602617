//! kiln: turns a folder of Markdown lessons into a static site, compiling and running their Rust
//! code blocks, rendering their math with KaTeX and highlighting their code at build time.

pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub(crate) mod download;
pub mod edition;
pub(crate) mod escape;
pub mod execute;
pub(crate) mod figure;
pub(crate) mod highlight;
pub(crate) mod kvcache;
pub(crate) mod lock;
pub mod markdown;
pub(crate) mod math;
pub mod numbers;
pub mod output;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod site;
pub(crate) mod templates;
pub(crate) mod toml_span;
